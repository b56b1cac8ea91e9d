"""How a page asks the metrics layer (pipelines/metrics.py): `ask(version, name, filters)` runs
the metric pipelines/sql/metrics/<name>.sql on the published database, cached. No figure is
defined here: a page shapes the answer for display (dashboard/tables.py, charts.py, fmt.py).

The connection is read-only and cached; it is reopened when a rebuild publishes a new file
(the file's identity is part of every cache key), so the app never needs a restart."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import config, metrics
from pipelines import status as build_status
from pipelines.metrics import NO_CAMPAIGN, Filters  # noqa: F401  (what pages select)

# How the sidebar and tables name the households whose file names no campaign.
NO_CAMPAIGN_LABEL = "(sans campagne)"


def curated_dir() -> Path:
    return Path(os.environ.get("OMLOT_CURATED_DIR", config.CURATED_DIR))


def database_version() -> tuple[str, int, int] | None:
    """The published file's identity (path, inode, mtime): None before the first build."""
    path = config.database_path(curated_dir())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    # ATTACH (not connect(path)) so a newly published file is seen in this process.
    con.execute("attach ? as cur (read_only)", [version[0]])
    return con


# Each thread's cursor: a connection is not shared between threads, and Streamlit runs each
# run of a page in a thread of its own. One cursor per query cost each of a page's twenty
# queries 4 ms more (the metrics' macros are made once per cursor): a third of its queries'
# time at N = 1.
_THREAD = threading.local()


def _cursor(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    connection = _connection(version)
    held = getattr(_THREAD, "held", None)
    if held is None or held[0] is not connection:  # (a new file published: a new connection)
        cursor = connection.cursor()
        cursor.execute("use cur")
        _THREAD.held = held = (connection, cursor)
    return held[1]


@st.cache_data(show_spinner=False)
def ask(version: tuple[str, int, int], name: str, filters: Filters | None = None,
        **params) -> pd.DataFrame:
    """The metrics layer's answer to `name` for the selection (a rate is a dict {value, part,
    whole, base})."""
    return metrics.ask(_cursor(version), name, filters, **params)


@st.cache_data(show_spinner=False)
def ask_one(version: tuple[str, int, int], name: str, filters: Filters | None = None,
            **params) -> dict:
    """The one row of a metric whose grain is one row."""
    return metrics.ask_one(_cursor(version), name, filters, **params)


@st.cache_data(show_spinner=False)
def target_progress(version: tuple[str, int, int], as_of: dt.date) -> list[dict]:
    """The year's objectives against what was done (metrics.target_progress)."""
    return metrics.target_progress(_cursor(version), as_of)


def last_build_status(version: tuple[str, int, int] | None = None) -> dict | None:
    """The last build as the dashboard tells it: « failed » (with when and why) only when an
    attempt failed after the published database was built; the status file is read against
    the build identity stored in the database, so the two never contradict each other."""
    attempt = build_status.read_file(curated_dir())
    published = build_status.published_build(_cursor(version)) if version else None
    view = build_status.reconcile(attempt, published)
    failure = view["failed_attempt"]
    if failure:
        return {"status": "failed", "built_at": failure["started_at"],
                "message": failure["message"], "kind": failure["kind"]}
    return {"status": "ok"} if attempt or published else None


def built_by_this_code(version: tuple[str, int, int]) -> bool:
    """Whether the published database was built by this code's models (status.models_
    fingerprint): after an update whose build failed, the previous version's database stays
    published, and a page may ask it for what it lacks."""
    return build_status.built_by_this_code(build_status.published_build(_cursor(version)))


def data_date(version: tuple[str, int, int]) -> dt.date:
    """The data date: « today » for time in a stage and cohorts' age."""
    return ask_one(version, "data_date")["data_date"]


def campaign_options(version: tuple[str, int, int]) -> dict[str, str]:
    """Campaign code -> label of every campaign a household names, in order of first use;
    NO_CAMPAIGN for the households that name none; then the export's other campaigns."""
    options = ask(version, "campaign_options")
    return dict(zip(options["campaign_code"],
                    options["campaign_label"].fillna(NO_CAMPAIGN_LABEL), strict=True))


# --- Reference lists (ref.* tables): labels, colours and order ----------------------------

# The colour of a code missing from a reference list (a value no list knows).
OTHER_COLOUR = "#999999"


@dataclass(frozen=True)
class Reference:
    """Channels, stages, attribution models and ambassador types as the database lists them,
    with their French labels and colours, in order."""

    channel_labels: dict[str, str]
    channel_colours: dict[str, str]
    stage_labels: dict[str, str]
    current_stage_labels: dict[str, str]
    stage_colours: dict[str, str]
    models: dict[str, str]
    model_colours: dict[str, str]
    type_colours: dict[str, str]
    # the attribution settings the build credited with (ref.attribution_settings)
    lookback_days: int
    half_life_days: float

    def channel(self, code: str) -> str:
        return self.channel_labels.get(code, code)

    def channel_colour(self, code: str) -> str:
        return self.channel_colours.get(code, OTHER_COLOUR)


def reference(version: tuple[str, int, int]) -> Reference:
    channels = ask(version, "channels")
    stages = ask(version, "funnel_stages")
    models = ask(version, "attribution_models")
    types = ask(version, "ambassador_types")
    try:
        settings = ask(version, "attribution_settings").iloc[0]
    except duckdb.CatalogException:
        # (a database built before the build stored them: every page failed in the sidebar;
        # this process's settings until the rebuild the banner asks for)
        settings = {"lookback_days": config.LOOKBACK_DAYS,
                    "half_life_days": config.HALF_LIFE_DAYS}

    def pairs(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
        return dict(zip(frame[key], frame[value], strict=True))

    return Reference(
        channel_labels=pairs(channels, "channel", "label"),
        channel_colours=pairs(channels, "channel", "colour"),
        stage_labels=pairs(stages, "stage", "label"),
        current_stage_labels=pairs(stages, "stage", "current_label"),
        stage_colours=pairs(stages, "stage", "colour"),
        models=pairs(models, "model", "label"),
        model_colours=pairs(models, "model", "colour"),
        type_colours=pairs(types, "ambassador_type", "colour"),
        lookback_days=int(settings["lookback_days"]),
        half_life_days=float(settings["half_life_days"]),
    )
