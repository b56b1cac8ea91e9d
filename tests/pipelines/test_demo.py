"""The demo (pipelines/demo.py): the same bytes every run and every day, the headline figures
the README and the other tests quote, its planted duplicates, and a network that looks alive
(households in progress have recent news, as the network page's « sans nouvelles » rule sees it)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines import metrics
from pipelines.demo import write_demo
from tests.conftest import kpis

STALLED_AFTER_DAYS = 90  # the dashboard's default threshold


@pytest.fixture(scope="module")
def con(demo_build):
    with duckdb.connect(str(demo_build["database"]), read_only=True) as connection:
        yield connection


def test_a_second_run_writes_the_same_bytes_in_every_file(demo_build, tmp_path):
    # the session's demo came from the command line; this one from the function, later
    written = {path.name: path.read_bytes() for path in write_demo(tmp_path / "again")}
    first = {path.name: path.read_bytes() for path in demo_build["raw"].iterdir()}
    assert sorted(written) == sorted(first)
    for name, data in written.items():
        assert data == first[name], name


def test_headline_figures(demo_build):
    figures = kpis(demo_build["curated"])
    assert {key: figures[key] for key in (
        "followed", "installed", "accompanied", "people_installed", "ambassadors",
        "ambassadors_active", "contacts", "interactions")} == {
        "followed": 400, "installed": 130, "accompanied": 240, "people_installed": 383,
        "ambassadors": 540, "ambassadors_active": 446, "contacts": 3989, "interactions": 7075}
    assert figures["followed_by_channel"]["tourisme"] == 70
    rows = figures["rows"]
    assert rows["prospects"] == {"read": 407, "accepted": 402, "rejected": 2, "duplicates": 3,
                                 "merged": 2}
    assert rows["installations"] == {"read": 134, "accepted": 131, "rejected": 2,
                                     "duplicates": 1}


def test_the_older_export_of_a_reexported_prospect_loses(con):
    # rule 1: the latest « Date de mise à jour » wins, a tie goes to the later file
    duplicates = con.execute(
        "select file, line from quality.discarded_rows"
        " where source = 'prospects' and row_status = 'duplicate' order by line").fetchall()
    assert duplicates == [("prospects_crm_2020-2022.csv", line) for line in (122, 135, 141)]


def test_the_data_date_is_the_export_day_whatever_the_clock(con):
    assert con.execute("select data_date from marts.data_date").fetchall() == [
        (dt.date(2025, 6, 30),)]


def test_few_accompanied_households_are_without_news(con):
    summary = metrics.ask_one(con, "stalled_summary", after_days=STALLED_AFTER_DAYS)
    assert summary["accompanied"] == 110  # accompanied, not installed
    assert summary["stalled"] <= 0.25 * summary["accompanied"], summary


def test_households_in_progress_have_recent_news_but_for_a_minority(con):
    stalled = metrics.ask_rows(con, "stalled", after_days=STALLED_AFTER_DAYS)
    in_progress = con.execute(
        "select count(*) from marts.households"
        " where stage = 'accompagné' and status is distinct from 'Abandon'").fetchall()[0][0]
    silent = sum(row["status"] != "Abandon" for row in stalled)
    assert 0.05 * in_progress <= silent <= 0.20 * in_progress, (silent, in_progress)
    median = con.execute(
        "select median(days_without_activity) from marts.household_stages"
        " join marts.households using (household_id)"
        " where household_stages.stage = 'accompagné' and status is distinct from 'Abandon'"
    ).fetchall()[0][0]
    assert median <= 60
