"""The headline figures of the contract (`kpis --json`), for the whole programme or a period:
the metrics layer's answers (pipelines/metrics.py) in the contract's shape."""

from __future__ import annotations

import datetime as dt

import duckdb

from . import metrics


def headline(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
             date_to: dt.date | None = None, channels: list[str] | None = None,
             campaigns: list[str] | None = None) -> dict:
    """The contract's `kpis --json` object for the period [date_from, date_to]; a reader may
    narrow households and touches to channels and campaigns (the CLI never does)."""
    filters = metrics.Filters(date_from, date_to, tuple(channels or ()), tuple(campaigns or ()))
    households = metrics.ask_one(con, "headline", filters)
    result = {key: int(households[key])
              for key in ("followed", "accompanied", "installed", "people_installed")}
    by_channel = metrics.ask_rows(con, "by_channel", filters)
    result["followed_by_channel"] = {row["channel"]: int(row["followed"]) for row in by_channel}
    result["installed_by_channel"] = {row["channel"]: int(row["installed"])
                                      for row in by_channel}
    network = metrics.ask_one(con, "ambassadors", filters)
    result["ambassadors"] = int(network["ambassadors"])
    result["ambassadors_active"] = int(network["ambassadors_active"])
    reach = metrics.ask_one(con, "reach", filters)
    result["contacts"] = int(reach["contacts"])
    result["interactions"] = int(reach["interactions"])
    rows = {}
    for source in metrics.ask_rows(con, "source_rows"):
        rows[source["source"]] = {key: source[key]
                                  for key in ("read", "accepted", "rejected", "duplicates")}
        if source["source"] == "prospects":
            rows["prospects"]["merged"] = source["merged"]
    result["rows"] = rows
    attribution: dict[str, dict[str, dict[str, float]]] = {}
    for row in metrics.ask_rows(con, "attribution", filters):
        credits = attribution.setdefault(row["model"], {})
        # a campaign only where it has credit (after rounding to the sixth decimal)
        if row["campaign_code"] is not None and (row["followed"] or row["installed"]):
            credits[row["campaign_code"]] = {"followed": row["followed"],
                                             "installed": row["installed"]}
    result["attribution"] = attribution
    return result
