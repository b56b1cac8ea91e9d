"""The bilan of a campaign, or of several campaigns of one operation (the summer's campsite
postcards, then the spring's immersion stays): persons reached by phase and type of
interaction, the households that came to the welcome network, immersion stays,
installations, credits and costs under the five attribution models, and how long it took."""

from __future__ import annotations

import datetime as dt

from .. import french, metrics
from .blocks import (
    PROGRAMME,
    Context,
    ReportError,
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
from .disclosure import SECONDARY, SHOWN, SMALL, Table, gives_away, is_small

ACCENT, GREEN = "#1f4e79", "#009E73"


def document(ctx: Context, codes: list[str]) -> dict:
    if not codes:
        raise ReportError("Indiquez au moins une campagne (--campaign CODE).")
    codes = list(dict.fromkeys(codes))
    known = {row["campaign_code"]: row for row in ctx.ask_rows("campaign_metrics")
             if row["is_known_campaign"]}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ReportError(f"Campagne inconnue : {', '.join(unknown)} (codes connus : "
                          f"{', '.join(sorted(known))}).")
    campaigns = [known[code] for code in codes]
    campaigns.sort(key=lambda row: (row["start_date"] or dt.date.max, row["campaign_code"]))
    codes = [row["campaign_code"] for row in campaigns]
    reach = Reach(ctx, codes, campaigns)
    start, end = reach.window
    title = (one_line(campaigns[0]["campaign_label"]) if len(campaigns) == 1
             else "Opération en " + french.number(len(campaigns)) + " campagnes")
    return {
        "kicker": PROGRAMME,
        "title": "Bilan de campagne" if len(campaigns) == 1 else "Bilan d'opération",
        "subtitle": title,
        "header": "Oh my Lot ! – " + ("bilan de campagne" if len(campaigns) == 1
                                       else "bilan d'opération"),
        "footer": f"Données au {french.date(ctx.data_date)} · base construite le "
                  f"{ctx.built_at:%d/%m/%Y à %H:%M}",
        "meta": [
            ("Campagne : " if len(campaigns) == 1 else "Campagnes : ") + " ; ".join(
                f"{one_line(row['campaign_label'])} ({one_line(row['campaign_code'])}, "
                f"{french.period(row['start_date'], row['end_date'])}, budget "
                f"{french.euros(row['budget_eur'])})" for row in campaigns) + ".",
            # (« Fenêtre de l'opération » headed a single campaign's bilan)
            ("Dates de la campagne" if len(campaigns) == 1 else "Fenêtre de l'opération")
            + f" : {french.period(start, end)}. Données au "
            f"{french.date(ctx.data_date)}.",
            ctx.secret_note(),
        ],
        "sections": [
            story_section(ctx, codes, campaigns, reach),
            reach.section(),
            households_section(ctx, codes, campaigns, reach),
            credits_section(ctx, codes, campaigns),
            section("Sources et définitions", [], [note(
                "Personnes touchées : personnes distinctes (un foyer suivi ou un email) ayant "
                "un contact de la campagne, quelle qu'en soit la date ; un contact anonyme "
                "compte comme interaction seulement. Foyers suivis : foyers dont le "
                "dossier du CRM cite la campagne. Crédits : chaque foyer compte pour "
                "1, partagé entre les campagnes qui l'ont touché "
                f"{french.window_before(ctx.lookback_days, 'son premier contact')} (ou son "
                "installation) selon le modèle ; coût = budget ÷ crédits.")], whole=True),
        ],
    }


# --- Reach ---------------------------------------------------------------------------------

def _phase_unit(codes: list[str], start: dt.date, end: dt.date) -> str:
    """A phase is a campaign of the operation, else a month (a season), a quarter or a year."""
    if len(codes) > 1:
        return "campaign"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return "month" if months <= 7 else "quarter" if months <= 24 else "year"


def _days_running(spans: list[tuple[dt.date, dt.date]]) -> int | None:
    """The days covered by the spans (inclusive), a day counted once however many cover it."""
    days, reached = 0, None
    for start, end in sorted(spans):
        if reached is not None:
            start = max(start, reached + dt.timedelta(days=1))
        if end >= start:
            days += (end - start).days + 1
        reached = end if reached is None else max(reached, end)
    return days if spans else None


class Reach:
    """Persons reached by phase and type of interaction, protected."""

    def __init__(self, ctx: Context, codes: list[str], campaigns: list[dict]) -> None:
        self.ctx = ctx
        whole = ctx.ask_rows("campaign_reach", codes=codes, phase="year")
        total = next(row for row in whole if row["is_all_phases"] and row["is_all_types"]) \
            if whole else None
        starts = [row["start_date"] for row in campaigns if row["start_date"]]
        ends = [row["end_date"] or row["start_date"] for row in campaigns if row["start_date"]]
        self.window = (min(starts) if starts else total and total["first_touch_date"],
                       max(ends) if ends else total and total["last_touch_date"])
        # the days its campaigns ran (an operation of two one-month soirées a year apart said
        # « Durée 430 jours »: the window from the first start to the last end)
        self.days = _days_running(
            [(row["start_date"], row["end_date"] or row["start_date"]) for row in campaigns
             if row["start_date"]] or ([self.window] if all(self.window) else []))
        first = total["first_touch_date"] if total else self.window[0]
        last = total["last_touch_date"] if total else self.window[1]
        self.unit = _phase_unit(codes, first or ctx.data_date, last or ctx.data_date)
        # (a committee reads the campaign's name; « DIGI-RS-2021 » is the CRM's code)
        self.labels = {row["campaign_code"]: one_line(row["campaign_label"])
                       for row in campaigns}
        rows = ctx.ask_rows("campaign_reach", codes=codes, phase=self.unit)
        self.cells = [row for row in rows if not row["is_all_phases"]
                      and not row["is_all_types"]]
        self.phases = list(dict.fromkeys(row["phase"] for row in rows
                                         if not row["is_all_phases"]))
        # the types by the persons they touched, most first, as the sentence names the first
        # (the table listed them in the metric's order)
        self.by_type = {row["interaction_type"]: row for row in rows
                        if row["is_all_phases"] and not row["is_all_types"]}
        self.types = sorted(dict.fromkeys(row["interaction_type"] for row in rows
                                          if not row["is_all_types"]),
                            key=lambda kind: (-self.by_type[kind]["persons"]
                                              if kind in self.by_type else 0, str(kind)))
        self.rows = rows
        self.total = next((row for row in rows if row["is_all_phases"]
                           and row["is_all_types"]), {"persons": 0, "interactions": 0})
        self.table = Table(ctx.threshold)
        for row in rows:
            self.table.add((row["phase"], row["interaction_type"]), row["persons"])
        for kind in self.types:
            self.table.line([(phase, kind) for phase in self.phases if (phase, kind)
                             in self.table.values], (None, kind), additive=False)
        for phase in self.phases:
            self.table.line([(phase, kind) for kind in self.types if (phase, kind)
                             in self.table.values], (phase, None), additive=False)
        self.table.line([(None, kind) for kind in self.types], (None, None), additive=False)
        self.table.line([(phase, None) for phase in self.phases], (None, None),
                        additive=False)
        self.table.protect()

    def phase_label(self, phase: str) -> str:
        if self.unit == "campaign":
            return self.labels.get(phase, one_line(phase))
        day = dt.date.fromisoformat(phase)
        return {"month": french.short_month, "quarter": french.quarter,
                "year": lambda d: str(d.year)}[self.unit](day)

    def persons(self, phase: str | None, kind: str | None) -> str:
        if (phase, kind) not in self.table.values:
            return "0"
        return self.table.text((phase, kind), french.number)

    def interactions(self) -> str:
        """The interactions in all, masked like the persons when fewer than the threshold: at
        least one person each, « 1 interaction » beside « < 5 personnes » gave the secret
        away."""
        count = self.total["interactions"]
        masked = (None, None) in self.table.values and self.table.masked((None, None))
        return (self.ctx.small() if gives_away(count, masked, self.ctx.threshold)
                else french.number(count))

    def persons_and_interactions(self) -> str:
        """« 616 personnes (1 234 interactions) », each noun agreeing with its figure."""
        persons, interactions = self.persons(None, None), self.interactions()
        return (f"{persons} {french.agree(persons, self.total['persons'], 'personne')} "
                f"({interactions} "
                f"{french.agree(interactions, self.total['interactions'], 'interaction')})")

    def section(self) -> dict:
        ctx = self.ctx
        unit, units = {"campaign": ("campagne", "campagnes"), "month": ("mois", "mois"),
                       "quarter": ("trimestre", "trimestres"),
                       "year": ("année", "années")}[self.unit]
        columns = [column("Type d'interaction", 3.2, "left")] + [
            column(self.phase_label(phase), 1.4 if self.unit == "campaign" else 1)
            for phase in self.phases] + [
            column("Ensemble", 1)]
        body = [[one_line(kind)] + [self.persons(phase, kind) for phase in self.phases]
                + [self.persons(None, kind)] for kind in self.types]
        # (the cells count persons, once each: « Toutes interactions 616 » read as interactions)
        total = ["Personnes touchées (une fois chacune)"] + [
            self.persons(phase, None) for phase in self.phases] \
            + [self.persons(None, None)]
        by_type = self.by_type
        largest = max((row["persons"] for row in by_type.values()), default=0)
        chart = [{"label": one_line(kind), "bars": [bar(
            None if self.table.masked((None, kind)) else by_type[kind]["persons"], largest,
            self.persons(None, kind), ACCENT)]} for kind in self.types]
        sentences = []
        if self.types:
            top = max(self.types, key=lambda kind: by_type[kind]["persons"])
            sentences.append(
                f"{french.capitalise(self.persons(None, None))} personnes touchées au total ; "
                f"le type d'interaction qui en a touché le plus est {french.quoted(top)} "
                f"({self.persons(None, top)}).")
        sentences.append("Une personne touchée de plusieurs façons, ou à plusieurs "
                         f"{units}, compte dans chaque case mais une seule fois dans "
                         "« Ensemble ».")
        if not self.types:
            return section("Personnes touchées", ["Aucun contact de campagne enregistré."],
                           [])
        return section(f"Personnes touchées, par {unit} et type d'interaction", sentences, [
            table(columns, body, total=total, row_totals=True,
                  caption="Personnes distinctes (foyer ou email) ; contacts anonymes exclus."),
            bars("Personnes touchées par type d'interaction (nombre de personnes)", chart,
                 # (the contacts' dates, said as such: « Période : du 19/10/2021 … » under a
                 # page that gave the operation's window from 18/10/2021)
                 # (« contacts datés » : beside the campaign's dates above, « contacts du
                 # 19/10/2021 » read as a second period of the campaign)
                 ctx.caption("contacts datés " + french.period(
                     self.total.get("first_touch_date"), self.total.get("last_touch_date"))),
                 label_width=6),
        ])


def _the(campaigns: int) -> str:
    """What the bilan is about, in a sentence: « la campagne », « l'opération » (it mixed
    « l'opération » and « l’opération »)."""
    return "la campagne" if campaigns == 1 else "l'opération"


# --- The story -----------------------------------------------------------------------------

def _households(ctx: Context, codes: list[str], window: tuple) -> dict:
    """The households whose file names one of the campaigns (all, and those first contacted
    in the campaigns' window), their immersion stays, and their counts protected."""
    named = metrics.Filters(campaigns=tuple(codes))
    # (an operation's window runs across the gaps between its campaigns: « dont 23 pendant
    # l'opération » beside « 125 jours en tout » counted two years of first contacts, and two
    # operations' windows, subtracted, gave a campaign's masked count back: a campaign's own
    # bilan says it)
    during = metrics.Filters(window[0], window[1], campaigns=tuple(codes)) \
        if window[0] and window[1] and len(codes) == 1 else None
    figures = {"all": ctx.ask_one("headline", named),
               "during": ctx.ask_one("headline", during) if during else None,
               "immersions": ctx.ask_one("immersions", named)}
    protected = Table(ctx.threshold)
    for key in ("followed", "accompanied", "installed", "people_installed"):
        protected.add(key, figures["all"][key])
    protected.add("during", figures["during"]["followed"] if during else 0)
    if during:
        # the households first contacted before or after it: « 23 foyers …, dont 22 pendant
        # la campagne » told 1 (the protection masks one of the two when the rest is small)
        protected.add("outside", figures["all"]["followed"] - figures["during"]["followed"])
        protected.line(["during", "outside"], "followed")
    for key in ("immersed", "immersed_installed"):
        protected.add(key, figures["immersions"][key])
    if len(codes) > 1:
        # a dossier names one campaign: an operation's count is the sum of its campaigns'
        # own, which their bilans publish; one of them small, the operation's total minus
        # the others gave it back (13 − 9 = 4 where SANTE-INT-2022's bilan printed « < 5 »)
        for code in codes:
            one = metrics.Filters(campaigns=(code,))
            own = ctx.ask_one("headline", one) | ctx.ask_one("immersions", one)
            for key in ("followed", "accompanied", "installed", "people_installed",
                        "immersed", "immersed_installed"):
                if is_small(own[key], ctx.threshold) and key not in protected.preset:
                    protected.preset[key] = SECONDARY
    figures["table"] = protected.protect()
    return figures


def story_section(ctx: Context, codes: list[str], campaigns: list[dict],
                  reach: Reach) -> dict:
    households = _households(ctx, codes, reach.window)
    protected = households["table"]

    def text(key: str) -> str:
        return protected.text(key, french.number)

    chosen = next(row for row in ctx.ask_rows("campaign_credits", codes=codes)
                  if row["campaign_code"] is None and row["model"] == ctx.model)
    credits = Table(ctx.threshold, integer=False)
    for measure in ("followed", "installed"):
        credits.add(measure, chosen[measure])
    credits.protect()

    def credit(measure: str) -> str:
        return credits.text(measure, lambda value: french.number(value, 1))

    cost = ("–" if credits.masked("installed")
            else french.euros(chosen["cost_per_installed_eur"]))
    start, end = reach.window
    one = len(campaigns) == 1
    name = (f"la campagne {french.quoted(campaigns[0]['campaign_label'])}" if one
            # (quoted: « Soirée internes – Toulouse, 18/11/2021, Soirée … » read as one list)
            else "l'opération (" + french.listed([french.quoted(r["campaign_label"])
                                                  for r in campaigns]) + ")")
    # (an operation's campaigns may run months apart: the days they ran, not the window's)
    spread = (start and end and not one and reach.days is not None
              and reach.days < (end - start).days + 1)
    running = (f"{french.number(len(campaigns))} campagnes, {french.days(reach.days)} en tout"
               if spread else french.days(reach.days) if reach.days else "")
    length = f" ({running})" if running else ""
    figures = households["all"] | {"immersed": households["immersions"]["immersed"]}

    def verb(key: str, singular: str, plural_form: str) -> str:
        """The verb agreeing with a figure as shown (« 1 a fait », « 3 ont fait »)."""
        return french.agree(text(key), figures[key], singular, plural_form)

    def people() -> str:
        shown = text("people_installed")
        return ("" if protected.masked("people_installed") else
                f" ({shown} {french.agree(shown, figures['people_installed'], 'personne')})")

    the = _the(len(campaigns))
    cited = "la campagne" if one else "une de ces campagnes"
    came = verb("followed", "s'est rapproché", "se sont rapprochés")
    if figures["followed"]:
        during = ""
        if households["during"]:
            state = protected.state("during")
            if state not in (SHOWN, SMALL):
                part = "une partie"
            elif state == SHOWN and not households["during"]["followed"]:
                part = "aucun"
            else:
                part = protected.said("during", french.number)
            during = f", dont {part} pendant {the}"
        who = (f"{protected.said('followed', french.number)} foyers"
               if protected.masked("followed")
               else f"{text('followed')} {verb('followed', 'foyer', 'foyers')}")
        stayed = protected.told("immersed", "a fait un séjour d'immersion",
                                "ont fait un séjour d'immersion",
                                "aucun n'a fait de séjour d'immersion",
                                "un nombre non publié d'entre eux a fait un séjour d'immersion")
        settled = protected.told("installed", "s'est installé dans le Lot",
                                 "se sont installés dans le Lot",
                                 "aucun ne s'est encore installé dans le Lot",
                                 "un nombre non publié d'entre eux s'est installé dans le Lot")
        hidden = [key for key in ("immersed", "installed")
                  if protected.masked(key) and protected.state(key) != SMALL]
        if len(hidden) == 2:
            # (« un nombre non publié d'entre eux a fait … et un nombre non publié d'entre eux
            # s'est installé »: said once)
            # (« ni leurs installations ne sont comptés ici … (27 personnes installées) »,
            # beside a card of 14,7 installations attributed: the households' count is what
            # is withheld, not what they did)
            shown = people().strip(" ()")
            # (« non plus » only after a count withheld; « une de ces campagnes » where two
            # counted too few)
            which = cited if one else f"au moins {cited}"
            also = " non plus" if protected.masked("followed") else ""
            outcome = ("combien ont fait un séjour d'immersion et combien se sont installés "
                       f"n'est pas publié{also}, {which} en comptant trop peu"
                       + (f" ; les foyers installés comptent {shown}" if shown else "")
                       + " (les installations attribuées, plus bas, portent sur tous les "
                       f"foyers touchés, que leur dossier cite {cited} ou non)")
        else:
            outcome = f"{stayed} et {settled}{people()}"
        followed = (
            f"{french.capitalise(who)} dont le dossier cite {cited} "
            f"{'se sont rapprochés' if protected.masked('followed') else came} du réseau "
            f"d'accueil{during} ; {outcome}.")
    else:  # (« 0 foyers … se sont rapprochés … ; 0 ont fait … (0 personnes) »)
        followed = (f"Aucun foyer dont le dossier cite {cited} ne s'est encore rapproché du "
                    "réseau d'accueil.")
    sentences = [
        f"{french.capitalise(french.period(start, end))}{length}, {name} a touché "
        f"{reach.persons_and_interactions()}.",
        followed,
    ]
    interactions = reach.interactions()
    during = households["during"]["followed"] if households["during"] else 0
    items = [
        card("Personnes touchées", reach.persons(None, None),
             f"{interactions} "
             f"{french.agree(interactions, reach.total['interactions'], 'interaction')}"),
        # (named as the pages name them with this campaign as the households' origin: it
        # said « Foyers venus au réseau d'accueil », the table « Foyers dont le dossier… »)
        card("Foyers suivis", text("followed"),
             f"dossier citant {cited}"
             + (f", dont {text('during')} {french.agree(text('during'), during, 'contacté')}"
                " pendant " + ("celle-ci" if one else "l'opération")
                if during and figures["followed"] else "")),
        card("Séjours d'immersion", text("immersed"),
             f"{verb('immersed', 'foyer ayant', 'foyers ayant')} fait un séjour"),
        card("Foyers installés", text("installed"), people().strip(" ()") or None),
        card("Budget", french.euros(chosen["budget_eur"]),
             f"{french.number(len(campaigns))} campagne" + ("s" if len(campaigns) > 1 else "")),
        card(ctx.by_model("Installations attribuées"), credit("installed"),
             f"{credit('followed')} " + french.agree(credit("followed"), chosen["followed"],
                                                    "foyer suivi attribué",
                                                    "foyers suivis attribués")),
        card("Coût par installation", cost, f"modèle {ctx.model_words}"),
        card("Durée", french.days(reach.days) if reach.days else "–",
             french.period(start, end) + (f", {french.number(len(campaigns))} campagnes"
                                          if spread else "")),
    ]
    return section("En bref", sentences, [cards(items)])


# --- From first contact to installation ----------------------------------------------------

def households_section(ctx: Context, codes: list[str], campaigns: list[dict],
                       reach: Reach) -> dict:
    households = _households(ctx, codes, reach.window)
    figures, immersions = households["all"], households["immersions"]
    protected = households["table"]

    def text(key: str) -> str:
        return protected.text(key, french.number)

    def rate(rate: dict, part: str, whole: str) -> str:
        if protected.masked(part) or protected.masked(whole) or rate["value"] is None:
            return "–"
        return f"{french.percent(rate['value'])} des {rate['base']}"

    rows = [
        ["Foyers suivis (dossier citant "
         + ("la campagne)" if len(codes) == 1 else "une de ces campagnes)"),
         text("followed"), ""],
        ["… dont premier contact pendant la campagne" if len(codes) == 1
         else "… dont premier contact pendant l'opération", text("during"), ""]
        if households["during"] else None,
        ["… accompagnés", text("accompanied"),
         rate(figures["accompanied_rate"], "accompanied", "followed")],
        ["… ayant fait un séjour d'immersion", text("immersed"),
         rate(immersions["immersed_rate"], "immersed", "followed")],
        ["… installés dans le Lot", text("installed"),
         rate(figures["installed_rate"], "installed", "followed")],
        ["Personnes installées", text("people_installed"), ""],
    ]
    # (each median says how many households it is of: every household the campaign touched,
    # whatever its dossier cites, so more than « Foyers suivis < 5 » above it; a median of a
    # few is one household's delay: withheld, as a rate on them)
    delays = [[one_line(row["campaign_label"])]
              + [f"{_days(row[f'median_days_to_{stage}'])} "
                 f"({french.number(row[f'households_days_to_{stage}'])} foyers)"
                 if row[f"households_days_to_{stage}"] >= ctx.threshold else "–"
                 for stage in ("followed", "installed")]
              for row in campaigns]
    sentences = [
        f"Des foyers que {_the(len(codes))} a amenés au "
        "réseau d'accueil, "
        f"{rate(figures['installed_rate'], 'installed', 'followed')} se sont installés."
        if rate(figures["installed_rate"], "installed", "followed") != "–" else "",
        # (as every median of the bilan, with the households it is of)
        f"Le séjour d'immersion a lieu en médiane "
        f"{french.number(immersions['median_days_to_immersion'])} jours après le premier "
        f"contact ({french.number(immersions['immersed'])} "
        f"{french.plural(immersions['immersed'], 'foyer')})."
        if immersions["median_days_to_immersion"] is not None
        and not protected.masked("immersed") else "",
        # (« le premier contact d'une personne avec la campagne et son premier contact avec
        # le réseau » left « son » to a person or to the campaign: the delay is a household's)
        "Délais médians, foyer par foyer : du premier contact d'un de ses membres avec la "
        "campagne à son premier contact avec le réseau d'accueil, puis à son installation ; "
        "sur tous les foyers que la campagne a touchés, que leur dossier la cite ou non "
        "(tableau « Combien de temps il a fallu »"
        # (at a threshold of 1 nothing is withheld: « « – » : moins de 1 foyer »)
        + (f" ; « – » : moins de {french.number(ctx.threshold)} "
           f"{french.plural(ctx.threshold, 'foyer')}" if ctx.threshold > 1 else "") + ").",
    ]
    return section("Des premiers contacts aux installations", sentences, [
        table([column("Foyers", 3, "left"), column("Nombre"), column("Taux", 1.4)],
              [row for row in rows if row]),
        table([column("Campagne", 3, "left"),
               column("Contact → suivi (médiane)", 1.4),
               column("Contact → installation (médiane)", 1.6)], delays,
              title="Combien de temps il a fallu"),
    ])


def _days(value: float | None) -> str:
    return "–" if value is None else f"{french.number(value)} jours"


# --- Credits -------------------------------------------------------------------------------

def credits_section(ctx: Context, codes: list[str], campaigns: list[dict]) -> dict:
    rows = ctx.ask_rows("campaign_credits", codes=codes)
    protected = Table(ctx.threshold, integer=False)
    for row in rows:
        for measure in ("followed", "installed"):
            protected.add((row["model"], row["campaign_code"], measure), row[measure])
    if len(codes) > 1:
        for measure in ("followed", "installed"):
            protected.line([(ctx.model, code, measure) for code in codes],
                           (ctx.model, None, measure))
    protected.protect()

    def credit(row: dict, measure: str) -> str:
        return protected.text((row["model"], row["campaign_code"], measure),
                              lambda value: french.number(value, 1))

    def credited(row: dict, measure: str, singular: str, plural_form: str | None = None) -> str:
        """« 0,0 foyer suivi », « 2,5 installations », « < 5 installations »."""
        shown = credit(row, measure)
        return f"{shown} {french.agree(shown, row[measure], singular, plural_form)}"

    def cost(row: dict, measure: str) -> str:
        if protected.masked((row["model"], row["campaign_code"], measure)):
            return "–"
        return french.euros(row[f"cost_per_{measure}_eur"])

    totals = [row for row in rows if row["campaign_code"] is None]
    body = [[row["label"], credit(row, "followed"), cost(row, "followed"),
             credit(row, "installed"), cost(row, "installed")] for row in totals]
    largest = max((row["installed"] for row in totals), default=0)
    chart = [{"label": row["label"], "bars": [bar(
        None if protected.masked((row["model"], None, "installed")) else row["installed"],
        largest, credit(row, "installed"), GREEN)]} for row in totals]
    chosen = next(row for row in totals if row["model"] == ctx.model)
    shown = [row for row in totals
             if not protected.masked((row["model"], None, "installed"))]
    label = ctx.model_words
    sentences = [
        f"Selon le modèle « {label} », {_the(len(codes))} "
        f"a apporté {credited(chosen, 'followed', 'foyer suivi', 'foyers suivis')} et "
        f"{credited(chosen, 'installed', 'installation')}"
        + (f", soit {cost(chosen, 'installed')} par installation"
           if cost(chosen, "installed") != "–" else "") + ".",
    ]
    # (« Foyers installés < 5 » beside « Installations attribuées 6,9 », and another cost in
    # the programme's bilan of a year: both are said where the credits are)
    sentences.append(
        "Les crédits vont à toute campagne qui a touché un foyer "
        f"{french.window_before(ctx.lookback_days, 'son premier contact')} ou son "
        "installation, que son dossier la cite ou non : ils peuvent donc dépasser les foyers "
        "dont le dossier la cite. Ils portent ici sur tous les foyers, quelle que soit la date "
        "de leur premier contact ; le bilan d'une période ne crédite que les foyers de cette "
        "période, d'où d'autres crédits et un autre coût.")
    # (all at zero: « de 0,0 (« premier contact ») à 0,0 installation (« premier contact ») »)
    if len(shown) == len(totals) and totals and any(row["installed"] for row in totals):
        low = min(totals, key=lambda row: row["installed"])
        high = max(totals, key=lambda row: row["installed"])
        # (five models that agree: « de 4,0 (« premier contact ») à 4,0 installations
        # (« premier contact ») »)
        sentences.append(
            f"Les cinq modèles lui attribuent {credited(high, 'installed', 'installation')}."
            if credit(low, "installed") == credit(high, "installed") else
            f"Selon les cinq modèles, de {credit(low, 'installed')} "
            f"(« {french.lower_first(low['label'])} ») à "
            f"{credited(high, 'installed', 'installation')} "
            f"(« {french.lower_first(high['label'])} »).")
    blocks = [
        table([column("Modèle d'attribution", 2, "left"), column("Foyers suivis attribués"),
               column("Coût par foyer suivi"), column("Installations attribuées"),
               column("Coût par installation")], body,
              caption="Budget : " + french.euros(chosen["budget_eur"]) + "."),
        bars("Installations attribuées selon le modèle (foyers)", chart,
             ctx.caption("toute la durée du programme")),
    ]
    if len(codes) > 1:
        per = sorted((row for row in rows if row["model"] == ctx.model and row["campaign_code"]),
                     key=lambda row: codes.index(row["campaign_code"]))
        labels = {row["campaign_code"]: one_line(row["campaign_label"]) for row in campaigns}
        blocks.append(table(
            [column("Campagne", 3, "left"), column("Budget"), column("Foyers suivis attribués"),
             column("Installations attribuées"), column("Coût par installation")],
            [[labels[row["campaign_code"]], french.euros(row["budget_eur"]),
              credit(row, "followed"), credit(row, "installed"), cost(row, "installed")]
             for row in per],
            title=f"Par campagne (modèle « {label} »)",
            total=["Opération", french.euros(chosen["budget_eur"]), credit(chosen, "followed"),
                   credit(chosen, "installed"), cost(chosen, "installed")], sums=[2, 3]))
    return section("Crédits et coûts selon les cinq modèles", sentences, blocks)
