"""The metrics layer (pipelines/metrics.py, pipelines/sql/metrics/): the demo's exact figures,
every metric answering, « no campaign » as a selection, rates with their base, the comparison
windows and the cohort horizon; and, for random selections (hypothesis), the layer's figures
agree with each other, with counts written here on the core tables and with `kpis --json`."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import french, kpis, metrics
from pipelines.metrics import NO_CAMPAIGN, Filters
from tests.conftest import build_with_a_new_channel
from tests.conftest import kpis as kpis_json

CHANNELS = ("salon", "site_web", "tourisme", "sante", "ambassadeur", "entreprise", "digital",
            "presse", "autre")


@pytest.fixture(scope="module")
def con(demo_build):
    with duckdb.connect(str(demo_build["database"]), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def campaign_codes(con) -> list[str]:
    return [row["campaign_code"] for row in metrics.ask_rows(con, "campaign_options")]


# --- exact figures of the demo ------------------------------------------------------------

def test_demo_headline_figures(con):
    figures = metrics.ask_one(con, "headline")
    assert (figures["followed"], figures["accompanied"], figures["installed"],
            figures["people_installed"]) == (400, 240, 130, 383)
    assert figures["installed_rate"] == {"value": 130 / 400, "part": 130, "whole": 400,
                                         "base": "suivis"}
    by_channel = {row["channel"]: row for row in metrics.ask_rows(con, "by_channel")}
    assert list(by_channel) == list(CHANNELS)
    assert by_channel["tourisme"]["followed"] == 70


def test_every_metric_answers_on_the_demo(con):
    own = {"campaign_touches": {"campaign": "TOUR-ETE-2023"},
           "campaign_households": {"campaign": "TOUR-ETE-2023", "model": "linear",
                                   "own": True}}
    for name in metrics.names():
        frame = metrics.ask(con, name, Filters(), **own.get(name, {}))
        assert len(frame.columns), name


def _rounded(rows: list[dict]) -> list[dict]:
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()}
            for row in rows]


def test_each_preset_period_is_answered_by_the_build_as_its_query_answers(con):
    """The build runs the campaigns' query for each preset period (every year of the data,
    summer 2023) and publishes the answer: the same rows, in the same order, as the query
    run for that period now."""
    bounds = metrics.ask_one(con, "period_bounds")
    periods = metrics.preset_periods(bounds["years"])
    assert metrics.SUMMER_2023 in periods and len(periods) >= 3
    con.execute(metrics._shared())
    for date_from, date_to in periods:
        for name in metrics.PERIOD_PRECOMPUTED:
            table = metrics._answer_table(name, {"date_from": date_from, "date_to": date_to,
                                                 "channels": None, "campaigns": None})
            kept = con.execute(f"select * from {table}")
            columns = [d[0] for d in kept.description]
            published = [dict(zip(columns, row, strict=True)) for row in kept.fetchall()]
            query = con.execute(metrics._sql(name), {"date_from": date_from, "date_to": date_to,
                                                     "channels": None, "campaigns": None})
            computed = [dict(zip(columns, row, strict=True)) for row in query.fetchall()]
            assert _rounded(published) == _rounded(computed), (name, date_from)


def test_a_preset_period_is_read_from_its_answer_and_any_other_period_computed(
        demo_build, tmp_path):
    copy = tmp_path / "lot.duckdb"
    copy.write_bytes(demo_build["database"].read_bytes())
    year = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    with duckdb.connect(str(copy)) as writable:
        assert metrics.ask_rows(writable, "campaign_metrics", year)
        # (an answer emptied by hand: the layer reads it, it does not run the query)
        writable.execute("delete from "
                         + metrics._answer_table("campaign_metrics", year.params()))
        assert metrics.ask_rows(writable, "campaign_metrics", year) == []
        # a period that is no preset, or a preset with another filter: the query answers
        assert metrics.ask_rows(writable, "campaign_metrics",
                                Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 30)))
        assert metrics.ask_rows(writable, "campaign_metrics",
                                Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31), ("salon",)))


def test_an_unknown_parameter_is_refused(con):
    with pytest.raises(TypeError, match="no parameter"):
        metrics.ask(con, "headline", chanel="salon")


def test_funnel_rates_say_their_base(con):
    steps = {row["stage"]: row for row in metrics.ask_rows(con, "funnel")}
    assert steps["installé"]["rate_of_previous"] == {
        "value": 130 / 240, "part": 130, "whole": 240, "base": "accompagnés"}
    assert steps["installé"]["rate_of_followed"]["base"] == "suivis"
    assert steps["suivi"]["rate_of_previous"]["whole"] is None


# --- « no campaign » is a selection, never a code in a table -------------------------------

def test_households_with_no_campaign_keep_a_null_code_in_the_mart(con):
    assert con.execute("select count(*) from marts.households where campaign_code is null"
                       ).fetchone()[0] == 57
    assert con.execute("select count(*) from marts.households "
                       "where campaign_code = '(sans campagne)'").fetchone()[0] == 0


def test_no_campaign_gives_the_same_figures_to_cards_and_funnel(con):
    selection = Filters(campaigns=(NO_CAMPAIGN,))
    cards = kpis.headline(con, campaigns=[NO_CAMPAIGN])
    funnel = {row["stage"]: row["households"] for row in metrics.ask_rows(con, "funnel",
                                                                           selection)}
    assert (cards["followed"], cards["accompanied"], cards["installed"]) == (57, 35, 23)
    assert (funnel["suivi"], funnel["accompagné"], funnel["installé"]) == (57, 35, 23)
    both = Filters(campaigns=(NO_CAMPAIGN, "TOUR-ETE-2023"))
    assert metrics.ask_one(con, "headline", both)["followed"] == 57 + 70
    assert len(metrics.ask(con, "households", selection)) == 57


# --- what a campaign costs over a selection ---------------------------------------------------

def test_over_a_period_a_campaign_costs_its_days_in_the_period(con):
    """A helper read « Site choisirlelot.fr … 13 521 € » per installation over 2023 (1 260 €
    over the programme), « 106 000 € » for a trade fair under a channel filter: the whole
    budget of a multi-year campaign was divided by one year's credits. A selection now counts
    the budget of the campaign's days in the period, only campaigns of the filtered channels,
    and a campaign that did not run in the period has no cost (it had « 0 € »)."""
    year = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    rows = metrics.ask(con, "campaign_metrics", year).set_index("campaign_code")
    campaigns = con.execute("select campaign_code, budget_eur::double, start_date, end_date "
                            "from core.campaigns").fetchall()
    for code, budget, start, end in campaigns:
        end = max(end or start, start)
        days = (min(end, year.date_to) - max(start, year.date_from)).days + 1
        row = rows.loc[code]
        if days <= 0:
            assert row["budget_selected_eur"] != row["budget_selected_eur"]  # (NULL: NaN)
            assert row["cost_per_installed_linear"] != row["cost_per_installed_linear"]
            continue
        share = budget * days / ((end - start).days + 1)
        assert row["budget_selected_eur"] == pytest.approx(share)
        if row["installed_linear"]:
            assert row["cost_per_installed_linear"] == pytest.approx(
                share / row["installed_linear"])
    site = rows.loc["WEB-CHOISIRLELOT"]
    whole = metrics.ask(con, "campaign_metrics").set_index("campaign_code").loc[
        "WEB-CHOISIRLELOT"]
    assert site["cost_per_installed_linear"] < 3 * whole["cost_per_installed_linear"]
    budget = metrics.ask_one(con, "campaign_budget", year)
    assert budget["budget_eur"] == pytest.approx(rows["budget_selected_eur"].sum())
    assert metrics.ask_one(con, "campaign_budget")["budget_eur"] == sum(
        c[1] for c in campaigns)

    tourism = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31), ("tourisme",))
    priced = metrics.ask(con, "campaign_metrics", tourism).dropna(
        subset=["cost_per_installed_linear"])
    assert set(priced["channel"]) == {"tourisme"} and len(priced)
    credits = metrics.ask(con, "campaign_credits", tourism, codes=["SALON-SIA-2023"])
    assert credits["cost_per_installed_eur"].isna().all()


def test_a_campaign_s_credits_are_the_same_number_wherever_they_are_shown(con):
    """Channels santé, autre, digital: the Campagnes page showed « 5,7 » households followed
    for a campaign where `kpis --json` printed 5.75 (a sum of quarters, 5,749… in one query):
    every credit is to the sixth decimal, as the attribution metric gives it."""
    selection = Filters(channels=("sante", "autre", "digital"))
    table = metrics.ask(con, "campaign_metrics", selection).set_index("campaign_code")
    credits = {(row["model"], row["campaign_code"]): row for row in
               metrics.ask_rows(con, "attribution", selection) if row["campaign_code"]}
    for (model, code), row in credits.items():
        assert table.loc[code, f"followed_{model}"] == row["followed"], (model, code)
        assert table.loc[code, f"installed_{model}"] == row["installed"], (model, code)
        one = metrics.ask(con, "campaign_credits", selection, codes=[code])
        mine = one[(one["model"] == model) & one["campaign_code"].notna()].iloc[0]
        assert mine["followed"] == row["followed"], (model, code)


# --- comparisons a committee expects --------------------------------------------------------

def test_a_calendar_year_is_compared_with_the_previous_calendar_year():
    window = metrics.comparison(Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    assert (window.filters.date_from, window.filters.date_to) == (
        dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert window.rule == "previous_year"


def test_a_season_is_compared_with_the_same_dates_one_year_before():
    summer = Filters(dt.date(2023, 7, 1), dt.date(2023, 10, 31), ("tourisme",))
    window = metrics.comparison(summer)
    assert window.filters == Filters(dt.date(2022, 7, 1), dt.date(2022, 10, 31), ("tourisme",))
    assert window.rule == "same_dates_year_before"


def test_a_custom_period_from_29_february_is_compared_from_28_february():
    window = metrics.comparison(Filters(dt.date(2024, 2, 29), dt.date(2024, 3, 10)))
    assert (window.filters.date_from, window.filters.date_to) == (
        dt.date(2023, 2, 28), dt.date(2023, 3, 10))


def test_the_previous_period_of_the_same_length_only_when_asked():
    window = metrics.comparison(Filters(dt.date(2023, 7, 1), dt.date(2023, 10, 31)),
                                "previous_period")
    assert (window.filters.date_from, window.filters.date_to) == (
        dt.date(2023, 2, 28), dt.date(2023, 6, 30))
    assert window.rule == "previous_period"


def test_a_period_after_the_exports_last_first_contact_has_nothing_to_compare_with():
    # (the page and the bilan alike: « -100 % » in red read as a collapse)
    spring = Filters(dt.date(2025, 3, 1), dt.date(2025, 5, 31))
    assert metrics.comparison(spring, last_date=dt.date(2024, 11, 27)) is None
    assert metrics.comparison(spring, last_date=dt.date(2025, 4, 1)) is not None


def test_an_open_period_has_nothing_to_compare_with():
    assert metrics.comparison(Filters()) is None
    assert metrics.comparison(Filters(date_from=dt.date(2023, 1, 1))) is None


def test_a_period_starting_after_its_end_is_refused_in_french():
    with pytest.raises(metrics.PeriodError, match="après sa fin le 01/01/2023"):
        Filters(dt.date(2023, 6, 1), dt.date(2023, 1, 1))


def test_year_2024_against_2023_gives_the_calendar_differences(con):
    now = kpis.headline(con, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    window = metrics.comparison(Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))).filters
    before = kpis.headline(con, window.date_from, window.date_to)
    assert now["contacts"] - before["contacts"] == -1062
    assert now["interactions"] - before["interactions"] == -1850


def test_recent_cohorts_are_incomplete_until_they_have_had_12_months(con):
    # data date of the demo: 30/06/2025, so households first contacted after 30/06/2024 have
    # not had 12 months to install yet
    recent = metrics.ask_one(con, "cohort_horizon", Filters(dt.date(2024, 1, 1),
                                                            dt.date(2024, 12, 31)))
    assert recent["data_date"] == dt.date(2025, 6, 30)
    assert recent["complete_until"] == dt.date(2024, 6, 30)
    assert recent["is_complete"] is False
    judged = metrics.ask_one(con, "cohort_horizon", Filters(dt.date(2023, 1, 1),
                                                            dt.date(2023, 12, 31)))
    assert judged["is_complete"] is True
    quarters = {row["quarter"]: row["is_complete"] for row in metrics.ask_rows(con, "cohorts")}
    assert quarters[dt.date(2024, 4, 1)] is True and quarters[dt.date(2024, 7, 1)] is False


# --- reference lists come from the database -------------------------------------------------

def test_a_channel_added_in_channels_toml_is_listed_after_a_rebuild(tmp_path):
    curated = build_with_a_new_channel(tmp_path)
    with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
        listed = metrics.ask_rows(con, "channels")
        by_channel = {row["channel"]: row["followed"]
                      for row in metrics.ask_rows(con, "by_channel")}
    assert listed[-1] == {"channel": "marche", "channel_order": 10, "label": "Marché de Cahors",
                          "colour": "#5F6B7A"}
    assert by_channel["marche"] == 1 and by_channel["salon"] == 1
    assert kpis_json(curated)["followed_by_channel"]["marche"] == 1


def test_models_stages_and_types_are_reference_tables(con):
    assert [row["model"] for row in metrics.ask_rows(con, "attribution_models")] == [
        "first_touch", "last_touch", "linear", "time_decay", "position_based"]
    assert [row["stage"] for row in metrics.ask_rows(con, "funnel_stages")] == [
        "suivi", "accompagné", "installé"]
    assert [row["ambassador_type"] for row in metrics.ask_rows(con, "ambassador_types")] == [
        "Particulier", "Entreprise", "Association", "Collectivité"]


# --- for random selections, the layer agrees with itself and with counts made here ----------

_DAY = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2025, 12, 31))


@st.composite
def selections(draw, campaign_codes: list[str]) -> Filters:
    start = draw(st.none() | _DAY)
    end = draw(st.none() | _DAY)
    if start and end and start > end:
        start, end = end, start
    channels = draw(st.lists(st.sampled_from(CHANNELS), max_size=3, unique=True))
    campaigns = draw(st.lists(st.sampled_from(campaign_codes), max_size=3, unique=True))
    return Filters(start, end, tuple(channels), tuple(campaigns))


# Written here from the contract, on the core tables (not the layer's selection).
_COUNTS = """
    select
        count(*),
        count(*) filter (where is_accompanied),
        count(*) filter (where is_installed),
        coalesce(sum(people_installed), 0),
    from core.households
    where ($from is null or first_contact_date >= $from)
      and ($to is null or first_contact_date <= $to)
      and ($channels is null or list_contains($channels, channel))
      and ($campaigns is null or list_contains($campaigns, coalesce(campaign_code, '')))
"""


def test_random_selections_agree_across_metrics(con, campaign_codes):
    assert NO_CAMPAIGN in campaign_codes

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(selections(campaign_codes))
    def check(selection: Filters) -> None:
        head = metrics.ask_one(con, "headline", selection)
        params = selection.params()
        expected = con.execute(_COUNTS, {"from": params["date_from"], "to": params["date_to"],
                                         "channels": params["channels"],
                                         "campaigns": params["campaigns"]}).fetchone()
        assert (head["followed"], head["accompanied"], head["installed"],
                head["people_installed"]) == expected
        followed, installed = head["followed"], head["installed"]
        funnel = metrics.ask(con, "funnel", selection)
        assert list(funnel["households"]) == [followed, head["accompanied"], installed]
        by_channel = metrics.ask(con, "by_channel", selection)
        assert by_channel["followed"].sum() == followed
        assert by_channel["installed"].sum() == installed
        if selection.channels:
            assert set(by_channel["channel"]) == set(selection.channels)
        stages = metrics.ask(con, "stage_summary", selection).set_index("stage")["households"]
        assert (stages["suivi"], stages["accompagné"], stages["installé"]) == (
            followed - head["accompanied"], head["accompanied"] - installed, installed)
        cohorts = metrics.ask(con, "cohorts", selection)
        assert cohorts["followed"].sum() == followed and cohorts["installed"].sum() == installed
        assert metrics.ask(con, "referrals", selection)["followed"].sum() == followed
        assert metrics.ask(con, "by_campaign", selection)["followed"].sum() == followed
        assert metrics.ask(con, "origins", selection)["followed"].sum() == followed
        assert metrics.ask(con, "installed_by_commune", selection)["households"].sum() == (
            installed)
        territory = metrics.ask_one(con, "territory_summary", selection)
        assert (territory["followed"], territory["installed"]) == (followed, installed)
        monthly = metrics.ask(con, "monthly", selection)
        assert monthly.loc[monthly["measure"] == "followed", "households"].sum() == followed
        assert len(metrics.ask(con, "households", selection)) == followed
        delays = metrics.ask(con, "install_delay_by_channel", selection)
        assert delays.loc[delays["channel"].isna(), "installed"].iloc[0] == installed
        reach = metrics.ask_one(con, "reach", selection)
        per_channel = metrics.ask(con, "reach_by_channel", selection)
        assert per_channel["interactions"].sum() == reach["interactions"]
        # (the credits of the selection's households, a campaign filter included: Campagnes
        # showed the whole programme's under a subtitle naming the campaign)
        attribution = metrics.ask(con, "attribution", selection)
        for _, credits in attribution.groupby("model"):
            assert credits["followed"].sum() == pytest.approx(followed, abs=1e-4)
            assert credits["installed"].sum() == pytest.approx(installed, abs=1e-4)

    check()


def test_random_periods_give_the_figures_of_kpis_json(con, demo_build):
    @settings(max_examples=6, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_DAY, _DAY)
    def check(start: dt.date, end: dt.date) -> None:
        start, end = min(start, end), max(start, end)
        printed = kpis_json(demo_build["curated"], "--from", start.isoformat(),
                            "--to", end.isoformat())
        head = metrics.ask_one(con, "headline", Filters(start, end))
        assert {key: printed[key] for key in ("followed", "accompanied", "installed",
                                              "people_installed")} == {
            key: head[key] for key in ("followed", "accompanied", "installed",
                                       "people_installed")}
        network = metrics.ask_one(con, "ambassadors", Filters(start, end))
        assert printed["ambassadors_active"] == network["ambassadors_active"]

    check()


@settings(max_examples=40, deadline=None, database=None)
@given(_DAY, _DAY)
def test_any_inverted_period_is_refused(start, end):
    if start > end:
        with pytest.raises(metrics.PeriodError, match="commence le"):
            Filters(start, end)
    else:
        assert metrics.comparison(Filters(start, end)).filters.date_to <= end


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_rate_s_change_in_points_is_the_difference_of_the_rates_shown(now, before):
    """A helper's reading: 29,9 % against 42,4 % was labelled « −12,6 pt », where a reader
    subtracting the rates shown gets −12,5: the change is that of the rates as shown."""
    from pipelines import french

    def shown(value: float) -> float:
        return float(french.percent(value).split("\u00a0")[0].replace(",", "."))

    points = metrics.point_change({"value": now}, {"value": before})
    assert french.points(points) == french.points(shown(now) - shown(before))


MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")


def test_no_cost_is_given_over_a_credit_that_reads_zero(con):
    """A helper's reading (1 December), 15/11/2022 to 31/03/2023, time-decay model: 2 400 €
    over a credit of 0,003, shown « 0,0 », read « 794 557 € ». A cost is the budget over the
    exact credit (the households' shares of the budget add up to it), and none where the
    credit reads 0,0: in the campaigns' table of the pages and in the bilans' credits alike."""
    filters = metrics.Filters(dt.date(2022, 11, 15), dt.date(2023, 3, 31))
    table = metrics.ask(con, "campaign_metrics", filters)
    credits = metrics.ask(con, "campaign_credits", filters)
    zero = found = 0
    for frame, budget, cost, credit in (
            *((table, "budget_selected_eur", f"cost_per_installed_{model}",
               f"installed_{model}") for model in MODELS),
            (credits, "budget_eur", "cost_per_installed_eur", "installed")):
        for row in frame.to_dict("records"):
            if pd.isna(row[budget]) or not row[budget] or pd.isna(row[credit]):
                continue
            if french.number(row[credit], 1) == "0,0":
                zero += row[credit] > 0
                assert pd.isna(row[cost]), row
            else:
                found += 1
                assert row[cost] == pytest.approx(row[budget] / row[credit]), row
    assert zero and found


def test_no_household_s_share_of_a_budget_over_a_credit_that_reads_zero(con):
    """A helper's reading (1 December), 01/11/2021 to 28/11/2021, time-decay model, the web
    campaign's credited households: « Crédit (suivi) 0,0 » beside « Part du budget 490 € »,
    under cards that gave no cost. A household's share is its credit times the cost per
    household followed, none where that cost is none."""
    filters = metrics.Filters(dt.date(2021, 11, 1), dt.date(2021, 11, 28))
    table = metrics.ask(con, "campaign_metrics", filters).set_index("campaign_code")
    checked = 0
    for code in table.index[table["is_known_campaign"]]:
        households = metrics.ask(con, "campaign_households", filters, campaign=code,
                                 model="time_decay", own=False)
        cost = table.loc[code, "cost_per_followed_time_decay"]
        for row in households.to_dict("records"):
            if pd.isna(cost):
                checked += 1
                assert pd.isna(row["cost_share_eur"]), (code, row)
            else:
                assert row["cost_share_eur"] == pytest.approx(row["followed_credit"] * cost,
                                                              rel=1e-5)
    assert checked



def test_a_file_s_main_reason_counts_a_reason_once_whatever_line_it_names(demo_build,
                                                                          tmp_path):
    """« surtout « date invalide : année sur deux chiffres » » for a file whose six other
    rejects were unclosed quotes, each reason naming its own line (« (ligne 12 du fichier) »):
    they are one reason. A tie goes to the first in French order, not to chance."""
    import shutil

    shutil.copy(demo_build["database"], tmp_path / "lot.duckdb")
    with duckdb.connect(str(tmp_path / "lot.duckdb")) as con:
        con.execute("delete from quality.files")
        con.execute("delete from quality.rejects")
        con.execute("insert into quality.files by name select * from (values "
                    "('a.csv', 12, 9), ('b.csv', 12, 8), ('c.csv', 12, 6), ('d.csv', 8, 8)) "
                    "as t(file, read, rejected)")
        rejects = ([("a.csv", f"guillemet ouvert jamais refermé (ligne {n} du fichier)")
                    for n in range(2, 8)] + [("a.csv", "date invalide : année sur deux "
                                                        "chiffres")] * 3
                   + [("b.csv", "valeur obligatoire manquante")] * 4
                   + [("b.csv", "date invalide : année sur deux chiffres")] * 4)
        con.executemany("insert into quality.rejects by name select ? as file, ? as reason",
                        rejects)
        found = metrics.ask_rows(con, "mostly_rejected_files")
    assert [(row["file"], row["reason"]) for row in found] == [
        ("a.csv", "guillemet ouvert jamais refermé"),
        ("b.csv", "date invalide : année sur deux chiffres")]
