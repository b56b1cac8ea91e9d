"""Plain-French help a committee can act on, whose figures come from the settings the build
credited with (ref.attribution_settings, read as queries.Reference), never written by hand nor
read from the dashboard's own environment: the attribution models with a worked example."""

from __future__ import annotations

from dashboard import fmt
from dashboard.queries import Reference
from pipelines import french

# The worked example: one household touched by three campaigns, this many days before it
# became a followed household (kept inside the lookback window).
# (its name in the sentence, its short name in each model's credits, days before)
EXAMPLE = (("un salon", "salon", 60), ("le site web", "site web", 20),
           ("une lettre d'information", "lettre", 5))


# One help per figure shown on two pages (the overview and Ambassadeurs said two things)
ACTIVE_AMBASSADORS = (
    "Ambassadeurs ayant adhéré au plus tard à la fin de la période et actifs selon le dernier "
    "export de la plateforme, qui ne dit que le statut du jour, pas celui d'une date passée. "
    "Tout le réseau : ni le filtre des canaux ni celui des campagnes ne s'y appliquent.")


def window_before(refs: Reference, what: str) -> str:
    """The build's attribution window before `what`: « dans les 365 jours avant l'installation »."""
    return french.window_before(refs.lookback_days, what)


def example_days(refs: Reference) -> list[tuple[str, int]]:
    """The worked example's contacts and their days before the conversion, within the window:
    shortened in proportion under 60 days (a one-day window made them all « 1 jour avant »,
    an example that showed no model's rule)."""
    longest = max(days for *_, days in EXAMPLE)
    scale = min(1.0, refs.lookback_days / longest)
    return [(name, round(days * scale)) for name, _, days in EXAMPLE]


def _before(days: int) -> str:
    return "le jour même" if days == 0 else f"{french.days(days)} avant"


def _credits(model: str, refs: Reference) -> list[float]:
    days = [d for _, d in example_days(refs)]
    n = len(days)
    if model == "first_touch":
        return [1.0] + [0.0] * (n - 1)
    if model == "last_touch":
        return [0.0] * (n - 1) + [1.0]
    if model == "linear":
        return [1 / n] * n
    if model == "time_decay":
        weights = [2 ** (-d / refs.half_life_days) for d in days]
        return [w / sum(weights) for w in weights]
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]  # position_based, n = 3


RULES = {
    "first_touch": "tout le crédit va à la première campagne qui a touché le foyer.",
    "last_touch": "tout le crédit va à la dernière campagne avant la conversion.",
    "linear": "le crédit est partagé à parts égales entre les campagnes.",
    "time_decay": "le poids d'un contact est divisé par deux tous les {half_life} avant "
                  "la conversion.",
    "position_based": "40 % à la première campagne, 40 % à la dernière, les 20 % restants "
                      "partagés entre celles du milieu.",
}


def model_sentence(model: str, refs: Reference) -> str:
    """One sentence for a model, with the worked example's credits."""
    rule = RULES.get(model, "").format(half_life=french.days(refs.half_life_days))
    # (short: the whole help must fit a tooltip, which cut its last model at 1280 × 900)
    shares = " · ".join(f"{short} {fmt.number(credit, 2)}"
                        for (_, short, _), credit in zip(EXAMPLE, _credits(model, refs),
                                                         strict=True))
    return f"**{refs.models[model]}** : {rule} ({shares})"


def models_help(refs: Reference) -> str:
    """The help of the model choice: the window, the example, then one line per model."""
    (a, da), (b, db), (c, dc) = example_days(refs)
    intro = (
        "Chaque foyer compte pour 1, partagé entre les campagnes qui l'ont touché "
        f"{window_before(refs, 'son premier contact')} (ou avant son installation pour les "
        f"installations). Exemple : {a} {_before(da)}, {b} {_before(db)}, {c} {_before(dc)}.")
    lines = [f"- {model_sentence(model, refs)}" for model in refs.models]
    # (the settings that change the window and the half-life are the officer's guide's: a
    # committee member read « OMLOT_LOOKBACK_DAYS » here)
    return intro + "\n\n" + "\n".join(lines)
