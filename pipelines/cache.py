"""Unchanged files are not read again: the staged rows of each export file (typed, with keyed
hashes for emails and phones and personal data masked: nothing in clear) are kept as Parquet
in `data/.build/staged/` (one batch per build and source, holding the files that build read),
found by the file's sha256, under a fingerprint of everything that
shapes them (the reading code, the staging SQL and macros, the personal-data patterns, the
hash key's own fingerprint). Adding this month's touches to three years of them then reads
and stages one file; the rules that join files (duplicates, merges, persons) still run over
every row."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from . import config, guard, pii
from .load import ExportFile

# Everything whose change must invalidate staged rows (their file format too: cache.py).
_SHAPING = ("load.py", "fastcsv.py", "xlsx.py", "contract.py", "pii.py", "values.py",
            "sql/macros.sql",
            "cache.py")
_FACTS = ("encoding", "delimiter", "sheet", "ignored_columns", "repeated_columns",
          "missing_columns", "rows_read",
          "warnings")


def folder_for(curated_dir: Path) -> Path:
    """The kept rows of one curated folder: its own sub-folder, used under that folder's build
    lock, so that builds of different folders sharing a parent never prune each other's."""
    owner = hashlib.sha256(str(curated_dir.resolve()).encode()).hexdigest()[:12]
    # (decimal digits spelt as letters: twelve digits read as a phone number, masked in the
    # messages that name the folder)
    return curated_dir.parent / ".build" / "staged" / owner.translate(
        str.maketrans("0123456789", "ghijklmnop"))


def fingerprint(key: str) -> str:
    digest = hashlib.sha256()
    for name in _SHAPING:
        digest.update((config.PACKAGE / name).read_bytes())
    for path in sorted((config.SQL_DIR / "staging").glob("*.sql")):
        digest.update(path.read_bytes())
    digest.update(hashlib.sha256(key.encode()).digest())  # the key's fingerprint, not the key
    digest.update(str(config.MAX_FILE_BYTES).encode())
    return digest.hexdigest()[:16]


def columns(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, str]:
    """The columns of a query's rows and their types, without running it."""
    return {name: str(kind) for name, kind, *_ in con.execute(
        f"describe ({query}\n)").fetchall()}


_SHA256: dict[tuple[str, int, int], str] = {}


def file_sha256s(paths: list[Path]) -> list[str]:
    """The files' sha256 (file_sha256), two at a time: hashlib lets other threads run while
    it hashes a chunk, so the build's first look at three years of exports (1.2 GB at ten
    million touches: 1.7 s on one core) takes half the time on two."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="omlot-sha256") as pool:
        return list(pool.map(file_sha256, paths))


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
    """The staged rows of files already read, for one fingerprint: per source, one Parquet
    batch per build that read files (its rows, with each file's position in that build), and
    per file a facts record naming its batch and position there."""

    def __init__(self, curated_dir: Path, key: str, root: Path | None = None):
        # `root`: elsewhere than the curated folder's (a build without kept rows hands its
        # staged rows over through its private folder)
        self.root = root or folder_for(curated_dir)
        self.dir = self.root / fingerprint(key)
        self._key = key.encode()  # signs each file's facts (_signed)
        self.used: set[Path] = set()
        self._kept: dict[str, tuple[Path, int]] = {}  # sha256 → (batch, position there)
        self._checked: dict[Path, bool] = {}  # batch → readable

    def prepare(self) -> str | None:
        """Makes this build's folder ready to be written; why it cannot be, if so. A folder
        made read-only (by a backup tool, by hand) made the build fail on its first batch,
        with a message that blamed damaged rows; a folder that is a link would have its
        target's folders pruned.
        What lies inside this build's folder and is not as this code writes it (a link, a
        folder where a file goes, a file where a folder goes) is removed with the folder: the
        files are read again (a link there was followed, a facts link overwrote its target;
        a file named like a source's folder stopped every build)."""
        try:
            for folder in (self.root.parent.parent, self.root.parent, self.root, self.dir):
                if folder.is_symlink():
                    return f"{pii.mask(folder.name)} est un lien"
            if self.dir.exists() and not _as_written(self.dir):
                shutil.rmtree(self.dir)  # (rmtree removes links, never follows them)
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            for folder in (self.dir, *(p for p in self.dir.iterdir() if p.is_dir())):
                probe = folder / f".probe.{os.getpid()}.tmp"
                probe.write_bytes(b"")
                probe.unlink()
        except OSError as exc:
            return guard.reason(exc)
        return None

    def _facts(self, source: str, sha256: str) -> Path:
        return self.dir / source / f"{sha256}.json"

    def restore(self, export: ExportFile) -> bool:
        """Fill the file's facts from the cache; whether its staged rows are there."""
        try:
            export.sha256 = file_sha256(export.path)
        except OSError:
            return False  # the reader reports it
        facts = self._facts(export.source, export.sha256)
        try:
            saved = self._signed(json.loads(facts.read_text("utf-8")))
            if saved.get("file_sha256") != export.sha256:
                raise ValueError("faits d'un autre fichier")
        except (OSError, ValueError):
            return False  # absent, changed by hand or an older layout: read the file again
        batch = facts.parent / saved["batch"]
        if not self._readable(batch, saved["batch_sha256"]):
            return False
        for name in _FACTS:
            setattr(export, name, saved[name])
        export.warnings = [tuple(w) for w in saved["warnings"]]
        export.modified_at = dt.datetime.fromtimestamp(export.path.stat().st_mtime)
        self._kept[export.sha256] = (batch, saved["position"])
        self.used.update((batch, facts))
        return True

    def _signature(self, record: dict) -> str:
        return hmac.new(self._key, json.dumps(record, sort_keys=True).encode(),
                        hashlib.sha256).hexdigest()

    def _signed(self, saved: object) -> dict:
        """The facts as this code wrote them and this build's key signed them, else
        ValueError (the file is read again). Facts changed by hand named any file as their
        batch (which a damaged batch's removal then deleted), put text where a position is
        written into SQL, or, changed into another file's plausible ones, gave other figures
        without a word. (Signed by this code: the folder's fingerprint covers cache.py, so a
        signed record has this code's fields and types.)"""
        if not isinstance(saved, dict) or not isinstance(saved.get("signature"), str):
            raise ValueError("faits non signés")
        record = {name: value for name, value in saved.items() if name != "signature"}
        if not hmac.compare_digest(saved["signature"], self._signature(record)):
            raise ValueError("faits modifiés")
        return record

    def _readable(self, batch: Path, sha256: str) -> bool:
        """Whether a batch is there and whole: its bytes those it was written with (its sha256,
        once per build: 0.2 s for ten million staged touches), then its Parquet footer. One
        damaged, by a disk or by hand, made every later build fail on it (or, a bit changed in
        its data, gave other figures without a word). A damaged batch is removed, and its
        files are read again."""
        if batch not in self._checked:
            try:
                self._checked[batch] = (file_sha256(batch) == sha256
                                        and _parquet_footer(batch))
            except OSError:
                self._checked[batch] = False
            if not self._checked[batch]:
                batch.unlink(missing_ok=True)
        return self._checked[batch]

    def save(self, con: duckdb.DuckDBPyConnection, query: str, source: str,
             exports: list[ExportFile]) -> dict[str, str] | None:
        """Keep the staged rows of files read now, written straight from the staging `query`
        of `source` (the build's first phase holds no staged table: build.stage), and read
        back by `view` like those of unchanged files: one Parquet file for all of them, written
        in one pass (a file per export, by DuckDB's partitioned writer, cost twice as
        much: 8.3 s instead of 4.1 s at ten million touches). Parquet's version 2 encodings
        and Zstandard at its fastest level: as fast to write and read back as LZ4 (3.8 s and
        1.7 s for ten million staged touches, three runs each), half the size (126 MB against
        258 MB); Snappy was slower. The columns written (`batch_columns`), None without exports.
        Each file's name is written as staging read it, and replaced by its current one when
        read back (`view`)."""
        if not exports:
            return None
        folder = self.dir / source
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        batch = folder / f"batch-{uuid.uuid4().hex[:12]}.parquet"
        part = folder / f".{batch.name}.{os.getpid()}.tmp"
        try:
            con.execute(f"copy ({query}\n) to ? "
                        "(format parquet, parquet_version 'V2', compression 'zstd', "
                        "compression_level 1, row_group_size 30720)",
                        [str(part)])
            os.chmod(part, 0o600)
            os.replace(part, batch)
        finally:
            part.unlink(missing_ok=True)
        self.used.add(batch)
        digest = file_sha256(batch)
        self._checked[batch] = True
        for export in exports:
            facts = self._facts(source, export.sha256)
            record = {name: getattr(export, name) for name in _FACTS}
            record |= {"batch": batch.name, "batch_sha256": digest, "position": export.order,
                       "file_sha256": export.sha256}  # (whose facts: signed with them)
            record["signature"] = self._signature(record)
            facts.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
            self.used.add(facts)
            self._kept[export.sha256] = (batch, export.order)
        return self.batch_columns(con, batch)

    def kept_columns(self, con: duckdb.DuckDBPyConnection,
                     exports: list[ExportFile]) -> dict[str, str] | None:
        """The columns of the kept rows of `exports` (restored), None without any."""
        return self.batch_columns(con, self._kept[exports[0].sha256][0]) if exports else None

    @staticmethod
    def batch_columns(con: duckdb.DuckDBPyConnection, batch: Path) -> dict[str, str]:
        """A batch's columns and their types as `view` reads them back (its footer only: a
        staging query described was bound a second time, 0.1 s of a small build)."""
        return columns(con, f"select * from read_parquet({_literal(str(batch))})")

    def view(self, con: duckdb.DuckDBPyConnection, name: str, kinds: dict[str, str],
             exports: list[ExportFile]) -> None:
        """The staged rows of `exports`, under their current names and positions, as the view
        `name` over their Parquet batches, read by each model that reads it: not a table of
        ten million rows held in memory and spilled past its limit (build._build_in; 33.5 s
        of models at ten million touches instead of 36.6 s). Each batch is read as itself,
        filtered on its files' positions: a join with the list of files (an earlier design)
        hid the rows' number from DuckDB's planner, which then built its hash tables on the
        touches and ran out of memory. Its columns are `kinds` (name → type), in their order;
        without exports, it has no row."""
        if not exports:
            con.execute(f"create view {name} as select " + ", ".join(
                f"null::{kind} as {_quoted(column)}" for column, kind in kinds.items())
                + " where false")
            return
        names = con.execute("select pseudonymise(unnest($names))",
                            {"names": [e.name for e in exports]}).fetchall()
        by_batch: dict[Path, list[tuple[int, int, str]]] = {}
        for export, (pseudonym,) in zip(exports, names, strict=True):
            batch, position = self._kept[export.sha256]
            by_batch.setdefault(batch, []).append((position, export.order, pseudonym))
        parts = []
        for batch, every in sorted(by_batch.items()):
            for files in _apart(every):
                parts.append(self._part(batch, files, kinds))
        con.execute(f"create view {name} as " + "\nunion all\n".join(parts))

    @staticmethod
    def _part(batch: Path, files: list[tuple[int, int, str]], kinds: dict[str, str]) -> str:
        """The rows of `files` (position in the batch, order now, name's pseudonym) read from
        one batch, under their current positions and names."""
        computed = {
            "file_order": "file_order" if all(position == order for position, order, _
                                              in files)
            else _case(files, lambda order, _: str(order)) + "::int",
            # (a name is checked for personal data once, not on each of its rows; the
            # staged touches carry their file's position only)
            "file": _case(files, lambda _, pseudonym: _literal(pseudonym))}
        chosen = ", ".join(f'{computed.get(column, _quoted(column))} as {_quoted(column)}'
                           for column in kinds)
        positions = ", ".join(str(position) for position, _, _ in files)
        return (f"select {chosen} from read_parquet({_literal(str(batch))}) "
                f"where file_order in ({positions})")

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


def _parquet_footer(batch: Path) -> bool:
    """Whether the file ends as a Parquet file does (its bytes are those written: checked by
    their sha256 first; pyarrow's reading of the footer cost a build the import of pyarrow
    and NumPy, 0.2 s)."""
    with batch.open("rb") as file:
        file.seek(0, os.SEEK_END)
        if file.tell() < 12:
            return False
        file.seek(-4, os.SEEK_END)
        return file.read(4) == b"PAR1"


def _as_written(folder: Path) -> bool:
    """A fingerprint's folder holds folders named after sources, holding regular files only."""
    for source in folder.iterdir():
        if source.is_symlink() or not source.is_dir():
            return False
        for path in source.iterdir():
            if path.is_symlink() or not path.is_file():
                return False
    return True


def _apart(files: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """The files of one batch in groups where no two share a position: copies of one export
    (byte for byte, so one sha256 and one position) are each read as themselves. Two saves of
    one export (« fichier (1).csv ») made the copy take the first one's place: its rows
    vanished and the reconciliation check stopped every build."""
    groups: list[list[tuple[int, int, str]]] = []
    for file in files:
        group = next((g for g in groups if all(other[0] != file[0] for other in g)), None)
        if group is None:
            groups.append([file])
        else:
            group.append(file)
    return groups


def _literal(text: str) -> str:
    """A SQL string literal (a view holds no parameter)."""
    return "'" + text.replace("'", "''") + "'"


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _case(files: list[tuple[int, int, str]], value: Callable[[int, str], str]) -> str:
    """A value per file of a batch, chosen by the file's position there."""
    return ("(case file_order " + " ".join(f"when {position} then {value(order, pseudonym)}"
                                           for position, order, pseudonym in files) + " end)")
