"""The programme bilan for a period: headline figures against the comparison window, targets,
the funnel, channels, campaigns, ambassadors, territory and data quality; every figure asked
of the metrics layer, protected by the small-count rule, each section opened by sentences
written from the published figures."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from .. import config, contract, french, metrics
from . import render
from .blocks import (
    PROGRAMME,
    SHORT_TABLE_ROWS,
    Context,
    bar,
    bars,
    card,
    cards,
    column,
    note,
    one_line,
    section,
    table,
)
from .disclosure import (
    BLANKED,
    SECONDARY,
    SMALL,
    Table,
    gives_away,
    is_small,
    territory_table,
)

ACCENT, GREY = "#1f4e79", "#9aa5b1"
# Installations beside each channel's own colour: a colour no channel has (in the channel's
# green, Tourisme's « suivis » read as the legend's « installés »)
INSTALLED = "#3b3b3b"


def document(ctx: Context, filters: metrics.Filters) -> dict:
    """The programme bilan of a period (the filters' channels and campaigns are not used: the
    bilan is the programme's)."""
    filters = metrics.Filters(filters.date_from, filters.date_to)
    bounds = ctx.ask_one("period_bounds")
    period = french.period(filters.date_from, filters.date_to)
    headline = Headline(ctx, filters, bounds["first_date"], bounds["last_date"])
    # (a period without a household: the funnel, the channels, the campaigns' credits and the
    # territory said « Sur 0 foyers suivis, 0 ont été accompagnés (–) », « le canal Salons
    # apporte le plus de foyers (0 sur 0) », « 0 foyers … dans 0 communes »)
    households = bool(headline.now["followed"])
    # (the campaigns that spent or touched people in a period without a new household: the
    # bilan of December 2024 said nothing of its 704 € where the page showed them)
    spent = households or any(row["touches"] or row["budget_selected_eur"]
                              for row in ctx.ask_rows("campaign_metrics", filters))
    # (after the data date nothing is known, not zero: « aucun n'a adhéré pendant la
    # période » and a referral table of zeros followed « aucun chiffre n'y est encore connu »)
    known = not metrics.after_data(filters, ctx.data_date)
    sections = [
        headline.section(),
        targets_section(ctx, filters),
        *([funnel_section(ctx, filters, period),
           channels_section(ctx, filters, period, headline)] if households else []),
        *([campaigns_section(ctx, filters, period, headline)] if spent else []),
        *([ambassadors_section(ctx, filters, period, headline)] if known else []),
        *([territory_section(ctx, filters, period, headline)] if households else []),
        quality_section(ctx),
    ]
    return {
        "kicker": PROGRAMME,
        "title": "Bilan du programme",
        "subtitle": french.capitalise(period) + " (premier contact des foyers)",
        "header": "Oh my Lot ! – bilan du programme",
        "footer": f"Données au {french.date(ctx.data_date)} · base construite le "
                  f"{ctx.built_at:%d/%m/%Y à %H:%M}",
        "meta": [
            f"Foyers : ceux dont le premier contact avec le réseau d'accueil tombe dans la "
            f"période (cohortes), et leurs installations quelle qu'en soit la date. Données au "
            f"{french.date(ctx.data_date)} (dernière date des exports).",
            ctx.secret_note(),
        ],
        "sections": sections,
    }


# --- Chiffres clés -------------------------------------------------------------------------

# Figures of the headline, whether the small-count rule applies (households, persons).
HEADLINE = {
    "followed": ("Foyers suivis", True),
    "accompanied": ("Foyers accompagnés", True),
    "installed": ("Foyers installés", True),
    "people_installed": ("Personnes installées", True),
    "ambassadors": ("Ambassadeurs", True),
    "ambassadors_active": ("Ambassadeurs actifs", True),
    "contacts": ("Personnes touchées", True),
    "interactions": ("Interactions", False),
}
# A figure not protected itself that would give a masked one away when small: at least one
# person each, « Interactions 1 » beside « Personnes touchées < 5 » said there was one.
SHADOWS = {"interactions": "contacts"}


class Headline:
    """The period's headline figures and those of its comparison window, as published."""

    def __init__(self, ctx: Context, filters: metrics.Filters,
                 first_date: dt.date | None, last_date: dt.date | None = None) -> None:
        self.ctx, self.filters = ctx, filters
        self.first_date, self.last_date = first_date, last_date
        # (none before the programme's first contact, nor after its last: metrics.comparison)
        self.window = metrics.comparison(filters, first_date=first_date, last_date=last_date)
        self.now = self._figures(filters)
        self.before = self._figures(self.window.filters) if self.window else None
        self.horizon = ctx.ask_one("cohort_horizon", filters)
        self.provisional = metrics.installations_provisional(
            self.horizon,
            ctx.ask_one("cohort_horizon", self.window.filters) if self.window else None)
        self.table = Table(ctx.threshold)
        for key, (_, protected) in HEADLINE.items():
            self.table.add(("now", key), self.now[key] if protected else 0)
            if self.before:
                self.table.add(("before", key), self.before[key] if protected else 0)
        self.table.protect()

    def _figures(self, filters: metrics.Filters) -> dict:
        return {**self.ctx.ask_one("headline", filters),
                **self.ctx.ask_one("ambassadors", filters),
                **self.ctx.ask_one("reach", filters)}

    def masked(self, key: str, when: str = "now") -> bool:
        if key in SHADOWS:
            figures = self.now if when == "now" else self.before
            return gives_away(figures[key], self.table.masked((when, SHADOWS[key])),
                              self.ctx.threshold)
        return self.table.masked((when, key))

    def published(self, measures: tuple[str, ...]) -> set[str]:
        """Those of `measures` the cards publish exactly: a table that totals them cannot hide
        its total (« Ensemble 74 22 14 (s) » beside the cards' 8 installed gave the one
        channel masked back), so its secret falls on its other figures."""
        return {key for key in measures if not self.masked(key)}

    def text(self, key: str, when: str = "now") -> str:
        figures = self.now if when == "now" else self.before
        if not HEADLINE[key][1]:
            return self.ctx.small() if self.masked(key, when) else french.number(figures[key])
        return self.table.text((when, key), french.number)

    def rate(self, rate: dict, part: str, whole: str, when: str = "now") -> str:
        """A rate of two headline figures, withheld when either is masked."""
        if self.masked(part, when) or self.masked(whole, when) or rate["value"] is None:
            return "–"
        return french.percent(rate["value"])

    def against(self) -> str:
        """The comparison window in a card's words (its dates are said once, under the cards:
        the summer's bilan repeated « (du 01/07/2022 au 31/10/2022) » under each of eight)."""
        window = self.window
        if window.rule == "previous_year":
            return f"{window.filters.date_from.year}"
        return self._window_words()

    def change(self, key: str) -> str | None:
        if not self.before:
            return None
        if self.masked(key) or self.masked(key, "before"):
            # (as the other cards say it: « la même période un an plus tôt : < 5 » began in
            # lower case)
            return f"{self.text(key, 'before')} pour {self.against()}"
        moved = metrics.change(self.now[key], self.before[key])
        # (a cohort still installing: provisional, as the page says it, never a fall)
        provisional = " (provisoire)" if (key in metrics.STILL_INSTALLING
                                          and self.provisional) else ""
        return (f"{french.change(moved['difference'], moved['relative'])}{provisional} par "
                f"rapport {french.to_the(self.against())}")

    def section(self) -> dict:
        now = self.now
        if metrics.after_data(self.filters, self.ctx.data_date):
            # (« aucun chiffre n'y est encore connu » above eight cards reading « 0 »)
            return section("Chiffres clés", [self._story()], [])
        items = [card(label, self.text(key), self.change(key))
                 for key, (label, _) in HEADLINE.items() if key not in ("ambassadors",)]
        rate_text = self.rate(now["installed_rate"], "installed", "followed")
        rate_detail = "des foyers suivis" + ("" if self.horizon["is_complete"]
                                             else " (provisoire)")
        if rate_text == "–":
            # (« – » over « des foyers suivis (provisoire) » said nothing of why)
            rate_detail = ("aucun foyer suivi" if not now["followed"]
                           else "non publié (secret statistique)")
        if self.before and rate_text != "–":
            before = self.rate(self.before["installed_rate"], "installed", "followed", "before")
            points = metrics.point_change(now["installed_rate"], self.before["installed_rate"])
            if before != "–" and points is not None:
                rate_detail += (f" ; {french.points(points)}"
                                f"{' (provisoire)' if self.provisional else ''} par rapport "
                                f"{french.to_the(self.against())}")
        items.insert(4, card(metrics.INSTALLED_RATE_NAME, rate_text, rate_detail))
        sentences = [self._story()]
        if self.window and metrics.first_contacts_stop_within(self.filters, self.last_date):
            # (as the overview says it: July 2024 – June 2025 on a CRM export ending in
            # November 2024 read « −156 (−85,2 %) » against a whole year before)
            sentences.append(
                f"Les premiers contacts des exports s'arrêtent au "
                f"{french.date(self.last_date)}, avant la fin de la période : ses foyers sont "
                "comparés à ceux d'une période de comparaison entière, l'évolution paraît donc "
                "en baisse.")
        if self.window:
            # (« Ambassadeurs actifs +103 par rapport à 2022 » read as a network grown more
            # active: both periods count by today's status, the only one the export holds)
            # (french.period: « le 15/06/2023 » for one day, « du … au … » read twice)
            sentences.append(
                f"Les évolutions comparent {french.to_the(self._window_words())} : "
                f"{french.period(self.window.filters.date_from, self.window.filters.date_to)}"
                " ; les ambassadeurs actifs, des deux périodes, selon leur statut dans le "
                "dernier export.")
        if not self.horizon["is_complete"] and now["followed"]:
            sentences.append(
                f"Les installations sont provisoires : les foyers contactés après le "
                f"{french.date(self.horizon['complete_until'])} n'ont pas encore eu "
                f"{self.horizon['horizon_months']} mois pour s'installer"
                # (« n'est donc pas une baisse » claimed too much: part of it may be one)
                + (" ; leur évolution n'est donc pas encore interprétable." if self.before
                   else "."))
        elif self.before and self.provisional:
            sentences.append(
                "Les installations de la période de comparaison sont provisoires : ses foyers "
                f"n'ont pas tous eu {self.horizon['horizon_months']} mois pour s'installer.")
        return section("Chiffres clés", sentences, [cards(items)])

    def _window_words(self) -> str:
        return self.window.name

    def _story(self) -> str:
        """The period's households and those of them installed since, counted as every
        figure of the bilan counts them: by their first contact (« 43 familles se sont
        installées » over 2023 read as the installations of 2023, when 3 were)."""
        period = french.capitalise(french.period(self.filters.date_from, self.filters.date_to))
        followed, installed = self.now["followed"], self.now["installed"]
        if self.masked("followed"):
            return (f"{period}, moins de {french.number(self.ctx.threshold)} foyers ont pris "
                    "contact avec le réseau d'accueil.")
        if metrics.after_data(self.filters, self.ctx.data_date):
            # (a bilan of 2026 on data that stop in 2025 said nothing of it)
            return (f"{period} : la période commence après la date des données "
                    f"({french.date(self.ctx.data_date)}), aucun chiffre n'y est encore connu.")
        if not followed and metrics.outside_first_contacts(self.filters, self.first_date,
                                                           self.last_date):
            # (as the overview page says it: a bilan of 2025 on a CRM export ending in
            # November 2024 told the press « aucun foyer n'a pris contact »)
            return (f"{period}, aucun foyer dont le premier contact tombe dans la période : "
                    f"les premiers contacts des exports vont du {french.date(self.first_date)}"
                    f" au {french.date(self.last_date)}.")
        if not followed:
            return f"{period}, aucun foyer n'a pris contact avec le réseau d'accueil du Lot."
        start = (f"{period}, {self.text('followed')} {french.plural(followed, 'foyer')} "
                 f"{'a' if followed < 2 else 'ont'} pris contact avec le réseau d'accueil du "
                 "Lot")
        since = f"depuis (au {french.date(self.ctx.data_date)}, date des données)"
        if self.masked("installed"):
            return (f"{start} ; moins de {french.number(self.ctx.threshold)} d'entre eux s'y "
                    f"sont installés {since}.")
        if not installed:
            return (f"{start} ; aucun ne s'y est encore installé (au "
                    f"{french.date(self.ctx.data_date)}).")
        people = ("" if self.masked("people_installed") else
                  f", soit {self.text('people_installed')} "
                  f"{french.plural(self.now['people_installed'], 'personne')}")
        # (the share beside the households it is of: « soit 122 personnes : 29,9 % de ces
        # foyers » read as if the persons were the share)
        share = self.rate(self.now["installed_rate"], "installed", "followed")
        share = f" ({share})" if share != "–" else ""
        if followed == 1:  # (« 1 d'entre eux (100,0 %) s'y est installé »)
            return f"{start} ; il s'y est installé {since}{people}."
        whom = (f"d'entre eux{share} s'y sont installés" if installed >= 2
                else f"d'entre eux{share} s'y est installé")
        return f"{start} ; {self.text('installed')} {whom} {since}{people}."


# --- Objectifs -----------------------------------------------------------------------------

def targets_section(ctx: Context, filters: metrics.Filters) -> dict:
    """The objectives of the year the period ends in, read at the period's end (never after
    the data date): what was done since 1 January against the value expected that day."""
    as_of = metrics.objectives_day(filters.date_to, ctx.data_date)
    if filters.date_to and filters.date_to.year > as_of.year:
        # (a bilan of 2026 showed « Objectifs 2025 » when the data stop in 2025)
        return section(f"Objectifs {filters.date_to.year}", [
            f"Les données s'arrêtent au {french.date(ctx.data_date)} : les objectifs de "
            f"{filters.date_to.year} ne peuvent pas encore être suivis."], [])
    rows = metrics.target_progress(ctx.con, as_of)
    title = f"Objectifs {as_of.year}"
    if not rows:
        # (no file name: the bilan is read by the committee and the press)
        return section(title, [f"Aucun objectif n'est fixé pour {as_of.year}."], [])
    labels = {row["campaign_code"]: row["campaign_label"]
              for row in ctx.ask_rows("campaign_options")}
    year_start = rows[0]["year_start"]
    protected = Table(ctx.threshold)
    # (and those of the year to date, which every bilan ending that day shares: the year's
    # bilan masked a campaign's 21 beside a channel's 19 of the year, December's showed it)
    published = _period_counts(ctx, filters)
    if filters.date_from != year_start:
        for measure, counts in _period_counts(ctx, metrics.Filters(year_start, as_of)).items():
            published[measure] += counts
    lines = []
    for index, row in enumerate(rows):
        protected.add(index, row["actual"])
        lines.append({**row, "name": metrics.objective_name(row, ctx.channel, labels)})
        # (a March bilan gave « 10 foyers » in its cards and 13 done since 1 January here:
        # 3 households of January and February, a count the secret hides; the two windows are
        # nested, so their difference is the count of the days one has and not the other)
        # (any published figure of the measure, not only the objective's own selection: the
        # summer campaign's 20 installed since January beside Tourisme's 19 of August–December,
        # visibly the same households, gave July's 1)
        # (beside a 0, either side, the difference is a figure already published)
        if row["actual"] and not is_small(row["actual"], ctx.threshold) and any(
                is_small(abs(row["actual"] - value), ctx.threshold)
                for value in published.get(row["measure"], ()) if value):
            protected.preset[index] = SECONDARY
    protected.protect()
    body, chart = [], []
    # (where the figure is masked, so is where it stands: « attendu 4, réalisé < 5, dans les
    # temps » made it 4; « attendu 2, < 5, en retard » made it 1)
    judged = [row for index, row in enumerate(lines) if not protected.masked(index)]
    for index, row in enumerate(lines):
        masked = protected.masked(index)
        body.append([row["name"], french.number(row["target"]),
                     french.number(row["expected"]), protected.text(index, french.number),
                     "–" if masked else french.signed(row["actual"] - row["expected"]),
                     "–" if masked else metrics.STANDINGS[row["standing"]]])
        largest = max(row["target"], row["actual"])
        chart.append({"label": row["name"], "bars": [
            bar(None if masked else row["actual"], largest,
                f"{protected.text(index, french.number)} " + french.agree(
                    protected.text(index, french.number), row["actual"],
                    "inscrit" if row["measure"] == "ambassadors" else "réalisé"), ACCENT),
            # (agreeing with the number shown: « 2 attendu » for 1,7)
            bar(row["expected"], largest,
                f"{french.number(row['expected'])} "
                f"{french.plural(row['expected'], 'attendu')} "
                f"sur {french.number(row['target'])}", GREY)]})
    share = rows[0]["elapsed_share"]
    # (target_progress's standing: once its year or its campaign is over, an objective not
    # held is missed, else late: a campaign over in October is missed while the year's
    # objectives are still late, each said as it stands)
    behind = {standing: [row["label"].lower() + row["name"][len(row["label"]):]
                         for row in judged if row["standing"] == standing]
              for standing in ("late", "missed")}
    late_words = "".join(f" ; {words} : {', '.join(behind[standing])}"
                         for standing, words in (
                             ("late", "en retard"),
                             ("missed", french.plural(len(behind["missed"]), "non atteint")))
                         if behind[standing])
    held = sum(row["on_track"] for row in judged)
    held_words = ("aucun objectif n'est tenu" if held == 0 else
                  f"1 objectif sur {len(judged)} est tenu ou dépassé" if held == 1 else
                  f"{french.number(held)} objectifs sur {len(judged)} sont tenus ou dépassés")
    if len(judged) < len(lines):
        withheld = len(lines) - len(judged)
        held_words = (f"{held_words} (hors {french.number(withheld)} "
                      f"{french.plural(withheld, 'objectif')} dont le réalisé est masqué)"
                      if judged else "le réalisé de chaque objectif est masqué")
    # (a bilan of 1 July said « aucun foyer n'a pris contact » in its cards and 24 here: the
    # objectives count from 1 January, said first when the bilan's period does not)
    since = ([f"Les objectifs se lisent sur l'année, du {french.date(year_start)} au "
              f"{french.date(as_of)}, et non sur la seule période de ce bilan."]
             if filters.date_from != year_start else [])
    sentences = since + [
        f"Au {french.date(as_of)}, {held_words}{late_words}.",
        # (the scope says how the expected value is reckoned: said once, with the year's share)
        metrics.objectives_scope(as_of, ctx.data_date)
        + (f" L'année {as_of.year} est écoulée" if share >= 1 else
           f" Au {french.date(as_of)}, {french.percent(share)} de {as_of.year} est écoulé")
        # (« les ambassadeurs sont attendus depuis la taille du réseau » was obscure)
        + " ; pour les ambassadeurs, l'attendu part de la taille du réseau au 1er janvier.",
    ]
    return section(title, sentences, [
        table([column("Objectif", 3.2, "left"), column(f"Objectif {as_of.year}"),
               column(f"Attendu au {french.date(as_of)}", 1.2), column("Réalisé"),
               column("Écart"), column("Situation", 1.1, "left")], body),
        bars(f"Réalisé et attendu au {french.date(as_of)} (foyers, personnes, ambassadeurs)",
             chart, ctx.caption(french.period(year_start, as_of)),
             legend=[{"colour": ACCENT, "text": "réalisé"},
                     {"colour": GREY, "text": "attendu à la date"}], label_width=5.2),
    ])


def _period_counts(ctx: Context, filters: metrics.Filters) -> dict[str, list[float]]:
    """The counts the bilan publishes for its period of what an objective counts since
    1 January: measure → counts. The headline's cards, the channels' table (campaigns publish
    credits, not counts)."""
    headline = ctx.ask_one("headline", filters)
    counts = {measure: [headline[measure]]
              for measure in ("followed", "installed", "people_installed")}
    for row in ctx.ask_rows("by_channel", filters):
        for measure in ("followed", "installed"):
            counts[measure].append(row[measure])
    return counts


# --- Entonnoir -----------------------------------------------------------------------------

def funnel_section(ctx: Context, filters: metrics.Filters, period: str) -> dict:
    steps = ctx.ask_rows("funnel", filters)
    labels = {row["stage"]: row["label"] for row in ctx.ask_rows("funnel_stages")}
    counts = Table(ctx.threshold)
    for step in steps:
        counts.add(step["stage"], step["households"])
    counts.protect()

    def rate(rate: dict | None, part: str, whole: str | None, base: bool = True) -> str:
        if rate is None or rate["value"] is None or counts.masked(part) or (
                whole and counts.masked(whole)):
            return "–"
        return french.percent(rate["value"]) + (f" des {rate['base']}" if base else "")

    rows, chart = [], []
    followed = steps[0]["households"]
    for index, step in enumerate(steps):
        previous = steps[index - 1]["stage"] if index else None
        text = counts.text(step["stage"], french.number)
        rows.append([labels[step["stage"]], text,
                     rate(step["rate_of_previous"], step["stage"], previous) if index else "–",
                     rate(step["rate_of_followed"], step["stage"], steps[0]["stage"])])
        chart.append({"label": labels[step["stage"]], "bars": [bar(
            None if counts.masked(step["stage"]) else step["households"], followed,
            f"{text} {french.agree(text, step['households'], 'foyer')}", ACCENT)]})
    stage = {step["stage"]: step for step in steps}
    first, second, third = (step["stage"] for step in steps[:3])
    if counts.masked(first):
        # (its table and chart of « < 5 » followed the sentence that said it was not given)
        return section("Entonnoir", [f"Moins de {french.number(ctx.threshold)} foyers suivis "
                                     "dans la période : l'entonnoir n'est pas détaillé."], [])
    else:
        sentences = [_funnel_sentence(counts, stage, (first, second, third), rate)]
        # (said when a count is masked, not when the sentence gives no rate: over a day of
        # one household, none accompanied, « les taux ne sont pas publiés » sat over a table
        # of « 0,0 % »)
        withheld = any(counts.masked(step["stage"]) for step in steps)
        sentences.append(
            f"Les taux ne sont pas publiés : ils laisseraient déduire un nombre de moins de "
            f"{french.number(ctx.threshold)} {french.plural(ctx.threshold, 'foyer')}."
            if withheld and "%" not in sentences[0] else
            "Chaque taux dit sa base : la part de l'étape précédente, puis celle des foyers "
            "suivis.")
    return section("Entonnoir", sentences, [
        table([column("Étape", 1.4, "left"), column("Foyers"),
               column("Part de l'étape précédente", 1.8), column("Part des suivis", 1.6)],
              rows),
        bars("Foyers à chaque étape (nombre de foyers)", chart, ctx.caption(period)),
    ])


def _funnel_sentence(counts: Table, stage: dict, stages: tuple[str, str, str], rate) -> str:
    """« Sur 120 foyers suivis, 80 ont été accompagnés (66,7 % des suivis) et 40 se sont
    installés : 50,0 % des accompagnés, 33,3 % des suivis. » A masked count is said in words
    and its rates left out (it read « < 5 ont été accompagnés (–) … : –, –. »)."""
    first, second, third = stages

    def rates(*pairs: tuple[dict | None, str, str]) -> str:
        shown = [rate(value, part, whole) for value, part, whole in pairs
                 if stage[part]["households"]]  # (« aucun … (0,0 % des suivis) »)
        return ", ".join(text for text in shown if text != "–")

    accompanied = rates((stage[second]["rate_of_followed"], second, first))
    installed = rates((stage[third]["rate_of_previous"], third, second),
                      (stage[third]["rate_of_followed"], third, first))
    accompanied_said = counts.told(second, "a été accompagné", "ont été accompagnés",
                                   "aucun n'a été accompagné",
                                   "un nombre non publié de foyers ont été accompagnés")
    installed_said = counts.told(third, "s'est installé", "se sont installés",
                                 "aucun ne s'est installé",
                                 "un nombre non publié de foyers se sont installés")
    followed = french.plural(stage[first]["households"], "foyer suivi", "foyers suivis")
    return (f"Sur {counts.said(first, french.number)} {followed}, {accompanied_said}"
            + (f" ({accompanied})" if accompanied else "")
            + f" et {installed_said}" + (f" : {installed}" if installed else "") + ".")


# --- Canaux ----------------------------------------------------------------------------------

def channels_section(ctx: Context, filters: metrics.Filters, period: str,
                     headline: Headline) -> dict:
    channels = ctx.ask_rows("by_channel", filters)
    reach = {row["channel"]: row for row in ctx.ask_rows("reach_by_channel", filters)}
    measures = ("contacts", "followed", "accompanied", "installed")
    # (blank_parts: four channels « < 5 » under « Ensemble < 5 » were 1 each, their total 4)
    protected = Table(ctx.threshold, blank_parts=True, public={
        ("total", measure) for measure in headline.published(measures)})
    for row in channels:
        protected.add((row["channel"], "contacts"), reach[row["channel"]]["contacts"])
        for measure in measures[1:]:
            protected.add((row["channel"], measure), row[measure])
    for measure in measures:
        protected.add(("total", measure), headline.now[measure])
        protected.line([(row["channel"], measure) for row in channels], ("total", measure),
                       # a person reached through two channels counts in both
                       additive=measure != "contacts")
    protected.protect()

    def rate(rate: dict, key: str) -> str:
        masked = protected.masked((key, "installed")) or protected.masked((key, "followed"))
        return "–" if masked or rate["value"] is None else french.percent(rate["value"])

    def cells(key: str) -> list[str]:
        return [protected.text((key, measure), french.number) for measure in measures]

    rows = [[ctx.channel(row["channel"]), *cells(row["channel"]),
             rate(row["installed_rate"], row["channel"])] for row in channels]
    total = ["Ensemble", *cells("total"),
             rate(headline.now["installed_rate"], "total")]
    largest = max((row["followed"] for row in channels), default=0)
    chart = [{"label": ctx.channel(row["channel"]), "bars": [
        bar(None if protected.masked((row["channel"], measure)) else row[measure], largest,
            protected.text((row["channel"], measure), french.number), colour)
        for measure, colour in (("followed", ctx.channel_colours.get(row["channel"], ACCENT)),
                                ("installed", INSTALLED))]} for row in channels]
    # (a channel shown at 0 is no leader: « Le canal Salons apporte le plus de foyers (0 sur
    # 5) » where the only channels with households were masked)
    shown = [row for row in channels if not protected.masked((row["channel"], "followed"))
             and row["followed"]]
    sentences = []

    def leaders(rows: list[dict], value: Callable[[dict], float]) -> tuple[str, list[dict]]:
        """« canal Salons », or every channel tied at the top, « canaux Site web et
        Numérique » (« Le canal Site web apporte le plus de foyers (12 sur 53) » where
        Numérique had 12 too); and those channels."""
        tops = [row for row in rows if value(row) == max(map(value, rows))]
        names = french.listed([ctx.channel(row["channel"]) for row in tops])
        return f"{'canaux' if len(tops) > 1 else 'canal'} {names}", tops

    # (a channel masked may hold more than the largest shown, by the secondary secret; one
    # whose rate is not published may have the best)
    with_households = sum(1 for row in channels if row["followed"])
    if shown and not protected.masked(("total", "followed")):
        among = ("parmi les canaux dont l'effectif est publié, "
                 if len(shown) < with_households else "")
        names, tops = leaders(shown, lambda row: row["followed"])
        many = len(tops) > 1
        sentences.append(french.capitalise(
            f"{among}{'les' if many else 'le'} {names} "
            f"{'apportent' if many else 'apporte'} le plus de foyers "
            f"({protected.text((tops[0]['channel'], 'followed'), french.number)}"
            f"{' chacun' if many else ''} sur "
            f"{protected.text(('total', 'followed'), french.number)} foyers suivis)."))
        rated = [row for row in shown if rate(row["installed_rate"], row["channel"]) != "–"]
        if rated:
            names, tops = leaders(rated, lambda row: row["installed_rate"]["value"])
            many = len(tops) > 1
            best = tops[0]["installed_rate"]["value"]
            overall = headline.now["installed_rate"]["value"]
            total_rate = rate(headline.now["installed_rate"], "total")
            what = (f"{'des' if many else 'du'} {names} "
                    f"({rate(tops[0]['installed_rate'], tops[0]['channel'])} de "
                    f"{'leurs' if many else 'ses'} foyers suivis)")
            # (« Le meilleur taux … est celui du canal Salons (27,3 %), pour 34,0 % sur
            # l'ensemble »: the best was among the channels whose rate is not published)
            if len(rated) == with_households:
                sentences.append(f"Le meilleur taux d'installation est celui {what}, pour "
                                 f"{total_rate} sur l'ensemble.")
            else:
                # (« le plus élevé » of one rate published compared nothing)
                head = (f"Seul le taux d'installation {what} est publié" if len(rated) == 1
                        else "Parmi les canaux dont le taux d'installation est publié, le plus "
                             f"élevé est celui {what}")
                if total_rate != "–" and best >= overall:
                    tail = f", pour {total_rate} sur l'ensemble."
                else:
                    whole = f" ({total_rate})" if total_rate != "–" else ""
                    tail = (f" ; l'ensemble{whole} compte aussi les canaux trop petits pour que "
                            "leur taux soit publié.")
                sentences.append(head + tail)
    sentences.append("Le canal d'un foyer est celui de son premier contact ; les personnes "
                     "touchées comptent les contacts de campagne datés dans la période (une "
                     "personne touchée par deux canaux compte dans chacun).")
    return section("Canaux", sentences, [
        table([column("Canal", 1.4, "left"), column("Personnes touchées", 1.2),
               column("Foyers suivis"), column("Accompagnés"), column("Installés"),
               column(metrics.INSTALLED_RATE_NAME, 1.5)], rows, total=total,
              sums=[1, 2, 3, 4]),
        bars("Foyers suivis et installés par canal (nombre de foyers)", chart,
             ctx.caption(period),
             legend=[{"colours": [ctx.channel_colours.get(row["channel"], ACCENT)
                                  for row in channels],
                      "text": "suivis (couleur du canal)"},
                     {"colour": INSTALLED, "text": "installés"}]),
    ])


# --- Campagnes -----------------------------------------------------------------------------

def campaigns_section(ctx: Context, filters: metrics.Filters, period: str,
                      headline: Headline) -> dict:
    model, label = ctx.model, ctx.model_labels[ctx.model]
    # (a campaign that spent in the period with nothing to show is listed too: the page
    # listed it, the bilan left it out)
    rows = [row for row in ctx.ask_rows("campaign_metrics", filters)
            if row["touches"] or row[f"followed_{model}"] or row[f"installed_{model}"]
            or row["budget_selected_eur"]]
    credits = Table(ctx.threshold, integer=False, public={
        ("total", measure) for measure in headline.published(("installed", "followed"))})
    for row in rows:
        code = row["campaign_code"]
        for measure in ("installed", "followed"):
            credits.add((code, measure), row[f"{measure}_{model}"])
            credits.add((code, f"{measure}_min"), row[f"{measure}_min"])
            credits.add((code, f"{measure}_max"), row[f"{measure}_max"])
    for measure in ("installed", "followed"):
        credits.add(("total", measure), headline.now[measure])
        credits.line([(row["campaign_code"], measure) for row in rows], ("total", measure))
    credits.protect()

    def credit(key: tuple) -> str:
        # (the total is households, whole: « 144,0 » read as a credit)
        decimals = 0 if key[0] == "total" else 1
        return credits.text(key, lambda value: french.number(value, decimals))

    def cost(row: dict, measure: str) -> str:
        if credits.masked((row["campaign_code"], measure)):
            return "–"
        return french.euros(row[f"cost_per_{measure}_{model}"])

    body = []
    for row in rows:
        code = row["campaign_code"]
        body.append([one_line(row["campaign_label"]), french.euros(row["budget_selected_eur"]),
                     credit((code, "installed")),
                     f"{credit((code, 'installed_min'))} à {credit((code, 'installed_max'))}",
                     cost(row, "installed"), credit((code, "followed")),
                     cost(row, "followed")])
    total = ["Ensemble des foyers de la période", "", credit(("total", "installed")), "", "",
             credit(("total", "followed")), ""]
    priced = [row for row in rows
              if row["budget_selected_eur"] and cost(row, "installed") != "–"]
    sentences = [f"Chaque foyer compte pour 1, partagé entre les campagnes qui l'ont touché "
                 f"{french.window_before(ctx.lookback_days, 'son premier contact')} (ou son "
                 f"installation) ; le bilan retient le modèle « {label} » et donne l'écart "
                 "entre les cinq modèles. Coût = budget ÷ crédits ; budget : "
                 f"{metrics.BUDGET_PERIOD_PART}."]
    # (the campaigns whose cost is withheld with their small credits: the range said « de
    # 807 € à 1 948 € » where the page showed 20 500 € for one of them; those of no credit at
    # all are counted too: « 7 autres » beside nine « – » in the table)
    withheld = [row for row in rows if row["budget_selected_eur"]
                and cost(row, "installed") == "–"]
    fewer = (f"moins de {french.number(ctx.threshold)} "
             f"{french.plural(ctx.threshold, 'installation créditée', 'installations créditées')}")
    others = (f"{french.number(len(withheld))} {french.plural(len(withheld), 'autre')}, de "
              f"{fewer}, ne l'ont pas")
    among = f" parmi les campagnes dont le coût est publié ({others})" if withheld else ""
    if priced:
        cheap = min(priced, key=lambda row: row[f"cost_per_installed_{model}"])
        dear = max(priced, key=lambda row: row[f"cost_per_installed_{model}"])
        # (one campaign priced: « va de 3 313 € (« Été 2023 ») à 3 313 € (« Été 2023 ») »)
        # (« est de 1 108 € (…) parmi les campagnes dont le coût est publié »: one campaign)
        sentences.append(
            f"Une seule campagne a un coût par installation publié : "
            f"{cost(cheap, 'installed')} ({french.quoted(cheap['campaign_label'])})"
            + (f" ; {others}" if withheld else "") + "."
            if cheap is dear else
            f"Le coût par installation va de {cost(cheap, 'installed')} "
            f"({french.quoted(cheap['campaign_label'])}) à {cost(dear, 'installed')} "
            f"({french.quoted(dear['campaign_label'])}){among}.")
    budgeted = [row for row in rows if row["budget_selected_eur"]]
    if budgeted and not priced:
        # (budgets in the table, « – » for every cost, and not a word of why)
        sentences.append(
            "Aucun coût par installation n'est publié : "
            + (f"les campagnes de la période comptent {fewer} chacune, ou aucune."
               if withheld else
               "aucune installation de la période n'est créditée à une campagne dotée d'un "
               "budget."))
    sentences += _unexplained(ctx, filters, rows, credits, model)
    return section("Campagnes", sentences, [
        table([column("Campagne", 3.4, "left"), column("Budget", 1.1),
               column(ctx.by_model("Installations attribuées"), 1.4),
               column("Installations : écart des 5 modèles", 1.5),
               column("Coût par installation", 1.2),
               column(ctx.by_model("Foyers suivis attribués"), 1.4),
               column("Coût par foyer suivi", 1.1)], body, total=total, sums=[2, 5],
              # (« contacts datés dans la période » was false: a household of the period is
              # credited for its contacts of any date within the window)
              caption=f"Crédits des foyers de la période (cohortes de premier contact), "
                      f"modèle « {label} », pour leurs contacts de toute date "
                      f"{french.window_before(ctx.lookback_days, 'leur premier contact')} "
                      "ou leur installation. Budget : la part de la période (voir ci-dessus)."),
    ])


def _unexplained(ctx: Context, filters: metrics.Filters, rows: list[dict], credits: Table,
                 model: str) -> list[str]:
    """The installations no recent contact explains, as the Campagnes page's card counts them
    (metric `unexplained_conversions`), and among them those credited to no campaign at all:
    the bilan said « 14,0 installations ne s'expliquent par aucun contact » beside the page's
    « Installations sans contact récent : 45,4 % », two figures that read as one."""
    counts = ctx.ask_one("unexplained_conversions", filters)
    if not counts["installed_unexplained"] or counts["installed_unexplained"] < ctx.threshold:
        return []
    unattributed = next((row[f"installed_{model}"] for row in rows
                         if row["campaign_code"] == "unattributed"), 0)
    # (the « non attribué » part said when it may be, else only that there is one: « elles
    # sont créditées à la campagne de leur dossier » while 3 went to none)
    nowhere = ("" if not unattributed else
               ", ou à aucune (« non attribué » : ni contact, ni campagne connue)"
               if credits.masked(("unattributed", "installed")) else
               f", et {french.number(unattributed, 0 if unattributed % 1 == 0 else 1)} "
               "à aucune (« non attribué » : ni contact, ni campagne connue)")
    window = french.window_before(ctx.lookback_days, "l'installation")
    # (the words agree with the count: « 1 sur 1 … n'ont eu … ; elles sont »)
    n = counts["installed_unexplained"]
    had = french.plural(n, "n'a eu", "n'ont eu")
    return [f"Installations sans contact récent : "
            f"{french.percent(counts['installed_unexplained_rate']['value'])} "
            f"({french.number(n)} sur {french.number(counts['installed'])}) {had} aucun "
            f"contact de campagne {window} ; "
            f"{french.plural(n, 'elle est créditée', 'elles sont créditées')} à la campagne de "
            f"{french.plural(n, 'son dossier', 'leur dossier')}{nowhere}."]


# --- Ambassadeurs --------------------------------------------------------------------------

def ambassadors_section(ctx: Context, filters: metrics.Filters, period: str,
                        headline: Headline) -> dict:
    network = ctx.ask_one("ambassadors", filters)
    types = ctx.ask_rows("ambassadors_by_type", filters)
    referrals = ctx.ask_rows("referrals", filters)
    protected = Table(ctx.threshold, blank_parts=True, public={
        ("households", measure) for measure in headline.published(("followed", "installed"))})
    for measure in ("ambassadors", "active"):
        for row in types:
            protected.add((row["ambassador_type"], measure), row[measure])
        protected.add(("total", measure),
                      network["ambassadors" if measure == "ambassadors" else
                              "ambassadors_active"])
        protected.line([(row["ambassador_type"], measure) for row in types],
                       ("total", measure))
    for measure in ("followed", "installed"):
        for row in referrals:
            protected.add((row["is_referred"], measure), row[measure])
        protected.add(("households", measure), headline.now[measure])
        protected.line([(row["is_referred"], measure) for row in referrals],
                       ("households", measure))
    protected.protect()

    def number(key: tuple) -> str:
        return protected.text(key, french.number)

    def rate(row_key: object, part: str, whole: str, rate: dict) -> str:
        if (protected.masked((row_key, part)) or protected.masked((row_key, whole))
                or rate["value"] is None):
            return "–"
        return french.percent(rate["value"])

    type_rows = [[one_line(row["ambassador_type"]), number((row["ambassador_type"],
                                                             "ambassadors")),
                  number((row["ambassador_type"], "active")),
                  rate(row["ambassador_type"], "active", "ambassadors", row["active_rate"])]
                 for row in types]
    referral_rows = [["Parrainés par un ambassadeur" if row["is_referred"] else "Autres foyers",
                      number((row["is_referred"], "followed")),
                      number((row["is_referred"], "installed")),
                      rate(row["is_referred"], "installed", "followed", row["installed_rate"])]
                     for row in referrals]
    # (never after the data: « Au 31/12/2026, le réseau compte 540 » when they stop in 2025)
    end = (f"au {french.date(filters.date_to)}"
           if filters.date_to and filters.date_to <= ctx.data_date
           else f"au {french.date(ctx.data_date)} (date des données)")
    # (a few persons who joined are masked as the types' table masks them: « 2 ont adhéré »
    # in a fortnight)
    newcomers = Table(ctx.threshold)
    newcomers.add("joined", network["joined"])
    joined = newcomers.protect().told("joined", "a adhéré", "ont adhéré", "aucun n'a adhéré",
                                      "")
    share = rate('total', 'active', 'ambassadors', network['active_rate'])
    sentences = [
        f"{french.capitalise(end)}, le réseau compte {number(('total', 'ambassadors'))} "
        f"ambassadeurs, dont {number(('total', 'active'))} actifs"
        + (f", {share}" if share != "–" else "")
        # (the export holds today's status only: « au 31/12/2023 … dont 344 actifs » told a
        # past activity that nobody recorded; one bracket, not « (données au …) (80,0 %) »)
        + (f", selon leur statut dans le dernier export, au {french.date(ctx.data_date)}"
           if filters.date_to and filters.date_to < ctx.data_date else "")
        # (a few persons who joined are masked as the types' table masks them: « 2 ont
        # adhéré » in a fortnight)
        + (f" ; {joined} pendant la période."
           if filters.date_from and not protected.masked(("total", "ambassadors")) else ".")]
    referred = next((row for row in referrals if row["is_referred"]), None)
    others = next((row for row in referrals if not row["is_referred"]), None)
    if referred and others:
        mine = rate(True, "installed", "followed", referred["installed_rate"])
        theirs = rate(False, "installed", "followed", others["installed_rate"])
        if mine != "–" and theirs != "–":
            sentences.append(f"Les foyers parrainés par un ambassadeur se sont installés à "
                             f"{mine}, contre {theirs} pour les autres foyers suivis.")
    return section("Ambassadeurs", sentences, [
        table([column("Type d'ambassadeur", 2, "left"), column("Ambassadeurs"),
               column("Actifs"), column("Part d'actifs")], type_rows,
              title=f"Le réseau {end}",
              total=["Ensemble", number(("total", "ambassadors")), number(("total", "active")),
                     rate("total", "active", "ambassadors", network["active_rate"])],
              sums=[1, 2]),
        table([column("Foyers de la période", 2, "left"), column("Suivis"),
               column("Installés"), column(metrics.INSTALLED_RATE_NAME)], referral_rows,
              title="Parrainage",
              total=["Ensemble", number(("households", "followed")),
                     number(("households", "installed")),
                     headline.rate(headline.now["installed_rate"], "installed", "followed")],
              sums=[1, 2]),
    ])


# --- Territoire ----------------------------------------------------------------------------

# Classes of the map, from the published figure (a masked one is hatched, never coloured).
MAP_CLASSES = ((40, "#08306b"), (20, "#2171b5"), (10, "#6baed6"), (0.5, "#c6dbef"))


def territory_section(ctx: Context, filters: metrics.Filters, period: str,
                      headline: Headline) -> dict:
    summary = ctx.ask_one("territory_summary", filters)
    epci = ctx.ask_rows("installed_by_epci", filters, small_count=ctx.threshold)
    # what the territory page masks for the same selection stays masked here (read with the
    # page, the bilan's « Grand-Figeac 6 » gave back figures the page masked)
    communes = [row for row in ctx.ask_rows("installed_by_commune", filters,
                                            small_count=metrics.SMALL_COUNT)
                if row["commune_code"] is not None]
    page = territory_table(
        [(row["commune_code"], row["epci_code"], row["households"]) for row in communes],
        [(row["epci_code"], row["households"]) for row in epci],
        headline.now["installed"], summary["installed_elsewhere"],
        metrics.SMALL_COUNT).protect()
    published = headline.published(("installed",))
    protected = Table(ctx.threshold, public={"total"} if published else set())
    # Every place the page does not show exactly is at least as masked here, zero included,
    # « hors du Lot » too: read with the page, « < 5 » on one the page masks gave it back (its
    # communes made it at least 4), a « 0 » told the masked ones held every installation (with
    # the page's communes of « 1 à 2 », 3 / 3 / 1), « Hors du Lot 0 » or « < 5 » beside the
    # page's card of 1 placed that household. Below the page's threshold, the page's « 1 à 2 »
    # too (« < 2 » was exactly 1). A total this bilan masks is still the page's card: the table
    # is then masked whole, as its sentence says (« leur répartition n'est pas publiée »).
    hidden = (SECONDARY, BLANKED) + ((SMALL,) if ctx.threshold < metrics.SMALL_COUNT else ())
    cells = [(row["epci_code"], ("epci", row["epci_code"]), row["households"]) for row in epci]
    cells.append(("elsewhere", "elsewhere", summary["installed_elsewhere"]))
    for key, on_page, households in cells:
        protected.add(key, households)
        if not published or page.states[on_page] in hidden:
            protected.preset[key] = SECONDARY if households >= ctx.threshold else BLANKED
    protected.add("total", headline.now["installed"])
    protected.line([row["epci_code"] for row in epci] + ["elsewhere"], "total")
    protected.protect()
    # the masked ones after the others, by name: in the answer's order (by count), « (s) »
    # after « 7 » told 5 or 6
    epci = ([row for row in epci if not protected.masked(row["epci_code"])]
            + sorted((row for row in epci if protected.masked(row["epci_code"])),
                     key=lambda row: row["name_order"]))
    # (an intercommunality's communes with an installation are at most its households: beside a
    # masked figure, « 4 » communes would tell « 4 foyers »; they are masked with it)
    # (« – » where masked: the households' mark there read « < 20 » communes for one of 15)
    rows = [[one_line(row["epci_name"]), french.number(row["communes"]),
             "–" if protected.masked(row["epci_code"])
             else french.number(row["communes_installed"]),
             protected.text(row["epci_code"], french.number)] for row in epci]
    rows.append(["Hors du Lot ou commune inconnue", "", "",
                 protected.text("elsewhere", french.number)])
    fills, hatched, legend_used = {}, set(), set()
    for row in epci:
        if protected.masked(row["epci_code"]):
            hatched.add(row["epci_code"])
            continue
        for low, colour in MAP_CLASSES:
            if row["households"] >= low:
                fills[row["epci_code"]] = colour
                legend_used.add(low)
                break
    positions = render.label_positions()
    labels = render.spread_labels([
        {"x": positions[row["epci_code"]][0], "y": positions[row["epci_code"]][1],
         "text": f"{one_line(row['epci_short_name'])}\n"
                 f"{protected.text(row['epci_code'], french.number)}"}
        for row in epci if row["epci_code"] in positions])
    # (the classes a published figure can fall in, from the threshold: at 20, « 10 à 19 » and
    # « moins de 10 » were listed; at 1, « secret (< 1 ou masqué) »)
    legend = []
    for (low, colour), above in zip(MAP_CLASSES, (None, *(low for low, _ in MAP_CLASSES)),
                                    strict=False):
        first = max(math.ceil(low), ctx.threshold)
        if above is None:
            legend.append({"colour": colour, "text": f"{first} foyers et plus"})
        elif first <= above - 1:
            legend.append({"colour": colour, "text": f"{first} à {above - 1}" if first < above - 1
                           else f"{first}"})
    legend += [{"colour": "#ffffff", "text": "aucun"},
               {"colour": "secret", "text": f"secret ({ctx.small()} ou masqué)"
                if ctx.threshold > 1 else "secret (masqué)"}]
    shown = [row for row in epci if not protected.masked(row["epci_code"])
             and row["households"] > 0]
    sentences = []
    if protected.masked("total"):
        # (a heading, a map and a table of masks without a word; then the word, above a map
        # wholly hatched and a table of « (s) »: the word alone)
        return section("Territoire", [
            f"{french.capitalise(protected.said('total', french.number))} foyers de la période "
            "se sont installés : leur répartition n'est pas publiée (secret statistique)."], [])
    else:
        # (the communes its own table tells: those of the intercommunalities it shows, « au
        # moins » beside a masked one. Counted as the page tells them, « au moins 11 » beside a
        # table of 4 + 6 told that the two « (s) » held the 11th)
        told = sum(row["communes_installed"] for row in epci
                   if not protected.masked(row["epci_code"]))
        blanked = any(protected.masked(row["epci_code"]) for row in epci)
        total = protected.text("total", french.number)
        installed = protected.values["total"]
        settled = french.agree(total, installed, "s'est installé", "se sont installés")
        # (« 0 foyers de la période se sont installés, dans 0 communes »)
        households = (f"{french.capitalise(total)} {french.agree(total, installed, 'foyer')} "
                      f"de la période {settled}")
        # (« dans au moins 0 commune » where every intercommunality was masked; « au moins 2
        # communes » for 23 households read « seulement 2 communes »)
        communes = f"{french.plural(told, 'commune')} du Lot sur " + french.number(
            summary["communes"])
        if total == "0":
            said = "Aucun foyer de la période ne s'est encore installé dans le Lot."
        elif blanked and not told:
            # (not « dans le Lot »: the total counts those installed elsewhere too)
            said = (f"{households} ; "
                    + french.agree(total, installed, "sa commune n'est pas publiée",
                                   "leurs communes ne sont pas publiées")
                    + ", le nombre de chaque intercommunalité étant couvert par le secret "
                      "statistique.")
        elif blanked:
            said = (f"{households}, dans au moins {french.number(told)} {communes} (sans "
                    "compter celles des intercommunalités dont le chiffre est masqué).")
        else:
            said = f"{households}, dans {french.number(told)} {communes}."
        sentences.append(said)
    if shown:
        # every tie named, as on the territory page (one of two at 6 was named alone)
        most = max(row["households"] for row in shown)
        tops = [f"{french.quoted(row['epci_short_name'])}" for row in shown
                if row["households"] == most]
        # (among the figures published, said first: a masked one may hold more, and « «
        # Grand-Figeac » en accueille le plus (5, parmi … publié) » was quoted without it)
        among = ("Parmi les intercommunalités dont le chiffre est publié, "
                 if any(protected.masked(row["epci_code"]) for row in epci) else "")
        names = french.listed(tops)
        # (« en accueille le plus » of the only one shown beside masked ones compared nothing)
        if among and len(shown) == 1:
            sentences.append(f"Seule l'intercommunalité {names} a un chiffre publié non nul "
                             f"({french.number(most)}) ; celui des autres est nul ou masqué.")
        else:
            many = len(tops) > 1
            noun = "Les intercommunalités" if many else "L'intercommunalité"
            subject = among + names if among else f"{noun} {names}"
            sentences.append(f"{subject} {'en accueillent' if many else 'en accueille'} le plus "
                             f"({french.number(most)}{' chacune' if many else ''}).")
    return section("Territoire", sentences, [
        {"kind": "map", "title": "Foyers installés par intercommunalité (nombre de foyers)",
         "svg": render.map_svg(fills, hatched=frozenset(hatched)), "labels": labels,
         "legend": legend, "caption": ctx.caption(period) + " " + config.GEO_CREDIT,
         "note": "Partie lotoise de chaque intercommunalité (communes au 1er janvier 2026). "
                 "Les contours fins sont ceux des communes."},
        table([column("Intercommunalité", 3, "left"), column("Communes du Lot"),
               column("Communes avec une installation", 1.5), column("Foyers installés")],
              rows, total=["Ensemble", "", "", protected.text("total", french.number)],
              sums=[3]),
    ])


# --- Qualité des données -------------------------------------------------------------------

def quality_section(ctx: Context) -> dict:
    build = ctx.ask_one("build")
    files = ctx.ask_rows("files")
    rejects = ctx.ask_rows("rejects")
    rows = [[one_line(row["file"]), contract.source_label(row["source"]),
             french.number(row["read"]),
             french.number(row["accepted"]), french.number(row["rejected"]),
             french.number(row["duplicates"])] for row in files]
    sentences = [
        f"Données au {french.date(ctx.data_date)} (dernière date trouvée dans les exports) ; "
        f"base construite le {build['built_at']:%d/%m/%Y à %H:%M} à partir de "
        f"{french.number(build['files'])} {french.plural(build['files'], 'fichier')} "
        f"({french.number(build['rows_read'])} lignes lues).",
        f"{french.capitalise(french.number(build['rejected']))} "
        f"{french.plural(build['rejected'], 'ligne rejetée', 'lignes rejetées')} et "
        f"{french.number(build['warnings'])} "
        f"{french.plural(build['warnings'], 'avertissement')} : le détail est sur la page "
        "« Qualité des données » du tableau de bord.",
    ]
    blocks = [table([column("Fichier", 3, "left"), column("Source", 1.2, "left"),
                     column("Lignes lues"), column("Acceptées"), column("Rejetées"),
                     column("Doublons")], rows)]
    if rejects:
        shown = rejects[:8]
        blocks.append(note("Lignes rejetées : " + " ; ".join(
            f"{one_line(row['file'])}, ligne {row['line']} ({one_line(row['reason'])})"
            for row in shown) + (f" ; et {len(rejects) - len(shown)} autres." if len(rejects)
                                 > len(shown) else ".")))
    # (kept whole while its table is short: its note alone ended three bilans on a last page)
    return section("Qualité des données", sentences, blocks,
                   whole=len(rows) <= SHORT_TABLE_ROWS)
