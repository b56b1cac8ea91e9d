"""Downloads an analyst can compute with: every CSV and XLSX download of every page, read back
as French Excel reads it (`;`, decimal comma, UTF-8 with BOM), holds numbers as numbers
(rounded), rates as a percentage number with their numerator, denominator and base in their own
columns, dates as 31/03/2022, an empty cell for a missing value, and no live formula."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import widgets
from tests.conftest import ROOT
from tests.dashboard import served
from tests.dashboard.test_security import FORMULAS, PAGES, injected  # noqa: F401

APP = str(ROOT / "dashboard" / "app.py")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Text that shows a number or a rate was written as text, or a missing value as a symbol.
NUMBER_AS_TEXT = re.compile(r"^-?\d[\d\u202f\u00a0 ]*(,\d+)?\s*(%|€)?$")
RATE_AS_TEXT = re.compile(r"\d\s?%|\(\d[\d\u202f\u00a0 ]* / \d")
MISSING_SYMBOLS = {"–", "-", "None", "nan", "NaN", "NaT", "<NA>", "(vide)"}
# Columns of codes and identifiers: text even when they are made of digits (« 2A », « 075 »).
CODE_COLUMN = re.compile(r"^(Code|SIREN|N° de dossier|SHA)|^(Fichier|Valeur|Colonne)$")
NUMERIC_COLUMN = re.compile(
    r"\((%|€|jours)\)$|: (numérateur|dénominateur)$|des modèles$|^Crédit |^Jours |^(Suivis|"
    r"Accompagnés|Installés|Foyers (suivis|installés|parrainés)|Ambassadeurs|Nouveaux foyers|"
    r"Contacts|Personnes touchées|Interactions anonymes|Devenues foyers|Lues|Acceptées|Rejetées|"
    r"Doublons|Fusionnées|Fichiers|Ligne|Occurrences|Avertissements|Installations attribuées|"
    r"Foyers suivis attribués|Communes du Lot|Communes avec installation)$")
DATE_COLUMN = re.compile(r"^(Premier contact|Installation|Début|Fin|Dernière mise à jour|"
                         r"Séjour d'immersion|Début d'accompagnement|Modifié le)$")
DATE_TEXT = re.compile(r"^\d{2}/\d{2}/\d{4}( \d{2}:\d{2})?$")


@pytest.fixture
def kept_storage(monkeypatch):
    served.keep(monkeypatch)


def _page_downloads(page: str, kept_storage) -> dict[str, bytes]:
    """Every table download of a page as served on click: file name -> bytes."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    buttons = at.get("download_button")
    # (a click that runs the page again drops the files its previous run offered: a second
    # button clicked meanwhile spun without a file, « Deferred file … not found »)
    assert all(button.proto.ignore_rerun for button in buttons), page
    files = dict(filter(None, (served.served(button) for button in buttons)))
    assert files, page
    return files


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def _raw_cells(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def check_csv(name: str, data: bytes) -> pd.DataFrame:
    """The rules every CSV download keeps; its frame as pandas reads it."""
    assert data.startswith(b"\xef\xbb\xbf"), name
    frame, raw = _read_csv(data), _raw_cells(data)
    for column in frame.columns:
        cells = [cell for cell in raw[column] if cell != ""]
        assert not set(cells) & MISSING_SYMBOLS, (name, column)
        assert not [c for c in cells if RATE_AS_TEXT.search(c)], (name, column, cells[:3])
        assert not [c for c in cells if c.startswith(FORMULA_START)], (name, column)
        if NUMERIC_COLUMN.search(column):
            assert pd.api.types.is_numeric_dtype(frame[column]) or frame[column].isna().all(), (
                name, column, cells[:5])
        elif DATE_COLUMN.match(column):
            assert all(DATE_TEXT.match(c) for c in cells), (name, column, cells[:3])
        elif not CODE_COLUMN.match(column) and frame[column].dtype == object:
            assert not [c for c in cells if NUMBER_AS_TEXT.match(c)], (name, column, cells[:5])
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):  # rounded as shown: 2 decimals at most
            values = frame[column].dropna()
            assert (values.round(2) == values).all(), (name, column)
    return frame


def check_xlsx(name: str, data: bytes, csv_frame: pd.DataFrame) -> None:
    """The workbook holds the same table, numbers and dates typed, text never a formula."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(csv_frame.columns), name
    assert len(rows) - 1 == len(csv_frame), name
    for index, column in enumerate(csv_frame.columns):
        cells = [row[index] for row in rows[1:] if row[index] is not None]
        if CODE_COLUMN.match(column):  # a code stays text in a workbook (« 01 », « 2A »)
            assert all(isinstance(c, str) for c in cells), (name, column, cells[:3])
        elif pd.api.types.is_numeric_dtype(csv_frame[column]):
            assert all(isinstance(c, int | float) for c in cells), (name, column, cells[:3])
        if DATE_COLUMN.match(column):
            assert all(isinstance(c, dt.datetime) for c in cells), (name, column, cells[:3])
        assert sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width >= 8
    for row in sheet.iter_rows():
        assert not [cell for cell in row if cell.data_type == "f"], name
        assert_text_cells(row)


def assert_text_cells(cells) -> None:
    """A text a spreadsheet would run is a text cell with Excel's quote prefix, as typed."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


@pytest.mark.parametrize("page", PAGES)
def test_every_download_of_every_page_reads_back_as_numbers(demo_env, kept_storage, page):
    files = _page_downloads(page, kept_storage)
    csvs = {name: data for name, data in files.items() if name.endswith(".csv")}
    if page != "app_pages/overview.py":
        assert csvs, page
    for name, data in csvs.items():
        frame = check_csv(name, data)
        xlsx = name.removesuffix(".csv") + ".xlsx"
        assert xlsx in files, (page, name)
        check_xlsx(xlsx, files[xlsx], frame)


def test_a_rate_downloads_as_a_number_with_its_counts_and_base(demo_env, kept_storage):
    files = _page_downloads("app_pages/sources.py", kept_storage)
    frame = _read_csv(files["entonnoir_par_canal.csv"])
    rate = "Taux suivi → installé"
    assert {f"{rate} (%)", f"{rate} : numérateur", f"{rate} : dénominateur",
            f"{rate} : base"} <= set(frame.columns)
    row = frame.iloc[0]
    assert row[f"{rate} (%)"] == round(100 * row["Installés"] / row["Suivis"], 1)
    assert row[f"{rate} : numérateur"] == row["Installés"]
    assert row[f"{rate} : dénominateur"] == row["Suivis"]
    assert row[f"{rate} : base"] == "suivis"
    sheet = openpyxl.load_workbook(io.BytesIO(files["entonnoir_par_canal.xlsx"])).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index(f"{rate} (%)") + 1).value == row[f"{rate} (%)"]


def test_campaign_costs_are_rounded_and_the_models_spread_is_two_numbers(demo_env, kept_storage):
    frame = _read_csv(_page_downloads("app_pages/campaigns.py", kept_storage)["campagnes.csv"])
    assert (frame["Coût par installation (€)"].dropna() % 1 == 0).all()
    assert (frame["Installations : minimum des modèles"]
            <= frame["Installations : maximum des modèles"]).all()
    assert frame["Part devenue foyer (%)"].dropna().between(0, 100).all()
    # « non attribué » has no channel (it read « Autre », a channel with households of its own)
    nowhere = frame[frame["Campagne"].str.startswith("Non attribué")]
    assert len(nowhere) == 1 and nowhere["Canal"].isna().all()


def test_a_cohort_not_old_enough_is_an_empty_cell(demo_env, kept_storage):
    data = _page_downloads("app_pages/sources.py", kept_storage)["cohortes_installation.csv"]
    frame, raw = _read_csv(data), _raw_cells(data)
    assert frame["Installés sous 12 mois (%)"].isna().any()
    young = frame["Installés sous 12 mois (%)"].isna()
    assert (raw.loc[young, "Installés sous 12 mois : numérateur"] == "").all()
    assert frame.loc[young, "Nouveaux foyers"].notna().all()


def test_xlsx_cells_that_a_spreadsheet_would_run_are_text():
    frame = pd.DataFrame({"Valeur": [*FORMULAS, "Salon", None],
                          "Nombre": [-3, 1.5, 2, 3, 4, 5, 6, 7],
                          "Date": pd.to_datetime(["2022-03-31"] * 7 + [None])})
    sheet = openpyxl.load_workbook(io.BytesIO(widgets.xlsx_bytes(frame))).active
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    # as typed, text cells with the quote prefix (a leading « ' » showed as a stray
    # apostrophe); XML reads a carriage return back as a line feed
    assert [row[0].replace("\n", "\r") for row in values[:6]] == list(FORMULAS)
    for (cell,) in sheet.iter_rows(min_row=2, max_row=7, max_col=1):
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert values[6][0] == "Salon" and values[7][0] is None
    assert [row[1] for row in values] == [-3, 1.5, 2, 3, 4, 5, 6, 7]
    assert values[0][2] == dt.datetime(2022, 3, 31) and values[7][2] is None
    assert sheet["C2"].number_format == "DD/MM/YYYY"


def test_quality_xlsx_downloads_are_neutralised(injected, monkeypatch, kept_storage):  # noqa: F811
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(injected))
    files = _page_downloads("app_pages/quality.py", kept_storage)
    cells = [cell for row in openpyxl.load_workbook(
        io.BytesIO(files["qualite_rejets.xlsx"])).active.iter_rows() for cell in row]
    for formula in FORMULAS[:4]:
        assert formula in [cell.value for cell in cells]
    assert_text_cells(cells)


# `make test` installs it (Makefile, browser); only a run of pytest by hand may lack it: in CI
# (a clean clone, `CI` set) the test fails instead of skipping, so that it always runs there.
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None
                    and not os.environ.get("CI"),
                    reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed")
def test_libreoffice_opens_a_csv_download_with_numbers_and_dates_typed(demo_env, kept_storage,
                                                                       tmp_path):
    files = _page_downloads("app_pages/sources.py", kept_storage)
    source = tmp_path / "entonnoir_par_canal.csv"
    source.write_bytes(files["entonnoir_par_canal.csv"])
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice Calc is not installed: `make browser` installs it"
    subprocess.run([office, "--headless", "--infilter=CSV:59,34,76,1,,1036", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    sheet = openpyxl.load_workbook(tmp_path / "entonnoir_par_canal.xlsx").active
    header = [cell.value for cell in sheet[1]]
    for name in ("Suivis", "Taux suivi → installé (%)", "Taux suivi → installé : dénominateur"):
        assert isinstance(sheet.cell(2, header.index(name) + 1).value, int | float), name


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None
                    and not os.environ.get("CI"),
                    reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed")
def test_libreoffice_reads_a_workbook_s_formula_like_text_as_typed(tmp_path):
    """A real client: the label « =HYPERLINK(…) » of a campaign is text in LibreOffice, as
    typed (computed, it would read « clic »; it showed « '=HYPERLINK(…) »)."""
    frame = pd.DataFrame({"Campagne": ['=HYPERLINK("http://evil.example";"clic")', "Salon"],
                          "Budget (€)": [300, 500]})
    (tmp_path / "campagnes.xlsx").write_bytes(widgets.xlsx_bytes(frame))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice Calc is not installed: `make browser` installs it"
    subprocess.run([office, "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", str(tmp_path),
                    str(tmp_path / "campagnes.xlsx")],
                   check=True, capture_output=True, timeout=120,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    lines = (tmp_path / "campagnes.csv").read_text("utf-8").splitlines()
    assert lines[1] == '"=HYPERLINK(""http://evil.example"";""clic"")";300', lines


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def test_a_download_s_file_name_says_the_selection_it_covers(demo_env, kept_storage):
    """« entonnoir_par_canal.csv » was the same file name for every year: forwarded by email,
    a file did not say what it covered."""
    from tests.conftest import open_app

    at = open_app(periode="2023", canaux="tourisme,salon")
    at.switch_page("app_pages/sources.py").run()
    names = {served.served(button)[0] for button in at.get("download_button")
             if served.served(button)}
    assert "entonnoir_par_canal_2023_tourisme-salon.csv" in names
    assert "entonnoir_par_canal_2023_tourisme-salon.xlsx" in names
    custom = open_app(periode="perso", du="2023-07-01", au="2023-07-31")
    custom.switch_page("app_pages/sources.py").run()
    assert "entonnoir_par_canal_2023-07-01_2023-07-31.csv" in {
        served.served(b)[0] for b in custom.get("download_button") if served.served(b)}
    # the whole programme keeps the plain name; Qualité, which the sidebar does not filter,
    # too
    whole = open_app()
    whole.switch_page("app_pages/quality.py").run()
    assert any(served.served(b)[0] == "qualite_fichiers.csv"
               for b in whole.get("download_button") if served.served(b))
    chosen = open_app(periode="2023")
    chosen.switch_page("app_pages/quality.py").run()
    assert any(served.served(b)[0] == "qualite_fichiers.csv"
               for b in chosen.get("download_button") if served.served(b))
