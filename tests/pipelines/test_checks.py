"""The checks run before publishing (pipelines/checks/*.sql) catch what they are written for,
including where they take a shortcut for speed on millions of rows."""

from __future__ import annotations

import duckdb

from pipelines import config

KEYS = {
    "core.households": "household_id", "core.prospects": "prospect_id",
    "core.installations": "installation_id", "core.touches": "touch_id",
    "core.campaigns": "campaign_code", "core.ambassadors": "ambassador_id",
    "marts.households": "household_id", "marts.household_stages": "household_id",
}


def _unique_keys(touch_ids: list[str]) -> list[tuple]:
    con = duckdb.connect()
    for name, key in KEYS.items():
        con.execute(f"create schema if not exists {name.split('.')[0]}")
        con.execute(f"create table {name} ({key} varchar)")
    con.executemany("insert into core.touches values (?)", [[t] for t in touch_ids])
    return con.execute((config.CHECKS_DIR / "unique_keys.sql").read_text()).fetchall()


def test_unique_keys_finds_a_touch_id_twice_among_many():
    ids = [f"T{i}" for i in range(5000)]
    assert _unique_keys(ids) == []
    assert sorted(_unique_keys([*ids, "T4242", "T7", "T7"])) == [
        ("core.touches", "T4242", 2), ("core.touches", "T7", 3)]
