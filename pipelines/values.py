"""Tables made from values held by Python (the files read, the channels, the objectives, the
rows of a file the reference reader read). An Arrow table built from Python values imports
pandas (pyarrow looks for its types in them): half a second of CPU in every build, for
nothing when the values are few. Few values go through DuckDB's parameters instead; many go
through Arrow, whose conversion is four times cheaper per value and soon repays the import."""

from __future__ import annotations

import sys

import duckdb

# Past this many values, Arrow: 0.2 µs a value once pandas is imported, against 0.7 µs through
# parameters (the import's half second is repaid at about a million values), and less memory
# (a file of 83 000 rows, a million values: a build's peak of 371 MB through parameters, 330 MB
# through Arrow): parameters for a workbook or a small odd CSV, where the import dominated.
_ARROW_FROM = 250_000


def table_of(con: duckdb.DuckDBPyConnection, name: str,
             columns: dict[str, tuple[str, list]]) -> None:
    """Table `name` from its columns: {column: (DuckDB type, values)}, values of equal length,
    rows in their order. Through Arrow, `columns` is emptied as it goes: each list is let go
    once converted (a file's text held twice over)."""
    lengths = {len(values) for _, values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{name} : colonnes de longueurs différentes")
    if _arrow_pays((lengths.pop() if lengths else 0) * len(columns)):
        _through_arrow(con, name, columns)
        return
    chosen = ", ".join(f'unnest($v{i}::{kind}[]) as "{column}"'
                       for i, (column, (kind, _)) in enumerate(columns.items()))
    con.execute(f"create or replace table {name} as select {chosen}",
                {f"v{i}": list(values) for i, (_, values) in enumerate(columns.values())})


def _arrow_pays(size: int) -> bool:
    """Whether `size` values go through Arrow: many of them, or pandas already imported."""
    return size >= _ARROW_FROM or "pandas" in sys.modules


def _through_arrow(con: duckdb.DuckDBPyConnection, name: str,
                   columns: dict[str, tuple[str, list]]) -> None:
    import pyarrow as pa

    kinds = {"varchar": pa.string(), "integer": pa.int32(), "bigint": pa.int64(),
             "double": pa.float64(), "timestamp_s": pa.timestamp("s"),
             "varchar[]": pa.list_(pa.string())}
    arrays = {}
    for column in list(columns):
        kind, values = columns.pop(column)
        arrays[column] = pa.array(values, kinds[kind])
        del values
    table = pa.table(arrays)
    del arrays
    con.register("_values_arrow", table)
    try:
        con.execute(f"create or replace table {name} as select * from _values_arrow")
    finally:
        con.unregister("_values_arrow")
