"""The fast reading path (DuckDB's CSV reader, pipelines/fastcsv.py) gives exactly the reference
reader's raw tables — values, file, row number, extra values, problems — and file facts, on
every conformance fixture, on hostile files and on generated exports (issue 12)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import fastcsv, load
from pipelines.contract import SOURCES
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def _raw(raw_dir: Path, folder: Path | None) -> dict:
    """Every raw table and file fact, read with the fast path (folder given) or without."""
    found, _ = load.find_exports(raw_dir)
    con = duckdb.connect()
    con.execute("create schema raw")
    tables, facts = {}, {}
    for name, source in SOURCES.items():
        try:
            load.load_source(con, source, found[name], folder)
        except load.ExportError as exc:
            tables[name] = f"ExportError: {exc}"
            continue
        tables[name] = con.execute(
            f"select * from raw.{name} order by file_order, line").fetchall()
        facts[name] = [(e.name, e.sha256, e.encoding, e.delimiter, e.rows_read,
                        e.ignored_columns, e.warnings) for e in found[name]]
    con.close()
    return {"tables": tables, "facts": facts}


def _same_both_ways(raw_dir: Path, tmp: Path) -> None:
    folder = tmp / "spill"
    folder.mkdir(exist_ok=True)
    os.environ.pop("OMLOT_READER", None)
    assert _raw(raw_dir, folder) == _raw(raw_dir, None)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()
                                           if any(p.glob("prospects*"))))
def test_fast_reader_equals_reference_on_every_fixture(fixture, tmp_path):
    _same_both_ways(FIXTURES / fixture, tmp_path)


HOSTILE = {
    "blank_lines": b"\n\nID prospect;Date de premier contact\n\nP1;01/02/2023\n\n\n"
                   b"P2;02/02/2023\n\n",
    "crlf_and_bom": "\ufeffID prospect;Date de premier contact\r\nP1;01/02/2023\r\n\r\nP2;x\r\n"
                    .encode(),
    "sep_hint": b"sep=,\nID prospect,Date de premier contact\nP1,01/02/2023\n\nP2,03/02/2023",
    "quoted": b'ID prospect;Date de premier contact;Canal\nP1;01/02/2023;"Salon; forum"\n'
              b'P2;01/02/2023;"dit ""bonjour"""\nP3;01/02/2023;x"y\n',
    "extra_and_short": b"ID prospect;Date de premier contact;Canal\nP1;01/02/2023;a;b;c\n"
                       b"P2\nP3;01/02/2023;a;;;;;;;;z\nP4;01/02/2023;;;\n;;\n  \n",
    "trimming": "ID prospect;Date de premier contact;Canal\n\u00a0P1 ;\t01/02/2023\u202f; "
                "Salon\x1c\n".encode(),
    "cp1252": "ID prospect;Date de premier contact;Canal\nP1;01/02/2023;Santé\n".encode("cp1252"),
    # (its lines are scanned in Windows-1252 bytes: a no-break space there is the byte A0)
    "cp1252_no_break_spaces": "ID prospect;Date de premier contact;Canal\n\u00a0P1\u00a0;"
                              "01/02/2023;Santé\u00a0\n".encode("cp1252"),
    "stray_byte": b"ID prospect;Date de premier contact;Canal\n"
                  + "P1;01/02/2023;Santé\n".encode() * 5 + b"P2;01/02/2023;Sant\xe9\n",
    "multi_line": b'ID prospect;Date de premier contact;Note\nP1;01/02/2023;"a\nb"\nP2;x;y\n',
    "unclosed": b'ID prospect;Date de premier contact;Canal;Email\nP1;01/02/2023;"Salon;a@b.fr\n'
                + b"P2;01/02/2023;Salon;c@d.fr\n" * 3,
    "long_value": b"ID prospect;Date de premier contact\nP1;" + b"x" * 40_000 + b"\nP2;y\n",
    "no_final_newline": b"ID prospect;Date de premier contact\nP1;01/02/2023",
    "tabs": b"ID prospect\tDate de premier contact\nP1\t01/02/2023\n",
    "header_only": b"ID prospect;Date de premier contact\n",
    "mac_line_ends": b"ID prospect;Date de premier contact\rP1;01/02/2023\r",
    # a value holding an empty line: the scan sees a « blank line » inside it
    "empty_line_in_value": b'ID prospect;Date de premier contact;Note\nP1;01/02/2023;"a\n\nb"\n'
                           b"P2;x;y\n\nP3;z;w\n",
    # one record too few (a value on two lines) and one too many (a lone CR): the counts balance
    "balanced_line_counts": b'ID prospect;Date de premier contact;Note\nP1;01/02/2023;"a\nb"\n'
                            b"P2;x\ry;z\n",
    "white_space_only_rows": "ID prospect;Date de premier contact;Canal\nP1;01/02/2023;a\n"
                             " ;\u00a0;\t\n\u3000;;\nP2;02/02/2023;b\n".encode(),
    "long_white_space_value": b"ID prospect;Date de premier contact\nP1;" + b" " * 40_000
                              + b"\nP2;y\n",
    # non-ASCII but no rare white space (’ is E2 80 99): only plain spaces to trim
    "apostrophe_and_spaces": "ID prospect;Date de premier contact;Canal\n"
                             " P1;01/02/2023 ;l\u2019été \nP2;02/02/2023;  Été\n".encode(),
    # values on several lines (CRLF, an empty line inside one, blank lines between rows): read
    # by DuckDB, numbered as the spreadsheet's rows (test_values_spanning_lines_…)
    "spanning_lines": b'ID prospect;Date de premier contact;Canal\r\n\r\nP1;01/02/2023;"Salon\r\n'
                      b'forum"\r\n\r\nP2;02/02/2023;"a\r\n\r\nb"\r\nP3;03/02/2023;"\r\n"\r\n'
                      b'\r\n\r\nP4;04/02/2023;z\r\n',
    # values on several lines after the last blank line only (they shift no blank line)
    "blank_then_spanning": b'ID prospect;Date de premier contact;Canal\n\nP1;01/02/2023;"a\nb"\n'
                           b'P2;02/02/2023;"c\n\nd"\nP3;03/02/2023;e\n',
    # a line of a value holding a whole row: a stray quote, as the reference reader judges it
    "value_holding_a_row": b'ID prospect;Date de premier contact;Canal\nP1;01/02/2023;"a\n'
                           b'P2;02/02/2023;b"\nP3;03/02/2023;c\n',
    # found by probing the fast path (each gave other rows than the reference before):
    # a quote left open at the end, the file read by one thread for a value on two lines
    "open_quote_at_the_end": b'ID prospect;Date de premier contact;Canal;Email\nP0;d;"a\nb";e\n'
                             b'P1;d;"note\n\n',
    "open_quote_at_the_end_crlf": b'ID prospect;Date de premier contact;Canal;Email\r\nP0;d;"\n"'
                                  b'\r\n""P1;d;"\r\n\r\n',
    # the reference's width for a stray quote is its first record's, a line above the header
    "delimiters_above_the_header": b';;\nID prospect;Date de premier contact;Canal;Email;'
                                   b'T\xc3\xa9l\xc3\xa9phone\nP1;d;"a\nb;c;d";e;f\nP2;d;c;e;f\n',
    # a space before a value's opening quote: DuckDB opens a quoted value, Python keeps it
    "space_before_quote": b'ID prospect;Date de premier contact;Canal;Email\nP1;d; "a;b";e\n'
                          b'P2;d;c;e\n',
    "space_before_quote_spanning": b'ID prospect;Date de premier contact;Canal;Email\r\nP1;d; '
                                   b'"note\r\nsuite";e\r\nP2;d;c;e\r\n',
    # ... past the quotes the scan walks one by one in a chunk (every value quoted before it)
    "space_before_quote_after_many_quotes": b'ID prospect;Date de premier contact;Canal;Email\n'
                                            + b'"P0";"d";"c";"e"\n' * 3_000
                                            + b'P1;d; "a;b";e\nP2;d;c;e\n',
    # values on several lines with quotes outside the CSV rules (found by a second probe):
    # a quote inside an unquoted value or after a closing one, with one left open later
    "literal_quote_then_open_quote": b'ID prospect;Date de premier contact;Canal;Email\nP1;d;'
                                     b'x"y;e\nP2;d;"a\nb";e\nP3;d;"open\n',
    "literal_quote_no_final_newline": b'ID prospect;Date de premier contact;Canal;Email\nP2;d;'
                                      b'"a\nb";e\nP1;d;x"y;e\nP3;d;"open',
    "quote_ending_an_unquoted_value": b'"ID prospect"\t"Date de premier contact"\t"Canal"\t'
                                      b'"Email"\n"P0"\t"d"\t"x\ny"\n"a""b"\t"P1"\t"d"\t"a"\t'
                                      b'"x\ny"\na"\tP2\td\ta\nP9\td\t"\n\n',
    "text_after_a_closing_quote": b'ID prospect;Date de premier contact;Canal;Email\nP1;d;"\n'
                                  b'"x";"\n',
    "doubled_quotes_then_text": b'ID prospect;Date de premier contact;Canal;Email\nP0;d;""a;"";'
                                b'"\n"x"y;"\n',
    "quotes_across_lines_tab": b'\xef\xbb\xbfID prospect\tDate de premier contact\tCanal\tEmail'
                               b'\r\nP0\td\tP1\td\t\r\n\r\nP2\td\t"\n"""ab"P3\td\t\t\t"\r\n',
    # a « \ufffd » typed in a UTF-8 file: the reference reader warns of it
    "replacement_character": b'ID prospect;Date de premier contact;Canal;Email\nP1;d;ab\xef\xbf'
                             b'\xbd;e\n',
    "unicode_edges": "ID prospect;Date de premier contact;Canal\n\u2009P1\u3000;01/02/2023\u0085;"
                     "\u00e9t\u00e9\u202f\nP2;02/02/2023;\u00c9t\u00e9\n".encode(),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_fast_reader_equals_reference_on_hostile_files(case, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_bytes(HOSTILE[case])
    _same_both_ways(raw, tmp_path)


_VALUE = st.text(alphabet=st.sampled_from(list("aé Z0;,\"\n\t\u00a0@.-/")), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(st.lists(_VALUE, min_size=1, max_size=6), max_size=12),
    blank_every=st.integers(min_value=0, max_value=4),
    delimiter=st.sampled_from([";", ",", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_fast_reader_equals_reference_on_generated_exports(
        rows, blank_every, delimiter, quoting, line_end, encoding, tmp_path_factory):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=line_end)
    writer.writerow(["ID prospect", "Date de premier contact", "Canal", "Email"])
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if blank_every and number % blank_every == 0:
            buffer.write(line_end)
    tmp = tmp_path_factory.mktemp("gen")
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_bytes(buffer.getvalue().encode(encoding))
    _same_both_ways(raw, tmp)


_HEADERS = (["ID prospect", "Date de premier contact", "Canal", "Email"],
            ["Canal", "ID prospect", "Date de premier contact"])


# (no line break: a value on two lines is read alone, and most files must be read together)
_ONE_LINE_VALUE = st.text(alphabet=st.sampled_from(list("aé Z0;,\"\t\u00a0@.-/")), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=st.lists(st.tuples(
    # (a row of empty values, `;;`, is a record DuckDB counts; an empty row is a blank line)
    # (now and then a value on two lines: that file is read alone, its group checked apart)
    st.lists(st.lists(st.one_of(_ONE_LINE_VALUE, _ONE_LINE_VALUE, _ONE_LINE_VALUE, _VALUE),
                      min_size=1, max_size=5), max_size=6),
    st.sampled_from([0, 0, 0, 1]),  # the header (most files alike, as monthly exports are)
    st.booleans(),  # a blank line after its first row
    st.sampled_from(["utf-8", "utf-8", "cp1252"]),
), min_size=2, max_size=5))
def test_several_files_of_one_source_read_together_keep_each_files_rows(files,
                                                                        tmp_path_factory):
    """Files of one shape are read by one `read_csv` (load._rows_sql): each row keeps its own
    file and the number a spreadsheet shows in that file, rows whose values are all empty
    included (DuckDB counts them as records), beside files read alone (a blank line, another
    header, a Windows-1252 export transcoded)."""
    tmp = tmp_path_factory.mktemp("several")
    raw = tmp / "raw"
    raw.mkdir()
    for number, (rows, header, blank, encoding) in enumerate(files, start=1):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(_HEADERS[header])
        for k, row in enumerate(rows):
            writer.writerow(row)
            if blank and k == 0:
                buffer.write("\n")
        (raw / f"prospects_{number:02d}.csv").write_bytes(buffer.getvalue().encode(encoding))
    _same_both_ways(raw, tmp)


_TOUCHES_HEADER = b"ID interaction;Horodatage;Code campagne\n"
_PROSPECTS = b"ID prospect;Date de premier contact\nP1;01/02/2023\n"


@pytest.mark.parametrize("files", [
    # DuckDB reads a path as a pattern: « …_[1].csv » read the rows of « …_1.csv »; « …_?.csv »
    # in a list also read the header-only « …_1.csv », shifting the files after it (found by
    # a helper probing the reading of files together)
    {"contacts_campagnes_1.csv": _TOUCHES_HEADER + b"A0;2024-01-01;C\nA1;2024-01-01;C\n",
     "contacts_campagnes_[1].csv": _TOUCHES_HEADER + b"B0;2024-01-01;C\nB1;2024-01-01;C\n"},
    {"contacts_campagnes_1.csv": _TOUCHES_HEADER,
     "contacts_campagnes_?.csv": _TOUCHES_HEADER + b"Q0;2024-01-01;C\nQ1;2024-01-01;C\n"},
    # a Windows-1252 header above rows of ASCII alone: DuckDB skips the header, and the plan
    # read « T\xe9l\xe9phone » as « Tlphone », its column ignored and the file said UTF-8
    {"prospects_04.csv": b"ID prospect;Date de premier contact;T\xe9l\xe9phone\n"
                         b"P9;01/02/2023;0601020304\n"},
])
def test_names_read_as_patterns_and_a_windows_1252_header_read_as_the_reference(files,
                                                                               tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_bytes(_PROSPECTS)
    for name, content in files.items():
        (raw / name).write_bytes(content)
    _same_both_ways(raw, tmp_path)


def test_a_file_name_in_windows_1252_bytes_is_read_as_the_reference(tmp_path):
    """`contacts_campagnes_\xe9t\xe9.csv` (a name copied from an old Windows share), plain
    ASCII inside: the fast path said its content was Windows-1252 (found by the same helper)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_bytes(_PROSPECTS)
    name = os.fsdecode(b"contacts_campagnes_\xe9t\xe9.csv")
    (raw / name).write_bytes(_TOUCHES_HEADER + b"T1;2024-01-01;C\n")
    _same_both_ways(raw, tmp_path)


def test_monthly_files_of_one_shape_are_read_by_one_reader(tmp_path):
    """Sixty monthly touches files read as sixty cost 1.8 s of a 5 s build for ten thousand
    rows: files of one shape are one `read_csv`; one with another column order is read apart,
    and every row keeps its file and line."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "prospects.csv").write_text("ID prospect\nP1\n", "utf-8")
    header = "ID interaction;Horodatage;Code campagne\n"
    for month in range(1, 4):
        (raw / f"contacts_campagnes_2024-{month:02d}.csv").write_text(
            header + "".join(f"T{month}-{k};2024-{month:02d}-01;C\n" for k in range(month)),
            "utf-8")
    (raw / "contacts_campagnes_autre.csv").write_text(
        "Code campagne;ID interaction;Horodatage\nC;TX-1;2024-04-01\n", "utf-8")
    found, _ = load.find_exports(raw)
    con = duckdb.connect()
    con.execute("create schema raw")
    (tmp_path / "spill").mkdir()
    load.load_source(con, SOURCES["touches"], found["touches"], tmp_path / "spill")
    [view] = con.execute("select sql from duckdb_views() where view_name = 'touches'").fetchone()
    assert view.count("read_csv(") == 2
    rows = con.execute("select file, line, touch_id from raw.touches order by all").fetchall()
    # (their checks too, in one query by file: each file's own records)
    plans = [load._fast_plan(export) for export in found["touches"]]
    fastcsv.check_together(con, plans)
    assert [plan.checked[0] for plan in plans] == [1, 2, 3, 1]
    assert rows == [("contacts_campagnes_2024-01.csv", 2, "T1-0"),
                    ("contacts_campagnes_2024-02.csv", 2, "T2-0"),
                    ("contacts_campagnes_2024-02.csv", 3, "T2-1"),
                    ("contacts_campagnes_2024-03.csv", 2, "T3-0"),
                    ("contacts_campagnes_2024-03.csv", 3, "T3-1"),
                    ("contacts_campagnes_2024-03.csv", 4, "T3-2"),
                    ("contacts_campagnes_autre.csv", 2, "TX-1")]


@pytest.mark.parametrize("content", [
    "ID prospect;Date de premier contact;Canal\nP1;01/02/2023; Salon \n\nP2;02/02/2023;x\n",
    "ID prospect,Date de premier contact,Canal\r\nP1,01/02/2023,\"Salon, forum\"\r\n",
    "ID prospect;Date de premier contact;Canal\nP1;01/02/2023;Santé\n",
])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_ordinary_files_take_the_fast_path(content, encoding, tmp_path):
    """The equality above would hold trivially if every file fell back to the reference reader:
    ordinary exports (blank lines, trimming, quoted delimiters, CRLF, Windows-1252) must be
    read by DuckDB."""
    path = tmp_path / "prospects.csv"
    path.write_bytes(content.encode(encoding))
    export = load.find_exports(tmp_path)[0]["prospects"][0]
    con = duckdb.connect()
    con.execute("create schema raw")
    spill = tmp_path / "spill"
    spill.mkdir()
    load._load_fast(con, export, SOURCES["prospects"], spill, "raw.prospects__1")
    assert export.rows_read == content.count("P")


def _fast(content: bytes, tmp_path: Path) -> list[tuple]:
    """The rows the fast path reads (NotEligible when it sends the file back)."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "prospects.csv").write_bytes(content)
    (tmp_path / "spill").mkdir()
    export = load.find_exports(tmp_path / "raw")[0]["prospects"][0]
    con = duckdb.connect()
    con.execute("create schema raw")
    checked = load._load_fast(con, export, SOURCES["prospects"], tmp_path / "spill",
                              "raw.prospects__1")
    rows = load._rows_sql(con, [checked], SOURCES["prospects"])
    return con.execute(f"select line, prospect_id, channel_label from ({rows}) "
                       "order by line").fetchall()


def test_values_spanning_lines_are_read_by_duckdb_numbered_as_the_spreadsheet_rows(tmp_path):
    """A note typed on two lines no longer sends a CRM export to the reference reader (2 s
    for the demo's 130 000 prospects at N = 1000): each row keeps the number a spreadsheet
    shows (a value on two lines is one row; blank lines count, empty lines inside a value do
    not), and the equality with the reference holds (HOSTILE above)."""
    rows = _fast(HOSTILE["spanning_lines"], tmp_path)
    assert rows == [(3, "P1", "Salon\r\nforum"), (5, "P2", "a\r\n\r\nb"), (6, "P3", None),
                    (9, "P4", "z")]


def test_a_value_holding_a_whole_row_goes_to_the_reference_reader(tmp_path):
    with pytest.raises(fastcsv.NotEligible):
        _fast(HOSTILE["value_holding_a_row"], tmp_path)


def test_row_numbers_hold_across_the_readers_buffers_and_threads(tmp_path):
    """Staging reads a CSV through DuckDB's parallel reader, numbered as it goes (fastcsv.
    source_sql): on a file of many buffers (60 MB, where several threads read), with blank
    lines before and deep inside it, every row keeps the number a spreadsheet shows. Each
    row's ID is its own physical line number, so any shift or reordering shows."""
    lines = ["ID interaction,Horodatage,Code campagne,Source,Type d'interaction,Email,"
             "ID prospect"]
    blanks = {3, 4, 700_001, 1_400_000}
    while len(lines) < 1_500_000:
        number = len(lines) + 1
        lines.append("" if number in blanks else
                     f"T{number},2023-01-01T10:00:00,CODE-{number % 97},Web,Clic,,")
    path = tmp_path / "raw" / "contacts_campagnes.csv"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 60_000_000
    (path.parent / "prospects.csv").write_text("ID prospect\nP1\n", encoding="utf-8")
    export = load.find_exports(path.parent)[0]["touches"][0]
    con = duckdb.connect()
    con.execute("create schema raw")
    spill = tmp_path / "spill"
    spill.mkdir()
    load.load_source(con, SOURCES["touches"], [export], spill)
    assert export.read_plan is not None  # the fast path read it
    rows, wrong, last = con.execute(
        "select count(*), count_if(touch_id <> 'T' || line), max(line) from raw.touches"
    ).fetchone()
    assert (rows, wrong, last) == (len(lines) - 1 - len(blanks), 0, len(lines))


def test_a_file_saved_again_during_the_build_stops_it(tmp_path):
    """Staging reads a CSV a second time, after its checks: a file re-saved in between (an
    officer's copy still running) stops the build with the file's name, instead of publishing
    rows that its checks and its sha256 do not describe."""
    raw = tmp_path / "raw"
    raw.mkdir()
    path = raw / "prospects.csv"
    path.write_text("ID prospect;Date de premier contact\nP1;01/02/2023\n", encoding="utf-8")
    export = load.find_exports(raw)[0]["prospects"][0]
    con = duckdb.connect()
    con.execute("create schema raw")
    spill = tmp_path / "spill"
    spill.mkdir()
    load.load_source(con, SOURCES["prospects"], [export], spill)
    load.check_unchanged([export])  # as checked: no complaint
    path.write_text("ID prospect;Date de premier contact\nP1;01/02/2023\nP2;03/02/2023\n",
                    encoding="utf-8")
    with pytest.raises(load.ExportError, match="prospects.csv : le fichier a changé"):
        load.check_unchanged([export])


def test_the_white_space_constants_are_pythons():
    """The fast path trims what Python's str.strip() trims (the reference reader), and finds
    the rare white space by its bytes: both sets written out in fastcsv.py must be exactly
    Python's, and every one of them must sort below « ! » or from U+0085 on (the cheap edge
    test of `trimmed` relies on it)."""
    every = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(fastcsv.WHITESPACE) == every and len(fastcsv.WHITESPACE) == len(every)
    assert all(c < "!" or c >= "\x85" for c in every)
    assert {c for c in every if c not in " \n\r"} == {
        c for c in every if c.encode() in fastcsv.RARE_SPACE_BYTES
        or fastcsv._RARE_SEQUENCES.fullmatch(c.encode())}


def _spaced_quote_by_lines(chunk: bytes, delimiter: bytes) -> bool:
    """The rule written plainly: some value of some line starts with spaces then a quote."""
    return any(value.lstrip(b" ").startswith(b'"') and value.startswith(b" ")
               for line in chunk.split(b"\n") for value in line.split(delimiter))


@settings(max_examples=200, deadline=None)
@given(chunk=st.text(alphabet=' "\n;a', max_size=40).map(str.encode),
       per_chunk=st.sampled_from([0, 1, 3, 20_000]))
def test_a_spaced_quote_is_found_quote_by_quote_and_in_a_chunk_dense_in_quotes(
        chunk, per_chunk):
    """The scan finds a value opening with spaces then a quote by walking the quotes, or, past
    a number of them in a chunk, by looking for ` "` itself: both ways say what the rule says."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastcsv, "QUOTES_PER_CHUNK", per_chunk)
        assert fastcsv._quote_after_spaces(chunk, b";") == _spaced_quote_by_lines(chunk, b";")


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="no in-memory files here")
def test_a_windows_1252_export_is_transcoded_in_memory_only(tmp_path):
    """DuckDB reads UTF-8 only: a Windows-1252 export is transcoded for it, and that copy holds
    personal data in clear. It lives in memory (an anonymous in-memory file), not in the
    build's folder nor anywhere on disk, and is gone once the build frees it."""
    export = tmp_path / "prospects.csv"
    export.write_bytes("ID prospect;Email\nP1;zoé.müller@exemple.fr\n".encode("cp1252"))
    folder = tmp_path / "work"
    folder.mkdir()
    copy = fastcsv.cp1252_or_utf8(export, folder)
    assert copy.read_text(encoding="utf-8") == "ID prospect;Email\nP1;zoé.müller@exemple.fr\n"
    assert list(folder.iterdir()) == []
    assert copy.is_relative_to("/proc") and os.readlink(copy).startswith("/memfd:")
    fastcsv.close_transcoded(folder)
    assert not copy.exists()
