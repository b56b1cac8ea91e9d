"""The dashboard under streamlit's AppTest: every page runs, on the demo and on an empty
install; filters change what is shown; figures on screen equal `kpis --json`."""

from __future__ import annotations

import threading

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from pipelines import metrics
from tests.conftest import ROOT, kpis, open_app, streamlit_server

APP = str(ROOT / "dashboard" / "app.py")
PAGES = [f"app_pages/{name}.py" for name in (
    "overview", "sources", "campaigns", "network", "ambassadors", "territory", "quality")]


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _help_texts(node, found: list[str]) -> list[str]:
    """Every « ? » help text under an AppTest node (widgets, metrics, download buttons)."""
    proto = getattr(node, "proto", None)
    if proto is not None and getattr(proto, "help", ""):
        found.append(proto.help)
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else []:
        _help_texts(child, found)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_help_text_names_a_setting_a_command_or_a_file(demo_env, page):
    """A committee member hovering « ? » read « Réglages : OMLOT_LOOKBACK_DAYS … » or « le même
    fichier que python -m pipelines report … »: the officer's guide says those."""
    at = _run(AppTest.from_file(APP, default_timeout=60))
    _run(at.switch_page(page))
    helps = _help_texts(at._tree, [])
    assert helps
    for text in helps:
        for technical in ("OMLOT_", "python -m", ".toml", "make ", "pipelines/"):
            assert technical not in text, text


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo(demo_env, page):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    _run(at.switch_page(page))
    assert not at.error


def test_empty_install_shows_a_helpful_message(tmp_path, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(tmp_path))
    at = _run(AppTest.from_file(APP, default_timeout=60))
    assert "Aucune donnée publiée" in at.info[0].value
    assert not at.error


def test_headline_equals_kpis_json_for_the_whole_programme(demo_env):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    figures = kpis(demo_env["curated"])
    assert _metric(at, "Foyers suivis") == fmt.number(figures["followed"]) == "400"
    assert _metric(at, "Foyers installés") == fmt.number(figures["installed"]) == "130"
    assert _metric(at, "Foyers accompagnés") == fmt.number(figures["accompanied"])
    assert _metric(at, "Personnes installées") == fmt.number(figures["people_installed"])
    assert _metric(at, "Ambassadeurs actifs") == fmt.number(figures["ambassadors_active"])


def test_period_preset_in_the_url_gives_the_kpis_of_that_period(demo_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = "ete-2023"
    _run(at)
    figures = kpis(demo_env["curated"], "--from", "2023-07-01", "--to", "2023-10-31")
    assert _metric(at, "Foyers suivis") == fmt.number(figures["followed"])
    assert _metric(at, "Personnes touchées") == fmt.number(figures["contacts"])


def test_custom_period_and_year_filters(demo_env):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.selectbox[0].set_value("2022")
    _run(at)
    figures = kpis(demo_env["curated"], "--from", "2022-01-01", "--to", "2022-12-31")
    assert _metric(at, "Foyers suivis") == fmt.number(figures["followed"])
    at.sidebar.selectbox[0].set_value("perso")
    _run(at)
    at.sidebar.text_input[0].set_value("01/03/2021")
    at.sidebar.text_input[1].set_value("30/09/2021")
    _run(at)
    figures = kpis(demo_env["curated"], "--from", "2021-03-01", "--to", "2021-09-30")
    assert _metric(at, "Foyers suivis") == fmt.number(figures["followed"])


def test_a_mistyped_custom_date_is_refused_in_french_and_shows_no_figure(demo_env):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.selectbox[0].set_value("perso")
    _run(at)
    at.sidebar.text_input[0].set_value("31/02/2023")
    _run(at)
    # written as asked, but no day of the calendar: said so (it said « Écrivez-la JJ/MM/AAAA »)
    assert ("« 31/02/2023 » n'existe pas dans le calendrier"
            in at.sidebar.error[0].value.replace("\\", ""))  # (escaped for Markdown)
    assert "JJ/MM/AAAA" not in at.sidebar.error[0].value
    # the page says the same reason, not a start after the end
    assert at.error[0].value.startswith("Période refusée. Date non reconnue")
    assert "après sa fin" not in at.error[0].value
    assert not at.metric
    at.sidebar.text_input[0].set_value("31 février")
    _run(at)
    assert "Écrivez-la JJ/MM/AAAA" in at.sidebar.error[0].value
    at.sidebar.text_input[0].set_value("2023-02-01")  # ISO is understood too
    _run(at)
    assert not at.sidebar.error and at.metric


def test_channel_filter_narrows_to_that_channel(demo_env):
    at = _run(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.multiselect[0].set_value(["tourisme"])
    _run(at)
    assert _metric(at, "Foyers suivis") == "70"


def _build_prospects(tmp_path, monkeypatch, name: str, rows: str) -> None:
    """Add a prospects export of `rows` to tmp_path/raw, build tmp_path/curated, and point the
    app at it."""
    from tests.conftest import run_cli

    raw, curated = tmp_path / "raw", tmp_path / "curated"
    raw.mkdir(exist_ok=True)
    (raw / name).write_text("ID prospect;Date de premier contact\n" + rows, "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))


def test_a_rebuild_is_picked_up_without_restarting_the_app(tmp_path, monkeypatch):
    _build_prospects(tmp_path, monkeypatch, "prospects.csv", "P1;01/02/2023\nP2;01/03/2023\n")
    at = _run(AppTest.from_file(APP, default_timeout=60))
    assert _metric(at, "Foyers suivis") == "2"
    _build_prospects(tmp_path, monkeypatch, "prospects_2.csv", "P3;01/04/2023\n")
    _run(at)
    assert _metric(at, "Foyers suivis") == "3"


def test_a_page_run_asks_on_its_own_thread_s_cursor_and_a_rebuild_gives_a_new_one(
        tmp_path, monkeypatch):
    """A page's queries share one cursor in its thread (made once, with the metrics' macros);
    another thread never uses it (a DuckDB connection is not shared between threads); a newly
    published file is asked on a cursor of the new connection, whose answer is the new one."""
    from dashboard import queries

    _build_prospects(tmp_path, monkeypatch, "prospects.csv", "P1;01/02/2023\n")
    version = queries.database_version()
    first = queries._cursor(version)
    assert queries._cursor(version) is first
    assert metrics.ask_one(first, "headline")["followed"] == 1
    other: list = []
    thread = threading.Thread(target=lambda: other.append(queries._cursor(version)))
    thread.start()
    thread.join()
    assert other[0] is not first
    _build_prospects(tmp_path, monkeypatch, "prospects_2.csv", "P2;01/04/2023\n")
    again = queries._cursor(queries.database_version())
    assert again is not first
    assert metrics.ask_one(again, "headline")["followed"] == 2


def test_campaign_filter_from_the_url_narrows_every_page(demo_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["campagnes"] = "TOUR-ETE-2023"
    _run(at)
    assert _metric(at, "Foyers suivis") == "70"
    for page in PAGES[1:]:
        _run(at.switch_page(page))


def test_each_page_says_its_selection_under_its_title(demo_env):
    """« Foyers suivis 70 » with nothing on the page saying it was 2023 and Tourisme alone:
    on a phone the sidebar is folded, in a meeting nobody reads it."""
    at = open_app(periode="2023", canaux="tourisme")
    assert at.caption[0].value == "Sélection : Année 2023 · canal Tourisme"
    assert at.title[0].value == "Vue d'ensemble"
    custom = open_app(periode="perso", du="2023-07-01", au="2023-07-31",
                      canaux="tourisme,salon")
    # (Markdown-escaped: « \/ » shows as « / »)
    assert custom.caption[0].value.replace("\\", "") == (
        "Sélection : du 01/07/2023 au 31/07/2023 · canaux Tourisme et Salons")
    # one day is said as one day, here and in the comparison (« du 15/06/2024 au 15/06/2024 »)
    day = open_app(periode="perso", du="2024-06-15", au="2024-06-15")
    captions = [c.value.replace("\\", "") for c in day.caption]
    assert captions[0] == "Sélection : le 15/06/2024"
    assert any(c.endswith(": le 15/06/2023.") and c.startswith("Évolution par rapport")
               for c in captions), captions
    whole = open_app()
    assert not [c for c in whole.caption if c.value.startswith("Sélection")]


def test_a_database_built_by_another_version_is_said_and_its_pages_never_crash(
        demo_build, tmp_path, monkeypatch):
    """After an update whose build failed, the previous version's database stays published:
    the Campagnes page asked it for a column it did not have (budget_selected_eur) and
    Streamlit showed its English error box. The dashboard says the database is older, and a
    page that cannot run on it says so in French."""
    import shutil

    import duckdb

    from pipelines import status

    curated = tmp_path / "curated"
    shutil.copytree(demo_build["curated"], curated)
    with duckdb.connect(str(curated / "lot.duckdb")) as con:
        assert con.execute("select models from quality.build").fetchone()[0] == \
            status.models_fingerprint()
        con.execute("alter table quality.build drop column models")  # (built before it)
        con.execute("alter table marts.campaign_metrics drop column budget_selected_eur")
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = _run(AppTest.from_file(APP, default_timeout=60))
    assert at.warning[0].value == status.OLDER_MODELS
    assert _metric(at, "Foyers suivis") == "400"  # (what it can show, it shows)
    at.switch_page("app_pages/campaigns.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Cette page ne peut pas s'afficher sur la base publiée, construite par une autre "
        "version du tableau de bord : relancez la construction."]
    # and the current database says nothing of it
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    fresh = _run(AppTest.from_file(APP, default_timeout=60))
    assert status.OLDER_MODELS not in [w.value for w in fresh.warning]


def test_the_served_dashboard_s_terminal_has_no_english_welcome(demo_build):
    """`make run` showed Streamlit's « You can now view your Streamlit app in your browser. »
    and « Uvicorn server started on … » in an otherwise French terminal (the project's
    .streamlit/config.toml hides them; make says the address in French)."""
    import subprocess

    with streamlit_server(demo_build["curated"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) as (_, server):
        pass
    said = server.stdout.read()
    for english in ("You can now view", "Uvicorn server started", "URL:"):
        assert english not in said, said
