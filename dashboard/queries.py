"""One function per question a page asks, on the published curated database.

The connection is read-only and cached; it is reopened when a rebuild publishes a new file
(the file's identity is part of every cache key), so the app never needs a restart."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import config, kpis


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects: a period of first contact (cohorts), channels, campaigns."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channels: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()

    def previous(self) -> Filters | None:
        """The period of the same length just before, to compare with (None if unbounded)."""
        if self.date_from is None or self.date_to is None:
            return None
        length = self.date_to - self.date_from
        to = self.date_from - dt.timedelta(days=1)
        return Filters(to - length, to, self.channels, self.campaigns)

    def params(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "channels": list(self.channels) or None,
            "campaigns": list(self.campaigns) or None,
        }


# Households of the selection: cohorts by first contact, then channels and campaigns.
_SELECTED = """
    select * from marts.households
    where ($date_from is null or first_contact_date >= $date_from)
      and ($date_to is null or first_contact_date <= $date_to)
      and ($channels is null or list_contains($channels, channel))
      and ($campaigns is null or list_contains($campaigns, campaign_code))
"""


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
    con.execute(f"attach '{version[0].replace(chr(39), chr(39) * 2)}' as cur (read_only)")
    return con


def _cursor(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    cursor = _connection(version).cursor()  # one cursor per query: connections aren't shared
    cursor.execute("use cur")
    return cursor


def _df(version: tuple[str, int, int], sql: str, params: dict | None = None) -> pd.DataFrame:
    return _cursor(version).execute(sql, params or {}).df()


def last_build_status() -> dict | None:
    """The last build's outcome (ok or failed, with its message), if any build ran."""
    path = curated_dir() / config.STATUS_NAME
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@st.cache_data(show_spinner=False)
def build_info(version: tuple[str, int, int]) -> dict:
    """When the published data was built and how many rows were refused."""
    row = _cursor(version).execute(
        "select built_at, duration_s from quality.build").fetchone()
    rejected, warnings = _cursor(version).execute(
        "select (select count(*) from quality.rejects), (select count(*) from quality.warnings)"
    ).fetchone()
    return {"built_at": row[0], "duration_s": row[1], "rejected": rejected,
            "warnings": warnings}


@st.cache_data(show_spinner=False)
def period_bounds(version: tuple[str, int, int]) -> tuple[dt.date, dt.date]:
    """First and last first-contact dates of the programme."""
    return tuple(_cursor(version).execute(
        "select min(first_contact_date), max(first_contact_date) from marts.households"
    ).fetchone())


@st.cache_data(show_spinner=False)
def headline(version: tuple[str, int, int], filters: Filters) -> dict:
    """The contract's headline figures for the selection (those of `kpis --json` for a
    period), plus the follow -> install rate."""
    figures = kpis.headline(_cursor(version), filters.date_from, filters.date_to,
                            list(filters.channels), list(filters.campaigns))
    followed = figures["followed"]
    figures["install_rate"] = figures["installed"] / followed if followed else None
    return figures


@st.cache_data(show_spinner=False)
def funnel(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Suivis -> accompagnés -> installés for the selection: count and rate of each step."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        counts as (
            select
                count(*) as followed,
                count(*) filter (where is_accompanied) as accompanied,
                count(*) filter (where is_installed) as installed,
            from selected
        )
        select * from (
            select 'suivi' as stage, 1 as step, followed as households, followed as previous,
                followed as first from counts
            union all
            select 'accompagné', 2, accompanied, followed, followed from counts
            union all
            select 'installé', 3, installed, accompanied, followed from counts
        ) order by step
    """, filters.params())


@st.cache_data(show_spinner=False)
def monthly_trend(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """New households followed by month of first contact, and installations by month."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        followed as (
            select first_contact_month as month, count(*) as households
            from selected group by all
        ),
        installed as (
            select installation_month as month, count(*) as households
            from selected where is_installed group by all
        )
        select 'Nouveaux foyers suivis' as series, * from followed
        union all
        select 'Installations', * from installed
        order by month
    """, filters.params())
