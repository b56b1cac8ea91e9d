"""Small page building blocks shared by every page (tables with their CSV download)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that French Excel opens as is: `;` separator, decimal comma, dates as 31/03/2022,
    UTF-8 with BOM."""
    frame = frame.copy()
    for name in frame.columns:
        values = frame[name].dropna()
        if len(values) and isinstance(values.iloc[0], dt.date):
            frame[name] = frame[name].map(lambda d: d.strftime("%d/%m/%Y") if pd.notna(d) else "")
    return frame.to_csv(sep=";", decimal=",", index=False, date_format="%d/%m/%Y").encode(
        "utf-8-sig")


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
    st.download_button("Télécharger (CSV)", csv_bytes(frame), file_name=filename,
                       mime="text/csv", key=key or f"download-{filename}",
                       icon=":material/download:")
