"""Paths and settings, each overridable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent

RAW_DIR = Path(os.environ.get("OMLOT_RAW_DIR", ROOT / "data" / "raw"))
CURATED_DIR = Path(os.environ.get("OMLOT_CURATED_DIR", ROOT / "data" / "curated"))
# The key of the email/phone hashes: generated on first build, owner-only, never in git.
HASH_KEY_FILE = Path(os.environ.get("OMLOT_HASH_KEY_FILE", ROOT / "data" / ".hash_key"))

# A CSV's size, or an XLSX's size once decompressed (checked before it is read).
MAX_FILE_BYTES = int(os.environ.get("OMLOT_MAX_FILE_MB", "2048")) * 2**20

# The work database's memory before it spills to disk (DuckDB syntax: "2GB", "500MB"). At ten
# million touches the build's whole process peaks about 0.3 GB above it; 1.25 GB instead of
# 1.5 GB cost ~3 % of the time there once exports stopped being copied into tables (issue 12).
# (set but empty: the default)
MEMORY_LIMIT = os.environ.get("OMLOT_MEMORY_LIMIT", "").strip() or "1.25GB"
# The most characters a value may hold: a spreadsheet cell's (a longer one rejects its row).
MAX_VALUE_CHARS = 32_767

# What the dashboard's server serves as static files (Streamlit's static serving), among them
# the map geometry, also drawn by the PDF bilan (geo/SOURCES.md: sources and licence).
STATIC_DIR = ROOT / "dashboard" / "static"
GEO_DIR = STATIC_DIR / "geo"
# The credit line of every map drawn from it (the dashboard's and the bilan's): one text.
GEO_CREDIT = ("Contours : IGN – ADMIN EXPRESS COG 2018 (via gregoiredavid/france-geojson), "
              "simplifiés ; codes communes et EPCI : INSEE COG 2026 et DGCL 2026 (via "
              "etalab/decoupage-administratif) – Licence Ouverte Etalab.")

DATABASE_NAME = "lot.duckdb"
STATUS_NAME = "last_build.json"

SQL_DIR = PACKAGE / "sql"
CHECKS_DIR = PACKAGE / "checks"
REFERENCE_DIR = PACKAGE / "reference"
CHANNELS_FILE = Path(os.environ.get("OMLOT_CHANNELS_FILE", PACKAGE / "channels.toml"))

# Attribution (shared/spec/exports.md, « Attribution »).
LOOKBACK_DAYS = int(os.environ.get("OMLOT_LOOKBACK_DAYS", "365"))
HALF_LIFE_DAYS = float(os.environ.get("OMLOT_HALF_LIFE_DAYS", "30"))

# Welcome network: a household accompanied this long without installation or update is stalled.
STALLED_AFTER_DAYS = int(os.environ.get("OMLOT_STALLED_AFTER_DAYS", "90"))


def database_path(curated_dir: Path) -> Path:
    return curated_dir / DATABASE_NAME
