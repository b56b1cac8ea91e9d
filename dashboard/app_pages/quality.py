"""Qualité des données (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Qualité des données")
st.info("Page en construction.")
