"""Small page building blocks shared by every page (tables with their CSV download)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

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


def safe_filename(name: str) -> str:
    """A download's file name (it may hold a campaign code from the exports): letters, digits,
    `.`, `_` and `-` only."""
    return re.sub(r"[^\w.-]+", "_", name).lstrip(".") or "export.csv"


def _display(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Missing values shown as « – » (Streamlit would show « None »), dates as 31/03/2022
    (sort on a duration or number column rather than on these)."""
    frame = frame.copy()
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


def table(frame: pd.DataFrame, filename: str, *, height: int | None = None,
          column_config: dict | None = None, key: str | None = None) -> None:
    """A sortable table and, under it, its CSV download (same columns, no personal data)."""
    shown, dates = _display(frame)
    # a date column is text now: a date column config would not apply
    config = {k: v for k, v in (column_config or {}).items() if k not in dates}
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto", placeholder="–",
                 column_config=config)
    st.download_button("Télécharger (CSV)", csv_bytes(frame), file_name=safe_filename(filename),
                       mime="text/csv", key=key or f"download-{filename}",
                       icon=":material/download:")
