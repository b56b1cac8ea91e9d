"""Campagnes (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Campagnes")
st.info("Page en construction.")
