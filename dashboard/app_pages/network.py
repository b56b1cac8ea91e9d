"""Suivi du réseau accueil (page en construction)."""

from __future__ import annotations

import streamlit as st

st.title("Suivi du réseau accueil")
st.info("Page en construction.")
