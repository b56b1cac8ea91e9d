"""The only code that opens export files (with its XLSX reader, xlsx.py): finds them, reads
CSV and XLSX as text, and loads each source into a raw DuckDB table (every value as text,
with its file and row number). Every physical line of a file is accounted for: a row the
reader cannot split faithfully is kept with a `load_problem` and rejected by staging, never
swallowed into a neighbour."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from . import config, fastcsv, pii, xlsx
from .contract import EXTENSIONS, MANDATORY_SOURCE, SOURCES, Source, header_index, normalise
from .values import table_of

# Excel's own limit on a cell's length (config.MAX_VALUE_CHARS): a longer value is not one an
# export can hold, and its row is rejected with this reason, whichever reader read it.
TOO_LONG = f"valeur de plus de {config.MAX_VALUE_CHARS:_} caractères".replace("_", " ")
_SEP_HINT = re.compile(r"sep=(.)[ \t]*(?:\r\n|\n|\r|$)", re.IGNORECASE)


class ExportError(Exception):
    """A file-level problem that stops the build; the message is for a programme officer."""


@dataclass
class ExportFile:
    source: str
    path: Path
    order: int  # name order across the source's files
    name: str = ""  # the file name as shown (a name that is not UTF-8 is shown with « � »)
    sha256: str = ""
    modified_at: dt.datetime | None = None
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    # those of them that name a contract column an earlier one of the header already gave
    # (« Origine » after « Canal »): said so, not « hors contrat »
    repeated_columns: list[str] = field(default_factory=list)
    # the contract's optional columns its header lacks (their values are missing on every row)
    missing_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    # how the fast path reads it again in staging (fastcsv.Plan), to check it did not change
    read_plan: fastcsv.Plan | None = field(default=None, repr=False, compare=False)
    # (row number or None, column or None, message): kept, but not as the contract expects
    warnings: list[tuple[int | None, str | None, str]] = field(default_factory=list)


@dataclass
class Record:
    number: int  # the row number a spreadsheet program shows (1 = header)
    values: list[str]
    problem: str | None = None  # why the reader could not split this row faithfully


@dataclass
class SkippedFile:
    source: str
    name: str
    reason: str


def display_name(path: Path) -> str:
    """A file name as text, whatever bytes it has on disk."""
    return os.fsencode(path.name).decode("utf-8", "replace")


def _limit_mb() -> str:
    return f"limite {config.MAX_FILE_BYTES // 2**20} Mo, réglable par OMLOT_MAX_FILE_MB"


def find_exports(raw_dir: Path) -> tuple[dict[str, list[ExportFile]], list[SkippedFile]]:
    """Files of each source by case-insensitive prefix, in name order; and the files skipped
    (unsupported extension, symbolic link, not a regular file), each with its reason."""
    if not raw_dir.is_dir():
        # (a file given as the folder was said « introuvable » though it is there)
        raise ExportError(f"Dossier des exports introuvable : {raw_dir}" if not raw_dir.exists()
                          else f"{raw_dir} est un fichier, pas un dossier : donnez le dossier "
                          "qui contient les exports")
    found: dict[str, list[ExportFile]] = {name: [] for name in SOURCES}
    skipped: list[SkippedFile] = []
    # Longest prefix first, so that a prefix contained in another never steals its files.
    by_prefix = sorted(SOURCES.values(), key=lambda s: -len(s.prefix))
    try:
        entries = sorted(raw_dir.iterdir(), key=lambda p: os.fsencode(p.name))
    except OSError as exc:
        raise ExportError(f"Dossier des exports illisible : {raw_dir} ({exc.strerror}).") from exc
    for path in entries:
        name = display_name(path)
        if name.startswith((".", "~$")):
            continue  # hidden files and the lock files of an open workbook
        source = next((s for s in by_prefix if name.lower().startswith(s.prefix)), None)
        if source is None:
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            # a link could make the build read (and quote) any file of the machine
            skipped.append(SkippedFile(source.name, name, "lien symbolique ignoré : déposez "
                                       "le fichier lui-même dans le dossier des exports"))
        elif not stat.S_ISREG(mode):
            skipped.append(SkippedFile(source.name, name, "pas un fichier ordinaire "
                                       "(dossier, tube ou périphérique) : ignoré"))
        elif path.suffix.lower() not in EXTENSIONS:
            skipped.append(SkippedFile(source.name, name, "extension non prise en charge "
                                       "(seuls .csv et .xlsx sont lus)"))
        else:
            found[source.name].append(
                ExportFile(source.name, path, len(found[source.name]), name))
    if not found[MANDATORY_SOURCE]:
        raise ExportError(
            f"Aucun fichier de prospects dans {raw_dir} : il faut au moins un fichier "
            "« prospects*.csv » ou « prospects*.xlsx » (export du CRM du réseau accueil)."
        )
    return found, skipped


def _utf16_without_bom(data: bytes) -> str | None:
    """« utf-16-le » or « utf-16-be » when the text's every other byte is zero (Latin text in
    UTF-16 saved without its BOM), else None: a big-endian file was called « binaire »."""
    sample = data[:4096]
    half = len(sample) // 2
    if len(sample) < 8:
        return None
    for encoding, zeros, letters in (("utf-16-le", sample[1::2], sample[0::2]),
                                     ("utf-16-be", sample[0::2], sample[1::2])):
        if zeros.count(0) > 0.9 * half and letters.count(0) < 0.1 * half:
            return encoding
    return None


# A workbook (.xlsx: a zip; .xls: an OLE compound file) saved under a .csv name.
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV export and its encoding, decided on evidence: UTF-16 with a BOM (Excel's
    « Texte Unicode »), UTF-8 (with or without BOM), else Windows-1252. A few bytes invalid in
    a file that is otherwise UTF-8 do not make it Windows-1252: they become « � » and each row
    holding one is reported; so does a stray NUL byte (one stopped the whole build as
    « fichier binaire », or was kept inside a value where it fell past the first 64 KB)."""
    text, encoding = _decode(data)
    return _nul_shown(text), encoding


def _nul_shown(text: str) -> str:
    """A NUL as « � », the unreadable character each row holding one is reported for."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if encoding := _utf16_without_bom(data):
        return data.decode(encoding, errors="replace"), encoding
    head = data[:65536]
    if head.startswith(_BINARY_MAGIC) or head.count(0) > max(1, len(head) // 100):
        raise ExportError("illisible comme CSV (fichier binaire ; un classeur Excel doit "
                          "porter l'extension .xlsx)")
    has_bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if has_bom else "utf-8"
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    invalid = lenient.count("\ufffd")
    valid_multibyte = len(re.findall(r"[^\x00-\x7f\ufffd]", lenient))
    if has_bom or valid_multibyte > invalid:
        return lenient, "utf-8-sig" if has_bom else "utf-8"
    # Bytes undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) become « � », reported too.
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
        if not in_quotes or len(header) > 65536:
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


def _quote_left_open(text: str, delimiter: str) -> bool:
    """Whether a quote opened at the start of a value is still open at the end of `text`, read
    as Python's csv reads it (a quote opens a value only at its start; `""` is a quote)."""
    in_quotes, at_start, i = False, True, 0
    while i < len(text):
        ch = text[i]
        if in_quotes:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    i += 1
                else:
                    in_quotes = False
        elif ch == '"' and at_start:
            in_quotes = True
        at_start = not in_quotes and ch in (delimiter, "\n", "\r")
        i += 1
    return in_quotes


def _swallows(values: list[str], raw: str, delimiter: str, width: int | None,
              at_end: bool) -> bool:
    """Whether a record spanning several lines is a stray quote eating the rows after it: the
    quote never closes before the end of the file, or a line inside a value holds as many
    delimiters as a whole row (no value of an export holds a row of its own)."""
    multi_line = [v for v in values if "\n" in v or "\r" in v]
    if not multi_line:
        return False
    if at_end and _quote_left_open(raw, delimiter):
        return True
    if width and width >= 3:
        return any(line.count(delimiter) >= width - 1
                   for value in multi_line for line in value.splitlines()[1:])
    return False


def _parse_lines(lines: list[str], delimiter: str) -> list[Record]:
    """Records of a CSV's physical lines. A quote that would swallow the rows after it is not
    followed: the line where it opened is kept as a row of its own, with its problem, and
    reading goes on at the next line."""
    records: list[Record] = []
    start, number, width = 0, 0, None
    # (Python's own limit, 131 072 characters a value, stopped the build with an English
    # « internal error »: a value that long is rejected below, with its row)
    csv.field_size_limit(max(csv.field_size_limit(), config.MAX_FILE_BYTES + 1))
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter,
                            quotechar='"', doublequote=True, strict=False)
        consumed, restart = start, None
        for values in reader:
            first, consumed = consumed, start + reader.line_num
            number += 1
            if width is None and values:
                width = len(values)
            at_end = consumed == len(lines)
            raw = "".join(lines[first:consumed]) if consumed - first > 1 or at_end else ""
            if raw and _swallows(values, raw, delimiter, width, at_end):
                literal = lines[first].rstrip("\r\n").split(delimiter)
                records.append(Record(number, literal, (
                    f"guillemet ouvert sur cette ligne et jamais refermé (ligne {first + 1} "
                    "du fichier) : la ligne est écartée, les suivantes sont lues")))
                restart = first + 1
                break
            too_long = any(len(v) > config.MAX_VALUE_CHARS for v in values)
            records.append(Record(number, values, TOO_LONG if too_long else None))
        if restart is None:
            break
        start = restart
    return records


def _csv_records(export: ExportFile, data: bytes) -> list[Record]:
    try:
        text, export.encoding = decode(data)
    except ExportError as exc:
        raise ExportError(f"{export.name} : {exc}.") from None
    text = text.lstrip("\ufeff")
    hint = _SEP_HINT.match(text)
    if hint:
        # `sep=;` on the first line is a hint to Excel, which hides it: not the header.
        text = text[hint.end():]
    export.delimiter = hint.group(1) if hint else sniff_delimiter(text)
    lines = io.StringIO(text, newline="").readlines()
    return _parse_lines(lines, export.delimiter)


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        # (a whole number as typed, up to the 15 digits a spreadsheet keeps; beyond, as the
        # spreadsheet shows it: a budget of 1E+308 came out as 309 digits, read as phone
        # numbers by the masking of the quality page)
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    # (a cell written `_x0000_`, Excel's escape of a NUL, came out of calamine as a NUL byte
    # and was published as such: « � » and reported, as in a CSV file)
    return _nul_shown("" if value is None else str(value))


# What an officer can do about a workbook that cannot be read.
_SAVE_AGAIN = ("Ouvrez-le dans le tableur et enregistrez-le de nouveau au format .xlsx (ou "
               "exportez-le de nouveau depuis l'outil d'origine), puis relancez.")


def _xlsx_records(export: ExportFile) -> list[Record]:
    """Rows of the first visible sheet. A sheet whose cells fill their range is read by
    python-calamine; a sparse one (formatted whole columns) by actual cells."""
    try:
        workbook = xlsx.Workbook(export.path, config.MAX_FILE_BYTES)
    except xlsx.WorkbookError as exc:
        raise ExportError(f"{export.name} : illisible comme classeur XLSX ({exc}). "
                          f"{_SAVE_AGAIN}") from None
    try:
        visible = [sheet for sheet in workbook.sheets if sheet.visible]
        if not visible:
            raise ExportError(f"{export.name} : le classeur n'a aucune feuille visible.")
        sheet = visible[0]
        # (masked here: the kept rows' facts in data/.build held a sheet named after an
        # address in clear, and the warning quoting the others too)
        export.sheet = pii.mask(sheet.name)
        others = [pii.mask(s.name) for s in workbook.sheets
                  if s != sheet and workbook.has_cells(s)]
        if others:
            export.warnings.append((None, None, (
                f"feuille « {export.sheet} » lue (la première visible) ; d'autres feuilles "
                f"contiennent des données et sont ignorées : "
                + ", ".join(f"« {name} »" for name in others)
                + " ; mettez toutes les données dans la feuille lue")))
        dense, unvalued = workbook.scan(sheet)
        if unvalued:
            export.warnings.append((None, None, (
                f"{unvalued} cellule(s) de la feuille « {export.sheet} » sans valeur "
                "enregistrée (une formule jamais calculée, ou une erreur comme #DIV/0! ou "
                "#N/A) : lues vides. Ouvrez le classeur dans le tableur, corrigez ou "
                "enregistrez-le, puis relancez")))
        if dense:
            rows = CalamineWorkbook.from_path(str(export.path)).get_sheet_by_name(
                sheet.name).to_python(skip_empty_area=False)
            records = [Record(n, [_cell_text(v) for v in row]) for n, row in
                       enumerate(rows, start=1)]
        else:
            records = _sparse_records(workbook, sheet)
    except ExportError:
        raise
    except Exception:  # calamine and the XML parser raise several types
        # (their names said nothing to an officer: « (KeyError) », « (XmlError) », « (error) »)
        raise ExportError(f"{export.name} : illisible comme classeur XLSX (une feuille "
                          f"manque ou est endommagée). {_SAVE_AGAIN}") from None
    finally:
        workbook.close()
    for record in records:
        if any(len(v) > config.MAX_VALUE_CHARS for v in record.values):
            record.problem = TOO_LONG
    return records


def _sparse_records(workbook: xlsx.Workbook, sheet: xlsx.Sheet) -> list[Record]:
    """Rows by actual cells; beyond the header's width only the values present are kept (they
    make the row malformed), so a far cell costs one value, not a row of empty ones."""
    records: list[Record] = []
    width = None
    for number, cells in xlsx.rows(workbook, sheet):
        texts = {column: _cell_text(value) for column, value in cells.items()}
        if width is None:
            if not any(t.strip() for t in texts.values()):
                continue
            width = max(texts)
        values = [texts.get(column, "") for column in range(1, width + 1)]
        values += [t for column, t in sorted(texts.items()) if column > width and t.strip()]
        records.append(Record(number, values))
    return records


def _is_blank(values: list[str]) -> bool:
    """An empty line, or a row of empty cells (`;;;` as spreadsheets export them): not a row."""
    return all(not value.strip() for value in values)


def _read_bytes(export: ExportFile) -> bytes:
    try:
        with open(export.path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_size > config.MAX_FILE_BYTES:
                raise ExportError(f"{export.name} : fichier trop volumineux "
                                  f"({info.st_size // 2**20} Mo, {_limit_mb()}).")
            data = handle.read()
    except PermissionError:
        raise ExportError(f"{export.name} : illisible (permission refusée).") from None
    except OSError as exc:
        raise ExportError(f"{export.name} : illisible ({exc.strerror}).") from None
    export.modified_at = dt.datetime.fromtimestamp(info.st_mtime)
    return data


def _header_message(export: ExportFile, source: Source, missing: list[str],
                    header: Record) -> str:
    # The « header » may be a data row (a file exported without one): its cells are masked
    # and shortened before they are quoted.
    if header.values and re.match(r"%PDF-\d+\.\d+(?!\S)",
                                  header.values[0].lstrip("\ufeff \t")):
        # (« Colonnes trouvées (ligne 1) : « %PDF-1.7 » » of a bilan saved under a CSV name)
        return (f"{export.name} ({source.label}) : c'est un document PDF, pas un export : "
                "déposez à sa place l'export CSV ou XLSX du logiciel.")
    shown = [pii.mask(h.strip())[:60] for h in header.values if h.strip()][:20]
    found = ", ".join(f"« {h} »" for h in shown) or "aucune"
    plural = "s" if len(missing) > 1 else ""
    return (f"{export.name} ({source.label}) : colonne{plural} obligatoire{plural} "
            f"absente{plural} : {', '.join(f'« {m} »' for m in missing)}. "
            f"Colonnes trouvées (ligne {header.number}) : {found}.")


def _map_header(export: ExportFile, source: Source, header: Record) -> dict[str, int]:
    """Position of each contract column in the header; ignored columns noted; a missing
    required column is a file-level error."""
    index = header_index(source)
    positions: dict[str, int] = {}
    for position, name in enumerate(name.strip() for name in header.values):
        column = index.get(normalise(name))
        if column is None or column.key in positions:
            if name:
                export.ignored_columns.append(pii.mask(name)[:120])
                if column is not None:
                    export.repeated_columns.append(pii.mask(name)[:120])
            continue
        positions[column.key] = position
    missing = [c.label for c in source.required if c.key not in positions]
    if missing:
        raise ExportError(_header_message(export, source, missing, header))
    # (a campaigns export of « Code;Nom » was published without a word on its channels, dates
    # and budgets; set, not added to: the fast reader may hand a file to the reference one)
    export.missing_columns = [c.label for c in source.columns if c.key not in positions]
    return positions


def raw_columns(source: Source) -> dict[str, str]:
    """The columns of raw.<source> and their DuckDB types: the reader's, then the contract's
    columns as text."""
    return {"file_order": "integer", "file": "varchar", "line": "bigint",
            "extra_values": "integer", "load_problem": "varchar",
            **{c.key: "varchar" for c in source.columns}}


def read_export(export: ExportFile, source: Source) -> dict[str, tuple[str, list]]:
    """One export file as columns of text named by the contract, plus file and line:
    {column: (DuckDB type, values)}, in raw_columns' order."""
    data = _read_bytes(export)
    if export.path.suffix.lower() == ".xlsx":
        records = _xlsx_records(export)
        export.encoding = "xlsx"
    else:
        records = _csv_records(export, data)
    export.sha256 = hashlib.sha256(data).hexdigest()
    del data
    records = [r for r in records if not _is_blank(r.values) or r.problem]
    if not records:
        if export.sheet:
            # (a workbook whose data sat on its second sheet was said « fichier vide »)
            raise ExportError(
                f"{export.name} : la feuille « {export.sheet} », la première visible, est vide "
                "(pas même une ligne d'en-tête) ; seule la première feuille visible d'un "
                "classeur est lue : placez-y les données.")
        raise ExportError(f"{export.name} : fichier vide (pas même une ligne d'en-tête).")
    header, rows = records[0], records[1:]
    export.rows_read = len(rows)

    positions = _map_header(export, source, header)
    names = [name.strip() for name in header.values]

    width = len(header.values)
    for row in rows:
        # « � » stands for bytes the file's encoding cannot hold: reported with row and column
        for position, value in enumerate(row.values):
            if "\ufffd" in value:
                column = names[position] if position < width else None
                export.warnings.append((row.number, pii.mask(column or "")[:120] or None,
                                        "caractère illisible remplacé par « � » (octet "
                                        "invalide pour l'encodage du fichier, "
                                        f"{export.encoding}, ou octet nul) ; corrigez la "
                                        "valeur dans l'outil d'origine, ou réenregistrez "
                                        "l'export en UTF-8"))
    columns: dict[str, list] = {
        "file_order": [export.order] * len(rows),
        "file": [export.name] * len(rows),
        "line": [row.number for row in rows],
        # Values beyond the header's width that are not empty: the row is malformed.
        "extra_values": [sum(1 for v in row.values[width:] if v.strip()) for row in rows],
        "load_problem": [row.problem for row in rows],
    }
    for column in source.columns:
        pos = positions.get(column.key)
        # Surrounding white space (no-break spaces included) is trimmed; empty is missing.
        columns[column.key] = (
            [(row.values[pos].strip() or None) if pos < len(row.values) and not row.problem
             else None for row in rows]
            if pos is not None else [None] * len(rows)
        )
    return {name: (kind, columns[name]) for name, kind in raw_columns(source).items()}


@dataclass
class _Fast:
    """A CSV export DuckDB reads with the reference reader's result (fastcsv.py), checked; its
    rows' SQL is written by `_rows_sql`, alone or with files of the same shape."""
    export: ExportFile
    plan: fastcsv.Plan
    positions: dict[str, int]  # the source's columns → their position in the header
    long_columns: set[str]  # columns holding a value that may be longer than a cell
    table: str  # the name for its blank lines' shifts, if any

    @property
    def shape(self) -> tuple | None:
        """What files read by one `read_csv` must share (None: read alone): the reading
        options, the header's width and mapping, the trimming; no blank line and no value
        spanning lines (their row numbers are the file's own)."""
        plan = self.plan
        if plan.breaks or plan.multi_line:
            return None
        return (plan.delimiter, plan.skip, plan.number_offset, len(plan.header_values),
                tuple(sorted(self.positions.items())), plan.rare_spaces)


def _fast_plan(export: ExportFile) -> fastcsv.Plan:
    """How DuckDB reads the export (fastcsv.plan), or NotEligible."""
    try:
        info = export.path.stat()
    except OSError:
        raise fastcsv.NotEligible("fichier illisible") from None
    if info.st_size > config.MAX_FILE_BYTES:
        raise fastcsv.NotEligible("trop volumineux")  # the reference reader says so
    # DuckDB reads a path as a pattern: `contacts_campagnes_[1].csv` read the rows of
    # `contacts_campagnes_1.csv`, and `…_?.csv` in a list read a second file too
    if any(character in str(export.path) for character in "*?[]{}"):
        raise fastcsv.NotEligible("nom de fichier lu comme un motif par DuckDB")
    try:
        str(export.path).encode("utf-8")
    except UnicodeEncodeError:
        # (a name in Windows-1252 bytes: DuckDB's refusal read as the content's encoding,
        # its rows transcoded and the file said « cp1252 » while it was plain ASCII)
        raise fastcsv.NotEligible("nom de fichier qui n'est pas de l'UTF-8") from None
    # (its sha256 is known when the unchanged-inputs check or the kept rows' lookup asked it)
    return fastcsv.plan(export.path, _parse_lines, sniff_delimiter, _SEP_HINT,
                        sha256=export.sha256 or None)


def _load_fast(con, export: ExportFile, source: Source, folder: Path, table: str,
               planned: fastcsv.Plan | fastcsv.NotEligible | None = None) -> _Fast:
    """A CSV checked by DuckDB's reader (fastcsv.py): how to read its rows as the reference
    reader gives them, exactly (numbered, trimmed, named), run by staging (`_rows_sql`): the
    file is parsed where it is used, never copied into a table (`table`: the name for its
    blank lines' shifts, if any). `planned`: what `_fast_plan` gave for it, when asked
    already. Raises fastcsv.NotEligible when that cannot be guaranteed."""
    plan = None
    try:
        if isinstance(planned, fastcsv.NotEligible):
            raise planned  # (not UTF-8: read as Windows-1252 below; any other reason: raised)
        plan = planned or _fast_plan(export)
        rows_read, long_columns = fastcsv.read(con, plan)
        export.encoding = "utf-8-sig" if _has_utf8_bom(export.path) else "utf-8"
    except fastcsv.NotUtf8:
        # the transcoding is read; the sha256 stays the export's own
        plan = fastcsv.plan(export.path, _parse_lines, sniff_delimiter, _SEP_HINT,
                            encoding="cp1252", sha256=plan.sha256 if plan else None,
                            read_path=fastcsv.cp1252_or_utf8(export.path, folder))
        rows_read, long_columns = fastcsv.read(con, plan)
        export.encoding = "cp1252"
    export.sha256, export.delimiter = plan.sha256, plan.delimiter
    export.modified_at = dt.datetime.fromtimestamp(plan.state[1] / 1e9)
    positions = _map_header(export, source, Record(plan.header_number, plan.header_values))
    export.rows_read = rows_read
    export.read_plan = plan
    return _Fast(export, plan, positions, long_columns, table)


def _batches(files: list[_Fast]) -> list[list[_Fast]]:
    """Files of one shape in runs of at most fastcsv.GROUP_BYTES (a larger file alone)."""
    batches, size = [], fastcsv.GROUP_BYTES
    for checked in files:
        if size + checked.plan.state[0] > fastcsv.GROUP_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(checked)
        size += checked.plan.state[0]
    return batches


def _rows_sql(con, files: list[_Fast], source: Source) -> str:
    """The rows of files of one shape (`_Fast.shape`), or of one file, as the reference reader
    gives them. Files of one shape are read by one `read_csv`: sixty monthly touches files
    read as sixty cost 1.8 s of binding and writing for ten thousand rows (their expressions
    sixty times), against 0.07 s of reading."""
    first = files[0]
    width = len(first.plan.header_values)
    every = [f"c{i}" for i in range(1, width + fastcsv.EXTRA_COLUMNS + 1)]
    trimmed = {name: fastcsv.trimmed(name, first.plan.rare_spaces) for name in every}
    long_columns = set().union(*(f.long_columns for f in files))
    # characters counted only where some value has more bytes than a cell holds characters
    too_long = " or ".join(f"length({name}) > {config.MAX_VALUE_CHARS}"
                           for name in every if name in long_columns) or "false"
    values = ",\n".join(
        f"case when not too_long then {trimmed[f'c{first.positions[c.key] + 1}']} end as {c.key}"
        if c.key in first.positions else f"null::varchar as {c.key}" for c in source.columns)
    extras = " + ".join(f"({trimmed[name]} is not null)::int" for name in every[width:])
    if len(files) == 1:
        numbered = fastcsv.numbered_select(con, first.plan, first.table)
        order, name = str(first.export.order), fastcsv.sql_text(first.export.name)
    else:
        numbered = fastcsv.numbered_select_many([f.plan for f in files])
        order = "[" + ", ".join(str(f.export.order) for f in files) + "][file_index::bigint + 1]"
        name = ("[" + ", ".join(fastcsv.sql_text(f.export.name) for f in files)
                + "][file_index::bigint + 1]")
    return f"""
        select {order}::int as file_order, {name}::varchar as file,
            line::bigint as line,
            ({extras})::int as extra_values,
            case when too_long then {fastcsv.sql_text(TOO_LONG)} end as load_problem,
            {values}
        from (select *, coalesce({too_long}, false) as too_long
              from ({numbered}))
        where coalesce({", ".join(trimmed.values())}) is not null or too_long
    """


def _has_utf8_bom(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(3) == codecs.BOM_UTF8


def load_source(con, source: Source, exports: list[ExportFile],
                folder: Path | None = None) -> None:
    """raw.<source>: every row of the source's files, values as text — a view over one table
    per file. A CSV is read by DuckDB when that gives the reference reader's rows exactly
    (fastcsv.py), else — and always with OMLOT_READER=reference — by the reference reader."""
    drop_raw(con, source.name)
    fast = folder is not None and os.environ.get("OMLOT_READER") != "reference"
    parts, shapes = [], {}
    # every CSV planned first, so that files read alike are checked together
    plans: list[fastcsv.Plan | fastcsv.NotEligible | None] = []
    for export in exports:
        try:
            plans.append(_fast_plan(export) if fast and export.path.suffix.lower() == ".csv"
                         else None)
        except fastcsv.NotEligible as why:
            plans.append(why)
    fastcsv.check_together(con, [p for p in plans if isinstance(p, fastcsv.Plan)])
    for export, planned in zip(exports, plans, strict=True):
        table = f"raw.{source.name}__{export.order}"
        if planned is not None:
            try:
                checked = _load_fast(con, export, source, folder, table, planned)
                shapes.setdefault(checked.shape or id(checked), []).append(checked)
                continue
            except fastcsv.NotEligible as why:
                export.ignored_columns.clear()
                export.repeated_columns.clear()
                if os.environ.get("OMLOT_TIMINGS"):
                    print(f"  {pii.mask(export.name)}: lecteur de référence ({why})",
                          file=sys.stderr)
        table_of(con, table, read_export(export, source))
        parts.append(f"select * from {table}")
    parts += [_rows_sql(con, group, source) for files in shapes.values()
              for group in _batches(files)]
    if parts:
        con.execute(f"create view raw.{source.name} as " + " union all ".join(parts))
    else:
        table_of(con, f"raw.{source.name}",
                 {name: (kind, []) for name, kind in raw_columns(source).items()})


def check_unchanged(exports: list[ExportFile]) -> None:
    """After staging: every file the fast path read twice (its checks, then staging) is as it
    was checked; one re-saved meanwhile stops the build, rather than publish rows that its
    checks and its sha256 do not describe."""
    for export in exports:
        if export.read_plan is not None and not fastcsv.unchanged_since_read(export.read_plan):
            raise ExportError(f"{export.name} : le fichier a changé pendant la construction "
                              "(enregistré ou copié à nouveau) ; relancez-la une fois la copie "
                              "terminée.")


def drop_raw(con, source_name: str) -> None:
    """Drop raw.<source> and the per-file tables under it (once staging has read them)."""
    objects = con.execute(
        "select table_name, 'table' from duckdb_tables() where schema_name = 'raw' "
        "and (table_name = $name or starts_with(table_name, $name || '__')) "
        "union all select view_name, 'view' from duckdb_views() where schema_name = 'raw' "
        "and view_name = $name", {"name": source_name}).fetchall()
    for name, kind in sorted(objects, key=lambda o: o[1] != "view"):
        con.execute(f'drop {kind} if exists raw."{name}"')
