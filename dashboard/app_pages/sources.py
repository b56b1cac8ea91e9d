"""Entonnoir par source (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Entonnoir par source")
st.info("Page en construction.")
