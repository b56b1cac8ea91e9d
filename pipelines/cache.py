"""Unchanged files are not read again: the staged rows of each export file (typed, with keyed
hashes for emails and phones and personal data masked: nothing in clear) are kept as Parquet
in `data/.build/staged/`, keyed by the file's sha256 and by a fingerprint of everything that
shapes them (the reading code, the staging SQL and macros, the personal-data patterns, the
hash key's own fingerprint). Adding this month's touches to three years of them then reads
and stages one file; the rules that join files (duplicates, merges, persons) still run over
every row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from . import config
from .load import ExportFile

# Everything whose change must invalidate staged rows (their file format too: cache.py).
_SHAPING = ("load.py", "fastcsv.py", "xlsx.py", "contract.py", "pii.py", "sql/macros.sql",
            "cache.py")
_FACTS = ("encoding", "delimiter", "sheet", "ignored_columns", "rows_read", "warnings")


def folder_for(curated_dir: Path) -> Path:
    """The kept rows of one curated folder: its own sub-folder, used under that folder's build
    lock, so that builds of different folders sharing a parent never prune each other's."""
    owner = hashlib.sha256(str(curated_dir.resolve()).encode()).hexdigest()[:12]
    return curated_dir.parent / ".build" / "staged" / owner


def fingerprint(key: str) -> str:
    digest = hashlib.sha256()
    for name in _SHAPING:
        digest.update((config.PACKAGE / name).read_bytes())
    for path in sorted((config.SQL_DIR / "staging").glob("*.sql")):
        digest.update(path.read_bytes())
    digest.update(hashlib.sha256(key.encode()).digest())  # the key's fingerprint, not the key
    digest.update(str(config.MAX_FILE_BYTES).encode())
    return digest.hexdigest()[:16]


def _has_file(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether staged rows carry their file's name (the touches keep only its position)."""
    schema, name = table.split(".")
    return bool(con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() and "
        "schema_name = ? and table_name = ? and column_name = 'file'", [schema, name]
    ).fetchone()[0])


_SHA256: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """A file's sha256, computed once per state of the file (size, modification time) in a
    process: the unchanged-build check and the kept rows' lookup both ask it."""
    info = path.stat()
    state = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    if state not in _SHA256:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
        _SHA256[state] = digest.hexdigest()
    return _SHA256[state]


class StagedCache:
    """The staged rows of files already read, for one fingerprint."""

    def __init__(self, curated_dir: Path, key: str):
        self.root = folder_for(curated_dir)
        self.dir = self.root / fingerprint(key)
        self.used: set[Path] = set()

    def _paths(self, source: str, sha256: str) -> tuple[Path, Path]:
        base = self.dir / source / sha256
        return base.with_suffix(".parquet"), base.with_suffix(".json")

    def restore(self, export: ExportFile) -> bool:
        """Fill the file's facts from the cache; whether its staged rows are there."""
        try:
            export.sha256 = file_sha256(export.path)
        except OSError:
            return False  # the reader reports it
        rows, facts = self._paths(export.source, export.sha256)
        if not (rows.exists() and facts.exists()):
            return False
        saved = json.loads(facts.read_text("utf-8"))
        for name in _FACTS:
            setattr(export, name, saved[name])
        export.warnings = [tuple(w) for w in saved["warnings"]]
        export.modified_at = dt.datetime.fromtimestamp(export.path.stat().st_mtime)
        self.used.update((rows, facts))
        return True

    def save(self, con: duckdb.DuckDBPyConnection, table: str,
             exports: list[ExportFile]) -> None:
        """Keep the staged rows of files read now (without their name and position, which can
        change), before the kept files' rows are put back (insert): one pass over the table,
        one Parquet file per export (a COPY per file would scan the table once per file: sixty
        times for five years of monthly touches)."""
        if not exports:
            return
        source = exports[0].source
        folder = self.dir / source
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        parts = folder / f".parts-{os.getpid()}"
        shutil.rmtree(parts, ignore_errors=True)
        # (the table holds these files' rows alone: the kept ones are inserted after this;
        # Parquet's version 2 encodings and LZ4: at ten million touches 8.6 s to write instead
        # of 10 s with Snappy, the same size, and read back faster)
        columns = "* exclude (file)" if _has_file(con, table) else "*"
        con.execute(f"copy (select {columns} from {table}) to ? "
                    "(format parquet, parquet_version 'V2', compression 'lz4', "
                    "partition_by (file_order), filename_pattern 'rows')", [str(parts)])
        try:
            for export in exports:
                rows, facts = self._paths(export.source, export.sha256)
                written = sorted((parts / f"file_order={export.order}").glob("*.parquet"))
                if len(written) != 1:
                    continue  # no row (or an unexpected layout): the file is read next time
                os.chmod(written[0], 0o600)
                facts.write_text(json.dumps({name: getattr(export, name) for name in _FACTS},
                                            ensure_ascii=False), "utf-8")
                os.replace(written[0], rows)
                self.used.update((rows, facts))
        finally:
            shutil.rmtree(parts, ignore_errors=True)

    def insert(self, con: duckdb.DuckDBPyConnection, table: str,
               exports: list[ExportFile]) -> None:
        """Put back the staged rows of unchanged files, under their current names and
        positions: one pass over their Parquet files (an insert per file was sixty appends,
        half of a rebuild's staging at ten million touches)."""
        if not exports:
            return
        paths = [str(self._paths(e.source, e.sha256)[0]) for e in exports]
        # (a name is checked for personal data once, not on each of its rows)
        name = ", kept.file" if _has_file(con, table) else ""
        con.execute(f"insert into {table} by name select kept.file_order{name}, "
                    "rows.* exclude (filename) "
                    "from read_parquet($paths, filename = true) as rows inner join (select "
                    "unnest($paths) as path, unnest($orders)::int as file_order, "
                    "pseudonymise(unnest($names)) as file) as kept "
                    "on rows.filename = kept.path",
                    {"paths": paths, "orders": [e.order for e in exports],
                     "names": [e.name for e in exports]})

    def prune(self) -> None:
        """Only what this build used stays: older fingerprints and files no longer exported
        go (the folder never grows beyond one copy of the current exports' staged rows)."""
        if self.root.exists():
            for other in self.root.iterdir():
                if other != self.dir:
                    shutil.rmtree(other, ignore_errors=True)
        for path in self.dir.rglob("*") if self.dir.exists() else []:
            if path.is_file() and path not in self.used:
                path.unlink(missing_ok=True)
