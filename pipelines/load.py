"""The only code that opens export files: finds them, reads CSV and XLSX as text, and loads
each source into a raw DuckDB table (every value as text, with its file and row number)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from .contract import EXTENSIONS, MANDATORY_SOURCE, SOURCES, Source, header_index, normalise


class ExportError(Exception):
    """A file-level problem that stops the build; the message is for a programme officer."""


@dataclass
class ExportFile:
    source: str
    path: Path
    order: int  # name order across the source's files
    sha256: str = ""
    modified_at: dt.datetime | None = None
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0


def find_exports(raw_dir: Path) -> tuple[dict[str, list[ExportFile]], list[Path]]:
    """Files of each source by case-insensitive prefix, in name order; and the files skipped."""
    if not raw_dir.is_dir():
        raise ExportError(f"Dossier des exports introuvable : {raw_dir}")
    found: dict[str, list[ExportFile]] = {name: [] for name in SOURCES}
    skipped: list[Path] = []
    # Longest prefix first, so that a prefix contained in another never steals its files.
    by_prefix = sorted(SOURCES.values(), key=lambda s: -len(s.prefix))
    for path in sorted(raw_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        source = next((s for s in by_prefix if path.name.lower().startswith(s.prefix)), None)
        if source is None:
            continue
        if path.suffix.lower() not in EXTENSIONS:
            skipped.append(path)
            continue
        found[source.name].append(ExportFile(source.name, path, len(found[source.name])))
    if not found[MANDATORY_SOURCE]:
        raise ExportError(
            f"Aucun fichier de prospects dans {raw_dir} : il faut au moins un fichier "
            "« prospects*.csv » ou « prospects*.xlsx » (export du CRM du réseau accueil)."
        )
    return found, skipped


def decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV export: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data[:3] == b"\xef\xbb\xbf" else "utf-8"
    except UnicodeDecodeError:
        # Bytes undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most: `;`, `,` or tab (outside quotes)."""
    header = ""
    in_quotes = False
    for line in text.splitlines():
        if not header and not line.strip():
            continue
        header += line + "\n"
        in_quotes ^= line.count('"') % 2 == 1
        if not in_quotes:
            break
    counts = {d: 0 for d in (";", ",", "\t")}
    inside = False
    for ch in header:
        if ch == '"':
            inside = not inside
        elif not inside and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_records(export: ExportFile, data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:65536] or data[:4] == b"PK\x03\x04":
        raise ExportError(
            f"{export.path.name} : illisible comme CSV (fichier binaire ; "
            "un classeur Excel doit porter l'extension .xlsx)."
        )
    text, export.encoding = decode(data)
    export.delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter,
                        quotechar='"', doublequote=True, strict=False)
    try:
        # A blank line is a record (it has a row number) but not a row: csv gives [] for it.
        return [(number, rec) for number, rec in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ExportError(f"{export.path.name} : illisible comme CSV ({exc}).") from exc


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _xlsx_records(export: ExportFile) -> list[tuple[int, list[str]]]:
    try:
        workbook = CalamineWorkbook.from_path(str(export.path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for a broken workbook
        raise ExportError(
            f"{export.path.name} : illisible comme classeur XLSX ({exc})."
        ) from exc
    return [(number, [_cell_text(v) for v in row]) for number, row in enumerate(rows, start=1)]


def _is_blank(record: list[str]) -> bool:
    """An empty line, or a row of empty cells (`;;;` as spreadsheets export them): not a row."""
    return all(not value.strip() for value in record)


def read_export(export: ExportFile, source: Source) -> pa.Table:
    """One export file as a table of text columns named by the contract, plus file and line."""
    data = export.path.read_bytes()
    export.sha256 = hashlib.sha256(data).hexdigest()
    export.modified_at = dt.datetime.fromtimestamp(export.path.stat().st_mtime)
    is_xlsx = export.path.suffix.lower() == ".xlsx"
    records = _xlsx_records(export) if is_xlsx else _csv_records(export, data)
    if is_xlsx:
        export.encoding, export.delimiter = "xlsx", ""
    records = [(n, rec) for n, rec in records if not _is_blank(rec)]
    if not records:
        raise ExportError(f"{export.path.name} : fichier vide (pas même une ligne d'en-tête).")
    header_line, header = records[0]
    rows = records[1:]
    export.rows_read = len(rows)

    index = header_index(source)
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        column = index.get(normalise(name))
        if column is None or column.key in positions:
            if name.strip():
                export.ignored_columns.append(name.strip())
            continue
        positions[column.key] = position
    missing = [c.label for c in source.required if c.key not in positions]
    if missing:
        found = ", ".join(f"« {h.strip()} »" for h in header if h.strip()) or "aucune"
        plural = "s" if len(missing) > 1 else ""
        raise ExportError(
            f"{export.path.name} ({source.label}) : colonne{plural} obligatoire{plural} "
            f"absente{plural} : {', '.join(f'« {m} »' for m in missing)}. "
            f"Colonnes trouvées (ligne {header_line}) : {found}."
        )

    width = len(header)
    columns: dict[str, list] = {
        "file_order": [export.order] * len(rows),
        "file": [export.path.name] * len(rows),
        "line": [n for n, _ in rows],
        # Values beyond the header's width that are not empty: the row is malformed.
        "extra_values": [sum(1 for v in rec[width:] if v.strip()) for _, rec in rows],
    }
    for column in source.columns:
        pos = positions.get(column.key)
        # Surrounding white space (no-break spaces included) is trimmed; empty is missing.
        columns[column.key] = (
            [(rec[pos].strip() or None) if pos < len(rec) else None for _, rec in rows]
            if pos is not None else [None] * len(rows)
        )
    schema = pa.schema(
        [("file_order", pa.int32()), ("file", pa.string()), ("line", pa.int64()),
         ("extra_values", pa.int32())]
        + [(c.key, pa.string()) for c in source.columns]
    )
    return pa.table(columns, schema=schema)


def load_source(con, source: Source, exports: list[ExportFile]) -> None:
    """Create raw.<source> with every row of the source's files, values as text."""
    tables = [read_export(export, source) for export in exports]
    empty = pa.schema(
        [("file_order", pa.int32()), ("file", pa.string()), ("line", pa.int64()),
         ("extra_values", pa.int32())]
        + [(c.key, pa.string()) for c in source.columns]
    ).empty_table()
    combined = pa.concat_tables(tables) if tables else empty
    con.register("_raw_arrow", combined)
    try:
        con.execute(f"create or replace table raw.{source.name} as select * from _raw_arrow")
    finally:
        con.unregister("_raw_arrow")
