"""Small page building blocks shared by every page (tables with their CSV download)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard import fmt
from pipelines import pii

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made text by a leading `'`; numbers,
    dates and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that French Excel opens as is: `;` separator, decimal comma, dates as 31/03/2022,
    UTF-8 with BOM; text from the exports never runs as a formula (see inert_cell)."""
    frame = frame.copy()
    for name in frame.columns:
        values = frame[name].dropna()
        if len(values) and isinstance(values.iloc[0], dt.date):
            frame[name] = frame[name].map(lambda d: d.strftime("%d/%m/%Y") if pd.notna(d) else "")
        elif frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].map(inert_cell)
    frame.columns = [inert_cell(str(name)) for name in frame.columns]
    # CRLF ends rows (as Excel writes them), so a carriage return inside a value gets quoted
    # instead of splitting its row.
    return frame.to_csv(sep=";", decimal=",", index=False, date_format="%d/%m/%Y",
                        lineterminator="\r\n").encode("utf-8-sig")


def _is_date_column(column: pd.Series) -> bool:
    values = column.dropna()
    return pd.api.types.is_datetime64_any_dtype(column) or (
        len(values) > 0 and isinstance(values.iloc[0], dt.date))


def _xlsx_value(value: object) -> object:
    """A cell as openpyxl writes it: None for a missing value, Python numbers and dates, text
    rid of the control characters XML cannot hold (made a text cell by _text_cells)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _text_cells(row) -> None:
    """A text that a spreadsheet would run as a formula stays text: a text cell marked with
    Excel's quote prefix, shown as typed and kept text when edited. (The CSV's leading `'`,
    written in a workbook, showed as a stray apostrophe before « =HYPERLINK(…) ».)"""
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # (openpyxl took a leading « = » for a formula)
            cell.quotePrefix = True


# Number formats of the workbook: French Excel shows them with its own separators.
DATE_FORMAT = "DD/MM/YYYY"


def _number_format(name: str, values: pd.Series) -> str:
    if name.endswith("(€)"):
        return "#,##0"
    if name.endswith("(%)"):
        return "0.0"
    numbers = values.dropna()
    if len(numbers) and (numbers.astype("float64") % 1 != 0).any():
        return "#,##0.0#"
    return "#,##0"


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Données") -> bytes:
    """The same table as an Excel workbook: numbers typed (percentages as numbers, e.g. 63,5 in
    a column named « … (%) »), dates as dates shown 31/03/2022, a missing value an empty
    cell, column widths set, text from the exports never run as a formula (_text_cells)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", str(name)) for name in frame.columns])
    _text_cells(ws[1])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    formats = []
    for name in frame.columns:
        column = frame[name]
        if _is_date_column(column):
            formats.append(DATE_FORMAT)
        elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            formats.append(_number_format(str(name), column))
        else:
            formats.append(None)
    for row in frame.itertuples(index=False):
        ws.append([_xlsx_value(value) for value in row])
        _text_cells(ws[ws.max_row])
    for index, (name, number_format) in enumerate(zip(frame.columns, formats, strict=True), 1):
        letter = get_column_letter(index)
        if number_format:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        longest = max([len(str(name))] + [len(str(v)) for v in frame[name].dropna().head(500)])
        ws.column_dimensions[letter].width = min(max(longest, 8) + 2, 60)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def safe_filename(name: str) -> str:
    """A download's file name (it may hold a campaign code from the exports): letters, digits,
    `.`, `_` and `-` only."""
    return re.sub(r"[^\w.-]+", "_", name).lstrip(".") or "export.csv"


def _display(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Missing values shown as « – » (Streamlit would show « None »), dates as 31/03/2022
    (sort on a duration or number column rather than on these)."""
    # a fresh index: hidden on screen, the index still reaches the browser, and a frame's own
    # (the metric's row order, kept by masking.protect) would tell the order the page hides
    frame = frame.reset_index(drop=True)
    dates = []
    for name in frame.columns:
        values = frame[name].dropna()
        if pd.api.types.is_datetime64_any_dtype(frame[name]) or (
                len(values) and isinstance(values.iloc[0], dt.date)):
            frame[name] = pd.to_datetime(frame[name]).map(
                lambda d: d.strftime("%d/%m/%Y") if pd.notna(d) else "–")
            dates.append(name)
        elif frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].fillna("–")
    return frame, dates


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def downloads(frame: pd.DataFrame, filename: str, key: str | None = None,
              selection: bool = True) -> None:
    """The CSV and XLSX downloads of a table, side by side: `frame` is the download frame
    (tables.py, « download » side): numbers as numbers, rates as a percentage number with
    their counts and base in their own columns, dates as dates, missing values empty. The
    file's name says the sidebar's selection (`selection`: the table follows it): a file
    forwarded by email says what it covers (`entonnoir_par_canal_2023_tourisme.csv`)."""
    slug = st.session_state.get("selection_slug") if selection else ""
    name = safe_filename(filename if not slug else
                         f"{filename.removesuffix('.csv')}_{slug}.csv")
    stem = name.removesuffix(".csv")
    key = key or f"download-{filename}"
    with st.container(horizontal=True, gap="small"):
        # the files are written when clicked, not at each run of the page: writing every
        # table's CSV and workbook took up to half of a page's time (deferred download)
        # (no rerun on a click, as the bilans' buttons: each click ran the page again, which
        # dropped the files the previous run had offered; a second button clicked meanwhile
        # spun without a file, « Deferred file … not found », 4 clicks in 40)
        st.download_button("Télécharger (CSV)", lambda: csv_bytes(frame), file_name=name,
                           mime="text/csv", key=key, icon=":material/download:",
                           on_click="ignore")
        st.download_button("Télécharger (Excel)", lambda: xlsx_bytes(frame),
                           file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}-xlsx",
                           icon=":material/table_view:", on_click="ignore")


# Rows of a table on screen: the French number formats (a pandas Styler) cost about 0.1 s per
# thousand rows at each run of a page, and pandas refuses beyond 262 144 cells; nobody reads
# further on a screen (the tables come sorted by what matters), the downloads keep every row.
MAX_ROWS_SHOWN = 1_000


def _french_numbers(shown: pd.DataFrame, config: dict):
    """The numbers of a table shown the French way whatever the browser's language (`1 234,5`,
    `9 500 €`, `12,5 %`): a Styler's display text over the numbers, which still sort as
    numbers; a number column's own `format` (the browser's locale) is dropped."""
    formats = {}
    for name in shown.columns:
        column = shown[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        settings = dict(config.get(name) or {})
        kind = (settings.get("type_config") or {}).get("format")
        if settings.get("type_config"):
            settings["type_config"] = {**settings["type_config"], "format": None}
            config[name] = settings
        fixed = re.fullmatch(r"%\.(\d)f", kind or "")
        if kind == "percent":
            formats[name] = fmt.percent
        elif kind == "euro":
            formats[name] = fmt.euros
        else:
            # decimals as the page asks (« %.1f »: credits), else as the values need
            decimals = (int(fixed[1]) if fixed
                        else 1 if (column.dropna() % 1 != 0).any() else 0)
            formats[name] = lambda value, decimals=decimals: fmt.number(value, decimals)
    return shown.style.format(formats, na_rep="–") if formats else shown


# Streamlit's grid: its header's and a row's height (px) when not set
HEADER_HEIGHT, ROW_HEIGHT = 38, 35
# the rows a table of automatic height shows before it scrolls
AUTO_ROWS = 10
# From this many columns a table may be wider than a phone (390 px): it says it scrolls
# sideways there (app.STYLE shows that line on narrow screens only) when its columns' widths,
# as set or as estimated from their text, pass the phone's grid (390 px less the page's
# padding).
PHONE_COLUMNS = 3
PHONE_GRID_PX = 358
NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}
# (calibrated in Chromium at 390 px: 103 characters of six columns drew 721 px)
CHAR_PX, CELL_PADDING_PX, AUTO_MAX_PX = 6.1, 16, 500


def _estimated_width(shown: pd.DataFrame, config: dict, order: list[str] | None) -> float:
    """The grid's width on a phone: each column's set width, else its longest text (header or
    value) as Streamlit's grid sizes it, within its automatic maximum."""
    total = 0.0
    for name in order or list(shown.columns):
        width = (config.get(name) or {}).get("width")
        if isinstance(width, int):
            total += width
        elif width in NAMED_WIDTHS:
            total += NAMED_WIDTHS[width]
        else:
            lengths = (shown[name].head(200).astype(str).str.len() if name in shown
                       else pd.Series([], dtype="float64"))
            # (a column of missing values has no length: NaN, not 0)
            longest = lengths.max() if len(lengths) else 0
            chars = max(len(name), 0 if pd.isna(longest) else int(longest))
            total += min(chars * CHAR_PX + CELL_PADDING_PX, AUTO_MAX_PX)
    return total


def on_phone() -> bool:
    """Whether the viewer's browser says it is a phone (« Mobi » in its User-Agent, as every
    phone browser writes it and no desktop or tablet one does): the server has no screen
    width, and a narrow desktop window still has room to scroll a table with a mouse."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # (no browser: a test, a bare script run)
        return False


# Streamlit's grid lets pinned columns stay only while they take at most 60 % of its width
# (215 px of a phone's 358): wider, it silently slides them away with the others.
PINNED_MAX_PX = 200
# The smallest row height at which Streamlit wraps a cell's text (two lines).
WRAPPING_ROW_HEIGHT = 66


def _pinned(config: dict, column: str, shown: pd.DataFrame) -> dict:
    """`config` with `column` pinned to the table's left edge (its own settings kept), no
    wider than a phone lets a pinned column be (its text wraps where rows are tall)."""
    own = config.get(column)
    own = dict(st.column_config.Column(own) if isinstance(own, str) or own is None else own)
    own["pinned"] = True
    if _estimated_width(shown, {column: own}, [column]) > PINNED_MAX_PX:
        own["width"] = PINNED_MAX_PX
    return config | {column: own}


def _holds_pseudonym(frame: pd.DataFrame) -> bool:
    """Whether a text shown in the table is a pseudonym (« masqué-… »)."""
    return any(frame[column].map(pii.holds_pseudonym).any() for column in frame.columns
               if not pd.api.types.is_numeric_dtype(frame[column]))


def table(frame: pd.DataFrame, filename: str, *, height: int | None = None,
          column_config: dict | None = None, key: str | None = None,
          download: pd.DataFrame | None = None,
          column_order: list[str] | None = None, row_height: int | None = None,
          selection: bool = True) -> None:
    """A sortable table and, under it, its CSV and XLSX downloads: `download` (the download
    frame of tables.py, built from the metrics layer's answer, not from the display frame),
    else `frame` itself when it already holds plain numbers and dates. `row_height` above
    64 px lets long text wrap in its cell (Streamlit wraps only then). No personal data."""
    if frame.empty:
        # (Streamlit draws an empty table with its own English « empty »)
        st.caption("Aucune ligne pour cette sélection.")
        return
    # a screen shows the first rows of a very large table (hundreds of thousands of households
    # at a regional scale), the download holds them all
    shown, dates = _display(frame.head(MAX_ROWS_SHOWN))
    columns = len(column_order) if column_order else len(shown.columns)
    # (four short columns fit a phone: the line told to swipe a table shown whole)
    wide = columns >= PHONE_COLUMNS and _estimated_width(
        shown, column_config or {}, column_order) > PHONE_GRID_PX
    if wide:
        # (on a phone the grid showed two of five columns and scrolled sideways without a
        # sign of it: « Coût par installation » looked absent; shown on narrow screens only)
        with st.container(key=f"omlot-swipe-{key or filename}"):
            st.caption(f"↔ {fmt.number(columns)} colonnes : faites glisser le tableau vers "
                       "la gauche pour voir les suivantes.")
    # a date column is text now: a date column config would not apply
    config = {k: v for k, v in (column_config or {}).items() if k not in dates}
    if wide and on_phone():
        # the row's name stays in view while the other columns slide under it: on a phone,
        # « Coût par installation » was read without the campaign it was of. Phones only:
        # Streamlit draws a pinned column's text faded (3.9:1 on white), too pale for a
        # projector
        first = column_order[0] if column_order else shown.columns[0]
        config = _pinned(config, first, shown)
        if (config[first].get("width") == PINNED_MAX_PX
                and (row_height or ROW_HEIGHT) < WRAPPING_ROW_HEIGHT):
            # a name wider than the pinned column wraps on two lines instead of being cut
            # (« contacts_campagnes_salons.xlsx » lost its end on a phone): Streamlit wraps
            # only in rows this tall
            row_height = WRAPPING_ROW_HEIGHT
    # `column_order`: the columns on screen, key first (the download keeps them all)
    if isinstance(height, int):
        # no taller than its rows: three origins in a frame of 380 px showed empty grid rows
        # under them, which read as missing data
        height = min(height, HEADER_HEIGHT + len(shown) * (row_height or ROW_HEIGHT) + 3)
    st.dataframe(_french_numbers(shown, config), hide_index=True, width="stretch",
                 height=height or "auto", placeholder="–", column_config=config,
                 column_order=column_order, row_height=row_height)
    if _holds_pseudonym(shown):
        st.caption(pii.PSEUDONYM_NOTE)
    if len(frame) > MAX_ROWS_SHOWN:
        st.caption(f"{fmt.number(MAX_ROWS_SHOWN)} premières lignes sur "
                   f"{fmt.number(len(frame))} : le téléchargement les contient toutes.")
    elif len(frame) > ((height - HEADER_HEIGHT) // (row_height or ROW_HEIGHT)
                       if isinstance(height, int) else AUTO_ROWS):
        # (the grid scrolls inside itself without a sign of it: 7 of 17 campaigns looked like
        # all of them on a projector)
        st.caption(f"{fmt.number(len(frame))} lignes : faites défiler le tableau pour les voir "
                   "toutes.")
    downloads(frame if download is None else download, filename, key, selection)


# --- A page's view in its link -----------------------------------------------------------------

# « no campaign » in the URL (a campaign code is never empty, so the token is unambiguous as
# long as no code is literally this).
NO_CAMPAIGN_PARAM = "(sans)"
# The sidebar's filters are in the URL (app.py); so is each page's own state (model, threshold,
# drill-down, campaign): the widget's first value comes from the URL, its value goes back to it,
# so that « Le lien de la page reproduit exactement cette vue » holds.

def from_url(param: str, key: str, options: Iterable, default: object,
             to_text: Callable[[object], str] = str) -> None:
    """Before a widget `key` is drawn for the first time: its value is the option named by the
    URL parameter `param` (compared as text), else `default`. When its value is no longer
    among its `options` (the sidebar's filters left it out): `default` (Streamlit fell back on
    the first option: « Salons — 0 foyer », a campaign outside the filter). Draw the widget
    without a default of its own (Streamlit would warn)."""
    options = list(options)
    if key in st.session_state and st.session_state[key] not in options:
        # (the link holds the same stale value, written from the widget: not a link's typo)
        st.session_state[key] = default
        return
    if key not in st.session_state:
        by_text = {to_text(option): option for option in options}
        text = st.query_params.get(param)
        st.session_state[key] = by_text.get(text, default)
        _remember_dropped(key, [] if text is None or text in by_text else [text])


def number_from_url(param: str, key: str, default: int, low: int, high: int) -> None:
    """As from_url, for a whole number between `low` and `high`."""
    if key not in st.session_state:
        text = st.query_params.get(param, "")
        st.session_state[key] = (int(text) if text.isdigit() and low <= int(text) <= high
                                 else default)


def to_url(param: str, value: object, to_text: Callable[[object], str] = str) -> None:
    """The widget's value written in the URL parameter `param` (removed when there is none)."""
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != to_text(value):
        st.query_params[param] = to_text(value)


def choices_from_url(param: str, key: str, options: Iterable, default: list,
                     to_text: Callable[[object], str] = str) -> None:
    """As from_url, for a multiselect: the URL parameter `param` lists the chosen options'
    texts separated by commas (unknown ones dropped); `default` when the URL has none."""
    if key not in st.session_state:
        by_text = {to_text(option): option for option in options}
        text = st.query_params.get(param)
        texts = [] if text is None else text.split(",")
        st.session_state[key] = (list(default) if text is None else
                                 [by_text[t] for t in texts if t in by_text])
        _remember_dropped(key, [t for t in texts if t not in by_text])


def _remember_dropped(key: str, dropped: list[str]) -> None:
    """What the link named for widget `key` that these data do not have, beside the value the
    widget was given instead (dropped_from_url)."""
    value = st.session_state[key]
    st.session_state[f"_{key}_from_url"] = (dropped, list(value) if isinstance(value, list)
                                            else value)


def dropped_from_url(key: str) -> list[str]:
    """The texts of the link's parameter for widget `key` (from_url, choices_from_url) that
    matched no option, while the widget still holds the value it was given instead: a link
    with a typo is said, until the viewer makes a choice."""
    dropped, given = st.session_state.get(f"_{key}_from_url", ([], None))
    return dropped if dropped and st.session_state.get(key) == given else []


def choices_url_text(values: Iterable, to_text: Callable[[object], str] = str) -> str | None:
    """A multiselect's choices as one URL parameter's text (None when nothing is chosen)."""
    return ",".join(to_text(value) for value in values) or None


def page_title(title: str) -> None:
    """A page's title and, under it, the sidebar's selection in words when there is one
    (app.sidebar_filters): the figures say what they cover without the sidebar."""
    st.title(title)
    words = st.session_state.get("selection_words")
    if words:
        st.caption(f"Sélection : {fmt.plain(words)}")
