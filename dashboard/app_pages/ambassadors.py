"""Ambassadeurs (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Ambassadeurs")
st.info("Page en construction.")
