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


def table(frame: pd.DataFrame, filename: str, *, height: int | None = None,
          column_config: dict | None = None, key: str | None = None) -> None:
    """A sortable table and, under it, its CSV download (same columns, no personal data)."""
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto",
                 column_config=column_config)
    st.download_button("Télécharger (CSV)", csv_bytes(frame), file_name=filename,
                       mime="text/csv", key=key or f"download-{filename}", icon="⬇️")
