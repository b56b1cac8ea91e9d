"""Files as a tired officer or an attacker drops them in data/raw/: every row accounted for,
every failure a reported failure, nothing read that should not be (issue 8). Each test
writes its files at test time and runs the stable command line."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import guard, status
from tests.conftest import ROOT, kpis, run_cli

HEADER = "ID prospect;Date de premier contact;Canal;Email\n"


def _prospects(n: int, start: int = 1, channel: str = "Salon") -> str:
    return "".join(f"P{i:03d};01/02/2023;{channel};p{i}@exemple.fr\n"
                   for i in range(start, start + n))


def _build(raw: Path, curated: Path, **env: str) -> subprocess.CompletedProcess:
    return run_cli("build", "--raw", str(raw), "--curated", str(curated), env=env)


def _query(curated: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def dirs(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    return raw, tmp_path / "curated"


# ------------------------------------------------------------------ every row accounted for


def test_unclosed_quote_rejects_its_line_and_swallows_no_row(dirs):
    raw, curated = dirs
    body = _prospects(9) + 'O10;01/02/2023;"Salon;o10@x.fr\n' + _prospects(289, start=11)
    (raw / "prospects.csv").write_text(HEADER + body, "utf-8")
    assert _build(raw, curated).returncode == 0
    figures = kpis(curated)
    assert figures["rows"]["prospects"] == {"read": 299, "accepted": 298, "rejected": 1,
                                            "duplicates": 0, "merged": 0}
    assert figures["followed"] == 298
    [(line, reason)] = _query(curated, "select line, reason from quality.rejects")
    assert line == 11 and "guillemet" in reason and "ligne 11" in reason
    everything = str(_query(curated, "select * from quality.warnings")) + reason
    assert "o10@x.fr" not in everything and "p12@exemple.fr" not in everything


def test_quote_left_open_at_the_end_of_the_file_is_rejected_not_kept(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(3) + 'P9;01/02/2023;"Salon;x\n',
                                       "utf-8")
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["rows"]["prospects"]["rejected"] == 1
    assert _query(curated, "select line from quality.rejects") == [(5,)]


def test_a_real_value_on_two_lines_is_one_row(dirs):
    raw, curated = dirs
    text = ("ID prospect;Date de premier contact;Commentaire;Canal\n"
            'P1;01/02/2023;"appelé le 3 ;\nrappeler";Salon\nP2;02/02/2023;;Salon\n')
    (raw / "prospects.csv").write_text(text, "utf-8")
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["rows"]["prospects"] == {"read": 2, "accepted": 2, "rejected": 0,
                                                  "duplicates": 0, "merged": 0}


def test_a_value_longer_than_a_spreadsheet_cell_is_rejected(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(
        HEADER + _prospects(2) + f"P9;01/02/2023;{'x' * 40_000};\n", "utf-8")
    assert _build(raw, curated).returncode == 0
    [(line, reason)] = _query(curated, "select line, reason from quality.rejects")
    assert line == 4 and "32 767" in reason


def test_a_placeholder_date_far_off_makes_one_preset_not_thousands(dirs):
    """31/12/9999 (a CRM's « no date ») is a real calendar day, so the contract keeps it; it
    made a preset period of every year up to it: 8 000 answer tables, a build of 118 s out of
    memory (a helper's attack, 29 November)."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(
        HEADER + _prospects(5) + "D-1;31/12/9999;Salon;\nD-2;01/01/0001;Salon;\n", "utf-8")
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["followed"] == 7
    from pipelines import metrics
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        assert metrics.ask_one(con, "period_bounds")["years"] == [1, 2023, 9999]
    [(answers,)] = _query(curated, "select count(*) from duckdb_tables() "
                                   "where schema_name = 'answers'")
    assert answers <= len(metrics.PRECOMPUTED) + 4 * len(metrics.PERIOD_PRECOMPUTED)


@pytest.mark.parametrize("tail", ["", ' "note"'])
def test_a_value_of_megabytes_is_rejected_with_its_row(dirs, tail):
    """Past 131 072 characters Python's reader (the path of a file with a spaced quote, or of
    any value that long) stopped the build: « erreur interne (Error) : field larger than
    field limit »."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(
        HEADER + _prospects(2) + f"P9;01/02/2023;{'A' * 3_000_000}{tail};\n" + _prospects(
            1, start=10), "utf-8")
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    [(line, reason)] = _query(curated, "select line, reason from quality.rejects")
    assert line == 4 and "32 767" in reason
    assert kpis(curated)["followed"] == 3


def test_sep_hint_line_sets_the_delimiter_and_is_not_the_header(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text("sep=,\nID prospect,Date de premier contact\n"
                                       "P1,01/02/2023\nP2,bad\n", "utf-8")
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["followed"] == 1
    # Excel hides the hint line: the header is row 1, so the bad row is row 3
    assert _query(curated, "select line from quality.rejects") == [(3,)]


# ------------------------------------------------------------------------------ encodings


def test_one_stray_byte_does_not_turn_a_utf8_file_into_windows_1252(dirs):
    raw, curated = dirs
    body = _prospects(100, channel="Santé").encode("utf-8") + b"P999;01/02/2023;Sant\xe9;\n"
    (raw / "prospects.csv").write_bytes(HEADER.encode() + body)
    assert _build(raw, curated).returncode == 0
    figures = kpis(curated)
    assert figures["followed_by_channel"]["sante"] == 100
    assert _query(curated, "select encoding from quality.files") == [("utf-8",)]
    notes = _query(curated, "select line, \"column\", message from quality.warnings "
                            "where kind = 'lecture'")
    assert notes and notes[0][0] == 102 and notes[0][1] == "Canal" and "�" in notes[0][2]


def test_windows_1252_file_is_still_read_as_such(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_bytes((HEADER + _prospects(5, channel="Santé"))
                                        .encode("cp1252"))
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["followed_by_channel"]["sante"] == 5
    assert _query(curated, "select encoding from quality.files") == [("cp1252",)]


def test_utf16_text_from_excel_is_read(dirs):
    raw, curated = dirs
    text = "ID prospect\tDate de premier contact\tCanal\r\nP1\t01/02/2023\tSanté\r\n"
    (raw / "prospects.txt.csv").write_bytes(text.encode("utf-16"))  # BOM + UTF-16 LE
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["followed_by_channel"]["sante"] == 1


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_its_bom_is_read(dirs, encoding):
    # (big-endian without a BOM was refused as « fichier binaire », told to be an .xlsx)
    raw, curated = dirs
    text = "ID prospect;Date de premier contact;Canal\r\nP1;01/02/2023;Santé\r\n"
    (raw / "prospects.csv").write_bytes(text.encode(encoding))
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    assert kpis(curated)["followed_by_channel"]["sante"] == 1
    assert _query(curated, "select encoding from quality.files") == [(encoding,)]


@pytest.mark.parametrize("where", ["first_rows", "past_64_kb"])
def test_a_stray_nul_byte_is_reported_on_its_row_not_refused_nor_kept(dirs, where):
    """The twelfth attack: one NUL byte in the first 64 KB of a CSV stopped the whole build
    as « fichier binaire … .xlsx » (naming no line); past them, it was kept inside a value,
    « Formulaire\\x00web », a second « Formulaire web » in the bilan's table that masked real
    figures by its small count, without a warning. It is now an unreadable character of its
    row, reported there with its line, as an invalid byte is."""
    raw, curated = dirs
    filler = _prospects(2000, start=100) if where == "past_64_kb" else ""
    body = filler + "P001;01/02/2023;Sal\x00on;p1@exemple.fr\n" + _prospects(3, start=2)
    (raw / "prospects.csv").write_bytes((HEADER + body).encode("utf-8"))
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    line = 2 + (2000 if filler else 0)
    warned = _query(curated, "select line, message from quality.warnings "
                             "where source = 'prospects' and message like '%illisible%'")
    assert [w[0] for w in warned] == [line], warned
    texts = _query(curated, "select channel_label from core.prospects")
    assert not any("\x00" in (t or "") for (t,) in texts)
    assert kpis(curated)["followed"] == 4 + (2000 if filler else 0)
    # a workbook saved under a .csv name is still one
    (raw / "prospects.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    refused = _build(raw, curated)
    assert refused.returncode == 1 and "fichier binaire" in refused.stderr


@pytest.mark.parametrize("fast", [True, False])
def test_a_column_given_twice_is_said_to_be_a_double_not_outside_the_contract(dirs, fast):
    """« Canal » then « Origine » (its synonym in the contract): the second was reported as
    « colonne hors contrat, ignorée », which read as if the contract had no channel (a
    helper's attack); a column of no contract's name still is. The same whichever reader
    reads the file (a workbook goes through the reference one)."""
    raw, curated = dirs
    rows = [["ID prospect", "Date de premier contact", "Canal", "Origine", "Remarque"],
            ["P1", "01/02/2023", "Salon", "Site web", "rien"]]
    if fast:
        (raw / "prospects.csv").write_text("\n".join(";".join(r) for r in rows) + "\n", "utf-8")
    else:
        _workbook(raw / "prospects.xlsx", [("Export", rows, False)])
    assert _build(raw, curated).returncode == 0
    said = dict(_query(curated, "select \"column\", message from quality.warnings "
                                "where kind = 'colonne_ignoree'"))
    assert said["Origine"].startswith("colonne en double") and "Canal" not in said, said
    assert said["Remarque"] == "colonne hors contrat, ignorée", said
    assert _query(curated, "select channel_label from core.prospects") == [("Salon",)]


# ------------------------------------------------------------------------------------ XLSX


def _workbook(path: Path, sheets: list[tuple[str, list[list], bool]]) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows, hidden in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)


def test_xlsx_reads_the_first_visible_sheet_and_names_the_others(dirs):
    raw, curated = dirs
    header = ["ID prospect", "Date de premier contact"]
    _workbook(raw / "prospects.xlsx", [
        ("Ancien", [header, ["OLD", "01/01/2020"]], True),
        ("Export", [header] + [[f"P{i}", "02/02/2023"] for i in range(50)], False),
        ("Notes", [["à relire"]], False),
    ])
    assert _build(raw, curated).returncode == 0
    assert kpis(curated)["followed"] == 50
    assert _query(curated, "select sheet from quality.files") == [("Export",)]
    [(message,)] = _query(curated, "select message from quality.warnings "
                                   "where kind = 'lecture'")
    assert "« Export »" in message and "« Ancien »" in message and "« Notes »" in message


def test_a_workbook_cell_escaping_a_nul_is_reported_not_published(dirs):
    """Excel writes a NUL as `_x0000_`; calamine gives it back as a NUL byte, which went into
    core.prospects (« Salon\\x00X ») and the warnings. As in a CSV file: « � », reported on
    its row (a helper's finding)."""
    raw, curated = dirs
    _workbook(raw / "prospects.xlsx", [("Export", [
        ["ID prospect", "Date de premier contact", "Canal"],
        ["P1", "02/02/2023", "Salon_x0000_X"], ["P2", "02/02/2023", "Salon"]], False)])
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    labels = _query(curated, "select channel_label from core.prospects order by 1")
    assert labels == [("Salon",), ("Salon\ufffdX",)], labels
    warned = _query(curated, "select line, message from quality.warnings "
                             "where source = 'prospects' and message like '%illisible%'")
    assert [w[0] for w in warned] == [2], warned
    assert not any("\x00" in str(row) for row in _query(curated,
                                                         "select * from quality.warnings"))


def test_a_huge_number_in_a_workbook_is_reported_as_typed(dirs):
    """A helper's finding: a budget cell of 1E+308 became a 309-digit text, invalid, reported
    on the quality page as « [téléphone masqué][téléphone masqué]5541… ». As the spreadsheet
    shows it; a phone typed as a number (nine digits) is still masked."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    _workbook(raw / "campagnes.xlsx", [("Campagnes", [
        ["Code campagne", "Nom", "Canal", "Début", "Fin", "Budget"],
        ["C1", "Salon", "Salon", "2023-01-01", "2023-01-31", 1e308],
        ["C2", "Foire", "Salon", "2023-02-01", "2023-02-28", 612345678]], False)])
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    shown = _query(curated, "select value from quality.warnings where source = 'campaigns' "
                            "and \"column\" like 'Budget%' order by 1")
    assert ("1e+308",) in shown, shown
    assert not any("masqué]5" in (v or "") for (v,) in shown), shown


def test_xlsx_with_a_huge_declared_range_is_read_by_its_cells(dirs):
    raw, curated = dirs
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ID prospect", "Date de premier contact"])
    for i in range(20):
        sheet.append([f"P{i}", "02/02/2023"])
    sheet["XFD1048576"] = "x"  # what formatting whole columns can leave
    workbook.save(raw / "prospects.xlsx")
    assert (raw / "prospects.xlsx").stat().st_size < 10_000

    def limit_memory():  # a dense read would ask for 512 GiB
        resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))

    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--curated",
         str(curated)], cwd=ROOT, capture_output=True, text=True, preexec_fn=limit_memory)
    assert result.returncode == 0, result.stderr
    assert kpis(curated)["rows"]["prospects"] == {"read": 21, "accepted": 20, "rejected": 1,
                                                  "duplicates": 0, "merged": 0}
    assert _query(curated, "select line from quality.rejects") == [(1048576,)]


def _with_an_error_cell(path: Path, cell: str) -> None:
    """Rewrite a workbook so that `cell` holds the error #DIV/0! as Excel saves it."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(rf'<c r="{cell}"[^>]*>.*?</c>',
                       f'<c r="{cell}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', sheet)
    assert n == 1
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("far_cell", [False, True], ids=["dense", "by_cells"])
def test_xlsx_cells_without_a_saved_value_read_empty_and_are_warned(dirs, far_cell):
    """A workbook written by a tool (formulas never calculated) or holding an error
    (#DIV/0!): the cell read empty without a word (an Email lost, households not merged), and
    the workbook's two readers disagreed on an error (empty, or the text « #DIV/0! »). Both
    read them empty, and the file's warning counts them and says what to do."""
    raw, curated = dirs
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ID prospect", "Date de premier contact", "Canal", "Email"])
    sheet.append(["P1", "01/02/2023", "Salon", '=LOWER("A@EXEMPLE.FR")'])
    sheet.append(["P2", "02/02/2023", "Salon", "b@exemple.fr"])
    sheet.append(["P3", "03/02/2023", "Salon", "c@exemple.fr"])
    if far_cell:
        sheet["XFD1048576"] = "x"
    workbook.save(raw / "prospects.xlsx")
    _with_an_error_cell(raw / "prospects.xlsx", "D3")
    assert _build(raw, curated).returncode == 0
    emails = _query(curated, "select prospect_id, email_hash is null from core.prospects "
                             "order by 1")
    assert emails == [("P1", True), ("P2", True), ("P3", False)]
    assert not _query(curated, "select * from quality.warnings where value like '%DIV%'")
    [(message,)] = _query(curated, "select message from quality.warnings "
                                   "where kind = 'lecture'")
    assert message.startswith("2 cellule(s) de la feuille « Sheet » sans valeur enregistrée "
                              "(une formule jamais calculée, ou une erreur comme #DIV/0! ou "
                              "#N/A) : lues vides."), message


def test_xlsx_too_large_once_decompressed_is_refused_before_reading(dirs):
    raw, curated = dirs
    path = raw / "prospects.xlsx"
    _workbook(path, [("Export", [["ID prospect", "Date de premier contact"]]
                      + [[f"P{i}", "x" * 200] for i in range(10_000)], False)])
    assert path.stat().st_size < 2**20
    result = _build(raw, curated, OMLOT_MAX_FILE_MB="1")
    assert result.returncode == 1
    assert "prospects.xlsx" in result.stderr and "décompressé" in result.stderr


@pytest.mark.parametrize("damage", ["sheet missing", "sheet cut in half", "sheet garbled"])
def test_a_damaged_workbook_is_said_in_french_never_by_an_exception_s_name(dirs, damage):
    """A workbook whose sheet is missing, cut or garbled stopped the build with « illisible
    comme classeur XLSX (KeyError) », « (XmlError) » or « (error) » (a helper's attack)."""
    import zipfile

    raw, curated = dirs
    good = raw / "good.xlsx"
    _workbook(good, [("Export", [["ID prospect", "Date de premier contact"]]
                      + [[f"P{i}", "02/02/2023"] for i in range(50)], False)])
    with zipfile.ZipFile(good) as source, \
            zipfile.ZipFile(raw / "prospects.xlsx", "w", zipfile.ZIP_DEFLATED) as damaged:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                if damage == "sheet missing":
                    continue
                if damage == "sheet cut in half":
                    data = data[: len(data) // 2]
            damaged.writestr(info, data)
    good.unlink()
    if damage == "sheet garbled":  # forty bytes of the sheet's compressed data flipped
        with zipfile.ZipFile(raw / "prospects.xlsx") as archive:
            info = archive.getinfo("xl/worksheets/sheet1.xml")
        body = bytearray((raw / "prospects.xlsx").read_bytes())
        start = info.header_offset + 30 + len(info.filename.encode()) + 20
        body[start:start + 40] = bytes(b ^ 0x5A for b in body[start:start + 40])
        (raw / "prospects.xlsx").write_bytes(bytes(body))
    result = _build(raw, curated)
    assert result.returncode == 1, result.stderr
    assert "prospects.xlsx : illisible comme classeur XLSX" in result.stderr, result.stderr
    assert "enregistrez-le" in result.stderr and not re.search(r"\(\w*(Error|error)\)",
                                                                  result.stderr), result.stderr


def test_csv_larger_than_the_limit_is_refused_with_its_name(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(30_000), "utf-8")
    result = _build(raw, curated, OMLOT_MAX_FILE_MB="1")
    assert result.returncode == 1 and "prospects.csv" in result.stderr
    assert "trop volumineux" in result.stderr and "OMLOT_MAX_FILE_MB" in result.stderr


# ------------------------------------------------------------------- what is not a file


def test_links_folders_and_pipes_are_skipped_with_a_warning(dirs, tmp_path):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    secret = tmp_path / "secret.csv"
    secret.write_text("ID prospect;Date de premier contact\nroot:x:0:0;01/02/2023\n")
    (raw / "prospects_lien.csv").symlink_to(secret)
    (raw / "prospects_dossier.csv").mkdir()
    os.mkfifo(raw / "installations_tube.csv")
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    assert kpis(curated)["followed"] == 2
    skipped = dict(_query(curated, "select file, message from quality.warnings "
                                   "where kind = 'fichier_ignore'"))
    assert "lien symbolique" in skipped["prospects_lien.csv"]
    assert "pas un fichier ordinaire" in skipped["prospects_dossier.csv"]
    assert "pas un fichier ordinaire" in skipped["installations_tube.csv"]
    assert "root:x" not in str(_query(curated, "select * from quality.warnings"))


def test_a_file_name_that_is_not_utf8_is_read_and_shown(dirs):
    raw, curated = dirs
    name = os.fsdecode(b"prospects_f\xe9vrier.csv")
    (raw / name).write_text(HEADER + _prospects(2), "utf-8")
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    assert _query(curated, "select file from quality.files") == [("prospects_f�vrier.csv",)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions cannot fail")
def test_an_unreadable_file_stops_the_build_with_its_name(dirs):
    raw, curated = dirs
    path = raw / "prospects.csv"
    path.write_text(HEADER + _prospects(2), "utf-8")
    path.chmod(0)
    result = _build(raw, curated)
    assert result.returncode == 1 and "prospects.csv" in result.stderr
    assert "permission" in result.stderr and "Traceback" not in result.stderr


def test_a_file_without_header_quotes_no_personal_data(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(
        "P1;01/02/2023;marie.dupont@exemple.fr;06 12 34 56 78\n", "utf-8")
    result = _build(raw, curated)
    assert result.returncode == 1 and "prospects.csv" in result.stderr
    saved = (curated / "last_build.json").read_text("utf-8")
    for text in (result.stderr, saved):
        assert "marie.dupont" not in text and "06 12 34 56 78" not in text
    assert json.loads(saved)["status"] == "failed"


# ----------------------------------------------------------------- every failure reported


@pytest.mark.parametrize("case", ["no prospects", "no folder"])
def test_a_build_stopped_before_reading_is_recorded_as_failed(dirs, case):
    """The status said « ok » (the dashboard showed no failure) when the folder had no
    prospects export or was gone: those stopped the build before its status was written."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(3), "utf-8")
    assert _build(raw, curated).returncode == 0
    (raw / "prospects.csv").unlink()
    if case == "no folder":
        raw.rmdir()
    # (as a user runs it: the unchanged-build check reads the folder first)
    result = _build(raw, curated, OMLOT_FORCE_BUILD="0")
    assert result.returncode != 0
    state = json.loads((curated / "last_build.json").read_text("utf-8"))
    assert state["status"] == "failed" and state["message"] in result.stderr
    assert kpis(curated)["followed"] == 3  # the last good database is still published


def test_a_folder_named_after_an_address_is_not_recorded_in_clear(tmp_path):
    raw = tmp_path / "exports de paul.martin@leak.fr"
    raw.mkdir()
    (raw / "prospects.csv").write_text(HEADER + _prospects(3), "utf-8")
    curated = tmp_path / "curated"
    assert _build(raw, curated).returncode == 0
    recorded = (curated / "last_build.json").read_text("utf-8") + str(
        _query(curated, "select raw_dir from quality.build"))
    assert "leak" not in recorded and "[email masqué]" in recorded
    (raw / "prospects.csv").unlink()
    result = _build(raw, curated)
    recorded = (curated / "last_build.json").read_text("utf-8") + result.stderr
    assert "Aucun fichier de prospects" in recorded and "leak" not in recorded


def test_control_characters_of_a_header_never_reach_the_terminal(dirs):
    """A header holding `ESC [2J` (clear the screen) or `ESC ]0;…` (retitle the window) was
    quoted raw in the error message, on the officer's terminal."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(
        "\x1b[2JID prospect;\x1b]0;titre\x07Canal\nP1;Salon\n", "utf-8")
    result = _build(raw, curated)
    assert result.returncode == 1
    assert "prospects.csv" in result.stderr
    state = (curated / "last_build.json").read_text("utf-8")
    for text in (result.stderr, json.loads(state)["message"]):
        assert not any(ord(c) < 32 and c not in "\n\t" or 127 <= ord(c) < 160
                       for c in text), repr(text)


def test_a_workbook_s_sheet_names_are_kept_masked_for_the_next_build(dirs):
    raw, curated = dirs
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "paul.martin@leak.fr"
    sheet.append(["ID prospect", "Date de premier contact", "Canal"])
    sheet.append(["P1", "2024-01-10", "Salon"])
    other = workbook.create_sheet("jeanne 06 55 44 33 22")
    other.append(["x"])
    workbook.save(raw / "prospects.xlsx")
    assert _build(raw, curated, OMLOT_FORCE_BUILD="0").returncode == 0
    kept = [path for path in (curated.parent / ".build").rglob("*") if path.is_file()]
    assert any(path.suffix == ".json" for path in kept)
    for path in kept:
        text = path.read_bytes().decode("utf-8", "replace")
        assert "leak" not in text and "55 44 33" not in text, path


def test_an_empty_short_or_open_hash_key_is_refused_and_never_printed(dirs, tmp_path):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    key = tmp_path / "key"
    for content, mode in (("", 0o600), ("abc123", 0o600), ("f" * 64, 0o644)):
        key.write_text(content)
        key.chmod(mode)
        result = _build(raw, curated, OMLOT_HASH_KEY_FILE=str(key))
        assert result.returncode == 5, result.stderr
        assert "clé des pseudonymes" in result.stderr and "Traceback" not in result.stderr
        assert ("f" * 64) not in result.stderr
        assert json.loads((curated / "last_build.json").read_text())["kind"] == "environnement"
        assert not (curated / "lot.duckdb").exists()


def test_hash_key_of_another_user_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    key = tmp_path / "key"
    key.write_text("f" * 64)
    key.chmod(0o600)
    os.chown(key, 65534, 65534)
    with pytest.raises(guard.EnvironmentProblem, match="autre utilisateur"):
        guard.hash_key(key)


def test_hash_key_is_created_whole_by_concurrent_first_builds(tmp_path):
    key = tmp_path / "key"
    results = [subprocess.Popen(
        [sys.executable, "-c", "import sys, pathlib; from pipelines import guard; "
         "print(guard.hash_key(pathlib.Path(sys.argv[1])))", str(key)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    keys = {p.communicate()[0].strip() for p in results}
    assert len(keys) == 1 and len(keys.pop()) == 64


def test_a_write_failure_during_publish_is_reported_and_keeps_the_last_database(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    assert _build(raw, curated).returncode == 0
    before = (curated / "lot.duckdb").read_bytes()

    def small_files():  # as a full disk would: writes beyond 200 kB fail
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--curated",
         str(curated)], cwd=ROOT, capture_output=True, text=True, preexec_fn=small_files)
    assert result.returncode == 5, result.stderr
    assert "Traceback" not in result.stderr and "Erreur" in result.stderr
    assert json.loads((curated / "last_build.json").read_text())["status"] == "failed"
    assert (curated / "lot.duckdb").read_bytes() == before
    assert not list(curated.glob(".*.new*"))
    view = status.current(curated)
    assert view["failed_attempt"]["kind"] == "environnement" and view["published"]


def test_a_second_build_on_the_same_folder_is_refused_while_one_runs(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    assert _build(raw, curated).returncode == 0
    saved = (curated / "last_build.json").read_text()
    with guard.build_lock(curated):
        result = _build(raw, curated)
    assert result.returncode == 4 and "une autre construction est en cours" in result.stderr
    assert (curated / "last_build.json").read_text() == saved
    assert _build(raw, curated).returncode == 0


def test_leftovers_of_a_killed_build_are_removed_by_the_next(dirs):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    curated.mkdir()
    (curated / ".lot.duckdb.999.1.new").write_bytes(b"x" * 1000)
    (curated / ".lot.duckdb.999.1.new.wal").write_bytes(b"x" * 1000)
    (curated / ".parquet.999.new").mkdir()
    (curated / ".work" / "old").mkdir(parents=True)
    (curated / ".work" / "old" / "spill.tmp").write_text("marie@exemple.fr")
    assert _build(raw, curated).returncode == 0
    assert sorted(p.name for p in curated.iterdir()) == [".build.lock", "last_build.json",
                                                         "lot.duckdb", "parquet"]


def test_the_work_database_spills_only_into_the_private_folder(dirs, tmp_path):
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--curated",
         str(curated)], cwd=elsewhere, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert not list(elsewhere.iterdir())  # no `.tmp` beside the user
    from pipelines import build as build_module
    with build_module.connect_work(tmp_path / "spill") as con:
        [(folder,)] = con.execute("select current_setting('temp_directory')").fetchall()
    assert folder == str(tmp_path / "spill")


def test_what_the_work_database_spills_is_never_in_clear(tmp_path, monkeypatch):
    """Past its memory limit the work database writes blocks to its private folder: a build
    killed then left raw rows with emails readable there (`strings`, a helper's attack). They
    are encrypted under a key held by the process alone."""
    from pipelines import build as build_module
    from pipelines import config

    monkeypatch.setattr(config, "MEMORY_LIMIT", "100MB")
    spill = tmp_path / "spill"
    spill.mkdir()
    with build_module.connect_work(spill) as con:
        con.execute("create table raw_rows as select 'jeanne.planted' || i || '@example.fr' "
                    "as email, i from range(3000000) as t(i)")
        con.execute("create table sorted as select * from raw_rows order by email desc")
        spilled = [path for path in spill.rglob("*") if path.is_file() and path.stat().st_size]
        assert spilled  # it did spill: the check below reads something
        for path in spilled:
            assert b"planted" not in path.read_bytes(), path
        assert con.execute("select count(*) from sorted").fetchone()[0] == 3_000_000


def test_a_build_far_past_its_memory_limit_spills_and_gives_the_same_figures(tmp_path):
    """Twenty times the programme (200 000 touches) within 100 MB: the work databases spill
    (the first one encrypted) and the figures are those of a build with room. Staging written
    straight to Parquet ran out of memory there (the writer's row groups of 122 880 rows
    are not spilled)."""
    raw = tmp_path / "raw"
    assert run_cli("demo", "--raw", str(raw), "--scale", "20").returncode == 0
    roomy, tight = tmp_path / "roomy", tmp_path / "tight"
    assert _build(raw, roomy).returncode == 0
    result = _build(raw, tight, OMLOT_MEMORY_LIMIT="100MB", OMLOT_CACHE="0")
    assert result.returncode == 0, result.stderr
    assert kpis(tight) == kpis(roomy)


def test_a_build_out_of_memory_names_its_step_and_the_setting_that_raises_the_limit(dirs):
    """« mémoire insuffisante pour la construction » alone told neither where nor what to
    change (a build of twenty times the programme within 80 MB failed so, now and then, under
    a loaded machine). The last database stays published."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    assert _build(raw, curated).returncode == 0
    before = (curated / "lot.duckdb").read_bytes()
    (raw / "prospects.csv").write_text(HEADER + _prospects(20_000), "utf-8")
    result = _build(raw, curated, OMLOT_MEMORY_LIMIT="10MB", OMLOT_CACHE="0")
    assert result.returncode == 5, result.stderr
    assert re.search(r"mémoire insuffisante pour la construction, à l'étape "
                     r"(staging|core|quality|marts)\.\w+ \(limite : 10MB, réglée par "
                     r"OMLOT_MEMORY_LIMIT ; par exemple OMLOT_MEMORY_LIMIT=4GB make build\)",
                     result.stderr), result.stderr
    assert (curated / "lot.duckdb").read_bytes() == before
    assert status.current(curated)["failed_attempt"]["kind"] == "environnement"


def test_a_memory_setting_duckdb_cannot_read_is_named_in_french(dirs):
    """OMLOT_MEMORY_LIMIT=abc (or 0, or 1.5: no unit) stopped the build with DuckDB's English
    « Parser Error », as an internal error (exit 6), saved for the dashboard to show. It is a
    setting to correct (exit 5), said in French with an example; set but empty, the default."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    assert _build(raw, curated).returncode == 0
    for value in ("abc", "0", "1.5", "200%"):
        result = _build(raw, curated, OMLOT_MEMORY_LIMIT=value)
        assert result.returncode == 5, result.stderr
        assert (f"OMLOT_MEMORY_LIMIT={value} n'est pas une quantité de mémoire : écrivez un "
                "nombre et son unité, par exemple OMLOT_MEMORY_LIMIT=4GB") in result.stderr
        assert "Error" not in result.stderr
        assert status.current(curated)["failed_attempt"]["kind"] == "environnement"
    for value in ("", " 2 GB "):
        assert _build(raw, curated, OMLOT_MEMORY_LIMIT=value).returncode == 0, value


def test_a_failed_build_says_whether_a_database_stays_published(dirs):
    """« La base publiée précédente reste en place » after a first build that failed: there
    was none, and the officer looked for it."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text("Nom;Prénom\nDupont;Jean\n", "utf-8")
    first = _build(raw, curated)
    assert first.returncode == 1
    assert "Aucune base lisible n'est encore publiée : corrigez, puis relancez." in first.stderr
    assert "reste en place" not in first.stderr
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    assert _build(raw, curated).returncode == 0
    (raw / "prospects.csv").write_text("Nom;Prénom\nDupont;Jean\n", "utf-8")
    again = _build(raw, curated)
    assert again.returncode == 1
    assert "La base publiée précédente reste en place." in again.stderr
    (curated / "lot.duckdb").write_text("abîmée", "utf-8")  # (by hand, or a disk)
    damaged = _build(raw, curated)
    assert damaged.returncode == 1 and "Aucune base lisible" in damaged.stderr


def test_a_disk_full_while_keeping_rows_is_said_in_french(tmp_path):
    """The kept rows written to a disk that fills up: the build stopped as an internal error
    quoting DuckDB's English (« IO Error: Async write failed … No space left on device »). It
    is the machine's (exit 5), said « disque plein ». A small in-memory file system holds
    the curated folder (root only)."""
    small = tmp_path / "small"
    small.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(small)],
            capture_output=True).returncode:
        pytest.skip("a small file system needs root and mount")
    try:
        raw = tmp_path / "raw"
        assert run_cli("demo", "--scale", "40", "--raw", str(raw)).returncode == 0
        result = _build(raw, small / "curated")
        assert result.returncode == 5, result.stderr
        assert "disque plein : libérez de la place, puis relancez la construction" \
            in result.stderr, result.stderr
        assert "Error" not in result.stderr
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_a_workbook_whose_first_sheet_is_empty_names_that_sheet(dirs):
    """Its data on the second sheet: the message said « fichier vide », which the officer,
    seeing the data in Excel, could not understand."""
    raw, curated = dirs
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    data = workbook.create_sheet("Données")
    data.append(["ID prospect", "Date de premier contact", "Canal"])
    data.append(["P1", "2024-01-10", "Salon"])
    workbook.save(raw / "prospects.xlsx")
    result = _build(raw, curated)
    assert result.returncode == 1
    assert "prospects.xlsx : la feuille « Notes », la première visible, est vide" in result.stderr


def test_an_export_re_saved_with_two_digit_years_is_said_loudly_with_its_cause(dirs,
                                                                               monkeypatch):
    """LibreOffice in French writes a date back as 14/03/23: a helper's re-saved prospects
    export lost 241 of its 407 rows under the build's usual « 308 ligne(s) rejetée(s) », each
    « date invalide » alone. The rows stay rejected (the contract's date formats), but the
    reason names the two-digit year, the quality page says what to do, and the build says
    which file lost most of its rows."""
    from dashboard import quality

    raw, curated = dirs
    (raw / "prospects_ok.csv").write_text(HEADER + _prospects(12), "utf-8")
    (raw / "prospects_resaved.csv").write_text(
        HEADER + _prospects(12, start=100).replace("01/02/2023", "14/03/23")
        + "P900;14/03/2023;Salon;\n", "utf-8")
    result = _build(raw, curated)
    assert result.returncode == 0, result.stderr
    assert ("Attention : prospects_resaved.csv : 12 lignes sur 13 rejetées (92 %), surtout "
            "« date invalide : année sur deux chiffres » : elles ne comptent dans aucun "
            "chiffre") in result.stderr.replace("\u202f", " ").replace("\u00a0", " ")
    assert "prospects_ok.csv :" not in result.stderr
    reasons = _query(curated, "select distinct reason from quality.rejects")
    assert reasons == [("date invalide : année sur deux chiffres",)]
    assert "année sur 4 chiffres" in quality.expected(reasons[0][0])
    assert kpis(curated)["followed"] == 13
    # the overview, where the officer preparing the committee looks, names it too
    from tests.conftest import open_app

    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    warning = open_app().warning[0].value.replace("\\", "").replace("\u2060", "")
    warning = warning.replace("\u00a0", " ").replace("\u202f", " ")
    assert ("prospects_resaved.csv : 12 lignes sur 13 rejetées (92 %), surtout « date "
            "invalide : année sur deux chiffres » : elles ne comptent dans aucun chiffre"
            ) in warning, warning


def test_a_pdf_under_an_export_s_name_is_said_to_be_a_pdf(dirs):
    """A bilan saved as contacts_campagnes_2025-02.csv: « colonnes obligatoires absentes …
    Colonnes trouvées (ligne 1) : « %PDF-1.7 » » (a renamed PDF .xlsx was already named)."""
    raw, curated = dirs
    (raw / "prospects.csv").write_text(HEADER + _prospects(2), "utf-8")
    (raw / "contacts_campagnes_2025-02.csv").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = _build(raw, curated)
    assert result.returncode == 1
    assert ("contacts_campagnes_2025-02.csv (contacts de campagne) : c'est un document PDF, "
            "pas un export") in result.stderr
    assert "%PDF" not in result.stderr
    # (with leading spaces too; a real export whose first cell merely starts so is not one)
    (raw / "contacts_campagnes_2025-02.csv").write_bytes(b"  %PDF-1.4\n%\xe2\xe3\n")
    assert "c'est un document PDF" in _build(raw, curated).stderr
    (raw / "contacts_campagnes_2025-02.csv").write_text(
        "%PDF-export;Horodatage\nX;01/02/2023\n", "utf-8")
    said = _build(raw, curated).stderr
    assert "c'est un document PDF" not in said and "« %PDF-export »" in said


def test_a_mostly_rejected_file_s_name_is_printable_on_the_overview(dirs, monkeypatch):
    """A file named with a terminal escape, a bell and a right-to-left override: the build's
    line showed « ? », the overview's warning carried them, its end mirrored (« …tabvsc.live »)."""
    from tests.conftest import open_app

    raw, curated = dirs
    (raw / "prospects_ok.csv").write_text(HEADER + _prospects(3), "utf-8")
    (raw / "prospects_\x1b[31mROUGE\x07\u202eevil.csv").write_text(
        HEADER + _prospects(10, start=50).replace("01/02/2023", "14/03/23"), "utf-8")
    assert _build(raw, curated).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    warning = open_app().warning[0].value
    assert "ROUGE" in warning and "10 lignes sur 10" in warning.replace("\u00a0", " ")
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in warning


@pytest.mark.parametrize(("value", "reason"), [
    ("14/03/23", "date invalide : année sur deux chiffres"),
    ("1.3.23 10:30", "date invalide : année sur deux chiffres"),
    ("14-03-23 10:30:15", "date invalide : année sur deux chiffres"),
    # (a four-digit year would not mend these: the reason must not send the officer there)
    ("31/02/23", "date invalide"),
    ("03/14/23", "date invalide"),
    ("06-12-34 56 78", "date invalide"),
    ("99/99/99", "date invalide"),
    ("45366", "date invalide : un nombre, pas une date"),
])
def test_a_two_digit_year_is_said_only_where_four_digits_would_mend_the_date(value, reason):
    from pipelines import config

    with duckdb.connect() as con:
        con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
        assert con.execute("select date_reason(?)", [value]).fetchone()[0] == reason
