"""The year's objectives on the overview (issue 11): what was done since 1 January against the
value expected that day, the same figures as the metrics layer and `kpis --json`."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from pipelines import metrics
from tests.conftest import ROOT, kpis, open_app

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def test_target_progress_counts_since_january_as_kpis_does(demo_build):
    as_of = dt.date(2024, 6, 30)
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        rows = metrics.target_progress(con, as_of)
    programme = {r["measure"]: r for r in rows if not r["channel"] and not r["campaign_code"]}
    figures = kpis(demo_build["curated"], "--from", "2024-01-01", "--to", "2024-06-30")
    for measure in ("followed", "installed", "people_installed"):
        assert programme[measure]["actual"] == figures[measure]
    assert programme["ambassadors"]["actual"] == figures["ambassadors"]
    share = (as_of - dt.date(2024, 1, 1)).days + 1
    assert programme["followed"]["expected"] == pytest.approx(120 * share / 366)
    for row in rows:
        assert row["on_track"] == (row["actual"] >= row["expected"])


def test_the_ambassadors_objective_says_it_counts_the_network_not_the_active_ones(demo_env):
    """« Ambassadeurs actifs 344 » then « Ambassadeurs : objectif 450 → 430 » read as one figure
    twice: the objective counts those registered (targets.toml), the card the active ones; and
    the card's help said two things on two pages."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = "2024"
    at.run()
    shown = {m.label: m for m in at.metric}
    assert any(label.startswith("Ambassadeurs inscrits : objectif") for label in shown)
    assert not any(label.startswith("Ambassadeurs : objectif") for label in shown)
    overview_help = shown["Ambassadeurs actifs"].help
    at.switch_page("app_pages/ambassadors.py").run()
    assert next(m for m in at.metric if m.label == "Ambassadeurs actifs").help == overview_help


def test_overview_shows_the_years_objectives_against_what_was_done(demo_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["periode"] = "2024"
    at.run()
    assert not at.exception, at.exception
    with duckdb.connect(str(demo_env["database"]), read_only=True) as con:
        [(data_date,)] = con.execute("select data_date from marts.data_date").fetchall()
        rows = metrics.target_progress(con, min(dt.date(2024, 12, 31), data_date))
    shown = {m.label: m for m in at.metric}
    for row in rows:
        if row["channel"] or row["campaign_code"]:
            continue
        metric = shown[f"{row['label']} : objectif {fmt.number(row['target'])}"]
        assert metric.value == fmt.number(row["actual"])
        assert metric.delta.endswith(metrics.STANDINGS[row["standing"]])
    # 2024 is over at the data date: an objective not reached is « non atteint », never « en
    # retard » (the demo misses one)
    programme = [row for row in rows if not row["channel"] and not row["campaign_code"]]
    assert {row["standing"] for row in programme} <= {"reached", "missed"}
    assert any(row["standing"] == "missed" for row in programme)
    assert not any("en retard" in m.delta for m in at.metric if m.delta)


def test_an_objective_is_late_within_its_year_and_missed_once_it_is_over(demo_build):
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        during = metrics.target_progress(con, dt.date(2024, 6, 30))
        after = metrics.target_progress(con, dt.date(2024, 12, 31))
    assert {r["standing"] for r in during} - {"reached", "on_track"} == {"late"}
    assert {r["standing"] for r in after} - {"reached"} == {"missed"}


def test_the_objectives_say_what_their_installations_count(demo_env):
    """« Au 31/12/2023 : réalisé depuis le 1er janvier » read as the installations of 2023,
    when the cards count the households contacted in 2023 installed at any date (a fresh
    user's check: 43 « installés » against 3 installed by 31/12/2023). And a channel chosen in
    the sidebar does not apply to them: said on screen, not only in a hover."""
    def captions(**params: str) -> str:
        return " ".join(c.value for c in open_app(**params).caption)

    whole = captions(periode="2023")
    assert "quelle que soit la date d'installation" in whole
    assert "du 01/01/2023 au 31/12/2023" in whole
    assert "ne suivent pas le filtre" not in whole
    assert "tous canaux et campagnes confondus" not in whole
    filtered = captions(periode="2023", canaux="sante")
    assert "ne suivent pas le filtre des canaux" in filtered
    # nor does the committee's bilan: said under its button
    assert "tous canaux et campagnes confondus" in filtered
