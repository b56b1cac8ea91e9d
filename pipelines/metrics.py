"""The metrics layer: every figure the command line, the dashboard and the report show is
defined once, as one SQL query in pipelines/sql/metrics/<name>.sql (its first lines say its
grain and the filters it accepts), run on the published database for a selection.

    ask(con, "headline", Filters(date_from=dt.date(2024, 1, 1), channels=("salon",)))

The selection (a period of first contact = cohorts, channels, campaigns) is one WHERE clause,
in _shared.sql; so are a rate with its base, the cohort horizon and the « stalled » rule. The
comparison windows a committee expects are defined here (`comparison`)."""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import duckdb

from . import config, french
from .progress import Clock

if TYPE_CHECKING:  # (the build asks no DataFrame: pandas stays out of its memory, ~45 MB)
    import pandas as pd

METRICS_DIR = config.SQL_DIR / "metrics"

# Selects the households whose file names no campaign, in `Filters.campaigns` (never a code:
# an empty value of the export is a missing one).
NO_CAMPAIGN = ""

# A place (commune, EPCI) with fewer installed households than this is never published with
# its exact figure: a household could be recognised in a village.
SMALL_COUNT = 3

# Metrics that are a mart's own query run for a selection (its WHERE clauses take the same
# parameters; NULL in the build): not written twice.
MART_QUERIES = {"campaign_metrics": config.SQL_DIR / "marts" / "campaign_metrics.sql"}

# Metrics whose whole-programme answer (no filter at all) the build computes once and
# publishes in the schema `answers` (build.py): each counts distinct persons over every touch,
# about a second at ten million touches, and « Tout le programme » is the view a reader opens
# first. Their query stays the definition: the build runs it with every filter NULL.
PRECOMPUTED = ("reach", "reach_by_channel")

# What « budget » means once a selection is made (the macro selected_budget), said alike by the
# pages and the bilans.
# (the period's part alone for the bilans, which have no filter: the programme bilan explained
# channel and campaign filters it does not have)
BUDGET_PERIOD_PART = ("sur une période, la part de chaque budget qui revient aux jours de la "
                      "campagne compris dans la période, le budget étant réparti également sur "
                      "sa durée")
BUDGET_PART = (BUDGET_PERIOD_PART + " ; avec un filtre de canal, les seules campagnes de ces "
               "canaux ; avec un filtre de campagne, ces seules campagnes")
ANSWERS_SCHEMA = "answers"

# The periods a reader picks in one click (the sidebar's presets, dashboard/state.py): every
# calendar year of the data, and the summer 2023 tourism campaign (campsite postcards,
# tourist-site portraits).
SUMMER_2023 = (dt.date(2023, 7, 1), dt.date(2023, 10, 31))

# Metrics the build also answers for each preset period (no other filter), published as
# `answers.<name>__<from>_<to>`: the campaigns' table counts distinct persons per campaign
# over the period's touches, 0.7 s for 2023 at ten million touches, and a committee opens a
# year. Any other selection runs the query, which stays the definition.
PERIOD_PRECOMPUTED = ("campaign_metrics",)


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def preset_periods(years: list[int]) -> list[tuple[dt.date, dt.date]]:
    """The preset periods of data whose first contacts fall in these years (period_bounds):
    each year, then summer 2023."""
    return [year_period(year) for year in years] + [SUMMER_2023]


def _answer_table(name: str, arguments: dict) -> str | None:
    """Where the build published its answer for these arguments, when it computed one: the
    whole programme's (every argument NULL) of a mart's query or a PRECOMPUTED metric, a
    preset period's (the period alone) of a PERIOD_PRECOMPUTED one. The table keeps the
    query's order; its name holds the period's dates, as digits."""
    period = (arguments.get("date_from"), arguments.get("date_to"))
    if any(value is not None for key, value in arguments.items()
           if key not in ("date_from", "date_to")):
        return None
    if period == (None, None):
        if name in MART_QUERIES:
            return f"marts.{name}"
        return f"{ANSWERS_SCHEMA}.{name}" if name in PRECOMPUTED else None
    if None in period or name not in PERIOD_PRECOMPUTED:
        return None
    return f"{ANSWERS_SCHEMA}.{name}__{period[0]:%Y%m%d}_{period[1]:%Y%m%d}"

# Parameters a metric may take besides the filters, with their default.
DEFAULTS = {"small_count": SMALL_COUNT, "after_days": config.STALLED_AFTER_DAYS}

class PeriodError(ValueError):
    """A period whose start is after its end: refused, with a message a reader understands."""


@dataclass(frozen=True)
class Filters:
    """A selection: a period of first contact (both ends inclusive, either open), channels
    and campaigns (NO_CAMPAIGN for the households with none); empty means all."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channels: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise PeriodError(
                f"La période commence le {self.date_from:%d/%m/%Y}, après sa fin le "
                f"{self.date_to:%d/%m/%Y} : choisissez une date de début antérieure à la "
                "date de fin.")

    def params(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "channels": list(self.channels) or None,
            "campaigns": list(self.campaigns) or None,
        }

    def with_period(self, date_from: dt.date | None, date_to: dt.date | None) -> Filters:
        return Filters(date_from, date_to, self.channels, self.campaigns)


# --- Comparisons --------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The window a selection is compared with, and which rule chose it."""

    filters: Filters
    rule: str  # previous_year | same_dates_year_before | previous_period

    @property
    def name(self) -> str:
        """The window as pages and bilans name it (« le même jour un an plus tôt »: one day
        was « la même période », « aux mêmes dates » on the page); french.to_the() puts « à »
        before it."""
        one_day = self.filters.date_from == self.filters.date_to
        if self.rule == "previous_year":
            return f"l'année {self.filters.date_from.year}"
        if self.rule == "same_dates_year_before":
            return ("le même jour un an plus tôt" if one_day
                    else "la même période un an plus tôt")
        return "la veille" if one_day else "la période précédente de même durée"


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def is_calendar_year(filters: Filters) -> bool:
    start, end = filters.date_from, filters.date_to
    return bool(start and end and start.year == end.year and (start.month, start.day) == (1, 1)
                and (end.month, end.day) == (12, 31))


def outside_first_contacts(filters: Filters, first_date: dt.date | None,
                           last_date: dt.date | None) -> bool:
    """The period lies wholly before the exports' first first contact or after their last
    (`period_bounds`): its households are not known, not none (a bilan of 2025 on a CRM
    export ending in November 2024 told the press « aucun foyer n'a pris contact »)."""
    return bool(first_date and last_date and (
        (filters.date_to and filters.date_to < first_date)
        or (filters.date_from and filters.date_from > last_date)))


def first_contacts_stop_within(filters: Filters, last_date: dt.date | None) -> bool:
    """The period starts before the exports' last first contact (`period_bounds`) and goes
    on after it: its households stop there, its comparison window does not (July 2024 – June
    2025 on a CRM export ending in November 2024 read « −156 (−85,2 %) » without a word)."""
    return bool(filters.date_from and filters.date_to and last_date
                and filters.date_from <= last_date < filters.date_to)


def after_data(filters: Filters, data_date: dt.date | None) -> bool:
    """The period starts after the data date: nothing of it is known yet, zero included."""
    return bool(filters.date_from and data_date and filters.date_from > data_date)


def comparison(filters: Filters, rule: str | None = None, first_date: dt.date | None = None,
               last_date: dt.date | None = None) -> Comparison | None:
    """What a committee compares a period with: a calendar year with the year before; a
    season or any other period with the same dates one year before; the period of the same
    length just before only when asked (`rule="previous_period"`). None when the period is
    open at either end (nothing comparable), and when the window starts before the month of
    the programme's first contact (`first_date`): a custom period compared with five years
    before the programme showed « +411 (+1 468 %) ». (The month, not the day: a first contact
    on 4 January left 2021 without a comparison with 2020, the programme's first year.) None
    too when the period starts after the exports' last first contact (`last_date`): not yet
    covered, its « -100 % » read as a collapse."""
    start, end = filters.date_from, filters.date_to
    if start is None or end is None or (last_date is not None and start > last_date):
        return None
    if rule == "previous_period":
        to = start - dt.timedelta(days=1)
        found = Comparison(filters.with_period(to - (end - start), to), "previous_period")
    elif rule in (None, "same_dates_year_before", "previous_year"):
        window = filters.with_period(_year_before(start), _year_before(end))
        found = Comparison(window, "previous_year" if is_calendar_year(filters)
                           else "same_dates_year_before")
    else:
        raise ValueError(f"unknown comparison rule {rule!r}")
    if first_date is not None and found.filters.date_from < first_date.replace(day=1):
        return None
    return found


def change(now: float, before: float | None) -> dict | None:
    """How a figure moved against its comparison window: the difference and the relative
    change (a rate of the figure before); None when there is nothing to compare with."""
    if before is None:
        return None
    difference = now - before
    return {"difference": difference, "relative": difference / before if before else None,
            "before": before}


def point_change(now: dict, before: dict | None) -> float | None:
    """How a rate ({value, ...}) moved, in percentage points; None if either has no value.
    The difference of the rates as shown (to 0,1 %): 29,9 % against 42,4 % read « −12,6 pt »
    to a reader who subtracts them (−12,5)."""
    if before is None or now["value"] is None or before["value"] is None:
        return None
    return float(french.rounded(now["value"] * 100, 1) - french.rounded(before["value"] * 100, 1))


# The figures of households' installations: a cohort that has not had its 12 months still
# gains some, so their change is provisional, never a fall.
STILL_INSTALLING = ("installed", "people_installed", "installed_rate")


def installations_provisional(horizon: dict, before: dict | None = None) -> bool:
    """Whether the installations of a selection (its `cohort_horizon` answer), or of its
    comparison window's, may still grow: their figures and changes are provisional (the page
    and the bilan say so alike; the bilan showed a 2024 « −23 (−53,5 %) » as a fall)."""
    return not horizon["is_complete"] or (before is not None and not before["is_complete"])


# --- Running a metric ---------------------------------------------------------------------

@cache
def _sql(name: str) -> str:
    path = MART_QUERIES.get(name, METRICS_DIR / f"{name}.sql")
    if name.startswith("_") or not path.exists():
        raise KeyError(f"no metric named {name!r} (see {METRICS_DIR})")
    return path.read_text(encoding="utf-8")


@cache
def _shared() -> str:
    return "\n".join((METRICS_DIR / f"{name}.sql").read_text(encoding="utf-8")
                     for name in ("_selection", "_shared"))


# The connections (a cursor is one) whose session holds the shared macros: created once per
# connection, not before each metric (4 ms each time, a third of a page's queries at N = 1).
_PREPARED: weakref.WeakSet = weakref.WeakSet()


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    if con not in _PREPARED:
        con.execute(_shared())
        _PREPARED.add(con)


def names() -> list[str]:
    """Every metric the layer answers."""
    return sorted([p.stem for p in METRICS_DIR.glob("*.sql") if not p.stem.startswith("_")]
                  + list(MART_QUERIES))


@cache
def _parameters(name: str) -> frozenset[str]:
    return frozenset(re.findall(r"\$(\w+)", _sql(name)))


def _execute(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None,
             params: dict) -> duckdb.DuckDBPyConnection:
    """Runs a metric with the filters it accepts (the others do not apply to it) and its own
    parameters (NULL, or DEFAULTS, when not given)."""
    wanted = _parameters(name)
    unknown = set(params) - wanted
    if unknown:
        raise TypeError(f"metric {name!r} takes no parameter {sorted(unknown)}")
    values = {**DEFAULTS, **(filters or Filters()).params(), **params}
    arguments = {key: values.get(key) for key in wanted}
    answer = _answer_table(name, arguments)
    if answer:
        # the build ran this very query with these arguments and published the answer: ten
        # million touches are not read again
        try:
            return con.execute(f"select * from {answer}")
        except duckdb.CatalogException:
            pass  # not a preset of this database, or one published before the answers were
    _prepare(con)
    return con.execute(_sql(name), arguments)


def precompute(con: duckdb.DuckDBPyConnection) -> None:
    """The build's step: the whole-programme answer of each PRECOMPUTED metric and each preset
    period's of each PERIOD_PRECOMPUTED one, as tables of the schema `answers` (published with
    the others; where `_answer_table` says)."""
    con.execute(f"create schema if not exists {ANSWERS_SCHEMA}")
    _prepare(con)
    bounds = ask_rows(con, "period_bounds")[0]
    periods = preset_periods(bounds["years"]) if bounds["first_date"] else []
    asked = [(name, None, None) for name in PRECOMPUTED] + [
        (name, *period) for period in periods for name in PERIOD_PRECOMPUTED]
    for name, date_from, date_to in asked:
        clock = Clock()
        arguments = {key: None for key in _parameters(name)}
        arguments |= {"date_from": date_from, "date_to": date_to} if date_from else {}
        con.execute(f"create or replace table {_answer_table(name, arguments)} as {_sql(name)}",
                    arguments)
        period = f" {date_from:%Y-%m-%d} – {date_to:%Y-%m-%d}" if date_from else ""
        clock.timing(f"réponse {name}{period}")


def ask(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None = None,
        **params) -> pd.DataFrame:
    """The answer of metric `name` for a selection, as a DataFrame (a rate is a dict
    {value, part, whole, base})."""
    return _execute(con, name, filters, params).df()


def ask_rows(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None = None,
             **params) -> list[dict]:
    """The answer as plain Python rows (no pandas types), e.g. for JSON."""
    cursor = _execute(con, name, filters, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def ask_one(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None = None,
            **params) -> dict:
    """The one row of a metric whose grain is one row."""
    rows = ask_rows(con, name, filters, **params)
    if len(rows) != 1:
        raise ValueError(f"metric {name!r} answered {len(rows)} rows, not one")
    return rows[0]


def target_progress(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[dict]:
    """Each objective of `as_of`'s year (metric `targets`) with what was done from 1 January to
    `as_of` — the same headline figures as everywhere, for the objective's channel or campaign
    — and where it stands: `reached` (the year's objective), `on_track` (at least the value
    expected that day), late, or missed (the year is over, and for installations, the year's
    households have all had their 12 months to install)."""
    rows = ask_rows(con, "targets", Filters(None, as_of))
    judged: dict[dt.date, bool] = {}  # (the year's cohort: asked once, not per objective)
    for row in rows:
        if row["measure"] == "ambassadors":
            actual = ask_one(con, "ambassadors", Filters(None, as_of))["ambassadors"]
        else:
            selection = Filters(row["year_start"], as_of,
                                (row["channel"],) if row["channel"] else (),
                                (row["campaign_code"],) if row["campaign_code"] else ())
            actual = ask_one(con, "headline", selection)[row["measure"]]
        # (households and ambassadors are whole: the value expected that day is the whole
        # number every reader shows, half up, and judged as shown: a summer campaign read on
        # its first day expected 0,49 households, shown « 0 attendu », « 0 réalisé », and
        # was « en retard »)
        row.update(expected_exact=row["expected"], expected=math.floor(row["expected"] + 0.5))
        row.update(actual=actual, on_track=actual >= row["expected"],
                   reached=actual >= row["target"])
        # (a year that is over is no longer « late »: its objective was missed; a campaign's
        # is expected whole at its end, but its households keep coming until the year's end;
        # installations, until the year's households have all had their 12 months: 2024's
        # « Foyers installés » read « non atteint » in June 2025, while they still came)
        if row["year_over"] and row["measure"] in STILL_INSTALLING \
                and row["year_start"] not in judged:
            judged[row["year_start"]] = ask_one(
                con, "cohort_horizon", Filters(row["year_start"], as_of))["is_complete"]
        over = row["year_over"] and (row["measure"] not in STILL_INSTALLING
                                     or judged[row["year_start"]])
        row["standing"] = ("reached" if row["reached"] else "on_track" if row["on_track"]
                           else "missed" if over else "late")
    return rows


def objective_name(row: dict, channel: Callable[[str], str],
                   campaign_labels: dict[str, str]) -> str:
    """An objective of target_progress as the pages and the bilans name it: « Foyers suivis »,
    « Foyers suivis – canal Tourisme », « Foyers suivis – campagne « Été 2023 … » » (`channel`:
    a channel's label; the campaign's label on one line)."""
    if row["channel"]:
        return f"{row['label']} – canal {channel(row['channel'])}"
    if row["campaign_code"]:
        label = campaign_labels.get(row["campaign_code"]) or row["campaign_code"]
        return f"{row['label']} – campagne {french.quoted(label)}"
    return row["label"]


def objectives_day(date_to: dt.date | None, data_date: dt.date) -> dt.date:
    """The day a selection's objectives are read: its end, never after the data date (the
    whole programme: the data date). The bilan read the whole programme's at the last first
    contact, 27/11/2024, and showed 2024's objectives the page did not."""
    return min(date_to or data_date, data_date)


def objectives_scope(as_of: dt.date, data_date: dt.date) -> str:
    """What the objectives' « réalisé » counts, as every page and document words it: the
    year's households (first contact from 1 January to `as_of`) and, for installations, those
    of them installed by the data date, whatever the day (« au 31/12/2023 : réalisé depuis le
    1er janvier » read as the installations of 2023, some of which came in 2025)."""
    start = dt.date(as_of.year, 1, 1)
    installed = (f"installés : ceux de ces foyers installés au {data_date:%d/%m/%Y}, "
                 "date des données, quelle que soit la date d'installation"
                 if data_date > as_of else "installés : ceux de ces foyers déjà installés")
    return (f"Réalisé : foyers dont le premier contact date du {start:%d/%m/%Y} au "
            f"{as_of:%d/%m/%Y} ; {installed} ; ambassadeurs : taille du réseau au "
            f"{as_of:%d/%m/%Y}. Écart à la valeur attendue au {as_of:%d/%m/%Y} (objectif de "
            "l'année au prorata des jours écoulés ; d'une campagne, de ses jours dans l'année).")


# The share of households followed that installed, as every page and document names it (the
# bilan and the Ambassadeurs page said « Taux d'installation », the cards « Taux suivi →
# installé »).
INSTALLED_RATE_NAME = "Taux suivi → installé"
ACCOMPANIED_RATE_NAME = "Taux suivi → accompagné"


# An objective's standing (target_progress), as every page and document words it.
STANDINGS = {"reached": "atteint", "on_track": "dans les temps", "late": "en retard",
             "missed": "non atteint"}
