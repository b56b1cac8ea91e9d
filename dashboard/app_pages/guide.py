"""Guide: the programme officer's French guide (docs/guide.md), shown inside the app so that it
works offline and says the same as the file in the repository."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide.md"

st.markdown(GUIDE.read_text(encoding="utf-8"))
