"""The fast reading path of a CSV export: DuckDB's own reader, for the files it can read with
exactly the reference reader's result (load.py's `_parse_lines`). A file qualifies when no value
spans lines, so that a record is a physical line and row numbers follow from the line count
and the positions of the blank lines (DuckDB drops those); every other file, or any doubt
(a count that does not reconcile, a reader error), goes back to the reference reader.

Windows-1252 is transcoded in a streaming pass into the build's private folder (it holds
personal data in clear, like the work database's own spill files)."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Extra columns read beyond the header's width (strict mode refuses a row with more values than
# columns declared: the file then goes to the reference reader).
EXTRA_COLUMNS = 4
HEAD_BYTES = 1 << 16
CHUNK_BYTES = 1 << 24
MAX_BLANK_LINES = 10_000
# What Python's str.strip() removes: the reference reader's trimming, exactly.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# The same set as SQL literals (our own constant: no quote in it). A constant trim set is ~6x
# faster than a bound one in DuckDB.
SPACE_LITERAL = "'" + WHITESPACE + "'"
_CLASS = "".join(f"\\x{{{ord(c):04x}}}" for c in WHITESPACE)
EDGE_SPACE = f"'^[{_CLASS}]|[{_CLASS}]$'"
# A row's values joined by \x01: a line break anywhere, or white space at a value's edge.
_ROW_SUSPECT = f"'[\\r\\n]|(?:^|\\x01)[{_CLASS}]|[{_CLASS}](?:$|\\x01)'"


class NotEligible(Exception):
    """The file needs the reference reader (the reason is for OMLOT_TIMINGS output)."""


class NotUtf8(NotEligible):
    """DuckDB refused the file's bytes as UTF-8."""


@dataclass
class Plan:
    path: Path  # what DuckDB reads (the export, or its UTF-8 transcoding)
    encoding: str
    delimiter: str
    header_values: list[str]
    header_number: int  # the header's row number as a spreadsheet shows it
    skip: int  # physical lines before the first data line
    number_offset: int  # physical line - row number (a `sep=` line is not a row)
    blank_lines: list[int]  # physical numbers of the empty lines after the header
    data_lines: int  # physical lines after the header
    sha256: str


def _scan(path: Path, skip: int) -> tuple[int, list[int], str]:
    """Physical lines after the first `skip` ones, the empty ones among them, and the file's
    sha256, in chunks that end on a line break (memory stays flat)."""
    lines, blanks, last = 0, [], b""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            chunk += handle.readline()
            digest.update(chunk)
            if chunk.count(b"\r") != chunk.count(b"\r\n"):
                raise NotEligible("retours chariot seuls (fin de ligne Mac)")
            # an empty line starts right after a line break (or at the chunk's start, since
            # chunks end on one); bytes.find runs at memory speed, a regex per line does not
            starts = sorted({i + 1 for pattern in (b"\n\n", b"\n\r\n")
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
    return lines - skip, blanks, digest.hexdigest()


def _find_all(data: bytes, pattern: bytes) -> list[int]:
    found, at = [], data.find(pattern)
    while at >= 0:
        found.append(at)
        if len(found) > MAX_BLANK_LINES:
            raise NotEligible("trop de lignes vides")
        at = data.find(pattern, at + 1)
    return found


def _transcode(path: Path, encoding: str, folder: Path) -> Path:
    target = folder / f"{path.stem}.utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(CHUNK_BYTES):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target


def _utf8_evidence(path: Path) -> tuple[int, int]:
    """(invalid bytes, valid non-ASCII characters) of a file read as UTF-8, streamed."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    invalid = valid = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            text = decoder.decode(chunk)
            invalid += text.count("\ufffd")
            valid += len(re.findall(r"[^\x00-\x7f\ufffd]", text))
    return invalid, valid


def plan(path: Path, parse_head, sniff, sep_hint: re.Pattern, folder: Path,
         encoding: str = "utf-8") -> Plan:
    """How DuckDB must read the file to give the reference reader's rows, or NotEligible."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise NotEligible("UTF-16 ou binaire")
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    hint = sep_hint.match(text)
    number_offset = 1 if hint else 0
    if hint:
        text = text[hint.end():]
    delimiter = hint.group(1) if hint else sniff(text)
    lines = io.StringIO(text, newline="").readlines()
    if len(head) == HEAD_BYTES:
        lines = lines[:-1]  # the last line of the head may be cut
    header = next((r for r in parse_head(lines, delimiter)
                   if any(v.strip() for v in r.values)), None)
    if header is None or header.problem:
        raise NotEligible("pas d'en-tête lisible au début du fichier")
    # the header's physical line: rows before it are single lines (blank ones) or it spans
    # lines, which the fast path does not read
    if any("\n" in v or "\r" in v for v in header.values):
        raise NotEligible("en-tête sur plusieurs lignes")
    skip = header.number + number_offset
    data_lines, blanks, sha256 = _scan(path, skip)
    return Plan(path, encoding, delimiter, header.values, header.number, skip, number_offset,
                blanks, data_lines, sha256)


def read(con: duckdb.DuckDBPyConnection, plan_: Plan, table: str) -> tuple[int, set[str]]:
    """Read the data rows into `table` (c1, c2, … as text, in file order), check that every
    physical line is accounted for; the row count and the columns with values to trim."""
    width = len(plan_.header_values) + EXTRA_COLUMNS
    columns = {f"c{i}": "VARCHAR" for i in range(1, width + 1)}
    try:
        con.execute(
            f"create or replace table {table} as select * from read_csv(?, "
            "delim = ?, quote = '\"', escape = '\"', header = false, skip = ?, "
            "auto_detect = false, columns = ?, null_padding = true, strict_mode = true, "
            "encoding = 'utf-8')",
            [str(plan_.path), plan_.delimiter, plan_.skip, columns])
    except duckdb.Error as exc:
        if "unicode" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise NotUtf8("octets non UTF-8") from None
        raise NotEligible(f"lecteur DuckDB : {type(exc).__name__}") from None
    names = list(columns)
    # one regex per row over all its values (5x cheaper than two per value): does a value
    # span lines or need trimming; only then, per column, which
    joined = "concat_ws(chr(1), " + ", ".join(f"coalesce({n}, '')" for n in names) + ")"
    rows, overflow, suspect = con.execute(
        f"select count(*), bool_or({names[-1]} is not null), "
        f"coalesce(bool_or(regexp_matches({joined}, {_ROW_SUSPECT})), false) from {table}"
    ).fetchall()[0]
    found = [False] * (2 * len(names))
    if suspect:
        flags = ", ".join(f"bool_or(regexp_matches({n}, '[\\r\\n]')), "
                          f"bool_or(regexp_matches({n}, {EDGE_SPACE}))" for n in names)
        found = list(con.execute(f"select {flags} from {table}").fetchall()[0])
    if overflow:
        raise NotEligible(f"plus de {EXTRA_COLUMNS} valeurs en trop sur une ligne")
    if any(found[0::2]):
        raise NotEligible("une valeur s'étend sur plusieurs lignes")
    if rows + len(plan_.blank_lines) != plan_.data_lines:
        raise NotEligible("le nombre de lignes ne se rapproche pas")
    return rows, {n for n, needs in zip(names, found[1::2], strict=True) if needs}


def trimmed(name: str, needs_trim: bool) -> str:
    """A column's values as the reference reader keeps them: stripped as Python's str.strip
    does, empty as NULL. Columns with no value to trim skip the (costly) trim altogether."""
    if not needs_trim:
        return f"nullif({name}, '')"
    return (f"nullif(case when regexp_matches({name}, {EDGE_SPACE}) "
            f"then trim({name}, {SPACE_LITERAL}) else {name} end, '')")


def numbered_select(con: duckdb.DuckDBPyConnection, plan_: Plan, table: str) -> str:
    """SQL giving `line` (the row number a spreadsheet shows) and c1… for every row of
    `table`: physical line numbers, shifted past the blank lines DuckDB skipped."""
    first = plan_.skip + 1 - plan_.number_offset
    if not plan_.blank_lines:
        return f"select rowid + {first} as line, * from {table}"
    # the j-th blank line (0-based) at physical line p comes after p - skip - 1 - j data rows
    # (several blank lines in a row share their k: the last one holds the total shift)
    breaks = list({p - plan_.skip - 1 - j: j + 1 for j, p in enumerate(plan_.blank_lines)}
                  .items())
    con.execute(f"create or replace table {table}_breaks (k bigint, shift bigint)")
    con.executemany(f"insert into {table}_breaks values (?, ?)", breaks)
    return (f"select rows.rowid + {first} + coalesce(breaks.shift, 0) as line, rows.* "
            f"from (select rowid, * from {table}) as rows "
            f"asof left join {table}_breaks as breaks on rows.rowid >= breaks.k")


def cp1252_or_utf8(path: Path, folder: Path) -> Path:
    """After DuckDB refused a file as UTF-8: its Windows-1252 transcoding, or NotEligible when
    the evidence says UTF-8 with a few bad bytes (the reference reader reports those)."""
    invalid, valid = _utf8_evidence(path)
    with open(path, "rb") as handle:
        has_bom = handle.read(3) == codecs.BOM_UTF8
    if has_bom or valid > invalid:
        raise NotEligible("UTF-8 avec des octets invalides")
    try:
        return _transcode(path, "cp1252", folder)
    except UnicodeDecodeError:
        raise NotEligible("octets sans caractère en Windows-1252") from None
