"""The headline figures of the contract (`kpis --json`), for the whole programme or a period:
the one definition the command line and the dashboard both use."""

from __future__ import annotations

import datetime as dt

import duckdb

# Households whose first contact falls in the period (a cohort, as a funnel does); their
# installations count whenever they happened.
_HOUSEHOLDS = """
    select
        count(*) as followed,
        count(*) filter (where is_accompanied) as accompanied,
        count(*) filter (where is_installed) as installed,
        coalesce(sum(people_installed), 0) as people_installed,
    from core.households
    where ($date_from is null or first_contact_date >= $date_from)
      and ($date_to is null or first_contact_date <= $date_to)
      and ($channels is null or list_contains($channels, channel))
      and ($campaigns is null or list_contains($campaigns, campaign_code))
"""

_BY_CHANNEL = """
    select
        channels.channel,
        count(households.household_id) as followed,
        count(households.household_id) filter (where households.is_installed) as installed,
    from ref.channels as channels
    left join core.households as households
        on households.channel = channels.channel
        and ($date_from is null or households.first_contact_date >= $date_from)
        and ($date_to is null or households.first_contact_date <= $date_to)
        and ($campaigns is null or list_contains($campaigns, households.campaign_code))
    where $channels is null or list_contains($channels, channels.channel)
    group by channels.channel, channels.channel_order
    order by channels.channel_order
"""

# Ambassadors who joined on or before the end of the period.
_AMBASSADORS = """
    select count(*) as ambassadors, count(*) filter (where is_active) as ambassadors_active
    from core.ambassadors
    where $date_to is null or joined_date <= $date_to
"""

# Touches dated in the period; a person is a household or an email, never an anonymous touch.
_TOUCHES = """
    select count(distinct person_key) as contacts, count(*) as interactions
    from core.touches
    where ($date_from is null or touch_date >= $date_from)
      and ($date_to is null or touch_date <= $date_to)
      and ($channels is null or list_contains($channels, channel))
      and ($campaigns is null or list_contains($campaigns, campaign_code))
"""

# Credits of the households of the period (both conversions), per model and campaign.
_ATTRIBUTION = """
    select
        models.model,
        credits.campaign_code,
        round(coalesce(sum(credits.credit) filter (where credits.conversion = 'followed'), 0), 6)
            as followed,
        round(coalesce(sum(credits.credit) filter (where credits.conversion = 'installed'), 0),
              6) as installed,
    from (values (1, 'first_touch'), (2, 'last_touch'), (3, 'linear'), (4, 'time_decay'),
                 (5, 'position_based')) as models(model_order, model)
    left join marts.attribution_credits as credits
        on credits.model = models.model
        and ($date_from is null or credits.first_contact_date >= $date_from)
        and ($date_to is null or credits.first_contact_date <= $date_to)
        and ($channels is null or list_contains($channels, credits.channel))
    group by models.model_order, models.model, credits.campaign_code
    order by models.model_order, credits.campaign_code
"""

_ROWS = """
    select source, "read", accepted, rejected, duplicates, merged
    from quality.sources
    order by source_order
"""


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> dict:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def headline(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
             date_to: dt.date | None = None, channels: list[str] | None = None,
             campaigns: list[str] | None = None) -> dict:
    """The contract's `kpis --json` object for the period [date_from, date_to]; the dashboard
    may narrow households and touches to channels and campaigns (the CLI never does)."""
    params = {"date_from": date_from, "date_to": date_to, "channels": channels or None,
              "campaigns": campaigns or None}
    result = {key: int(value) for key, value in _one(con, _HOUSEHOLDS, params).items()}
    by_channel = con.execute(_BY_CHANNEL, params).fetchall()
    result["followed_by_channel"] = {channel: int(f) for channel, f, _ in by_channel}
    result["installed_by_channel"] = {channel: int(i) for channel, _, i in by_channel}
    result.update({k: int(v) for k, v in _one(con, _AMBASSADORS, {"date_to": date_to}).items()})
    result.update({k: int(v) for k, v in _one(con, _TOUCHES, params).items()})
    rows = {}
    for source, read, accepted, rejected, duplicates, merged in con.execute(_ROWS).fetchall():
        rows[source] = {"read": read, "accepted": accepted, "rejected": rejected,
                        "duplicates": duplicates}
        if source == "prospects":
            rows[source]["merged"] = merged
    result["rows"] = rows
    attribution: dict[str, dict[str, dict[str, float]]] = {}
    params.pop("campaigns")
    for model, campaign, followed, installed in con.execute(_ATTRIBUTION, params).fetchall():
        credits = attribution.setdefault(model, {})
        # a campaign only where it has credit (after rounding to the sixth decimal)
        if campaign is not None and (followed or installed):
            credits[campaign] = {"followed": followed, "installed": installed}
    result["attribution"] = attribution
    return result
