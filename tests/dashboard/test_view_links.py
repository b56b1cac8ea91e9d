"""« Le lien de la page reproduit exactement cette vue »: a link holding the sidebar's filters
and a page's own choices (model, threshold, drill-down, campaign) opens that page in that
state, and the page writes its state back into the link."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.quality import warning_kind_options
from pipelines import metrics
from tests.conftest import ROOT, run_cli

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def open_link(page: str, **params: str) -> AppTest:
    """The app opened with these URL parameters, then shown on `page` (AppTest starts on the
    default page; the parameters are kept, as in a link to the page)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_campaigns_link_keeps_model_campaign_households_and_conversion(demo_env):
    at = open_link("app_pages/campaigns.py", periode="2023", modele="first_touch",
                   campagne="SALON-SIA-2023", foyers="credites", conversion="followed")
    assert at.selectbox(key="periode").value == "2023"
    assert at.radio(key="modele").value == "first_touch"
    assert at.selectbox(key="campagne_detail").value == "SALON-SIA-2023"
    assert [group.value for group in at.get("button_group")] == ["followed", False]
    assert any("crédités à cette campagne par le modèle « Premier contact »" in m.value
               for m in at.markdown)
    assert any(b.proto.id.endswith("foyers_SALON-SIA-2023.csv") for b in at.get("download_button"))
    assert at.query_params["modele"] == "first_touch"

    at.radio(key="modele").set_value("last_touch").run()
    assert at.query_params["modele"] == "last_touch"
    assert at.query_params["periode"] == "2023"  # the sidebar's filters stay beside it


def test_campaigns_link_with_an_unknown_model_falls_back_to_linear(demo_env):
    at = open_link("app_pages/campaigns.py", modele="n'importe quoi")
    assert at.radio(key="modele").value == "linear"


@pytest.fixture(scope="module")
def other_settings_build(demo_build, tmp_path_factory) -> Path:
    """The demo built with a 180-day window and a 14-day half-life (the dashboard's own
    process keeps the defaults: 365 and 30)."""
    curated = tmp_path_factory.mktemp("settings") / "curated"
    result = run_cli("build", "--raw", str(demo_build["raw"]), "--curated", str(curated),
                     env={"OMLOT_LOOKBACK_DAYS": "180", "OMLOT_HALF_LIFE_DAYS": "14"})
    assert result.returncode == 0, result.stderr
    return curated


def test_every_reader_says_the_attribution_settings_the_credits_follow_from(
        other_settings_build, monkeypatch):
    """The page's help and model names read OMLOT_LOOKBACK_DAYS and OMLOT_HALF_LIFE_DAYS of
    the dashboard's process while the credits used the build's: a committee read « 365 jours »
    and « demi-vie : 30 jours » over credits computed with 180 and 14. The build stores them;
    the page, the bilans and the command line say those."""
    from pipelines import config, report

    assert (config.LOOKBACK_DAYS, config.HALF_LIFE_DAYS) == (365, 30)
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(other_settings_build))
    at = open_link("app_pages/campaigns.py")
    radio = at.radio(key="modele")
    assert "180 jours" in radio.help and "14 jours" in radio.help
    assert "365" not in radio.help and "30 jours" not in radio.help
    assert "Dégressif (demi-vie : 14 jours)" in radio.options
    assert any("dans les 180 jours" in (m.help or "") for m in at.metric)

    with duckdb.connect(str(other_settings_build / config.DATABASE_NAME),
                        read_only=True) as con:
        document = json.dumps(report.programme_document(
            con, metrics.Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
            model="time_decay"), ensure_ascii=False)
        campaign = json.dumps(report.campaign_document(con, ["SALON-SIA-2023"]),
                              ensure_ascii=False)
    assert "dans les 180 jours avant son premier contact" in document
    assert "Dégressif (demi-vie : 14 jours)" in document and "365 jours" not in document
    assert "dans les 180 jours avant son premier contact" in campaign
    assert "365 jours" not in campaign


def test_a_window_of_one_day_reads_as_french_everywhere(demo_build, tmp_path, monkeypatch):
    """OMLOT_LOOKBACK_DAYS=1 is accepted: the help and the bilans said « dans les 1 jour »
    and « des 1 jour ». A one-day window counts the day itself and the day before: « la
    veille ou le jour même de son premier contact » (french.window_before), and the worked
    example stays inside it (« 1 jour avant », « le jour même »), not three contacts « 1 jour
    avant » that show no model's rule."""
    import shutil

    from pipelines import config, report

    curated = tmp_path / "curated"
    shutil.copytree(demo_build["curated"], curated)
    with duckdb.connect(str(curated / config.DATABASE_NAME)) as con:
        con.execute("update ref.attribution_settings set lookback_days = 1")
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = open_link("app_pages/campaigns.py")
    shown = at.radio(key="modele").help + " ".join(m.help or "" for m in at.metric)
    assert "touché la veille ou le jour même de son premier contact" in shown
    assert "la veille ou le jour même de l'installation (beaucoup" in shown
    assert "Exemple : un salon 1 jour avant, le site web le jour même, une lettre" in shown
    with duckdb.connect(str(curated / config.DATABASE_NAME), read_only=True) as con:
        document = json.dumps(report.programme_document(
            con, metrics.Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
            ensure_ascii=False)
        campaign = json.dumps(report.campaign_document(con, ["SALON-SIA-2023"]),
                              ensure_ascii=False)
    assert "la veille ou le jour même de son premier contact" in document
    assert "la veille ou le jour même de l'installation" in document
    assert "touché la veille ou le jour même de son premier contact" in campaign
    for text in (document, campaign, shown):
        assert not re.search(r"\b(les|des|du) 1 jour|jour précédant|dans le jour", text)


def test_a_refused_stalled_threshold_setting_is_said_beside_the_default(demo_env,
                                                                        monkeypatch):
    """OMLOT_STALLED_AFTER_DAYS=abc given to the dashboard's process: the build refuses it and
    the command line warns; the page proposed 90 days without a word. It says so."""
    from pipelines import config

    said = "n'est pas un nombre de jours valable"
    at = open_link("app_pages/network.py")
    assert not any(said in c.value for c in at.caption)
    monkeypatch.setitem(config.SETTING_ERRORS, "OMLOT_STALLED_AFTER_DAYS", "refusé")
    at = open_link("app_pages/network.py")
    assert at.number_input(key="reseau_seuil").value == 90
    assert any(said in c.value and "90 jours" in c.value for c in at.caption)


def test_a_stalled_threshold_default_past_ten_years_is_kept(demo_env, monkeypatch):
    """OMLOT_STALLED_AFTER_DAYS=5000 is a valid setting, past the widget's ten years: the
    page showed 0 and « sans nouvelles depuis plus de 0 jours »."""
    monkeypatch.setitem(metrics.DEFAULTS, "after_days", 5000)
    at = open_link("app_pages/network.py")
    assert at.number_input(key="reseau_seuil").value == 5000
    assert any("sans nouvelles depuis plus de 5\u202f000 jours" in m.value
               or "sans nouvelles depuis plus de 5 000 jours" in m.value for m in at.markdown)


def test_sources_link_keeps_the_drill_down(demo_env):
    at = open_link("app_pages/sources.py", detail_canal="salon",
                   detail_campagne="SALON-SIA-2023")
    assert at.selectbox(key="entonnoir_canal").value == "salon"
    assert at.selectbox(key="entonnoir_campagne_salon").value == "SALON-SIA-2023"
    assert any(b.proto.id.endswith("foyers_SALON-SIA-2023.csv") for b in at.get("download_button"))


def test_sources_link_keeps_households_without_campaign(demo_env):
    at = open_link("app_pages/sources.py", detail_canal="site_web", detail_campagne="(sans)")
    assert at.selectbox(key="entonnoir_campagne_site_web").value == ""
    assert at.query_params["detail_campagne"] == "(sans)"


def test_territory_link_keeps_what_the_origins_count(demo_env):
    at = open_link("app_pages/territory.py", origine="installed")
    assert at.radio(key="origine_mesure").value == "installed"
    assert "Premières origines (foyers installés)" in [s.value for s in at.subheader]


def test_overview_link_keeps_the_comparison(demo_env):
    at = open_link("app_pages/overview.py", periode="ete-2023", comparaison="previous_period")
    assert any("la période précédente de même durée" in c.value for c in at.caption)


def test_the_guide_is_a_page_of_the_app_rendered_offline(demo_env):
    at = open_link("app_pages/guide.py")
    text = "\n".join(m.value for m in at.markdown)
    assert "Partager une vue par son lien" in text and "pipelines/channels.toml" in text
    assert "http" not in text


def test_quality_link_keeps_the_rejects_source_file_and_warning_kinds(demo_env):
    at = open_link("app_pages/quality.py", rejets_source="prospects",
                   rejets_fichier="prospects_crm_2023-2024.csv", avertissements="fusion")
    assert at.selectbox(key="rejets_source").value == "prospects"
    assert at.selectbox(key="rejets_fichier").value == "prospects_crm_2023-2024.csv"
    assert at.multiselect(key="avertissements_types").value == ["fusion"]
    rejects = next(df.value for df in at.dataframe if "Motif" in df.value.columns)
    assert set(rejects["Fichier"]) == {"prospects_crm_2023-2024.csv"}
    warnings = next(df.value for df in at.dataframe if "Message" in df.value.columns)
    assert set(warnings["Type"]) == {"Fusion de prospects"}
    assert any(b.proto.id.endswith("qualite_rejets.csv") for b in at.get("download_button"))

    # another source: its file choice is dropped, from the page and from the link
    at.selectbox(key="rejets_source").set_value("installations").run()
    assert at.selectbox(key="rejets_fichier").value is None
    assert at.query_params["rejets_source"] == "installations"
    assert "rejets_fichier" not in at.query_params
    at.multiselect(key="avertissements_types").set_value([]).run()
    assert at.query_params["avertissements"] == ""
    every_kind = list(warning_kind_options(at.session_state["version"]))
    at.multiselect(key="avertissements_types").set_value(every_kind).run()
    assert "avertissements" not in at.query_params
    assert at.query_params["rejets_source"] == "installations"  # the page's state stays


def test_quality_link_with_an_unknown_file_shows_every_file_of_the_source(demo_env):
    at = open_link("app_pages/quality.py", rejets_source="prospects", rejets_fichier="autre.csv",
                   avertissements="")
    assert at.selectbox(key="rejets_fichier").value is None
    assert at.multiselect(key="avertissements_types").value == []


def test_a_link_with_a_date_that_is_no_date_says_so_instead_of_showing_another_period(
        demo_env):
    """du=2023-13-01 used to become the first day of the data without a word: the field holds
    what the link said, and the period is refused with its reason, in the sidebar and page."""
    at = open_link("app_pages/overview.py", periode="perso", du="2023-13-01", au="2023-12-31")
    assert at.sidebar.text_input(key="du").value == "2023-13-01"
    # (the value is escaped as Markdown: « 2023\\-13\\-01 » shows as typed)
    assert "Date non reconnue : « 2023-13-01 »" in at.sidebar.error[0].value.replace("\\", "")
    assert at.error and "Date non reconnue" in at.error[0].value
    assert not at.metric  # no figure of another period
    # and the link keeps the date as typed: reopened or shared, it is refused again, never
    # turned into the data's first day
    assert at.query_params["du"] == "2023-13-01"
    good = open_link("app_pages/overview.py", periode="perso", du="2023-07-01", au="2023-12-31")
    assert good.sidebar.text_input(key="du").value == "01/07/2023"
    assert not good.sidebar.error


def test_a_link_with_dates_alone_shows_that_period(demo_env):
    """du=…&au=… without « periode » showed the whole programme without a word."""
    at = open_link("app_pages/overview.py", du="2023-06-01", au="2023-09-30")
    assert at.sidebar.selectbox(key="periode").value == "perso"
    assert at.sidebar.text_input(key="du").value == "01/06/2023"
    assert at.sidebar.text_input(key="au").value == "30/09/2023"
    assert at.query_params["periode"] == "perso" and at.query_params["au"] == "2023-09-30"
    whole = open_link("app_pages/overview.py")
    count = lambda at: int(at.metric[0].value.replace("\u202f", ""))  # noqa: E731
    assert 0 < count(at) < count(whole)  # a summer's first contacts, not the programme's


def test_a_link_with_an_unknown_period_says_it_shows_the_whole_programme(demo_env):
    at = open_link("app_pages/overview.py", periode="2031")
    assert at.sidebar.selectbox(key="periode").value == "tout"
    assert "La période du lien (« 2031 ») n'existe pas" in at.sidebar.warning[0].value
    # on the page too: a phone folds the sidebar away
    assert any("La période du lien" in w.value for w in at.main.warning)
    at.sidebar.selectbox(key="periode").set_value("2023").run()
    assert not at.sidebar.warning  # said until the viewer picks a period
    assert not open_link("app_pages/overview.py", periode="2023").sidebar.warning


def test_a_link_naming_a_channel_the_data_do_not_have_says_it_is_ignored(demo_env):
    at = open_link("app_pages/overview.py", canaux="salon,xyz")
    assert at.sidebar.multiselect(key="canaux").value == ["salon"]
    assert "canal « xyz » (ignoré)" in at.sidebar.warning[0].value
    assert any("canal « xyz »" in w.value for w in at.main.warning)
    at.sidebar.multiselect(key="canaux").set_value(["salon", "site_web"]).run()
    assert not at.sidebar.warning  # said until the viewer changes the choice
    assert not open_link("app_pages/overview.py", canaux="salon").sidebar.warning


def test_a_database_built_before_the_settings_were_stored_still_opens(demo_build, tmp_path,
                                                                       monkeypatch):
    """Every page's sidebar asks the settings: on a database published by the version before
    (no ref.attribution_settings) each page failed until a rebuild."""
    import shutil

    from pipelines import report

    curated = tmp_path / "curated"
    shutil.copytree(demo_build["curated"], curated)
    with duckdb.connect(str(curated / "lot.duckdb")) as con:
        con.execute("drop table ref.attribution_settings")
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = open_link("app_pages/campaigns.py")
    assert "dans les 365 jours" in at.radio(key="modele").help
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con, \
            pytest.raises(report.ReportError, match="relancez la construction"):
        report.programme_document(con, metrics.Filters())


def test_a_link_to_a_campaign_no_dossier_names_selects_it(demo_build, tmp_path, monkeypatch):
    """A campaign of the export that no household's dossier names was « ce que ces données
    n'ont pas (ignoré) » in a link, while Campagnes listed it with its budget: it is a choice
    of the filter (after those the dossiers name), and Campagnes shows its budget alone."""
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    (raw / "campagnes_complement.csv").write_text(
        "Code campagne;Libellé;Canal;Date début;Date fin;Budget (€)\n"
        "VIDE-2024;Campagne sans foyer;Presse;01/11/2024;30/11/2024;500\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = open_link("app_pages/campaigns.py", campagnes="VIDE-2024")
    assert not at.warning, [w.value for w in at.warning]
    assert at.sidebar.multiselect[1].value == ["VIDE-2024"]
    assert at.sidebar.multiselect[1].options[-1].startswith("Campagne sans foyer")
    assert next(m.value for m in at.metric
                if m.label == "Budget des campagnes (sélection)") == "500\u00a0€"
