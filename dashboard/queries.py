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

from dashboard import fmt
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


# --- Campagnes -------------------------------------------------------------------------------

MODELS = {
    "first_touch": "Premier contact",
    "last_touch": "Dernier contact",
    "linear": "Linéaire",
    "time_decay": "Dégressif (demi-vie)",
    "position_based": "En U (40/20/40)",
}


@st.cache_data(show_spinner=False)
def campaign_metrics(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Every campaign's reach, credits under each model, spread and costs for the selection:
    the mart's own query (pipelines/sql/marts/campaign_metrics.sql) with the filters bound."""
    sql = (config.SQL_DIR / "marts" / "campaign_metrics.sql").read_text(encoding="utf-8")
    params = filters.params()
    params.pop("campaigns")
    return _df(version, sql, params)


@st.cache_data(show_spinner=False)
def unexplained_conversions(version: tuple[str, int, int], filters: Filters) -> dict:
    """Share of the selection's conversions that no touch explains (credited by fallback)."""
    row = _cursor(version).execute(f"""
        with selected as ({_SELECTED}),
        conversions as (
            select credits.conversion, bool_or(credits.is_from_touch) as explained
            from marts.attribution_credits as credits
            inner join selected using (household_id)
            where credits.model = 'linear'
            group by credits.household_id, credits.conversion
        )
        select
            count(*) filter (where conversion = 'followed'),
            count(*) filter (where conversion = 'followed' and not explained),
            count(*) filter (where conversion = 'installed'),
            count(*) filter (where conversion = 'installed' and not explained),
        from conversions
    """, filters.params()).fetchone()
    return {"followed": row[0], "followed_unexplained": row[1],
            "installed": row[2], "installed_unexplained": row[3]}


@st.cache_data(show_spinner=False)
def campaign_calendar(version: tuple[str, int, int]) -> pd.DataFrame:
    """Campaigns with their start and end dates, for the timeline."""
    return _df(version, """
        select campaign_code, campaign_label, channel, start_date,
            coalesce(end_date, start_date) as end_date, budget_eur::double as budget_eur
        from core.campaigns
        where start_date is not null
        order by start_date
    """)


@st.cache_data(show_spinner=False)
def campaign_touches(version: tuple[str, int, int], filters: Filters,
                     campaign_code: str) -> pd.DataFrame:
    """One campaign's touches in the period, by week and interaction type."""
    params = {"date_from": filters.date_from, "date_to": filters.date_to,
              "campaign": campaign_code}
    return _df(version, """
        select
            date_trunc('week', touch_date)::date as week,
            coalesce(interaction_type, 'Non précisé') as interaction_type,
            count(*) as touches,
            count(distinct person_key) as persons,
        from core.touches
        where campaign_code = $campaign
          and ($date_from is null or touch_date >= $date_from)
          and ($date_to is null or touch_date <= $date_to)
        group by all
        order by week
    """, params)


@st.cache_data(show_spinner=False)
def campaign_households(version: tuple[str, int, int], filters: Filters, campaign_code: str,
                        model: str, own: bool) -> pd.DataFrame:
    """Households of the selection from one campaign: those whose CRM names it (`own`) or those
    the model credits to it; where they are in the funnel and the share of the campaign's
    budget each one accounts for under the model."""
    params = {**filters.params(), "campaign": campaign_code, "model": model, "own": own}
    return _df(version, f"""
        with selected as ({_SELECTED}),
        credits as (
            select * from marts.attribution_credits
            where campaign_code = $campaign and model = $model
        ),
        per_household as (
            select
                household_id,
                coalesce(sum(credit) filter (where conversion = 'followed'), 0) as followed_credit,
                coalesce(sum(credit) filter (where conversion = 'installed'), 0)
                    as installed_credit,
            from credits
            group by household_id
        ),
        totals as (
            select sum(per_household.followed_credit) as followed_total,
                sum(per_household.installed_credit) as installed_total,
            from per_household inner join selected using (household_id)
        ),
        budget as (
            select budget_eur::double as budget_eur from core.campaigns
            where campaign_code = $campaign
        )
        select
            selected.household_id,
            selected.stage,
            selected.channel,
            selected.first_contact_date,
            selected.installation_date,
            selected.installation_commune_name,
            coalesce(per_household.followed_credit, 0) as followed_credit,
            coalesce(per_household.installed_credit, 0) as installed_credit,
            budget.budget_eur * per_household.followed_credit / nullif(totals.followed_total, 0)
                as cost_share_eur,
        from selected
        left join per_household using (household_id)
        cross join totals
        left join budget on true
        where case when $own then selected.campaign_code = $campaign
            else per_household.household_id is not null end
        order by selected.first_contact_date, selected.household_id
    """, params)


def campaign_table(metrics: pd.DataFrame, model: str) -> pd.DataFrame:
    """The campaign table as shown and downloaded: reach, credits under `model` with the
    spread between models, budget and costs."""
    table = pd.DataFrame({
        "Campagne": metrics["campaign_label"],
        "Canal": metrics["channel"].map(fmt.channel),
        "Budget (€)": metrics["budget_eur"].astype("float64"),
        "Installations attribuées": metrics[f"installed_{model}"].round(1),
        "Installations : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["installed_min"], metrics["installed_max"], strict=True)],
        "Coût par installation (€)": metrics[f"cost_per_installed_{model}"].astype("float64"),
        "Foyers suivis attribués": metrics[f"followed_{model}"].round(1),
        "Suivis : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["followed_min"], metrics["followed_max"], strict=True)],
        "Coût par foyer suivi (€)": metrics[f"cost_per_followed_{model}"].astype("float64"),
        "Contacts": metrics["touches"],
        "Personnes touchées": metrics["persons"],
        "Interactions anonymes": metrics["anonymous_interactions"],
        "Devenues foyers": metrics["persons_became_households"],
        "Part devenue foyer": metrics["became_household_share"],
        "Délai médian contact → suivi (j)": metrics["median_days_to_followed"],
        "Délai médian contact → installation (j)": metrics["median_days_to_installed"],
        "Début": pd.to_datetime(metrics["start_date"]),
        "Fin": pd.to_datetime(metrics["end_date"]),
        "Code": metrics["campaign_code"],
    })
    return table


def campaign_households_table(households: pd.DataFrame) -> pd.DataFrame:
    """A campaign's households as shown: pseudonymous ID, stage, dates, commune, credits."""
    return pd.DataFrame({
        "Foyer": households["household_id"],
        "Étape": households["stage"],
        "Canal du foyer": households["channel"].map(fmt.channel),
        "Premier contact": pd.to_datetime(households["first_contact_date"]),
        "Installation": pd.to_datetime(households["installation_date"]),
        "Commune": households["installation_commune_name"],
        "Crédit (suivi)": households["followed_credit"],
        "Crédit (installation)": households["installed_credit"],
        "Part du budget (€)": households["cost_share_eur"],
    })
