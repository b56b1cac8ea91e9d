"""Small counts on the territory page: a place (commune, EPCI) with fewer installed households
than metrics.SMALL_COUNT is shown only as the class « 1 à 2 », never its exact figure (a
household could be recognised in a village). And none can be recovered by subtraction: where
an intercommunality's communes (or the intercommunalities and the rest of the total) would
give a masked figure back, more places are masked, shown « masqué » (the bilan's secondary
secret, pipelines/report/disclosure.py, with the page's threshold, the lines read together as
a reader combines them). Every commune of an intercommunality of « 1 à 2 » is « masqué »,
those without an installation too: a reader cannot tell which communes have one."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from pipelines.metrics import SMALL_COUNT
from pipelines.report.disclosure import (
    BLANKED,
    SECONDARY,
    SHOWN,
    SMALL,
    places_told,
    territory_table,
)

# Classes of the installation maps: (lowest count, label); the first two hide small counts;
# the last, places masked because a total would give another's figure back.
COUNT_CLASSES = ((0, "aucun"), (1, f"1 à {SMALL_COUNT - 1}"), (3, "3 à 4"), (5, "5 à 9"),
                 (10, "10 à 19"), (20, "20 et plus"))
MASKED = "masqué"
MASKED_FEMININE = "masquée"  # (a card whose noun is feminine: « Intercommunalité »)
MASKED_CLASS = len(COUNT_CLASSES)
COUNT_CLASS_LABELS = (*(label for _, label in COUNT_CLASSES), MASKED)


def protect(communes: pd.DataFrame, epci: pd.DataFrame,
            installed: int, installed_elsewhere: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The communes and intercommunalities with `state` (shown, small, secondary), `shown`
    and `count_class` (with_classes, a secondary one in the class « masqué »), and the state
    of the households installed elsewhere. Lines a reader can subtract along: each
    intercommunality's communes and its figure; the intercommunalities, elsewhere and the
    installed households (a card of the page, the same on every page: never masked); the
    communes and elsewhere, and that card."""
    communes, epci = with_classes(communes), with_classes(epci)
    placed = communes[communes["commune_code"].notna()]
    table = territory_table(
        list(zip(placed["commune_code"], placed["epci_code"], placed["households"],
                 strict=True)),
        list(zip(epci["epci_code"], epci["households"], strict=True)),
        installed, installed_elsewhere, SMALL_COUNT).protect()
    for frame, kind, column in ((communes, "commune", "commune_code"),
                                (epci, "epci", "epci_code")):
        # (the communes' row of households installed elsewhere, without a code, is the
        # table's « elsewhere »: « 1 à 2 » there beside « masqué » in the page's note)
        frame["state"] = [table.states.get((kind, code), state) if isinstance(code, str)
                          else table.states["elsewhere"]
                          for code, state in zip(frame[column], frame["state"], strict=True)]
        secondary = is_hidden(frame)
        frame.loc[secondary, "shown"] = MASKED
        frame.loc[secondary, "count_class"] = MASKED_CLASS
    return _masked_last(communes), _masked_last(epci), table.states["elsewhere"]


def _masked_last(frame: pd.DataFrame) -> pd.DataFrame:
    """The metric's order, the places shown « masqué » after the others and by name: between
    its neighbours of an ordered list a masked figure would be bounded on both sides, and
    listed by their figures the masked communes of a small intercommunality told which ones
    have an installation."""
    hidden = is_hidden(frame)
    return pd.concat([frame[~hidden], frame[hidden].sort_values("name_order", kind="stable")])


# States shown « masqué »: masked so that a total gives no figure back, or with their presence.
HIDDEN = (SECONDARY, BLANKED)


def is_hidden(frame: pd.DataFrame) -> pd.Series:
    """The places shown « masqué » (not even their class)."""
    return frame["state"].isin(HIDDEN)


def listed(frame: pd.DataFrame) -> pd.DataFrame:
    """The places a table lists: those with an installation, and every masked one, none
    included (listing only the others would tell which ones have none: the row of the
    communes outside the Lot, listed « masqué » only when it held some, told it)."""
    return frame[(frame["households"] > 0) | is_hidden(frame)]


def shown_count(households: int, state: str | None = None) -> str:
    """A count of installed households as the territory page shows it: exact from
    SMALL_COUNT on, « 1 à 2 » below, « 0 » for none; « masqué » when protect masked it."""
    if state in HIDDEN:
        return MASKED
    if 0 < households < SMALL_COUNT:
        return f"1 à {SMALL_COUNT - 1}"
    return fmt.number(households)


def with_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `count_class` (index in COUNT_CLASSES), `shown` (the masked figure) and `state`
    (small below SMALL_COUNT, else shown; protect masks more)."""
    lows = [low for low, _ in COUNT_CLASSES]
    frame = frame.copy()
    frame["count_class"] = frame["households"].map(
        lambda n: max(i for i, low in enumerate(lows) if n >= low)).astype("int64")
    frame["shown"] = frame["households"].map(shown_count)
    frame["state"] = [SMALL if 0 < n < SMALL_COUNT else SHOWN for n in frame["households"]]
    return frame


def is_masked(frame: pd.DataFrame) -> pd.Series:
    """The places whose installed households are not shown exactly (with_classes, protect)."""
    return frame["state"] != SHOWN


def communes_installed(frame: pd.DataFrame) -> list[int | None]:
    """An intercommunality's communes with an installation, None where its households are
    masked: two communes beside « 1 à 2 » foyers would tell that they are exactly two."""
    return [None if hidden else int(n)
            for n, hidden in zip(frame["communes_installed"], is_masked(frame), strict=True)]


def shown_communes_installed(frame: pd.DataFrame) -> list[str]:
    """As communes_installed, for a screen: the households' class where they are masked."""
    return [fmt.number(n) if n is not None else shown
            for n, shown in zip(communes_installed(frame), frame["shown"], strict=True)]


def leaders(frame: pd.DataFrame) -> pd.DataFrame:
    """The places with the most installed households among those whose figure is shown
    exactly (a masked one is never named, nor said to tie): all of them when they tie
    (« Cauvaldor » was named alone beside « Grand Cahors » at the same 6); none under
    SMALL_COUNT (one « 1 à 2 » named first among others told it is 2 and they are 1)."""
    shown = frame[(frame["state"] == SHOWN) & (frame["households"] > 0)]
    return shown[shown["households"] == shown["households"].max()] if len(shown) else shown


def communes_told(communes: pd.DataFrame) -> tuple[int, bool]:
    """The communes of the Lot with an installation that the page tells apart, and whether
    some are masked with their presence (disclosure.places_told)."""
    placed = communes[communes["commune_code"].notna()]
    return places_told(zip(placed["households"], placed["state"], strict=True))
