"""Page « Campagnes »: its figures equal `kpis --json` (attribution block), its widgets run."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from pipelines import french, metrics
from tests.conftest import ROOT, kpis, open_app, run_cli

APP = str(ROOT / "dashboard" / "app.py")
PAGE = "app_pages/campaigns.py"


@pytest.fixture
def campaigns_page(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_summer_2023_campaign_credits_equal_the_json(campaigns_page, demo_build):
    credits = kpis(demo_build["curated"])["attribution"]
    for model in ("linear", "first_touch", "time_decay"):
        campaigns_page.radio(key="modele").set_value(model).run()
        assert not campaigns_page.exception
        summer = credits[model]["TOUR-ETE-2023"]
        assert _metric(campaigns_page, "Foyers suivis attribués") == fmt.number(
            summer["followed"], 1)
        assert _metric(campaigns_page, "Installations attribuées") == fmt.number(
            summer["installed"], 1)


def test_summer_2023_campaign_shows_its_70_households(campaigns_page):
    shown = [m.value for m in campaigns_page.markdown if "foyers" in m.value]
    assert any(text.startswith("**70 foyers**") for text in shown), shown
    campaigns_page.segmented_control(key="foyers_campagne").set_value(False).run()
    assert not campaigns_page.exception


def _linked(**query: str) -> AppTest:
    """The Campagnes page opened by a link with these URL parameters (OMLOT_CURATED_DIR set)."""
    at = open_app(**query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _page_for_year(demo_build, monkeypatch, year: str) -> AppTest:
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return _linked(periode=year)


def test_a_period_without_any_household_says_so_instead_of_empty_charts(demo_build,
                                                                        monkeypatch):
    """Before the programme (first half of 2019): the models' chart was an empty plot with an
    axis from -1 to 6, the calendar blank space above an empty panel."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = _linked(du="2019-01-01", au="2019-06-30")
    assert any(info.value.startswith("Aucune conversion de la sélection n'est attribuée")
               for info in at.info)
    # no table of sixteen campaigns at 0 (read as results), said instead
    assert any(info.value.startswith("Aucun contact de campagne, aucun foyer et aucun budget")
               for info in at.info)
    assert not [f for f in at.dataframe if "Installations attribuées" in f.value.columns]
    assert any(c.value == "Aucune campagne datée ne court sur la période." for c in at.caption)
    titles = [h.value for h in at.subheader]
    assert "Calendrier des campagnes et nouveaux foyers suivis" in titles


def test_period_filter_applies_to_credits(demo_build, monkeypatch):
    at = _page_for_year(demo_build, monkeypatch, "2023")
    summer = kpis(demo_build["curated"], "--from", "2023-01-01", "--to", "2023-12-31")[
        "attribution"]["linear"]["TOUR-ETE-2023"]
    assert _metric(at, "Foyers suivis attribués") == fmt.number(summer["followed"], 1)


def test_a_campaign_without_households_in_the_period_says_so_in_french(demo_build,
                                                                        monkeypatch):
    """Summer 2023's campaign over 2022: no household of the period; the table's place says
    so (Streamlit's own empty table reads « empty »), and no empty table is drawn."""
    at = _page_for_year(demo_build, monkeypatch, "2022")
    assert any(m.value.startswith("**0 foyer** ") for m in at.markdown)
    assert any(c.value == "Aucune ligne pour cette sélection." for c in at.caption)
    # no contact in the period, and yet credits: the page says why the two differ
    assert _metric(at, "Interactions") == "0"
    assert any(c.value.startswith("Interactions : celles de la campagne datées dans la "
                                  "période")
               for c in at.caption)
    assert all(len(frame.value) for frame in at.dataframe)


def test_every_campaign_and_conversion_view_runs(campaigns_page):
    campaigns_page.segmented_control(key="conversion").set_value("followed").run()
    for code in campaigns_page.selectbox(key="campagne_detail").options[:4]:
        campaigns_page.selectbox(key="campagne_detail").set_value(code).run()
        assert not campaigns_page.exception


def test_campaign_metrics_mart_credits_add_up_to_the_funnel(demo_build):
    figures = kpis(demo_build["curated"])
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        for model in ("first_touch", "last_touch", "linear", "time_decay", "position_based"):
            followed, installed = con.execute(
                f"select sum(followed_{model}), sum(installed_{model}) "
                "from marts.campaign_metrics").fetchone()
            assert followed == pytest.approx(figures["followed"])
            assert installed == pytest.approx(figures["installed"])


def test_the_campaign_calendar_is_one_trace_per_channel_in_calendar_order(demo_build):
    """A region's calendar holds hundreds of campaigns: one bar trace per channel (a trace per
    campaign made the figure most of the page's run), every campaign still on its own row, in
    the calendar's order, coloured by its channel, its dates in its hover."""
    import pandas as pd

    from dashboard import charts, queries
    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        calendar = metrics.ask(con, "campaign_calendar")
        trend = metrics.ask(con, "monthly")
    refs = queries.Reference(lookback_days=365, half_life_days=30.0,
        channel_labels={"salon": "Salons"}, channel_colours={"salon": "#123456"},
        stage_labels={}, current_stage_labels={}, stage_colours={}, models={},
        model_colours={}, type_colours={})
    fig = charts.campaign_timeline(calendar, trend, refs)
    bars = [trace for trace in fig.data if trace.orientation == "h"]
    assert len(bars) == calendar["channel"].nunique() < len(calendar)
    # every campaign on its row, in the calendar's order, its name above its bar
    rows = sorted(row for trace in bars for row in trace.y)
    assert rows == list(range(len(calendar)))
    assert _names_above_bars(fig) == list(calendar["campaign_label"])
    salon = next(trace for trace in bars if trace.marker.color == "#123456")
    first = calendar[calendar["channel"] == "salon"].iloc[0]
    row = calendar.index.get_loc(first.name)
    assert salon.y[0] == row
    assert list(salon.customdata[0]) == [first["campaign_label"],
                                         f"{fmt.date(first['start_date'])} → "
                                         f"{fmt.date(first['end_date'])}"]
    assert pd.Timestamp(salon.base[0]) == pd.Timestamp(first["start_date"])
    # the bars' axis is a date axis: guessed from their lengths (numbers), it was linear and
    # plotly.js drew every campaign of a trace from the axis' start (seen in a screenshot)
    assert {trace.xaxis for trace in bars} == {"x"}
    assert fig.layout.xaxis.type == "date"
    # the colours are said: each channel once in the legend, under the chart (a helper found
    # bars coloured by channel with nothing saying so)
    assert fig.layout.showlegend and fig.layout.legend.yref == "container"
    assert salon.name == "Salons" and all(trace.showlegend is not False for trace in bars)
    assert not [t for t in fig.data if t.orientation != "h" and t.showlegend is not False]


def test_the_calendar_of_a_period_holds_the_campaigns_running_in_it(demo_build):
    """A region's hundreds of campaigns made the calendar of one year as tall as the whole
    programme's: a period's calendar holds the campaigns running at some point of it (started
    on or before its end, ended on or after its start), in the same order."""
    import datetime as dt

    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        whole = metrics.ask(con, "campaign_calendar")
        summer = metrics.ask(con, "campaign_calendar", metrics.Filters(
            date_from=dt.date(2023, 7, 1), date_to=dt.date(2023, 8, 31)))
    import pandas as pd

    running = whole[(whole["start_date"] <= pd.Timestamp(2023, 8, 31))
                    & (whole["end_date"] >= pd.Timestamp(2023, 7, 1))]
    assert 0 < len(summer) < len(whole)
    assert list(summer["campaign_code"]) == list(running["campaign_code"])
    assert any(label.startswith("Été 2023") for label in summer["campaign_label"])
    # and its time axis is the period's, not the years of the longest campaigns
    from dashboard import charts, queries

    refs = queries.Reference(lookback_days=365, half_life_days=30.0,
        channel_labels={}, channel_colours={}, stage_labels={}, current_stage_labels={},
        stage_colours={}, models={}, model_colours={}, type_colours={})
    trend = pd.DataFrame({"measure": ["followed"], "month": [pd.Timestamp(2023, 7, 1)],
                          "households": [3]})
    fig = charts.campaign_timeline(summer, trend, refs,
                                   (dt.date(2023, 7, 1), dt.date(2023, 8, 31)))
    assert [pd.Timestamp(x) for x in fig.layout.xaxis.range] == [
        pd.Timestamp(2023, 7, 1), pd.Timestamp(2023, 9, 1)]
    # whole months, each named once, each bar across its month: ten days of July showed no
    # bar (drawn on 1 July), a season named each month three times
    fig = charts.campaign_timeline(summer, trend, refs,
                                   (dt.date(2023, 7, 10), dt.date(2023, 7, 20)))
    assert [pd.Timestamp(x) for x in fig.layout.xaxis.range] == [
        pd.Timestamp(2023, 7, 1), pd.Timestamp(2023, 8, 1)]
    assert fig.layout.xaxis.dtick == "M1" and fig.layout.xaxis2.dtick == "M1"
    [monthly] = [trace for trace in fig.data if trace.orientation != "h"]
    assert (monthly.xperiod, monthly.xperiodalignment) == ("M1", "middle")
    # within one year, the month alone on both axes (« janv. 2021 » twelve times stood slanted,
    # the axes half a month apart, December's name dropped); across two, with its year
    assert fig.layout.xaxis.tickformat == fig.layout.xaxis2.tickformat == "%b"
    winter = charts.campaign_timeline(summer, trend, refs,
                                      (dt.date(2023, 11, 1), dt.date(2024, 2, 29)))
    assert winter.layout.xaxis2.tickformat == "%b %Y"
    # no household in the selection: the months' axis from 0, not from -1
    empty = charts.campaign_timeline(summer, trend.assign(households=0), refs,
                                     (dt.date(2023, 7, 1), dt.date(2023, 8, 31)))
    assert list(empty.layout.yaxis2.range) == [0, 1]


def _names_above_bars(fig) -> list[str]:
    """The rows' names of a horizontal bar chart drawn with their names above their bars, top
    to bottom, as read (line breaks joined)."""
    import html

    notes = sorted(fig.layout.annotations, key=lambda note: note.y)
    assert [note.y for note in notes] == list(range(len(notes)))
    assert all(note.xref == "paper" and note.x == 0 and note.yanchor == "bottom"
               for note in notes)
    return [html.unescape(note.text.replace("<br>", " ")) for note in notes]


def test_the_models_chart_names_each_campaign_above_its_bars_for_a_phone(demo_build):
    """Beside their bars, the campaigns' names took two thirds of a phone's width (the bars had
    110 px of 390): each name stands above its five bars, which start at the plot's left edge,
    and no name is a tick label; the campaign with most credits on top, each hover names its
    campaign."""
    from dashboard import charts, queries
    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        table = metrics.ask(con, "campaign_metrics")
        refs = queries.Reference(lookback_days=365, half_life_days=30.0,
            channel_labels={}, channel_colours={}, stage_labels={}, current_stage_labels={},
            stage_colours={}, models=dict(con.execute(
                "select model, label from ref.attribution_models order by model_order"
            ).fetchall()), model_colours={}, type_colours={})
    refs.model_colours.update({model: "#000000" for model in refs.models})
    fig = charts.models_side_by_side(charts.credited(table, "installed", refs), "installed",
                                     refs)
    shown = table[(table[[f"installed_{m}" for m in refs.models]] > 0).any(axis=1)]
    order = shown.sort_values("installed_linear", ascending=False, kind="stable")[
        "campaign_label"]
    assert _names_above_bars(fig) == list(order)
    assert fig.layout.yaxis.showticklabels is False
    assert len(fig.data) == len(refs.models)
    for trace in fig.data:
        assert list(trace.y) == list(range(len(order)))
        assert [name for name, _ in trace.customdata] == [charts._text(label)
                                                          for label in order]
        # (« 1,0 foyers », « 0,5 foyers »: the noun agrees with the credit shown)
        for credit, (_, shown) in zip(trace.x, trace.customdata, strict=True):
            assert shown == fmt.number(credit, 1) + (" foyer" if french.rounded(credit, 1) < 2
                                                      else " foyers"), shown
        assert "%{customdata[0]}" in trace.hovertemplate
    # the bars below their name: each row's bars within its tick and the next row's name
    offsets = [trace.offset for trace in fig.data]
    assert 0 < min(offsets) and max(offsets) + fig.data[-1].width < 1 - 0.3
    # two rows' worth of room per name at least: a long name on two lines never covers bars
    top, bottom = fig.layout.yaxis.range[1], fig.layout.yaxis.range[0]
    assert top < -0.3 and bottom > len(order) - 1

    # a region's hundreds of campaigns: the most credited only (the table has them all)
    import pandas as pd

    many = pd.concat([table.assign(campaign_label=table["campaign_label"] + f" ({i})",
                                   installed_linear=table["installed_linear"] + i)
                      for i in range(4)], ignore_index=True)
    fig = charts.models_side_by_side(charts.credited(many, "installed", refs), "installed",
                                     refs)
    expected = charts.credited(many, "installed", refs)["campaign_label"].head(
        charts.MODELS_TOP)
    assert len(charts.credited(many, "installed", refs)) > charts.MODELS_TOP
    assert _names_above_bars(fig) == list(expected)
    assert list(expected)[0].endswith("(3)") and list(expected)[1].endswith("(2)")


def test_a_campaign_s_contact_kinds_fit_a_phone_s_legend(demo_build):
    """A kind of contact names its place (« Portrait site touristique – Phosphatières du Cloup
    d'Aural »): its legend entry runs on two lines rather than past a phone's edge."""
    from dashboard import charts
    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        touches = metrics.ask(con, "campaign_touches", campaign="TOUR-ETE-2023")
    assert touches["interaction_type"].str.len().max() > charts.LEGEND_CHARS
    fig = charts.touches_by_week(touches)
    lines = [line for trace in fig.data for line in trace.name.split("<br>")]
    assert max(len(line) for line in lines) <= charts.LEGEND_CHARS
    # one entry per line on a phone: the legend's share of the figure holds every line
    # (a shorter one scrolled over the bars and hid the last kind)
    assert fig.layout.height * fig.layout.legend.maxheight >= charts.LEGEND_LINE_PX * len(lines)
    assert {trace.name.replace("<br>", " ") for trace in fig.data} == set(
        touches["interaction_type"])
    # « semaine du 26/06/2023 : 1 contacts »: the noun agrees with its count, and is the
    # card's (« Interactions »: the axis said « contacts »)
    shown = {(int(n), text) for trace in fig.data
             for n, (_, text) in zip(trace.y, trace.customdata, strict=True)}
    assert (1, "1 interaction") in shown and all(
        text == f"{n} interaction{'s' if n > 1 else ''}" for n, text in shown if n < 1000)
    assert fig.layout.yaxis.title.text == "interactions"


def test_a_week_cut_by_the_period_says_which_days_it_counts(demo_build):
    """The weekly bars of a campaign stand on Mondays: over a period starting on Saturday
    1 July 2023, the first bar said « semaine du 26/06/2023 » for the two days it counts."""
    import datetime as dt

    from dashboard import charts
    from pipelines import metrics

    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        touches = metrics.ask(con, "campaign_touches",
                              metrics.Filters(dt.date(2023, 7, 1), dt.date(2023, 8, 16)),
                              campaign="TOUR-ETE-2023")
    days = {day for trace in charts.touches_by_week(touches).data
            for day, _ in trace.customdata}
    assert "du 01/07/2023 au 02/07/2023" in days and "semaine du 03/07/2023" in days
    assert "du 14/08/2023 au 16/08/2023" in days
    assert not any("26/06/2023" in day or "20/08/2023" in day for day in days)


@pytest.mark.parametrize("label", [
    "Salon Vivre en Occitanie : Paris", "Soirée internes « Choisir le Lot »",
    "Portrait d'un site : Grottes de Lacave", "Immersion ! Employeurs du Figeacois"])
def test_a_wrapped_label_never_starts_a_line_with_a_colon_or_ends_one_with_a_guillemet(label):
    """French typography: « : », « ; », « ! », « ? » and « » » hold to the word before them,
    « « » to the word after: a campaign's label cut on two lines keeps them together."""
    from dashboard import charts
    wrapped = charts._wrap(label, 20)
    assert wrapped.count("<br>") == 1 and wrapped.replace("<br>", " ") == label
    first, second = wrapped.split("<br>")
    assert not second.startswith((":", ";", "!", "?", "»")) and not first.endswith("«")


def test_over_a_period_the_campaigns_that_bring_installations_come_first(demo_build,
                                                                         monkeypatch):
    """Over summer 2023 the table listed the 2020–2022 campaigns first, at 0: it is ranked
    by the model's installations, then households followed (campaigns with nothing in the
    selection last), and says which part of each budget a period counts."""
    at = _page_for_year(demo_build, monkeypatch, "ete-2023")
    table = next(frame.value for frame in at.dataframe
                 if "Installations attribuées" in frame.value.columns)
    table = getattr(table, "data", table)
    assert table["Campagne"].iloc[-1].startswith("Non attribué")  # no campaign: last
    table = table.iloc[:-1]
    ranks = list(zip(table["Installations attribuées"], table["Foyers suivis attribués"],
                     strict=True))
    assert ranks == sorted(ranks, reverse=True) and ranks[0][0] > 0 and ranks[-1] == (0, 0)
    assert any("Budget de la sélection : sur une période" in c.value for c in at.caption)
    budget = next(m for m in at.metric if m.label.startswith("Budget des campagnes"))
    assert budget.label == "Budget des campagnes (sélection)" and "jours" in budget.help
    whole = _page_for_year(demo_build, monkeypatch, "tout")
    assert not any("Budget de la sélection" in c.value for c in whole.caption)


def test_a_household_s_share_of_the_budget_sits_beside_the_credit_it_follows(campaigns_page,
                                                                              demo_build):
    """« Part du budget » is the budget split by the households' followed credits (the cost
    per household followed, household by household): shown beside « Crédit (installation) »
    alone, an installed household at 1,0 « cost » 159 € against 1 250 € per installation on
    the card above. The credit it follows is the column before it, and it is that cost."""
    campaigns_page.segmented_control(key="foyers_campagne").set_value(False).run()
    households = campaigns_page.dataframe[-1]
    order = list(households.proto.column_order)
    assert order[order.index("Part du budget (€)") - 1] == "Crédit (suivi)"
    frame = households.value
    frame = getattr(frame, "data", frame)
    # (the stage written as on Entonnoir: « accompagné » here, « Accompagné » there)
    assert set(frame["Étape"]) == {"Suivi", "Accompagné", "Installé"}
    credited = frame[frame["Crédit (suivi)"] > 0]
    ratios = (credited["Part du budget (€)"] / credited["Crédit (suivi)"]).round(6)
    assert len(credited) > 10 and ratios.nunique() == 1
    from pipelines import metrics
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        summer = metrics.ask(con, "campaign_metrics").set_index("campaign_code").loc[
            "TOUR-ETE-2023"]
    # (the cost divides by credits to the sixth decimal: equal to a millionth of a euro)
    assert ratios.iloc[0] == pytest.approx(summer["cost_per_followed_linear"], abs=1e-4)
    assert any("par le modèle « Linéaire »" in m.value for m in campaigns_page.markdown)


def test_conversions_without_a_recent_contact_say_the_window(campaigns_page):
    """« Installations sans contact 45,4 % » read as « no contact at all », where most of
    those households had one, earlier than the attribution window: the cards say « récent »
    and their help the window's length."""
    from pipelines import config
    for label in ("Suivis sans contact récent", "Installations sans contact récent"):
        card = next(m for m in campaigns_page.metric if m.label == label)
        assert f"dans les {config.LOOKBACK_DAYS}" in card.help.replace("\u202f", "")
    budget = next(m for m in campaigns_page.metric if m.label == "Budget des campagnes")
    assert "sur toute leur durée" in budget.help


def test_the_models_help_gives_each_models_worked_example_in_a_line_that_sums_to_one(
        campaigns_page):
    """The example's credits are computed, not written: each model's line shares one
    household, 1,00, between the three campaigns; in French (« newsletter » was English), and
    short enough for the tooltip, which cut its last model at 1280 × 900."""
    radio = next(r for r in campaigns_page.radio if r.label == "Modèle d'attribution des coûts")
    lines = [line for line in radio.help.splitlines() if line.startswith("- ")]
    assert len(lines) == len(radio.options)
    for line in lines:
        credits = re.findall(r"(?:salon|site web|lettre) (\d,\d\d)", line)
        assert len(credits) == 3, line
        assert abs(sum(float(c.replace(",", ".")) for c in credits) - 1) < 0.015, line
    assert "newsletter" not in radio.help.lower()
    assert len(radio.help) < 1000


def test_a_campaign_filter_narrows_the_campaigns_table_its_budget_and_its_credits(demo_build,
                                                                                 monkeypatch):
    """Helper's finding: under « Campagne d'origine du foyer » = the 2023 agriculture fair, the
    subtitle named the fair while the table, the models' chart and the budget card were the
    whole programme's (site web 25,4 installations, 322 k€). A campaign filter now works as a
    channel filter does: those campaigns' touches and budgets, the credits of the households
    whose dossier names them (whichever campaign they go to), adding up to their funnel."""
    fair = ("SALON-SIA-2023",)
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        selection = metrics.Filters(campaigns=fair)
        table = metrics.ask(con, "campaign_metrics", selection)
        funnel = metrics.ask_one(con, "headline", selection)
        budget = con.execute("select budget_eur::double from core.campaigns "
                             "where campaign_code = ?", fair).fetchone()[0]
    assert 0 < funnel["installed"] < funnel["followed"] < 20
    for model in ("first_touch", "last_touch", "linear", "time_decay", "position_based"):
        assert table[f"followed_{model}"].sum() == pytest.approx(funnel["followed"])
        assert table[f"installed_{model}"].sum() == pytest.approx(funnel["installed"])
    assert set(table.loc[table["touches"] > 0, "campaign_code"]) == set(fair)
    assert table["budget_selected_eur"].sum() == budget
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = _linked(campagnes=fair[0])
    assert _metric(at, "Budget des campagnes (sélection)") == fmt.compact_euros(budget)
    shown = next(f.value for f in at.dataframe if "Installations attribuées" in f.value.columns)
    assert shown["Installations attribuées"].sum() == pytest.approx(funnel["installed"])
    assert any("Avec un filtre de campagne : les contacts de ces campagnes, et les crédits des "
               "foyers dont le dossier les cite" in c.value for c in at.caption)
    # the calendar keeps every campaign of the period (it follows no household): said so (it
    # read « tous canaux confondus » beside the fair's filter)
    at = _linked(campagnes=fair[0], periode="2023")
    assert any("toutes, quels que soient les filtres de canal et de campagne" in c.value
               for c in at.caption)
    # and over the whole programme (it was said only with a period)
    at = _linked(campagnes=fair[0], periode="tout")
    assert any("campagnes datées : toutes, quels que soient les filtres" in c.value
               for c in at.caption)


def test_more_installations_than_households_credited_is_explained(campaigns_page, demo_build):
    """A committee reader saw SANTE-INT-2024 with 6,9 installations for 5,6 households
    credited: contacts after a household's first contact count for its installation only.
    Where the demo has such a campaign, the page says why."""
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        [(more,)] = con.execute("select count(*) from marts.campaign_metrics "
                                "where installed_linear > followed_linear").fetchall()
    assert more > 0
    assert any("plus d'installations que de foyers suivis attribués" in c.value
               for c in campaigns_page.caption)


def test_the_detail_follows_the_campaign_filter_and_its_chart_counts_its_card(demo_build,
                                                                             monkeypatch):
    """Helper's finding: under « Campagne d'origine du foyer » = SANTE-INT-2024 the detail
    opened on the summer 2023 campaign, its card « Interactions 0 » over a chart of its 1 106
    contacts. The detail offers the filter's campaigns, and its chart counts its card."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    for query in ({"campagnes": "SANTE-INT-2024"},
                  {"campagnes": "SANTE-INT-2024", "canaux": "sante,salon"}):
        at = _linked(**query)
        detail = at.selectbox(key="campagne_detail")
        assert detail.value == "SANTE-INT-2024" and detail.options == [detail.format_func(
            "SANTE-INT-2024")]
        filters = metrics.Filters(channels=tuple(query.get("canaux", "").split(",")) if
                                  "canaux" in query else (), campaigns=("SANTE-INT-2024",))
        with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
            charted = metrics.ask(con, "campaign_touches", filters,
                                  campaign="SANTE-INT-2024")["touches"].sum()
        assert _metric(at, "Interactions") == fmt.number(charted) and charted > 0
        # its cost counts the filter's households only: said beside the bilan's button
        assert any("le coût y est plus élevé que dans le bilan de la campagne" in c.value
                   for c in at.caption)


def test_under_a_channel_filter_the_detail_offers_that_channel_s_campaigns(demo_build,
                                                                          monkeypatch):
    """A helper's reading (1 December): under « Tourisme » the detail offered every channel's
    campaigns; a trade fair's read « Interactions 0 » and « Aucun contact de cette campagne
    dans la période » beside its 470 contacts of the year (the filter selects the contacts of
    its channels). It offers the campaigns of the chosen channels; none, it says so."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        channel_of = dict(con.execute(
            "select campaign_label, channel from core.campaigns").fetchall())
    at = _linked(periode="2023", canaux="tourisme", campagne="SALON-SIA-2023")
    detail = at.selectbox(key="campagne_detail")
    assert detail.options and {channel_of[label] for label in detail.options} == {"tourisme"}
    assert detail.value != "SALON-SIA-2023" and _metric(at, "Interactions") != "0"
    # the link's campaign, not offered here, is said (it was dropped without a word)
    assert any(w.value.replace("\\", "").startswith(
        "Le lien nomme une campagne que ce détail ne propose pas ici (« SALON-SIA-2023 »")
        for w in at.warning)  # (the code escaped as Markdown text: « SALON\\-SIA »)
    at = _linked(periode="2023", canaux="autre")
    assert "campagne_detail" not in {box.key for box in at.selectbox}
    assert any("Aucune campagne des canaux choisis" in info.value for info in at.info)
    # a campaign filter and a channel filter that do not meet: said as such (it told to
    # remove the channel filter, whose channel has campaigns)
    at = _linked(periode="2023", canaux="tourisme", campagnes="SALON-SIA-2023")
    assert "campagne_detail" not in {box.key for box in at.selectbox}
    assert any(info.value.startswith("Les campagnes du filtre ne sont pas des canaux "
                                     "choisis et n'y ont aucun contact") for info in at.info)


def test_a_campaigns_export_without_budgets_is_no_budget_of_zero(demo_build, tmp_path,
                                                                 monkeypatch):
    """Helper's finding: a campaigns export of « Code campagne;Nom » gave « Budget des
    campagnes 0 € » (nothing spent) beside « – » for every cost; the card says there is no
    budget and where to look. And the overview's contact cards say, under a campaign filter,
    whose contacts they count."""
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(demo_build["raw"], raw)
    (raw / "campagnes.csv").write_text(
        "Code campagne;Nom\nTOUR-ETE-2023;Été 2023\nSANTE-INT-2024;Internes 2024\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = _linked()
    card = next(m for m in at.metric if m.label == "Budget des campagnes")
    assert card.value == "–" and "Qualité des données" in card.help
    overview = open_app(campagnes="SANTE-INT-2024")
    touched = next(m for m in overview.metric if m.label == "Personnes touchées")
    assert "les contacts de ces campagnes, quelle que soit la personne touchée" in touched.help


def test_a_short_campaign_s_chart_has_a_tick_per_week_not_repeated_dates():
    """A one-day campaign's weekly chart repeated « 10/03/2024 » and « 11/03/2024 » on its
    axis (plotly ticked every half day under a day-only format)."""
    from dashboard import charts

    one_week = pd.DataFrame({"week": [dt.date(2024, 3, 4)], "first_day": [dt.date(2024, 3, 10)],
                             "last_day": [dt.date(2024, 3, 10)],
                             "interaction_type": ["Formulaire web"], "touches": [1],
                             "persons": [1]})
    axis = charts.touches_by_week(one_week).layout.xaxis
    assert axis.dtick == 7 * 86_400_000 and str(axis.tick0).startswith("2024-03-04")


def test_no_campaign_alone_has_no_campaign_detail_to_show(demo_build, monkeypatch):
    """Helper's finding: under « (sans campagne) » the detail opened on « Été 2023 » with
    « Interactions 0 » and « Aucun contact de cette campagne dans la période » where it had
    1 106 in 2023: that filter selects no campaign's contact; the page says so."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = _linked(periode="2023", campagnes="(sans)")
    assert not [s for s in at.selectbox if s.key == "campagne_detail"]
    assert any(i.value.startswith("Le filtre ne retient que des foyers dont le dossier ne cite "
                                  "aucune campagne") for i in at.info)
    assert not any(m.label == "Interactions" for m in at.metric)


def test_credits_keep_their_decimal_when_a_selection_s_are_whole():
    """A helper's reading: under a campaign filter the table showed « Installations attribuées
    3 » and « 0 » where every card and the bilan write credits « 3,0 »: a column the page
    formats « %.1f » keeps its decimal whatever its values; a count stays whole."""
    import pandas as pd
    import streamlit as st

    from dashboard import widgets

    frame = pd.DataFrame({"Installations attribuées": [3.0, 0.0], "Foyers": [3, 0]})
    config = {"Installations attribuées": st.column_config.NumberColumn(format="%.1f")}
    html = widgets._french_numbers(frame, dict(config)).to_html()
    assert ">3,0<" in html and ">0,0<" in html and ">3<" in html


def test_a_count_of_zero_or_one_in_a_card_s_help_is_singular(demo_build, monkeypatch):
    """The summer campaign's « Suivis sans contact récent » said « 0 foyers sur 70 »: French
    writes 0 and 1 in the singular (fmt.counted)."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = _linked(periode="tout", campagnes="TOUR-ETE-2023")
    helps = {m.label: m.help for m in at.metric}
    followed = helps["Suivis sans contact récent"]
    assert followed.startswith("0 foyer sur "), followed
    for label in ("Suivis sans contact récent", "Installations sans contact récent"):
        assert not re.match(r"[01] \w+s ", helps[label]), helps[label]


def test_a_card_s_help_agrees_with_one_household_and_says_an_empty_selection(demo_build,
                                                                             monkeypatch):
    """A helper's reading: over a day of one household « 1 foyer sur 1 … avant leur premier
    contact : crédités à leur propre campagne », « 1 installation … : créditées »; over a month
    with nobody, « 0 installation sur 0 » under « – »."""
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    one = {m.label: m.help for m in _linked(periode="perso", du="2020-01-04",
                                            au="2020-01-04").metric}
    followed = one["Suivis sans contact récent"]
    installed = one["Installations sans contact récent"]
    # (none of the one: nothing credited elsewhere is said)
    assert re.fullmatch(r"0 foyer sur 1 sans contact de campagne dans les \d+ jours avant son "
                        r"premier contact\.", followed), followed
    assert installed.startswith("1 installation sur 1 "), installed
    assert "(elle a pu en avoir plus tôt) : créditée à la campagne du foyer" in installed
    empty = {m.label: m.help for m in _linked(periode="perso", du="2025-03-01",
                                              au="2025-03-31").metric}
    assert empty["Installations sans contact récent"] == "Aucune installation dans la sélection."
    assert empty["Suivis sans contact récent"] == "Aucun foyer suivi dans la sélection."
