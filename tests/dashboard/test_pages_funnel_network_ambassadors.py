"""The pages Entonnoir par source, Suivi du réseau accueil and Ambassadeurs under streamlit's
AppTest, on the demo: each runs, each widget works, and their figures equal counts made
independently (`kpis --json`, or SQL written here on the curated database's core tables)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt, tables
from pipelines import config, metrics
from pipelines.french import rounded
from tests.conftest import ROOT, kpis

APP = str(ROOT / "dashboard" / "app.py")

# The data date, counted here from the core tables: the latest date found, never after today.
_DATA_DATE = """
    select max(found_date) from (
        select unnest([first_contact_date, accompaniment_date, immersion_date, updated_date])
            as found_date from core.households
        union all select installation_date from core.installations
        union all select touch_date from core.touches
        union all select joined_date from core.ambassadors
    ) where found_date <= current_date
"""

# Accompanied, not installed, and neither accompaniment nor update within `days` of that date.
_STALLED = """
    select count(*) from core.households
    where accompaniment_date is not null and not is_installed
      and $data_date - greatest(accompaniment_date, coalesce(updated_date, accompaniment_date))
          > $days
      and ($channel is null or channel = $channel)
"""


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


def _sql(demo_build, sql: str, params: dict | None = None):
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        return con.execute(sql, params or {}).fetchone()[0]


def _run(at) -> AppTest:
    """Run the app (from the AppTest or from a widget just set) and check it raised nothing."""
    at = at.run()
    assert not at.exception, at.exception
    assert not at.error
    return at


def _page(name: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    _run(at)
    return _run(at.switch_page(f"app_pages/{name}.py"))


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _table(at: AppTest, first_column: str):
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def _figure(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _rate(part: int, whole: int) -> str:
    """A rate as the tables show it, computed here from two counts."""
    return fmt.rate({"value": part / whole if whole else None, "part": part, "whole": whole})


def _channels(demo_build) -> dict[str, tuple[str, str]]:
    """code -> (label, colour) of the database's channel list (ref.channels), in order."""
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        rows = con.execute("select channel, label, colour from ref.channels "
                           "order by channel_order").fetchall()
    return {code: (label, colour) for code, label, colour in rows}


def _values(array) -> list:
    """A figure's data array: a list, or plotly's typed array (base64 of a numpy dtype)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"]).tolist()
    return array


# --- Entonnoir par source -------------------------------------------------------------------

def test_funnel_by_channel_equals_kpis_json_every_channel_shown(demo_env):
    at = _page("sources")
    figures = kpis(demo_env["curated"])
    table = _table(at, "Canal").set_index("Canal")
    channels = _channels(demo_env)
    assert list(table.index) == [label for label, _ in channels.values()]  # `autre` too
    assert list(table.index)[-1] == "Autre" and "Salons" in list(table.index)
    for channel, followed in figures["followed_by_channel"].items():
        assert table.loc[channels[channel][0], "Suivis"] == followed
        assert table.loc[channels[channel][0], "Installés"] == (
            figures["installed_by_channel"][channel])
    assert table.loc["Tourisme", "Suivis"] == 70
    assert table.loc["Tourisme", "Taux suivi → installé"] == _rate(
        figures["installed_by_channel"]["tourisme"], 70)
    bars = _figure(at, 0)["data"][0]
    assert bars["marker"]["color"] == [colour for _, colour in channels.values()]
    # each figure beside its bar within a phone's third of the width (« 54 · 64 % » on one
    # line ran into the next panel): the count over the rate, five characters a line at most
    installed = _figure(at, 0)["data"][2]
    salons = installed["text"][list(table.index).index("Salons")]
    assert salons == f"{figures['installed_by_channel']['salon']}<br>28\u00a0%"
    assert all(len(line) <= 5 for trace in _figure(at, 0)["data"] for text in trace["text"]
               for line in text.split("<br>"))


def test_drill_down_from_tourisme_to_its_summer_2023_campaign_and_its_70_households(demo_env):
    at = _page("sources")
    _run(at.selectbox(key="entonnoir_canal").set_value("tourisme"))
    campaign = at.selectbox(key="entonnoir_campagne_tourisme")
    assert campaign.value == "TOUR-ETE-2023"
    households = _table(at, tables.HOUSEHOLD_ID)
    assert len(households) == 70 == _sql(
        demo_env, "select count(*) from core.households "
                  "where channel = 'tourisme' and campaign_code = 'TOUR-ETE-2023'")
    assert not {"email", "Email", "Téléphone", "email_hash", "phone_hash"} & set(households)


def test_campaign_selectbox_shows_the_chosen_campaigns_households(demo_env):
    at = _page("sources")
    campaign = at.selectbox(key="entonnoir_campagne_salon")
    assert any(option.startswith("Salon Destination Nouvelle Vie 2022")
               for option in campaign.options)
    _run(campaign.set_value("SALON-DNV-2022"))
    assert len(_table(at, tables.HOUSEHOLD_ID)) == _sql(
        demo_env, "select count(*) from core.households "
                  "where channel = 'salon' and campaign_code = 'SALON-DNV-2022'")


def test_sidebar_period_and_channels_narrow_the_funnel_by_channel(demo_env):
    at = _page("sources", periode="ete-2023")
    figures = kpis(demo_env["curated"], "--from", "2023-07-01", "--to", "2023-10-31")
    table = _table(at, "Canal").set_index("Canal")
    assert table.loc["Tourisme", "Suivis"] == figures["followed_by_channel"]["tourisme"]
    assert table.loc["Autre", "Suivis"] == figures["followed_by_channel"]["autre"]
    at.sidebar.multiselect[0].set_value(["tourisme", "salon"])
    _run(at)
    assert list(_table(at, "Canal")["Canal"]) == ["Salons", "Tourisme"]
    salon = figures["followed_by_channel"]["salon"]
    assert at.selectbox(key="entonnoir_canal").options == [
        f"Salons — {fmt.counted(salon, 'foyer', 'foyers')}",
        f"Tourisme — {fmt.number(figures['followed_by_channel']['tourisme'])} foyers"]
    # the drill-down opens on a channel with households (it opened on « Salons — 0 foyer »
    # and said « Aucun foyer du canal « Salons » dans la sélection »)
    assert salon == 0 and at.selectbox(key="entonnoir_canal").value == "tourisme"
    assert not any(i.value.startswith("Aucun foyer du canal") for i in at.info)


def test_cohorts_younger_than_12_months_at_the_data_date_are_marked_too_recent(demo_env):
    at = _page("sources")
    data_date = _sql(demo_env, _DATA_DATE)
    quarters = _sql(demo_env, "select list(quarter order by quarter) from (select distinct "
                              "date_trunc('quarter', first_contact_date)::date as quarter "
                              "from core.households)")

    def quarter_end_plus(quarter: dt.date, months: int) -> dt.date:
        month = quarter.month + 3 + months
        return dt.date(quarter.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - (
            dt.timedelta(days=1))

    young = [fmt.quarter(q) for q in quarters if quarter_end_plus(q, 12) > data_date]
    judged, recent = _figure(at, 1)["data"]
    assert "trop récente" in recent["name"] and recent["x"] == young
    assert judged["x"] + recent["x"] == [fmt.quarter(q) for q in quarters]
    cohorts = _table(at, "Trimestre").set_index("Trimestre")
    for quarter in quarters:
        cell = cohorts.loc[fmt.quarter(quarter), "Installés sous 12 mois"]
        assert (cell == "") == (quarter_end_plus(quarter, 12) > data_date)


def test_median_time_to_install_equals_sql(demo_env):
    at = _page("sources")
    delays = next(d.value for d in at.dataframe if "Médiane (j)" in d.value.columns)
    overall = delays.set_index("Canal").loc["Ensemble"]
    assert overall["Installés"] == kpis(demo_env["curated"])["installed"]
    days = "installation_date - first_contact_date"
    assert overall["Médiane (j)"] == rounded(_sql(
        demo_env, f"select median({days}) from core.households where is_installed"))
    q1, q3 = (rounded(_sql(demo_env, f"select quantile_cont({days}, {q}) from core.households "
                                   "where is_installed")) for q in (0.25, 0.75))
    assert overall["Moitié entre (j)"] == f"{fmt.number(q1)} et {fmt.number(q3)}"


def test_the_delay_boxes_are_the_tables_quartiles(demo_env):
    """Each channel's box is the metrics layer's first quartile, median, third quartile and
    range (plotly's own quartiles drew Presse's box over 410–690 days against 453–641 in the
    table beside it); each household a point, on its channel's line."""
    at = _page("sources")
    delays = next(d.value for d in at.dataframe if "Médiane (j)" in d.value.columns)
    figure = next(f for f in (_figure(at, i) for i in range(len(at.get("plotly_chart"))))
                  if any(trace["type"] == "box" for trace in f["data"]))
    boxes = [trace for trace in figure["data"] if trace["type"] == "box"]
    assert len(boxes) >= 5
    days = "installation_date - first_contact_date"
    for box in boxes:
        row = delays.set_index("Canal").loc[box["name"]]
        low, high = (int(part.replace("\u202f", "")) for part in
                     row["Moitié entre (j)"].split(" et "))
        assert (rounded(box["q1"][0]), rounded(box["q3"][0])) == (low, high), box["name"]
        assert rounded(box["median"][0]) == row["Médiane (j)"]
        points = next(trace for trace in figure["data"]
                      if trace["type"] == "scatter" and trace["name"] == box["name"])
        assert len(_values(points["x"])) == row["Installés"]
        assert max(_values(points["x"])) == box["upperfence"][0]
    assert sum(row for row in delays.set_index("Canal").drop("Ensemble")["Installés"]) == \
        _sql(demo_env, f"select count({days}) from core.households where is_installed")


# --- Suivi du réseau accueil ----------------------------------------------------------------

def test_households_by_current_stage_add_up_to_kpis(demo_env):
    at = _page("network")
    figures = kpis(demo_env["curated"])
    assert _metric(at, "Installés") == fmt.number(figures["installed"])
    assert _metric(at, "En accompagnement") == fmt.number(
        figures["accompanied"] - figures["installed"])
    assert _metric(at, "En suivi") == fmt.number(figures["followed"] - figures["accompanied"])


def test_stalled_households_equal_a_sql_count_for_the_default_and_a_chosen_threshold(demo_env):
    at = _page("network")
    data_date = _sql(demo_env, _DATA_DATE)
    threshold = at.number_input(key="reseau_seuil")
    assert threshold.value == config.STALLED_AFTER_DAYS
    for days in (config.STALLED_AFTER_DAYS, 365):
        _run(threshold.set_value(days))
        expected = _sql(demo_env, _STALLED, {"data_date": data_date, "days": days,
                                             "channel": None})
        assert 0 < expected
        assert _metric(at, "Accompagnés sans nouvelles") == fmt.number(expected)
        stalled = _table(at, tables.HOUSEHOLD_ID)
        assert len(stalled) == expected
        assert (stalled["Jours sans nouvelles"] > days).all()
        assert list(stalled["Jours sans nouvelles"]) == sorted(
            stalled["Jours sans nouvelles"], reverse=True)
        assert {"Canal", "Campagne"} <= set(stalled.columns)


def test_stalled_households_follow_the_sidebar_channels(demo_env):
    at = _page("network")
    at.sidebar.multiselect[0].set_value(["tourisme"])
    _run(at)
    expected = _sql(demo_env, _STALLED, {"data_date": _sql(demo_env, _DATA_DATE),
                                         "days": config.STALLED_AFTER_DAYS,
                                         "channel": "tourisme"})
    assert _metric(at, "Accompagnés sans nouvelles") == fmt.number(expected)
    assert set(_table(at, tables.HOUSEHOLD_ID)["Canal"]) <= {"Tourisme"}


# --- Ambassadeurs ---------------------------------------------------------------------------

@pytest.mark.parametrize("period", [None, "2022"])
def test_ambassadors_equal_kpis_json_joined_by_the_end_of_the_period(demo_env, period):
    at = _page("ambassadors", **({"periode": period} if period else {}))
    figures = kpis(demo_env["curated"], *(("--from", f"{period}-01-01", "--to",
                                           f"{period}-12-31") if period else ()))
    assert _metric(at, "Ambassadeurs") == fmt.number(figures["ambassadors"])
    assert _metric(at, "Ambassadeurs actifs") == fmt.number(figures["ambassadors_active"])
    by_type = _table(at, "Type")
    assert list(by_type["Type"])[:4] == ["Particulier", "Entreprise", "Association",
                                         "Collectivité"]
    assert by_type["Ambassadeurs"].sum() == figures["ambassadors"]
    growth = _figure(at, 0)["data"]
    assert sum(_values(trace["y"])[-1] for trace in growth) == figures["ambassadors"]


def test_referred_households_convert_as_a_sql_count_says(demo_env):
    at = _page("ambassadors")
    referred, installed = (_sql(demo_env, f"select count(*) filter (where {condition}) "
                                          "from core.households where ambassador_id is not null")
                           for condition in ("true", "is_installed"))
    assert _metric(at, "Foyers parrainés") == fmt.number(referred)
    groups = _table(at, "Foyers").set_index("Foyers")
    assert groups.loc["Parrainés par un ambassadeur", "Suivis"] == referred
    # (a rate, named « Taux suivi → installé » as everywhere, not « Installés », a count)
    assert groups.loc["Parrainés par un ambassadeur", metrics.INSTALLED_RATE_NAME] == _rate(
        installed, referred)
    figures = kpis(demo_env["curated"])
    assert groups.loc["Autres foyers", "Suivis"] == figures["followed"] - referred
    assert groups.loc["Autres foyers", metrics.INSTALLED_RATE_NAME] == _rate(
        figures["installed"] - installed, figures["followed"] - referred)


@pytest.mark.parametrize("page", ["sources", "ambassadors"])
def test_a_figure_beside_its_bar_keeps_its_size(demo_env, page):
    """Plotly shrank a figure written beside its bar to the bar's width or thickness: on a
    phone « 70,0 % (35 / 50) » came out at 7.8 px. Every such bar lets its text be."""
    at = _page(page)
    outside = [trace for index in range(len(at.get("plotly_chart")))
               for trace in _figure(at, index)["data"]
               if trace["type"] == "bar" and trace.get("textposition") == "outside"]
    assert len(outside) >= 2
    assert all(trace.get("constraintext") == "none" for trace in outside)


def test_at_a_regional_scale_the_delay_boxes_have_no_points(demo_env):
    """130 000 households made 2 MB of points for the browser, unreadable as dots: past
    charts.MAX_POINTS the boxes alone say the spread (the same quartiles)."""
    from dashboard import charts, queries
    refs = queries.Reference(lookback_days=365, half_life_days=30.0, channel_labels={},
                             channel_colours={}, stage_labels={},
                             current_stage_labels={}, stage_colours={}, models={},
                             model_colours={}, type_colours={})
    summary = pd.DataFrame({"channel": ["salon"], "installed": [6000], "q1_days": [100.0],
                            "median_days": [200.0], "q3_days": [300.0], "min_days": [1],
                            "max_days": [900]})
    many = pd.DataFrame({"channel": ["salon"] * 6000, "days_to_install": range(6000)})
    figure = charts.install_delay_box(summary, many, refs)
    assert [trace.type for trace in figure.data] == ["box"]
    assert len(figure.to_json()) < 20_000
    few = charts.install_delay_box(summary, many.head(charts.MAX_POINTS), refs)
    assert [trace.type for trace in few.data] == ["box", "scatter"]


def test_an_empty_selection_and_counts_of_one_read_as_french_on_network_and_ambassadors(
        demo_env):
    """Helper's findings: a selection without households drew an empty chart (axis −1 to 1)
    on Suivi du réseau and an empty 0–10 % chart on Ambassadeurs, with « 0 foyers en
    accompagnement sur 0 sont sans nouvelles » and « dont 0 adhésions »; a threshold of one
    day read « depuis plus de 1 jours »."""
    empty = {"periode": "perso", "du": "2030-01-01", "au": "2030-12-31"}
    network = _page("network", **empty)
    assert [i.value for i in network.info] == [
        "Aucun foyer dont le premier contact tombe dans cette sélection."]
    assert not network.get("plotly_chart")
    said = " ".join(m.value for m in network.markdown)
    assert "**0** foyer en accompagnement dans la sélection." in said
    assert "0 foyers" not in said
    ambassadors = _page("ambassadors", **empty)
    assert "Aucun foyer dont le premier contact tombe dans cette sélection." in [
        i.value for i in ambassadors.info]
    assert "dont 0 adhésion dans la période" in [m.delta for m in ambassadors.metric]
    # a period past the data: the network as at the data date, not « au plus tard le
    # 31/12/2030 » over a flat curve to 2030
    data_date = _sql(demo_env, _DATA_DATE)
    assert any(f"au plus tard le {data_date:%d/%m/%Y} (date des données)" in c.value
               for c in ambassadors.caption)
    with duckdb.connect(str(demo_env["database"]), read_only=True) as con:
        months = metrics.ask(con, "ambassador_growth", metrics.Filters(
            dt.date(2030, 1, 1), dt.date(2030, 12, 31)))["month"]
    assert months.max().date() <= data_date < dt.date(2030, 1, 1)
    one_day = _page("network", seuil="1")
    assert any("sans nouvelles depuis plus de 1 jour" in m.value and "1 jours" not in m.value
               for m in one_day.markdown)
    assert _metric_delta(one_day, "Accompagnés sans nouvelles") == "depuis plus de 1 jour"


def _metric_delta(at: AppTest, label: str) -> str:
    return next(m.delta for m in at.metric if m.label == label)
