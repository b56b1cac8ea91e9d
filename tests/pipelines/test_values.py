"""Tables made from Python values (pipelines/values.py): through DuckDB's parameters when they
are few, through Arrow when many; both give the same table, types and row order included."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines import values


def _table(con, name: str, monkeypatch, arrow: bool) -> list:
    monkeypatch.setattr(values, "_arrow_pays", lambda size: arrow)
    values.table_of(con, name, {
        "file": ("varchar", ["a.csv", None, "é ; « x »", ""]),
        "order": ("integer", [3, 1, None, 2]),
        "line": ("bigint", [2**40, None, 5, 7]),
        "at": ("timestamp_s", [dt.datetime(2024, 2, 29, 23, 59, 59), None,
                               dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 30, 8)]),
        "ignored": ("varchar[]", [["x", None], [], None, ["y"]]),
        "target": ("double", [1.5, None, 0.0, 3.0]),
    })
    kinds = con.execute(f"select column_name, column_type from (describe {name})").fetchall()
    return [kinds, con.execute(f"select * from {name}").fetchall()]


def test_few_and_many_values_give_the_same_table(monkeypatch):
    con = duckdb.connect()
    few = _table(con, "few", monkeypatch, arrow=False)
    many = _table(con, "many", monkeypatch, arrow=True)
    assert few == many
    assert few[1][2] == ("é ; « x »", None, 5, dt.datetime(2020, 1, 1), None, 0.0)
    assert [kind for _, kind in few[0]] == ["VARCHAR", "INTEGER", "BIGINT", "TIMESTAMP_S",
                                            "VARCHAR[]", "DOUBLE"]


def test_no_column_gives_no_row_and_unequal_columns_are_refused():
    con = duckdb.connect()
    values.table_of(con, "empty", {"a": ("varchar", []), "b": ("integer", [])})
    assert con.execute("select count(*) from empty").fetchall() == [(0,)]
    try:
        values.table_of(con, "bad", {"a": ("varchar", ["x"]), "b": ("integer", [])})
    except ValueError as exc:
        assert "longueurs" in str(exc)
    else:
        raise AssertionError("unequal columns accepted")


def test_arrow_is_chosen_for_many_values_or_once_pandas_is_loaded(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    assert not values._arrow_pays(10_000) and values._arrow_pays(values._ARROW_FROM)
    monkeypatch.setitem(sys.modules, "pandas", object())
    assert values._arrow_pays(10)
