"""The Territoire and Qualité des données pages under streamlit's AppTest: they run with every
widget exercised, their figures equal independent counts (`kpis --json`), a commune or EPCI with
1 or 2 installed households is never shown with its exact figure, and a bad row or a failed
build shows up on the quality page."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt, quality
from pipelines import metrics
from pipelines.metrics import Filters
from tests.conftest import ROOT, kpis, run_cli

APP = str(ROOT / "dashboard" / "app.py")
TERRITORY = "app_pages/territory.py"
QUALITY = "app_pages/quality.py"
OVERVIEW = "app_pages/overview.py"


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _page(page: str) -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=60))
    return _run(at.switch_page(page))


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _table(at: AppTest, column: str):
    """The first table of the page that has this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _figures(at: AppTest) -> list[dict]:
    """The plotly figures of the page, as the browser receives them (with their config)."""
    return [{**json.loads(chart.proto.spec), "config": json.loads(chart.proto.config)}
            for chart in at.get("plotly_chart")]


def _ask(demo_build, name: str, filters: Filters):
    """The metrics layer's answer, on its own connection to the demo database."""
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        return metrics.ask(con, name, filters)


# --- Territoire ----------------------------------------------------------------------------

def test_territory_page_runs_with_every_widget(demo_env):
    at = _page(TERRITORY)
    assert not at.error
    assert len(_figures(at)) == 4
    at.radio(key="origine_mesure").set_value("installed")
    _run(at)
    assert "Premières origines (foyers installés)" in [s.value for s in at.subheader]
    at.sidebar.selectbox[0].set_value("2022")
    _run(at)
    at.sidebar.multiselect[0].set_value(["sante", "presse"])
    _run(at)
    assert not at.error


def test_territory_page_on_an_empty_selection(demo_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(periode="perso", du="2010-01-01", au="2010-12-31")
    _run(at)
    _run(at.switch_page(TERRITORY))
    assert _metric(at, "Foyers installés") == "0"
    assert _metric(at, "Intercommunalité en tête") == "–"
    # no empty table (Streamlit's reads « empty ») nor blank maps: the page says why
    assert not any("Code commune" in df.value.columns for df in at.dataframe)
    assert not at.get("plotly_chart")
    assert at.info[0].value.startswith("Aucun foyer dont le premier contact tombe")
    # Entonnoir likewise (a chart of zeros, « 0 foyers suivis, accompagnés – »)
    _run(at.switch_page("app_pages/sources.py"))
    assert not at.get("plotly_chart") and not at.dataframe
    assert at.info[0].value == "Aucun foyer dont le premier contact tombe dans cette sélection."


def test_installed_households_by_commune_sum_to_installed(demo_env):
    figures = kpis(demo_env["curated"])
    at = _page(TERRITORY)
    assert _metric(at, "Foyers installés") == fmt.number(figures["installed"]) == "130"
    assert int(_ask(demo_env, "installed_by_commune", Filters())["households"].sum()) == 130
    epci = _ask(demo_env, "installed_by_epci", Filters())
    communes = _ask(demo_env, "installed_by_commune", Filters())
    in_lot = communes[communes["commune_code"].notna()]
    assert int(epci["households"].sum()) == int(in_lot["households"].sum())


def test_channel_filter_applies_to_the_territory_page(demo_env):
    figures = kpis(demo_env["curated"])
    at = _page(TERRITORY)
    at.sidebar.multiselect[0].set_value(["tourisme"])
    _run(at)
    installed = figures["installed_by_channel"]["tourisme"]
    assert _metric(at, "Foyers installés") == fmt.number(installed)
    communes = _ask(demo_env, "installed_by_commune", Filters(channels=("tourisme",)))
    assert int(communes["households"].sum()) == installed


def test_a_leading_intercommunality_too_small_to_show_says_why(demo_env):
    """The summer 2023 campaign's 20 installed households, each intercommunality's too few to
    show: « Intercommunalité en tête » was a bare « – », without a word."""
    at = _page(TERRITORY)
    at.sidebar.multiselect[1].set_value(["TOUR-ETE-2023"])
    _run(at)
    card = next(m for m in at.metric if m.label == "Intercommunalité en tête")
    assert int(_metric(at, "Foyers installés")) > 0
    # (« masquée », the intercommunality: « masqué » did not agree with the card's noun)
    assert card.value == "masquée" and "secret statistique" in card.help


def test_origins_count_every_followed_household(demo_env):
    figures = kpis(demo_env["curated"])
    origins = _table(_page(TERRITORY), "Foyers suivis")
    assert int(origins["Foyers suivis"].sum()) == figures["followed"]
    assert int(origins["Foyers installés"].sum()) == figures["installed"]
    assert "Étranger" in set(origins["Origine"])


@pytest.mark.parametrize("period", ["tout", "2021"])
def test_communes_with_fewer_than_3_households_are_not_shown_exactly(demo_env, period):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = period
    _run(at)
    _run(at.switch_page(TERRITORY))
    filters = Filters(*(() if period == "tout" else
                        (__import__("datetime").date(2021, 1, 1),
                         __import__("datetime").date(2021, 12, 31))))
    exact = _ask(demo_env, "installed_by_commune", filters)
    small = exact[(exact["households"] > 0) & (exact["households"] < 3)
                  & exact["commune_code"].notna()]
    assert len(small) > 0
    table = _table(at, "Code commune").set_index("Code commune")
    # (or « masqué », with every commune of a small intercommunality: the test below)
    assert (table.loc[small["commune_code"], "Foyers installés"] == "1 à 2").sum() >= 3
    for code in small["commune_code"]:
        assert table.loc[code, "Foyers installés"] in ("1 à 2", "masqué")
    shown = set(table["Foyers installés"])
    assert not shown & {"1", "2"}
    epci = _table(at, "SIREN")
    assert not set(epci["Foyers installés"]) & {"1", "2"}
    communes_map, epci_map = _figures(at)[:2]
    hover = dict(zip(communes_map["data"][0]["locations"], communes_map["data"][0]["text"],
                     strict=True))
    for code in small["commune_code"]:
        assert ("Foyers installés : 1 à 2<" in hover[code]
                or "Foyers installés : masqué<" in hover[code])
    texts = " ".join(communes_map["data"][0]["text"] + epci_map["data"][0]["text"])
    assert "Foyers installés : 1<" not in texts and "Foyers installés : 2<" not in texts
    assert not texts.endswith(("Foyers installés : 1", "Foyers installés : 2"))


def test_an_intercommunality_with_masked_households_hides_its_communes_count_too(demo_env):
    """« 2 » communes with an installation beside « 1 à 2 » foyers tells that they are two:
    the count of communes is masked with the households, on screen, in the download and in
    the map's hover (the demo has such an intercommunality over the whole programme)."""
    from dashboard import masking, tables
    exact = _ask(demo_env, "installed_by_epci", Filters())
    small = exact[(exact["households"] > 0) & (exact["households"] < 3)]
    assert (small["communes_installed"] == 2).any()  # the case that told the exact count
    at = _page(TERRITORY)
    table = _table(at, "SIREN").set_index("SIREN")
    download = tables.epci_download(masking.with_classes(exact)).set_index("SIREN")
    for code in small["epci_code"]:
        assert table.loc[code, "Communes avec installation"] == "1 à 2"
        assert pd.isna(download.loc[code, "Communes avec installation"])
        assert download.loc[code, "Effectif masqué"] == "1 à 2"
    shown = exact[table.loc[exact["epci_code"], "Foyers installés"].str[0].str.isdigit().values
                  & (exact["households"] >= 3).values]
    assert len(shown) >= 3
    assert (table.loc[shown["epci_code"], "Communes avec installation"]
            == [str(n) for n in shown["communes_installed"]]).all()
    hover = dict(zip(_figures(at)[1]["data"][0]["locations"], _figures(at)[1]["data"][0]["text"],
                     strict=True))
    for code in small["epci_code"]:
        # (« 1 à 2 commune(s) », « masqué commune(s) »: the words agree, a masked count is
        # said as such)
        assert "Communes avec installation : 1 à 2 (sur " in hover[code], hover[code]


@pytest.mark.parametrize("period", ["tout", "2021"])
def test_no_masked_figure_can_be_recovered_by_subtraction(demo_env, period):
    """An intercommunality's figure is the sum of its communes', and the intercommunalities
    (or the communes) plus the households installed elsewhere make the « Foyers installés »
    card: a masked figure alone on such a line, or pinned by the others, would be given back
    by subtraction. Read from the page as shown: « 1 à 2 » is 1 or 2; « masqué » at least 3,
    or anything from 0 where all the communes of an intercommunality are listed « masqué »
    (masked with their presence)."""
    from pipelines.report import disclosure
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = period
    _run(at)
    _run(at.switch_page(TERRITORY))
    communes = _table(at, "Code commune")
    epci = _table(at, "SIREN")
    total = int(_metric(at, "Foyers installés").replace("\u202f", ""))
    filters = Filters(*(() if period == "tout" else
                        (__import__("datetime").date(2021, 1, 1),
                         __import__("datetime").date(2021, 12, 31))))
    exact = _ask(demo_env, "installed_by_commune", filters)
    elsewhere = int(exact.loc[exact["commune_code"].isna(), "households"].sum())
    # an intercommunality whose communes are all listed and all « masqué » had them masked
    # with their presence (any of them may be 0); a lone « masqué » is at least 3
    sizes = dict(zip(epci["Intercommunalité"], epci["Communes du Lot"], strict=True))
    listed = communes[communes["Code commune"] != "–"].groupby("Intercommunalité")
    blanked = {name for name, rows in listed
               if len(rows) == sizes[name] and (rows["Foyers installés"] == "masqué").all()}
    values, states = {}, {}

    def read(key, text, blank=False):
        text = str(text)
        states[key] = (disclosure.SMALL if text == "1 à 2"
                       else disclosure.BLANKED if text == "masqué" and blank
                       else disclosure.SECONDARY if text == "masqué" else disclosure.SHOWN)
        values[key] = float(text.replace("\u202f", "")) if states[key] == "shown" else 0.0

    for code, name, text in zip(communes["Code commune"], communes["Intercommunalité"],
                                communes["Foyers installés"], strict=True):
        if code != "–":
            read(("commune", code), text, name in blanked)
    names = dict(zip(exact["commune_code"], exact["epci_name"], strict=True))
    lines = []
    for code, name, text in zip(epci["SIREN"], epci["Intercommunalité"], epci["Foyers installés"],
                                strict=True):
        read(("epci", code), text)
        lines.append(disclosure.Line([k for k in values if k[0] == "commune"
                                      and names.get(k[1]) == name], ("epci", code)))
    # the households installed elsewhere, as the page's note says them (none: no note)
    note = next((c.value for c in at.caption if "dans une commune absente" in c.value), None)
    read("elsewhere", re.split(" foyers? installés? dans une commune absente", note)[0]
         .split(". ")[-1] if note else "0")
    assert (elsewhere > 0) == (note is not None)
    states["total"], values["total"] = disclosure.SHOWN, float(total)
    lines.append(disclosure.Line([k for k in values if k[0] == "epci"] + ["elsewhere"], "total"))
    lines.append(disclosure.Line([k for k in values if k[0] == "commune"] + ["elsewhere"],
                                 "total"))
    assert any(state == "secondary" for state in states.values())
    assert len(lines) >= 5
    for line in lines:
        assert not disclosure.exposed(line, values, states, 3), line
    # and read together (an intercommunality's communes bound it, which bounds the others in
    # the line of the card): no masked figure pinned either
    known = disclosure.joint_bounds(lines, values, states, 3)
    pinned = {key: known[key] for key in known
              if states[key] != "shown" and known[key][1] - known[key][0] < 1}
    assert not pinned


def test_a_small_intercommunality_does_not_tell_which_communes_have_one_household(demo_env):
    """An intercommunality of « 1 à 2 » households whose two communes were each « 1 à 2 »
    told that each had exactly one (the demo's CC Cazals-Salviac over the whole programme):
    all its communes are « masqué », those without an installation too, listed in the table
    and its download and grey on the map, so that none is told apart."""
    from dashboard import masking, tables
    exact = _ask(demo_env, "installed_by_commune", Filters())
    by_epci = _ask(demo_env, "installed_by_epci", Filters())
    case = by_epci[(by_epci["households"] == 2) & (by_epci["communes_installed"] == 2)]
    assert len(case) >= 1
    name = case["epci_name"].iloc[0]
    members = exact[exact["epci_name"] == name]
    assert (members["households"] == 0).any()
    at = _page(TERRITORY)
    table = _table(at, "Code commune").set_index("Code commune")
    for code in members["commune_code"]:
        assert table.loc[code, "Foyers installés"] == "masqué"
    # the card counts the communes it can tell apart (the exact count, beside the table's
    # rows, told how many of the small intercommunality's communes have one)
    told = int(((exact["households"] > 0) & exact["commune_code"].notna()
                & (exact["epci_name"] != name)).sum())
    assert _metric(at, "Communes d'installation") == f"≥\u00a0{told} sur 312"
    # no table sends the browser an index of its own (hidden on screen, it is in the data:
    # the metric's row order told which masked communes have an installation)
    for frame in (df.value for df in at.dataframe):
        assert list(frame.index) == list(range(len(frame)))
    # listed by name, not by their figures (which told the ones with an installation first)
    listed = [code for code in table.index if code in set(members["commune_code"])]
    assert listed == list(members.sort_values("name_order")["commune_code"])
    assert listed != list(members.sort_values("households", ascending=False,
                                              kind="stable")["commune_code"])
    download = tables.communes_download(masking.protect(
        exact, by_epci, int(exact["households"].sum()),
        int(exact.loc[exact["commune_code"].isna(), "households"].sum()))[0])
    download = download.set_index("Code commune")
    assert download.loc[members["commune_code"], "Foyers installés"].isna().all()
    assert (download.loc[members["commune_code"], "Effectif masqué"] == "masqué").all()
    protected = masking.protect(exact, by_epci, int(exact["households"].sum()),
                                int(exact.loc[exact["commune_code"].isna(),
                                              "households"].sum()))[0]
    protected = protected.set_index("commune_code")
    assert (protected.loc[members["commune_code"], "count_class"] == masking.MASKED_CLASS).all()
    hover = dict(zip(_figures(at)[0]["data"][0]["locations"], _figures(at)[0]["data"][0]["text"],
                     strict=True))
    for code in members["commune_code"]:
        assert "Foyers installés : masqué<" in hover[code]
    # elsewhere, a commune without an installation is still « aucun » and not listed
    others = exact[(exact["epci_name"] != name) & (exact["households"] == 0)]
    assert all("Aucun foyer installé" in hover[code] for code in others["commune_code"])
    assert not set(others["commune_code"]) & set(table.index)


def _territory_link(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    _run(at)
    return _run(at.switch_page(TERRITORY))


def test_the_leading_intercommunality_names_every_tie_and_never_a_masked_one(demo_env):
    """The salon channel's households: Cauvaldor and Grand Cahors have 6 each (and the masked
    Grand-Figeac too): Cauvaldor was named alone. Both are named, « à égalité », among the
    figures shown; the masked one is neither named nor said to tie."""
    exact = _ask(demo_env, "installed_by_epci", Filters(channels=("salon",)))
    most = exact[exact["households"] == exact["households"].max()]
    assert len(most) == 3  # the case: two shown, one masked
    at = _territory_link(canaux="salon")
    card = next(m for m in at.metric if m.label == "Intercommunalité en tête")
    assert card.value == "Cauvaldor et Grand Cahors"
    assert "6 foyers installés chacune, à égalité" in card.help
    assert "dont le chiffre est affiché" in card.help
    assert "Grand-Figeac" not in card.value + card.help


def test_a_selection_too_small_to_place_says_why_its_maps_are_grey(demo_env):
    """2021 and the salon channel: three households in three communes, every place masked:
    two grey maps said nothing of why."""
    at = _territory_link(periode="2021", canaux="salon")
    assert any("Trop peu de foyers installés" in info.value for info in at.info)
    # (« 3 sur 312 » beside three households told one in each commune)
    assert _metric(at, "Communes d'installation") == "masqué"
    # the three origins tied at the top are all said, none picked
    origin = next(m for m in at.metric if m.label == "Première origine")
    assert origin.value == "3 à égalité" and "Loire-Atlantique" in origin.help.replace("\\", "")
    assert all(text == "masqué" for text in _table(at, "Code commune")["Foyers installés"])
    assert not _page(TERRITORY).info  # the whole programme places its households
    captions = " ".join(c.value for c in at.caption)
    assert "« masqué » : chiffre caché" in captions


def test_maps_use_the_local_topojson_and_credit_their_sources(demo_env):
    at = _page(TERRITORY)
    for figure in _figures(at)[:3]:
        assert figure["config"]["topojsonURL"] == "app/static/plotly-topojson/"
    assert (ROOT / "dashboard" / "static" / "plotly-topojson" / "world_110m.json").exists()
    assert any("Licence Ouverte Etalab" in c.value for c in at.caption)


# --- Qualité des données -------------------------------------------------------------------

def test_quality_page_shows_every_reject_of_kpis_json(demo_env):
    rows = kpis(demo_env["curated"])["rows"]
    at = _page(QUALITY)
    assert not at.error
    rejected = sum(source["rejected"] for source in rows.values())
    assert _metric(at, "Lignes rejetées") == fmt.number(rejected)
    assert len(_table(at, "Motif")) == rejected
    files = _table(at, "SHA-256 (début)")
    assert int(files["Lues"].sum()) == sum(source["read"] for source in rows.values())
    assert files["Lues = acceptées + rejetées + doublons"].str.startswith("✓").all()
    assert files["SHA-256 (début)"].str.len().eq(12).all()
    assert "Dernière construction réussie" in at.success[0].value


def test_quality_check_marks_are_the_metrics_layers(demo_build, tmp_path, monkeypatch):
    """✓/✗ on the page is metric `files`' and `source_rows`' is_reconciled, row for row: a
    copy of the demo whose counts no longer add up (altered after its build) shows ✗ there
    and only there."""
    curated = tmp_path / "curated"
    shutil.copytree(demo_build["curated"], curated)
    with duckdb.connect(str(curated / demo_build["database"].name)) as con:
        con.execute("update quality.files set read = read + 1 where file = ?",
                    ["installations.xlsx"])
        con.execute("update quality.sources set duplicates = duplicates + 2 "
                    "where source = 'touches'")
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = _page(QUALITY)
    with duckdb.connect(str(curated / demo_build["database"].name), read_only=True) as con:
        files = metrics.ask(con, "files")
        sources = metrics.ask(con, "source_rows")
    assert list(files.loc[~files["is_reconciled"], "file"]) == ["installations.xlsx"]
    assert list(sources.loc[~sources["is_reconciled"], "source"]) == ["touches"]
    column = "Lues = acceptées + rejetées + doublons"
    shown_files = _table(at, "SHA-256 (début)")
    assert list(shown_files["Fichier"]) == list(files["file"])
    assert [mark.startswith("✓") for mark in shown_files[column]] == list(files["is_reconciled"])
    assert [mark.startswith("✗") for mark in shown_files[column]] == list(~files["is_reconciled"])
    shown_sources = _table(at, "Fichiers")
    assert [mark.startswith("✓") for mark in shown_sources[column]] == list(
        sources["is_reconciled"])
    assert [mark.startswith("✗") for mark in shown_sources[column]] == list(
        ~sources["is_reconciled"])


def test_quality_filters_narrow_rejects_and_warnings(demo_env):
    rows = kpis(demo_env["curated"])["rows"]
    at = _page(QUALITY)
    at.selectbox(key="rejets_source").set_value("installations")
    _run(at)
    rejects = _table(at, "Motif")
    assert len(rejects) == rows["installations"]["rejected"]
    assert set(rejects["Source"]) == {"Installations"}
    at.selectbox(key="rejets_source").set_value("prospects")
    _run(at)
    at.selectbox(key="rejets_fichier").set_value("prospects_crm_2023-2024.csv")
    _run(at)
    rejects = _table(at, "Motif")
    assert list(rejects["Fichier"]) == ["prospects_crm_2023-2024.csv"]
    at.selectbox(key="rejets_source").set_value("campaigns")
    _run(at)
    assert any("Aucune ligne rejetée" in i.value for i in at.info)
    at.multiselect(key="avertissements_types").set_value(["fusion"])
    _run(at)
    warnings = _table(at, "Message")
    assert len(warnings) == rows["prospects"]["merged"]
    assert set(warnings["Type"]) == {"Fusion de prospects"}
    at.multiselect(key="avertissements_types").set_value(["canal_inconnu"])
    _run(at)
    assert set(_table(at, "Message")["Valeur"]) == {"Foire de Brive", "Salon du chiot"}
    assert any("pipelines/channels.toml" in w.value for w in at.warning)


def test_overview_links_its_rejects_banner_to_the_quality_page(demo_env):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    links = at.get("page_link")
    assert any(link.proto.label == "Voir la qualité des données" for link in links)


def test_bad_row_then_failed_build_on_the_quality_page(demo_build, tmp_path, monkeypatch):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    (raw / "installations_complement.csv").write_text(
        "ID installation;ID prospect;Date d'installation;Code commune\n"
        "INS-9001;OML-2020-0024;31/02/2023;46042\n", encoding="utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    rejected = sum(source["rejected"] for source in kpis(curated)["rows"].values())
    at = _page(QUALITY)
    rejects = _table(at, "Motif")
    assert len(rejects) == rejected == 6
    bad = rejects[rejects["Fichier"] == "installations_complement.csv"]
    assert list(bad["Valeur"]) == ["31/02/2023"] and list(bad["Ligne"]) == [2]
    assert list(bad["Motif"]) == ["date invalide"]

    (raw / "prospects_sans_date.csv").write_text(
        "ID prospect;Canal\nOML-2099-0001;Salon\n", encoding="utf-8")
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 1
    at = _page(QUALITY)
    assert "La dernière construction a échoué" in at.error[0].value
    assert "prospects_sans_date.csv" in at.code[0].value
    # (wrapped, « Horodatage » lost its « to the line before: the guillemets hold their words)
    assert "«\u00a0Date de premier contact\u00a0»" in at.code[0].value
    assert "« " not in at.code[0].value and " »" not in at.code[0].value
    assert " :" not in at.code[0].value  # (« : déposez » began a line of the PDF's message)
    assert len(_table(at, "Motif")) == 6  # the last good database is still shown
    # every other page says it too, in a line (Entonnoir said nothing of it)
    for page in (TERRITORY, "app_pages/sources.py", "app_pages/campaigns.py"):
        shown = _page(page)
        assert any("La dernière construction a échoué" in w.value for w in shown.warning)
    assert not any("La dernière construction a échoué" in w.value
                   for w in _page(QUALITY).warning)  # (its own error says it at length)
    # the overview says why, the file's message last (it read « … « Canal ». — les chiffres »)
    [banner] = _page(OVERVIEW).error
    shown = banner.value.replace("\\", "")  # (the message escaped for Markdown)
    assert "dernière base valide. Cause : " in shown, shown
    assert "prospects_sans_date.csv" in shown and ". —" not in shown


def test_places_of_one_class_are_in_french_alphabetical_order(demo_build):
    """« Cœur de Causse » came after « Cuzac » (ordered without accents, but the ligature œ
    sorted after every letter): French order, as a reader looks a commune up."""
    communes = _ask(demo_build, "installed_by_commune", Filters())
    names = list(communes.loc[communes["households"].between(1, 2), "commune_name"])
    assert {"Cœur de Causse", "Cuzac"} <= set(names)
    assert names.index("Cœur de Causse") < names.index("Cuzac")


def test_the_origins_hover_says_a_count_in_french(demo_env):
    """« 0 foyers suivis » on the origins map: in French 0 and 1 take the singular."""
    from dashboard import fmt
    assert [fmt.counted(n, "foyer suivi", "foyers suivis") for n in (0, 1, 2, 1234)] == [
        "0 foyer suivi", "1 foyer suivi", "2 foyers suivis", "1\u202f234 foyers suivis"]
    origins_map = next(f for f in _figures(_page(TERRITORY))
                       if f["data"][0].get("featureidkey") == "properties.code"
                       and "departements" in str(f["data"][0].get("geojson")))
    texts = origins_map["data"][0]["text"]
    assert any("<br>0 foyer suivi ·" in text for text in texts)
    assert not any("<br>0 foyers" in text or "<br>1 foyers" in text for text in texts)


def test_a_small_intercommunality_is_never_named_first(demo_env):
    """2024, entreprise: « Cauvaldor » named first with « 1 à 2 » told it is 2 and the other
    « 1 à 2 » ones 1. Under 3 households none is named."""
    exact = _ask(demo_env, "installed_by_epci", Filters(*metrics.year_period(2024),
                                                        channels=("entreprise",)))
    assert 0 < exact["households"].max() < 3 and (exact["households"] > 0).sum() > 1
    at = _territory_link(periode="2024", canaux="entreprise")
    assert _metric(at, "Intercommunalité en tête") == "masquée"  # (why: in its help)


def test_households_installed_elsewhere_are_said_masked_even_when_none(demo_env):
    """The note on households installed outside the Lot appeared only when there were some:
    masked with its presence, its absence still told « none ». It is said « masqué » whenever
    the figure is masked, and the communes table's row of them says the same."""
    from dashboard import masking
    found = None
    for year in (2020, 2021, 2022, 2023, 2024):
        for channel in ("salon", "site_web", "tourisme", "sante", "ambassadeur", "entreprise",
                        "digital", "presse"):
            filters = Filters(*metrics.year_period(year), channels=(channel,))
            summary = _ask(demo_env, "territory_summary", filters).iloc[0]
            state = masking.protect(_ask(demo_env, "installed_by_commune", filters),
                                    _ask(demo_env, "installed_by_epci", filters),
                                    summary["installed"], summary["installed_elsewhere"])[2]
            if state in masking.HIDDEN and summary["installed_elsewhere"] == 0:
                found = (year, channel)
                break
        if found:
            break
    assert found  # the case exists in the demo
    at = _territory_link(periode=str(found[0]), canaux=found[1])
    # (it read « masqué foyers installés dans une commune absente … »)
    assert any("Foyers installés dans une commune absente du référentiel du Lot : nombre "
               "masqué (il peut être nul)" in c.value for c in at.caption)
    assert not any("masqué foyers" in c.value for c in at.caption)


def test_an_optional_column_a_file_lacks_is_said_on_the_quality_page(demo_build, tmp_path,
                                                                      monkeypatch):
    """A campaigns export of « Code campagne;Nom » was published without a word: its
    campaigns had no channel, dates nor budget. Each optional column of the contract that a
    header lacks is a warning, labelled in French (a kind the page did not know was shown as
    its code)."""
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    (raw / "campagnes_complement.csv").write_text(
        "Code campagne;Nom\nSALON-NOUVEAU;Salon nouveau\n", encoding="utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    warnings = _table(_page(QUALITY), "Message")
    absent = warnings[warnings["Type"] == "Colonne absente"]
    assert list(absent["Fichier"]) == ["campagnes_complement.csv"] * 4
    assert sorted(absent["Colonne"]) == ["Budget (€)", "Canal", "Date début", "Date fin"]
    assert set(absent["Source"]) == {"Campagnes"}
    assert set(warnings["Type"]) <= {label for label, _ in quality.WARNING_KINDS.values()}


def test_an_objective_nothing_will_be_compared_with_is_on_the_quality_page(tmp_path,
                                                                         monkeypatch):
    """An objective for a campaign no export knows, or for a year of no data, was said only in
    the build's terminal lines, which scroll past in `make run`: the quality page, where the
    officer looks, lists it with what to do."""
    (tmp_path / "objectifs.toml").write_text(
        "[targets.2023.campaigns.TOUR-ETE-2O23]\nfollowed = 70\n"
        "[targets.2204]\nfollowed = 5\ninstalled = 2\n", "utf-8")
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    raw.mkdir()
    (raw / "prospects.csv").write_text("ID prospect;Date de premier contact\n"
                                       "P1;2023-03-01\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated),
                   env={"OMLOT_TARGETS_FILE": str(tmp_path / "objectifs.toml")}).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = _page(QUALITY)
    warnings = _table(at, "Message")
    objectives = warnings[warnings["Type"] == "Objectif sans données"]
    assert list(objectives["Valeur"]) == ["2204", "TOUR-ETE-2O23"]
    assert list(objectives["Fichier"]) == ["objectifs.toml"] * 2
    assert list(objectives["Colonne"]) == ["[targets]", "[targets.2023.campaigns]"]
    assert list(objectives["Occurrences"]) == [2, 1]
    assert "targets.toml" in quality.WARNING_KINDS["objectif"][1]


def test_every_warning_kind_the_build_writes_has_a_french_label():
    written = set(re.findall(r"'([a-z_]+)' as kind", (ROOT / "pipelines" / "sql" / "quality"
                                                     / "warnings.sql").read_text("utf-8")))
    assert "colonne_absente" in written and written <= set(quality.WARNING_KINDS)


def test_a_date_given_as_a_number_says_what_to_do_in_the_spreadsheet():
    """« Attendu » repeated the text date formats to an officer whose cells were numbers; and
    the reason was long enough to be cut at 1280 px."""
    assert "format Date" in quality.expected("date invalide : un nombre, pas une date")
    assert quality.expected("date invalide").startswith("une date réelle")


def test_the_channels_toml_example_is_never_a_formula_nor_a_masked_value():
    """The Canal inconnu advice built its example line from the first unknown label: an
    administrator was told to paste « =HYPERLINK(…) » into channels.toml."""
    assert quality.channel_example(['=HYPERLINK("http://evil.example";"x")',
                                    "[email masqué]", "Forum emploi Cahors"]) == \
        "Forum emploi Cahors"
    assert quality.channel_example(["+33 salon", "@salon"]) == "Forum emploi"
