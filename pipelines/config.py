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

# Settings in days that are not a positive number of days (« abc », « -5 », « 0 »): the default
# is used and the message kept here; the build refuses to run with them (it would credit with
# them: a half-life of 0 failed a check, a window of -5 days was published), the readers say
# so. (Read at import: `kpis` stopped on a traceback for OMLOT_LOOKBACK_DAYS=abc.)
SETTING_ERRORS: dict[str, str] = {}  # the setting's name → what is wrong with it


def _positive(name: str, default: int, kind: type, unit: str = "de jours") -> float:
    """A positive setting (days, megabytes) from the environment, else its default and
    SETTING_ERRORS says why."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw.replace(",", ".") if kind is float else raw)
    except ValueError:
        value = None
    if value is None or not 0 < value < 100_000:
        SETTING_ERRORS[name] = (
            f"{name}={raw[:20]!r} n'est pas un nombre {unit}"
            + (" entier" if kind is int else "") + " supérieur à 0 et inférieur à 100 000 "
            f"(défaut : {default}) ; corrigez-le ou retirez ce réglage.")
        return default
    return value


# A CSV's size, or an XLSX's size once decompressed (checked before it is read), in MB
# (« abc » stopped `build` and `kpis` on a Python traceback).
MAX_FILE_BYTES = _positive("OMLOT_MAX_FILE_MB", 2048, int, "de mégaoctets") * 2**20

# Attribution (shared/spec/exports.md, « Attribution »).
LOOKBACK_DAYS = _positive("OMLOT_LOOKBACK_DAYS", 365, int)
HALF_LIFE_DAYS = _positive("OMLOT_HALF_LIFE_DAYS", 30, float)

# Welcome network: a household accompanied this long without installation or update is stalled.
STALLED_AFTER_DAYS = _positive("OMLOT_STALLED_AFTER_DAYS", 90, int)


def database_path(curated_dir: Path) -> Path:
    return curated_dir / DATABASE_NAME
