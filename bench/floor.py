"""The floor of a build: DuckDB reading every column of every CSV export, nothing else.

Usage: python bench/floor.py RAW_DIR   (prints the rows read per source as JSON)

Each group of files with one layout (delimiter and header line) is read by one `read_csv`
(dialect pinned, every value as text) and every column is counted, so that no column can be
skipped. DuckDB reads UTF-8 only: a Windows-1252 file is first transcoded in a streaming pass
(16 MB chunks) into a temporary folder, and that pass is part of the floor, as it is part of
any exact reading of such a file.
"""

from __future__ import annotations

import codecs
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import duckdb

CHUNK = 1 << 24


def layout(path: Path) -> tuple[str, str, bytes]:
    """(encoding, delimiter, header bytes) of a file."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    header = head.lstrip(codecs.BOM_UTF8).split(b"\n", 1)[0].rstrip(b"\r")
    delimiter = max((";", ",", "\t"), key=lambda d: header.count(d.encode()))
    try:  # the head decides; DuckDB refusing the rest sends the file to transcoding too
        head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        encoding = "utf-8" if exc.start > len(head) - 4 else "cp1252"
    return encoding, delimiter, header


def transcode(path: Path, folder: Path) -> Path:
    target = folder / path.name
    decoder = codecs.getincrementaldecoder("cp1252")(errors="replace")
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(CHUNK):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target


def count_every_column(con: duckdb.DuckDBPyConnection, paths: list[Path],
                       delimiter: str) -> int:
    source = ("read_csv(?, delim = ?, quote = '\"', escape = '\"', header = true, skip = 0, "
              "all_varchar = true)")
    files = [str(p) for p in paths]
    columns = con.execute(f"describe select * from {source}", [files, delimiter]).fetchall()
    counts = ", ".join(f'count("{c[0]}")' for c in columns)
    return con.execute(f"select count(*), {counts} from {source}",
                       [files, delimiter]).fetchone()[0]


def main() -> None:
    raw = Path(sys.argv[1])
    groups: dict[tuple, list[Path]] = defaultdict(list)
    for path in sorted(raw.glob("*.csv")):
        groups[layout(path)].append(path)
    con = duckdb.connect()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for (encoding, delimiter, _), paths in groups.items():
            if encoding != "utf-8":
                paths = [transcode(p, Path(tmp)) for p in paths]
            try:
                total = count_every_column(con, paths, delimiter)
            except duckdb.InvalidInputError as exc:
                if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
                    raise
                paths = [transcode(p, Path(tmp)) for p in paths]
                total = count_every_column(con, paths, delimiter)
            rows[paths[0].name] = {"files": len(paths), "rows": total}
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
