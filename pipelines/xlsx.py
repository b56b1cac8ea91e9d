"""A streaming reader of XLSX workbooks, by their actual cells: memory follows what the sheet
holds, not the range it declares. Excel writes a huge range when whole columns are formatted
(`A1:XFD1048576`); python-calamine allocates that range densely (512 GiB for one far cell), so
it is used only when the sheet's cells fill most of their range."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_ROW_REF = re.compile(rb'<row [^>]*?\br="(\d+)"')
_WIDE_REF = re.compile(rb'r="([A-Z][A-Z]{1,2})\d')
# A cell whose formula has no saved value (a workbook written by a tool, never opened in a
# spreadsheet program), and a cell whose saved value is an error (#DIV/0!, #N/A): both read
# empty, by python-calamine and here alike.
_UNSAVED = re.compile(rb'<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_ERROR = re.compile(rb'<c\b[^>]*\bt="e"')
# Built-in number formats that show a date or a time (ECMA-376, 18.8.30).
_DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}
# In a custom format code, text in quotes, escapes and [colour] blocks are not date parts.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class WorkbookError(Exception):
    """The workbook cannot be read; the message says why in plain words (French)."""


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool
    path: str  # member of the zip archive


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _is_date_format(code: str) -> bool:
    code = _FORMAT_NOISE.sub("", code).lower()
    return any(part in code for part in ("d", "m", "y", "h", "s")) and "0.0" not in code


def _serial_datetime(serial: float, date1904: bool) -> dt.datetime:
    """A spreadsheet date serial as a datetime (1900 system with its phantom 29/02/1900)."""
    if date1904:
        base = dt.datetime(1904, 1, 1)
    else:
        base = dt.datetime(1899, 12, 30) if serial >= 61 else dt.datetime(1899, 12, 31)
    return base + dt.timedelta(seconds=round(serial * 86400))


class Workbook:
    """An open XLSX archive: its sheets, shared strings and date styles."""

    def __init__(self, path, max_bytes: int):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise WorkbookError("ce n'est pas un classeur XLSX (archive illisible)") from exc
        # The size once decompressed, checked before anything is read (a « zip bomb » is small).
        total = sum(info.file_size for info in self.zip.infolist())
        if total > max_bytes:
            raise WorkbookError(
                f"classeur trop volumineux une fois décompressé ({total // 2**20} Mo, "
                f"limite {max_bytes // 2**20} Mo : réglage OMLOT_MAX_FILE_MB)")
        try:
            self.sheets, self.date1904 = self._sheets()
            self.date_styles = self._date_styles()
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
            raise WorkbookError("structure du classeur illisible") from exc

    def close(self) -> None:
        self.zip.close()

    def _xml(self, member: str) -> ElementTree.Element:
        with self.zip.open(member) as handle:
            return ElementTree.parse(handle).getroot()

    def _sheets(self) -> tuple[list[Sheet], bool]:
        workbook = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets = {rel.get("Id"): rel.get("Target", "")
                   for rel in rels.iter(f"{_PKG_REL}Relationship")}
        pr = workbook.find(f"{_MAIN}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        sheets = []
        for node in workbook.iter(f"{_MAIN}sheet"):
            target = targets.get(node.get(f"{_REL}id"), "")
            if "worksheets/" not in target:
                continue  # a chart sheet or a macro sheet holds no rows
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            sheets.append(Sheet(node.get("name", ""), node.get("state", "visible") == "visible",
                                path))
        return sheets, date1904

    def _date_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format shows a date."""
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        styles = self._xml("xl/styles.xml")
        custom = {int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
                  for fmt in styles.iter(f"{_MAIN}numFmt")}
        cell_xfs = styles.find(f"{_MAIN}cellXfs")
        dates = set()
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            fmt_id = int(xf.get("numFmtId", "0"))
            if fmt_id in _DATE_FORMAT_IDS or (fmt_id in custom and _is_date_format(custom[fmt_id])):
                dates.add(index)
        return dates

    @functools.cached_property
    def strings(self) -> list[str]:
        """The shared strings, read on first need (a dense sheet is read by calamine)."""
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings = []
        with self.zip.open("xl/sharedStrings.xml") as handle:
            for _, node in ElementTree.iterparse(handle):
                if node.tag == f"{_MAIN}si":
                    # Phonetic runs (rPh) are reading aids, not text of the cell.
                    strings.append("".join(t.text or "" for t in node.iter(f"{_MAIN}t")
                                           if t not in _phonetic_texts(node)))
                    node.clear()
        return strings

    def _value(self, cell: ElementTree.Element) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
        raw = cell.findtext(f"{_MAIN}v")
        if not raw:  # (no value, or an empty one: a formula never calculated; warned)
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind == "e":
            return None  # an error (#DIV/0!): empty, as python-calamine reads it; warned
        if kind in ("str", "d"):
            return raw
        number = float(raw)
        if int(cell.get("s", "0")) in self.date_styles:
            return _serial_datetime(number, self.date1904)
        return number

    def cells(self, sheet: Sheet) -> Iterator[tuple[int, int, object]]:
        """(row, column, value) of every cell holding a value, 1-based, in sheet order."""
        row_number, column_number, sheet_data = 0, 0, None
        with self.zip.open(sheet.path) as handle:
            for event, node in ElementTree.iterparse(handle, events=("start", "end")):
                tag = node.tag
                if event == "start":
                    if tag == f"{_MAIN}row":
                        row_number = int(node.get("r") or row_number + 1)
                        column_number = 0
                    elif tag == f"{_MAIN}sheetData":
                        sheet_data = node
                elif tag == f"{_MAIN}c":
                    ref = _CELL_REF.fullmatch(node.get("r", ""))
                    # a cell without a reference follows the previous one in its row
                    column_number = _column_number(ref.group(1)) if ref else column_number + 1
                    value = self._value(node)
                    if value is not None and value != "":
                        yield (int(ref.group(2)) if ref else row_number), column_number, value
                elif tag == f"{_MAIN}row" and sheet_data is not None:
                    sheet_data.clear()  # rows already read are dropped: memory stays flat
                elif tag == f"{_MAIN}sheetData":
                    return

    def scan(self, sheet: Sheet) -> tuple[bool, int]:
        """A quick scan of the sheet's XML bytes: whether its cells fill most of the range they
        span, so that a dense reader (python-calamine, 6x faster) stays within memory; and how
        many cells read empty for want of a value (a formula never calculated, an error)."""
        cells, max_row, max_column, tail, unvalued = 0, 0, 26, b"", 0
        with self.zip.open(sheet.path) as handle:
            while chunk := handle.read(1 << 22):
                buffer = tail + chunk
                cut = buffer.rfind(b"<c ")  # (a cell is counted in the chunk it ends in)
                cut = buffer.rfind(b"<") if cut <= 0 else cut
                cells += buffer.count(b"<c ", 0, cut)
                unvalued += (len(_UNSAVED.findall(buffer, 0, cut))
                             + len(_ERROR.findall(buffer, 0, cut)))
                # rows come in order (ECMA-376): the last one of a chunk is its highest
                last_row = _ROW_REF.match(buffer, max(buffer.rfind(b"<row ", 0, cut), 0))
                max_row = max(max_row, int(last_row.group(1)) if last_row else 0)
                # only references past column Z are looked at: most exports have none
                for letters in _WIDE_REF.findall(buffer, 0, cut):
                    max_column = max(max_column, _column_number(letters.decode()))
                tail = buffer[cut:]
        cells += tail.count(b"<c ")  # (the last cell)
        unvalued += len(_UNSAVED.findall(tail)) + len(_ERROR.findall(tail))
        # (no cell found: written in another way, let the careful reader decide)
        return cells > 0 and max_row * max_column <= 4 * cells + 1_000_000, unvalued

    def has_cells(self, sheet: Sheet) -> bool:
        return next(self.cells(sheet), None) is not None


def _phonetic_texts(node: ElementTree.Element) -> set[ElementTree.Element]:
    return {t for rph in node.iter(f"{_MAIN}rPh") for t in rph.iter(f"{_MAIN}t")}


def rows(workbook: Workbook, sheet: Sheet) -> Iterator[tuple[int, dict[int, object]]]:
    """(row number, {column: value}) of every row that holds a value, columns 1-based; memory
    follows the cells present, never the declared range."""
    current, values = 0, {}
    for row, column, value in workbook.cells(sheet):
        if row != current:
            if values:
                yield current, values
            current, values = row, {}
        values[column] = value
    if values:
        yield current, values
