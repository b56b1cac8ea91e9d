"""Small page building blocks shared by every page (tables with their CSV download)."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that French Excel opens as is: `;` separator, decimal comma, UTF-8 with BOM."""
    return frame.to_csv(sep=";", decimal=",", index=False, date_format="%d/%m/%Y").encode(
        "utf-8-sig")


def table(frame: pd.DataFrame, filename: str, *, height: int | None = None,
          column_config: dict | None = None, key: str | None = None) -> None:
    """A sortable table and, under it, its CSV download (same columns, no personal data)."""
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto",
                 column_config=column_config)
    st.download_button("Télécharger (CSV)", csv_bytes(frame), file_name=filename,
                       mime="text/csv", key=key or f"download-{filename}", icon="⬇️")
