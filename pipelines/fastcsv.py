"""The fast reading path of a CSV export: DuckDB's own reader, for the files it can read with
exactly the reference reader's result (load.py's `_parse_lines`). Row numbers are the records'
as a spreadsheet shows them: they follow from DuckDB's record order and the positions of the
blank lines (DuckDB drops those). When values span lines (a note typed on two lines), the lines
each record spans are counted from its own values, and the file is read by one thread (DuckDB's
parallel reader refuses quoted line breaks with padded rows); a value whose lines would hold a
whole row (a stray quote, as the reference reader judges it) sends the file back. Every other
file, or any doubt (a count that does not reconcile, a reader error), goes back to the
reference reader.

Windows-1252 is transcoded in a streaming pass into an anonymous in-memory file that DuckDB
reads (`transcoded`): the UTF-8 text, which holds personal data in clear, never touches the
disk; the line scans read the export's own bytes."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import config

# Files of one shape are read together up to this many bytes (load._batches): one reader
# numbers its rows in one thread (source_sql), so large exports stay apart and are read in
# parallel (ten million touches in one reader: staging 17 → 29 s on 2 cores).
GROUP_BYTES = 1 << 25

# Extra columns read beyond the header's width (strict mode refuses a row with more values than
# columns declared: the file then goes to the reference reader).
EXTRA_COLUMNS = 4
HEAD_BYTES = 1 << 16
CHUNK_BYTES = 1 << 24
MAX_BLANK_LINES = 10_000
MAX_QUOTES_WALKED = 2_000_000
QUOTES_PER_CHUNK = 20_000
# What Python's str.strip() removes: the reference reader's trimming, exactly (written out:
# computing it over every code point cost 0.15 s at each start; a test checks it is the set).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
              "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# The same set as SQL literals (our own constant: no quote in it). A constant trim set is ~6x
# faster than a bound one in DuckDB.
SPACE_LITERAL = "'" + WHITESPACE + "'"
# Every white-space character is below « ! » or at least U+0085 (NEL): a value whose first and
# last characters are neither has nothing to trim. Two byte comparisons per edge (UTF-8 sorts
# as code points) instead of a regex: ~10x cheaper on ten million values (tested).
# White space other than the plain space, as UTF-8 bytes (\n and \r cannot be inside a value
# the fast path reads). A file with none of them needs only the plain space trimmed, which two
# cheap tests find (a value starting below « ! », or ending with a space): the exact test
# costs ~1 s per million rows of a touches export.
RARE_SPACE_BYTES = b"\t\x0b\x0c\x1c\x1d\x1e\x1f"
_RARE_SEQUENCES = re.compile(
    b"\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80")
_ASCII = bytes(range(0x80))
_REPLACEMENT = "\ufffd".encode()  # (U+FFFD in UTF-8)


class NotEligible(Exception):
    """The file needs the reference reader (the reason is for OMLOT_TIMINGS output)."""


class NotUtf8(NotEligible):
    """DuckDB refused the file's bytes as UTF-8."""


class QuotedLineBreaks(NotEligible):
    """DuckDB's parallel reader refused a value spanning lines (with rows padded): one thread
    reads the file."""


@dataclass
class Plan:
    path: Path  # the export (its bytes are scanned, its state checked)
    encoding: str
    delimiter: str
    header_values: list[str]
    header_number: int  # the header's row number as a spreadsheet shows it
    skip: int  # physical lines before the first data line
    number_offset: int  # physical line - row number (a `sep=` line is not a row)
    # the line scan (_scan) runs in a thread while DuckDB reads the file: its results are
    # awaited when first needed (it raises NotEligible then, if it found a reason)
    scan: Future
    _sha256: str | None = None
    _blank_lines: list[int] | None = None
    state: tuple[int, int] | None = None  # the file's (size, mtime) when planned
    # what DuckDB reads: the export, or its UTF-8 transcoding in memory (`transcoded`)
    read_path: Path | None = None
    # values span lines: read by one thread, every value's edges tested for white space
    multi_line: bool = False
    # (k, shift): the rows from the k-th record on come after `shift` blank lines (`read`)
    breaks: list[tuple[int, int]] | None = None
    # the values of the reference reader's first record (its test of a stray quote)
    reference_width: int = 0
    # the records DuckDB reads from the file (blank ones included; `read`)
    records: int = 0
    # the results of `read`'s checks, when made with files read alike (check_together)
    checked: list | None = None

    @property
    def first_number(self) -> int:
        """The row number a spreadsheet shows for the file's first data record."""
        return self.skip + 1 - self.number_offset

    @property
    def source(self) -> Path:
        return self.read_path or self.path

    @property
    def data_lines(self) -> int:
        """Physical lines after the header."""
        return self.scan.result()[0]

    def find_blank_lines(self) -> list[int]:
        """Physical numbers of the empty lines after the header (a second pass over the file,
        run when the records are fewer than the lines)."""
        if self._blank_lines is None:
            self._blank_lines = _scan(self.path, self.skip, find_blanks=True,
                                      encoding=self.encoding)[1]
        return self._blank_lines

    @property
    def rare_spaces(self) -> bool:
        """Whether the file holds white space other than the plain space (a tab, a no-break
        space…): its values then need the exact test for what to trim. A value spanning lines
        may end with a line break: the exact test too."""
        return self.multi_line or self.scan.result()[3]

    def quotes_well_formed(self) -> bool:
        """Whether every quote of the file opens a value at its start, closes it before a
        delimiter or a line break, or is doubled inside it, and none is left open at the end:
        DuckDB, reading with one thread, and Python's csv part ways on any other (a quote
        inside an unquoted value, text after a closing quote, a quote never closed). A walk
        from quote to quote, for the few files whose values span lines; one with too many
        quotes to walk goes to the reference reader."""
        delimiter = self.delimiter.encode()
        inside, quotes, first = False, 0, True
        with open(self.path, "rb") as handle:
            # (chunks end on a line break: a quote's next byte is in its own chunk)
            while data := handle.read(CHUNK_BYTES) + handle.readline():
                quotes += data.count(b'"')
                if quotes > MAX_QUOTES_WALKED:
                    return False
                if first and data.startswith(codecs.BOM_UTF8):
                    data = data[len(codecs.BOM_UTF8):]
                first, at = False, data.find(b'"')
                while at >= 0:
                    after = data[at + 1:at + 2]
                    if not inside:
                        if at > 0 and data[at - 1:at] not in (delimiter, b"\n"):
                            return False  # a quote inside an unquoted value
                        inside = True
                    elif after == b'"':
                        at += 1  # a doubled quote inside the value
                    elif after in (delimiter, b"\r", b"\n", b""):
                        inside = False
                    else:
                        return False  # text after a closing quote
                    at = data.find(b'"', at + 1)
        return not inside

    @property
    def sha256(self) -> str:
        """The export's (given, else hashed by the scan)."""
        return self._sha256 or self.scan.result()[2]


# One scanning thread: hashing and counting release the interpreter to DuckDB's own threads.
_SCANNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="omlot-scan")


def _scan(path: Path, skip: int, find_blanks: bool = False, hash_bytes: bool = True,
          encoding: str = "utf-8", delimiter: str | None = None,
          ) -> tuple[int, list[int], str | None, bool]:
    """Physical lines after the first `skip` ones, the empty ones among them (when asked: most
    files have none, which the line count shows, and finding them is the costly part), and the
    file's sha256 and whether it holds rare white space (RARE_SPACE_…), in chunks that end
    on a line break (memory stays flat). What DuckDB reads otherwise than the reference reader
    sends the file back to it: a quote after spaces at a value's start (DuckDB opens a quoted
    value, Python's csv keeps the quote as text), a « � » in UTF-8 (the reference warns of it
    as an unreadable character)."""
    lines, blanks, last, rare = 0, [], b"", False
    digest = hashlib.sha256() if hash_bytes else None
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            chunk += handle.readline()
            if digest:
                digest.update(chunk)
            # (a UTF-8 chunk's non-ASCII bytes, a few percent of it: its rare white space and
            # its « \ufffd » are looked for there)
            high = (chunk.translate(None, _ASCII)
                    if encoding == "utf-8" and not chunk.isascii() else b"")
            rare = rare or _has_rare_spaces(chunk, encoding, high)
            if delimiter and _quote_after_spaces(chunk, delimiter.encode()):
                raise NotEligible("espace avant un guillemet en début de valeur")
            if _REPLACEMENT in high:
                raise NotEligible("caractère « \ufffd » dans le fichier")
            if b"\x00" in chunk:  # (a stray NUL: the reference reader reports its row)
                raise NotEligible("octet nul dans le fichier")
            returns = b"\r" in chunk and chunk.count(b"\r")
            if returns and returns != chunk.count(b"\r\n"):
                raise NotEligible("retours chariot seuls (fin de ligne Mac)")
            if not find_blanks:
                lines += _line_breaks(chunk)
                last = chunk[-1:]
                continue
            # an empty line starts right after a line break (or at the chunk's start, since
            # chunks end on one); bytes.find runs at memory speed, a regex per line does not
            starts = sorted({i + 1 for pattern in ((b"\n\n", b"\n\r\n") if returns
                                                   else (b"\n\n",))
                             for i in _find_all(chunk, pattern)}
                            | ({0} if chunk.startswith((b"\n", b"\r\n")) else set()))
            position = 0
            for start in starts:
                lines += chunk.count(b"\n", position, start)
                position = start
                if lines + 1 > skip:
                    blanks.append(lines + 1)
                    if len(blanks) > MAX_BLANK_LINES:
                        raise NotEligible("trop de lignes vides")
            lines += chunk.count(b"\n", position)
            last = chunk[-1:]
    if last and last != b"\n":
        lines += 1  # a last line without a line break
    return lines - skip, blanks, digest.hexdigest() if digest else None, rare


# From this size on, a chunk's line breaks are counted by NumPy, imported then (0.1 s): its
# vectorised comparison is four times bytes.count over 1.1 GB of touches; a small build's files
# never pay its import.
_NUMPY_FROM = 4 << 20


def _line_breaks(chunk: bytes) -> int:
    if len(chunk) < _NUMPY_FROM:
        return chunk.count(b"\n")
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(chunk, np.uint8) == 0x0A))


def _quote_after_spaces(chunk: bytes, delimiter: bytes) -> bool:
    """Whether a value starts with plain spaces then a quote (` "…"`), in a chunk that starts
    a line. The quotes are found one by one (bytes.find of one byte runs at memory speed, that
    of ` "` six times slower: 0.95 s of 1.1 GB of touches); a chunk dense in quotes (every
    value quoted) is searched for ` "` instead, past a bounded number of them."""
    at, walked = chunk.find(b'"'), 0
    while at >= 0 and walked < QUOTES_PER_CHUNK:
        if at and chunk[at - 1] == 0x20 and _opens_value(chunk, at - 1, delimiter):
            return True
        walked += 1
        at = chunk.find(b'"', at + 1)
    # (the rest of a chunk dense in quotes, from the quote not yet looked at)
    at = chunk.find(b' "', max(at - 1, 0)) if at >= 0 else -1
    while at >= 0:
        if _opens_value(chunk, at, delimiter):
            return True
        at = chunk.find(b' "', at + 1)
    return False


def _opens_value(chunk: bytes, space: int, delimiter: bytes) -> bool:
    """Whether the run of plain spaces ending at `space` starts a value (a line or a chunk's
    start, or after a delimiter)."""
    start = space
    while start > 0 and chunk[start - 1] == 0x20:
        start -= 1
    return start == 0 or chunk[start - 1:start] in (delimiter, b"\n")


def _has_rare_spaces(chunk: bytes, encoding: str = "utf-8", high: bytes = b"") -> bool:
    """`high`: a UTF-8 chunk's non-ASCII bytes (empty when it has none)."""
    if encoding == "cp1252":  # (its one white space beyond ASCII: the no-break space, A0)
        return any(byte in chunk for byte in RARE_SPACE_BYTES) or b"\xa0" in chunk
    # memchr per byte; the sequences are looked for among the non-ASCII bytes alone (a few
    # percent of an export; whole UTF-8 sequences stay contiguous when ASCII bytes are removed)
    return any(byte in chunk for byte in RARE_SPACE_BYTES) or (
        _RARE_SEQUENCES.search(high) is not None)


def _find_all(data: bytes, pattern: bytes) -> list[int]:
    found, at = [], data.find(pattern)
    while at >= 0:
        found.append(at)
        if len(found) > MAX_BLANK_LINES:
            raise NotEligible("trop de lignes vides")
        at = data.find(pattern, at + 1)
    return found


# the in-memory files' descriptors, by build folder: freed at that build's end
_TRANSCODED: dict[Path, list[int]] = {}


def transcoded(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy of a Windows-1252 export, written in a streaming pass where only memory
    holds it: an anonymous in-memory file (Linux `memfd_create`), which DuckDB opens by its
    /proc path like any file (seekable: read in parallel). The text in clear never touches
    the disk. Where the system has no such file, a copy in the build's owner-only folder."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("omlot-transcoded", os.MFD_CLOEXEC)
        _TRANSCODED.setdefault(folder, []).append(fd)
        out = open(fd, "wb", closefd=False)
        target = Path(f"/proc/{os.getpid()}/fd/{fd}")
    else:
        target = folder / f"{path.stem}.utf8.csv"
        out = open(target, "wb")
    with out, open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def close_transcoded(folder: Path) -> None:
    """Free the in-memory copies made for the build of `folder` (its end: staging has read
    them; another build in the same process keeps its own)."""
    for fd in _TRANSCODED.pop(folder, []):
        os.close(fd)


def _utf8_evidence(path: Path) -> tuple[int, int]:
    """(invalid bytes, valid non-ASCII characters) of a file read as UTF-8, streamed."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    invalid = valid = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            text = decoder.decode(chunk)
            replaced = text.count("\ufffd")
            invalid += replaced
            # (non-ASCII characters: all but the ASCII ones, which encoding keeps; a regex
            # listing each of them cost 0.25 s of 75 MB of prospects)
            valid += len(text) - len(text.encode("ascii", "ignore")) - replaced
    return invalid, valid


def plan(path: Path, parse_head, sniff, sep_hint: re.Pattern, encoding: str = "utf-8",
         sha256: str | None = None, read_path: Path | None = None) -> Plan:
    """How DuckDB must read the file to give the reference reader's rows, or NotEligible.
    `sha256`: the export's, when already known (the build's unchanged-inputs check computed
    it): the scan then does not hash the bytes a second time."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise NotEligible("UTF-16 ou binaire")
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        # (a character cut by the head's end is no error; any other byte is, even in a header
        # DuckDB skips: « T\xe9l\xe9phone » read « Tlphone », its column ignored, when the rows
        # below held only ASCII)
        if len(head) < HEAD_BYTES or exc.start < len(head) - 3:
            raise (NotUtf8("octets non UTF-8") if encoding == "utf-8" else
                   NotEligible("octets sans caractère en Windows-1252")) from None
        text = head[:exc.start].decode(encoding)
    text = text.lstrip("\ufeff")
    hint = sep_hint.match(text)
    number_offset = 1 if hint else 0
    if hint:
        text = text[hint.end():]
    delimiter = hint.group(1) if hint else sniff(text)
    lines = io.StringIO(text, newline="").readlines()
    if len(head) == HEAD_BYTES:
        lines = lines[:-1]  # the last line of the head may be cut
    records = parse_head(lines, delimiter)
    header = next((r for r in records if any(v.strip() for v in r.values)), None)
    if header is None or header.problem:
        raise NotEligible("pas d'en-tête lisible au début du fichier")
    # the header's physical line: rows before it are single lines (blank ones) or it spans
    # lines, which the fast path does not read
    if any("\n" in v or "\r" in v for v in header.values):
        raise NotEligible("en-tête sur plusieurs lignes")
    skip = header.number + number_offset
    # (the reference reader's width for a stray quote: its first record with values, which
    # may be a line of delimiters above the header)
    width = len(next(r.values for r in records if r.values))
    return Plan(path, encoding, delimiter, header.values, header.number, skip, number_offset,
                _SCANNER.submit(_scan, path, skip, hash_bytes=sha256 is None,
                                encoding=encoding, delimiter=delimiter), sha256,
                state=_state(path), read_path=read_path, reference_width=width)


def source_sql(plan_: Plan) -> str:
    """DuckDB's reading of the file's data rows (c1, c2, … as text), numbered in file order
    from 0 (`rowid`): a query, not a table. The file is parsed where it is read (by the checks
    of `read`, then by staging), never held as a ten-million-row table of text (issue 12: the
    copy cost four times DuckDB's reading and spilled gigabytes). `row_number() over ()` is
    DuckDB's streaming window, which runs in the order the reader gives the rows (an operator
    of fixed order, whatever `preserve_insertion_order` says)."""
    return f"(select row_number() over () - 1 as rowid, * from {_read_csv(plan_)})"


def numbered_select_many(plans: list[Plan]) -> str:
    """`numbered_select` for files of one shape (load._Fast.shape: no blank line, no value on
    two lines), read by one `read_csv`: its records come file after file in list order, and
    `row_number() over ()` runs in that order (see source_sql); a record's number in its file
    is its number in the whole less the records of the files before it (`read` counted
    them), and `file_index` says the file."""
    first = plans[0].first_number
    before, total = [], 0
    for plan_ in plans:
        before.append(total)
        total += plan_.records
    return (f"select rowid - [{', '.join(map(str, before))}][file_index::bigint + 1] + {first} "
            f"as line, file_index, * exclude (rowid, file_index) from "
            f"(select row_number() over () - 1 as rowid, file_index, * "
            f"from {_read_csv(plans[0], [p.source for p in plans])})")


def _read_csv(plan_: Plan, paths: list[Path] | None = None) -> str:
    width = len(plan_.header_values) + EXTRA_COLUMNS
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1))
    files = ("[" + ", ".join(sql_text(str(path)) for path in paths) + "]" if paths
             else sql_text(str(plan_.source)))
    return (f"read_csv({files}, delim = {sql_text(plan_.delimiter)}, "
            f"quote = '\"', escape = '\"', header = false, skip = {int(plan_.skip)}, "
            f"auto_detect = false, columns = {{{columns}}}, null_padding = true, "
            "strict_mode = true, encoding = 'utf-8'"
            + (", parallel = false)" if plan_.multi_line else ")"))


def sql_text(text: str) -> str:
    """A SQL string literal (a path, a delimiter, a file name, our own message): quotes
    doubled. The view that reads a file cannot take bound parameters."""
    return "'" + text.replace("'", "''") + "'"


def read(con: duckdb.DuckDBPyConnection, plan_: Plan) -> tuple[int, set[str]]:
    """Check, in one pass of DuckDB's reader, that every physical line is accounted for; the
    number of non-blank rows, and the columns holding a value that may be longer than a
    spreadsheet cell. Where records are fewer than lines, values span lines (`_spans`) or
    DuckDB skipped blank lines: either is reconciled with the line count, or the file goes to
    the reference reader."""
    names = _names(plan_)
    try:
        rows, overflow, blank_rows, *longest = _checks(con, plan_, names)
    except QuotedLineBreaks:
        plan_.multi_line = True
        rows, overflow, blank_rows, *longest = _checks(con, plan_, names)
    if overflow:
        raise NotEligible(f"plus de {EXTRA_COLUMNS} valeurs en trop sur une ligne")
    plan_.records = rows
    if rows == plan_.data_lines and not plan_.multi_line:
        plan_.breaks = []  # as many records as lines: no blank line, no value on two
    elif not plan_.multi_line and rows + len(plan_.find_blank_lines()) == plan_.data_lines:
        plan_.breaks = _outside_breaks(plan_.find_blank_lines(), [], plan_.skip + 1)
    else:
        plan_.multi_line = True
        plan_.breaks = _spans(con, plan_, names, rows)
    if plan_.multi_line and not plan_.quotes_well_formed():
        raise NotEligible("guillemets hors des règles du CSV")
    return rows - blank_rows, {n for n, most in zip(names, longest, strict=True)
                               if (most or 0) > config.MAX_VALUE_CHARS}


def _check_aggregates(names: list[str]) -> str:
    """Cheap aggregates (no regex): records, overflow, longest value per column in bytes
    (≥ characters: a column within the cell limit in bytes needs no count of them), and the
    rows whose values are all empty once trimmed (the exact test runs only on rows passing
    the cheap one: every value missing or starting with a possible white space; a CASE, as
    an AND in an aggregate's argument evaluates both sides on every row: 2.5 s instead of
    10 s over ten million touches)."""
    lengths = ", ".join(f"max(strlen({n}))" for n in names)
    maybe_blank = " and ".join(f"({n} is null or {n} < '!' or {n} >= chr(133))" for n in names)
    # (a value longer than a cell is not blank: its row is rejected, as the reference does)
    blank = " and ".join(f"{trimmed(n)} is null "
                         f"and coalesce(length({n}), 0) <= {config.MAX_VALUE_CHARS}"
                         for n in names)
    return (f"count(*), bool_or({names[-1]} is not null), "
            f"coalesce(count_if(case when {maybe_blank} then {blank} else false end), 0), "
            f"{lengths}")


def _names(plan_: Plan) -> list[str]:
    return [f"c{i}" for i in range(1, len(plan_.header_values) + EXTRA_COLUMNS + 1)]


def check_together(con: duckdb.DuckDBPyConnection, plans: list[Plan]) -> None:
    """The checks of `read` for files read alike (delimiter, header line and width,
    encoding), in one query by file (`file_index`) instead of one query per file: sixty
    monthly exports cost 0.6 s of a 2.7 s build in sixty queries. Any reader error (a file
    not in UTF-8, a value on two lines…) leaves that group's files to their own checks."""
    groups: dict[tuple, list[Plan]] = {}
    for plan_ in plans:
        key = (plan_.delimiter, plan_.skip, len(plan_.header_values), plan_.encoding)
        # (whatever their size: sixty files of 20 MB checked in 1.7–2.0 s together, 3.3–3.4 s
        # one by one; a check's aggregates need no order, so one query runs in parallel)
        groups.setdefault(key, []).append(plan_)
    for group in groups.values():
        if len(group) < 2:
            continue
        names = _names(group[0])
        try:
            rows = con.execute(
                f"select file_index, {_check_aggregates(names)} "
                f"from {_read_csv(group[0], [p.source for p in group])} group by file_index"
            ).fetchall()
        except duckdb.Error:
            continue
        found = {row[0]: list(row[1:]) for row in rows}
        for index, plan_ in enumerate(group):
            # (a file without records has no group: what one query gives for it)
            plan_.checked = found.get(index, [0, None, 0] + [None] * len(names))


def _checks(con: duckdb.DuckDBPyConnection, plan_: Plan, names: list[str]) -> list:
    if plan_.checked is not None and not plan_.multi_line:
        checked, plan_.checked = plan_.checked, None  # (checked with its group)
        return checked
    try:
        return list(con.execute(
            f"select {_check_aggregates(names)} from {_read_csv(plan_)}").fetchall()[0])
    except duckdb.Error as exc:
        if "unicode" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise NotUtf8("octets non UTF-8") from None
        if "quoted new lines" in str(exc) and not plan_.multi_line:
            raise QuotedLineBreaks("valeurs sur plusieurs lignes") from None
        raise NotEligible(f"lecteur DuckDB : {type(exc).__name__}") from None


# Line breaks Python's str.splitlines knows beyond \n and \r (the reference reader splits a
# value there when it judges a stray quote): a value spanning lines with one goes back to it.
_OTHER_LINE_BREAKS = "[\\x0b\\x0c\\x1c-\\x1e\\x{85}\\x{2028}\\x{2029}]"


def _spans(con: duckdb.DuckDBPyConnection, plan_: Plan, names: list[str],
           records: int) -> list[tuple[int, int]]:
    """The blank-line shifts of a file whose values may span lines, from the records that do
    (one more pass, by one thread, over the rows holding a line break): each such record
    spans 1 + its values' line breaks physical lines, and the empty lines inside its values
    are not blank rows. The lines must add up to the file's; a record the reference reader
    would judge a stray quote (a line of a value holding as many delimiters as a whole row,
    `load._swallows`) sends the file back to it."""
    width = plan_.reference_width
    delimiter = sql_text(plan_.delimiter)
    extra = " + ".join(f"coalesce(strlen({n}) - strlen(replace({n}, chr(10), '')), 0)"
                       for n in names)
    inner_blank = " + ".join(
        f"coalesce(len(list_filter(string_split({n}, chr(10))[2:-2], "
        f"lambda line: line = '' or line = chr(13))), 0)" for n in names)
    swallows = " or ".join(
        f"coalesce(list_bool_or(list_transform(string_split({n}, chr(10))[2:], lambda line: "
        f"strlen(line) - strlen(replace(line, {delimiter}, '')) >= {width - 1})), false)"
        for n in names) if width >= 3 else "false"
    other_breaks = " or ".join(f"coalesce(regexp_matches({n}, '{_OTHER_LINE_BREAKS}'), false)"
                               for n in names)
    try:
        # (kept in the work database, which spills, not in Python: an export of millions of
        # rows may hold a note on two lines in each)
        con.execute(
            f"create or replace temp table fastcsv_spans as select rowid, {extra} as lines, "
            f"{inner_blank} as inner_blank, {swallows} or {other_breaks} as refused "
            f"from {source_sql(plan_)} "
            f"where {' or '.join(f'contains({n}, chr(10))' for n in names)}")
        refused, lines, inner = con.execute(
            "select coalesce(bool_or(refused), false), coalesce(sum(lines), 0), "
            "coalesce(sum(inner_blank), 0) from fastcsv_spans").fetchall()[0]
        if refused:
            raise NotEligible("une valeur sur plusieurs lignes contient une ligne entière")
        blanks = plan_.find_blank_lines()
        if records + lines + len(blanks) - inner != plan_.data_lines:
            raise NotEligible("le nombre de lignes ne se rapproche pas")
        # the records spanning lines matter only before the last blank line (none: no shift)
        spans = con.execute(
            "select rowid, lines from fastcsv_spans where rowid < ? order by rowid",
            [blanks[-1] - plan_.skip - 1 if blanks else 0]).fetchall()
    except duckdb.Error as exc:
        raise NotEligible(f"lecteur DuckDB : {type(exc).__name__}") from None
    finally:
        con.execute("drop table if exists fastcsv_spans")
    return _outside_breaks(blanks, spans, plan_.skip + 1)


def _outside_breaks(blanks: list[int], spans: list[tuple[int, int]],
                    base: int) -> list[tuple[int, int]]:
    """(k, shift) for the blank lines outside values: `blanks`, the physical numbers of the
    empty lines; `spans`, (record, extra lines) of the records spanning lines, in order;
    `base`, the physical line of the first record. A record starts at base + its number + the
    extra lines of the records before it + the blank lines before it; several blank lines in
    a row share their k, the last one holding the total shift."""
    breaks: dict[int, int] = {}
    extra = outside = position = 0  # (position: the next spanning record to place)
    for blank in blanks:
        inside = False
        while position < len(spans):
            record, lines = spans[position]
            start = base + record + extra + outside
            if start >= blank:
                break
            if blank <= start + lines:
                inside = True  # an empty line within this record's value
                break
            extra += lines
            position += 1
        if not inside:
            outside += 1
            breaks[blank - base - extra - (outside - 1)] = outside
    return list(breaks.items())


def _state(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def unchanged_since_read(plan_: Plan) -> bool:
    """Whether the file is as it was when planned (staging reads it again: a file re-saved
    meanwhile would give rows that its checks and its sha256 do not describe)."""
    try:
        return _state(plan_.path) == plan_.state
    except OSError:
        return False


def trimmed(name: str, rare_spaces: bool = True) -> str:
    """A column's values as the reference reader keeps them: stripped as Python's str.strip
    does, empty as NULL. The (costly) trim runs only on values with a possible white space at
    an edge; in a file without rare white space, that is a plain space."""
    edge = (f"{name} < '!' or {name} >= chr(133) "
            f"or right({name}, 1) < '!' or right({name}, 1) >= chr(133)"
            if rare_spaces else f"{name} < '!' or suffix({name}, ' ')")
    return f"nullif(case when {edge} then trim({name}, {SPACE_LITERAL}) else {name} end, '')"


def numbered_select(con: duckdb.DuckDBPyConnection, plan_: Plan, table: str) -> str:
    """SQL giving `line` (the row number a spreadsheet shows) and c1… for every row of the
    file: record numbers, shifted past the blank lines DuckDB skipped (`table`: the name of
    the small table of those shifts, when there are blank lines). After `read`."""
    first = plan_.first_number
    if not plan_.breaks:
        return f"select rowid + {first} as line, * exclude (rowid) from {source_sql(plan_)}"
    # (one statement: executemany runs one per shift, 0.4 s for a few thousand blank lines)
    con.execute(f"create or replace table {table}_breaks as select unnest($k)::bigint as k, "
                "unnest($shift)::bigint as shift",
                {"k": [k for k, _ in plan_.breaks], "shift": [s for _, s in plan_.breaks]})
    return (f"select rows.rowid + {first} + coalesce(breaks.shift, 0) as line, "
            f"rows.* exclude (rowid) from {source_sql(plan_)} as rows "
            f"asof left join {table}_breaks as breaks on rows.rowid >= breaks.k")


def cp1252_or_utf8(path: Path, folder: Path) -> Path:
    """After DuckDB refused a file as UTF-8: its Windows-1252 transcoding (`transcoded`), or
    NotEligible when the evidence says UTF-8 with a few bad bytes (the reference reader
    reports those) or a byte has no Windows-1252 character."""
    invalid, valid = _utf8_evidence(path)
    with open(path, "rb") as handle:
        has_bom = handle.read(3) == codecs.BOM_UTF8
    if has_bom or valid > invalid:
        raise NotEligible("UTF-8 avec des octets invalides")
    try:
        return transcoded(path, "cp1252", folder)
    except UnicodeDecodeError:
        raise NotEligible("octets sans caractère en Windows-1252") from None
