"""Territoire (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Territoire")
st.info("Page en construction.")
