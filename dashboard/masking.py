"""Small counts on the territory page: a place (commune, EPCI) with fewer installed households
than metrics.SMALL_COUNT is shown only as the class « 1 à 2 », never its exact figure (a
household could be recognised in a village)."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from pipelines.metrics import SMALL_COUNT

# Classes of the installation maps: (lowest count, label); the first two hide small counts.
COUNT_CLASSES = ((0, "aucun"), (1, f"1 à {SMALL_COUNT - 1}"), (3, "3 à 4"), (5, "5 à 9"),
                 (10, "10 à 19"), (20, "20 et plus"))
COUNT_CLASS_LABELS = tuple(label for _, label in COUNT_CLASSES)


def shown_count(households: int) -> str:
    """A count of installed households as the territory page shows it: exact from
    SMALL_COUNT on, « 1 à 2 » below, « 0 » for none."""
    if 0 < households < SMALL_COUNT:
        return f"1 à {SMALL_COUNT - 1}"
    return fmt.number(households)


def with_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `count_class` (index in COUNT_CLASSES) and `shown` (the masked figure)."""
    lows = [low for low, _ in COUNT_CLASSES]
    frame = frame.copy()
    frame["count_class"] = frame["households"].map(
        lambda n: max(i for i, low in enumerate(lows) if n >= low)).astype("int64")
    frame["shown"] = frame["households"].map(shown_count)
    return frame


def is_small(frame: pd.DataFrame) -> pd.Series:
    """The places whose installed households are masked (1 to SMALL_COUNT − 1)."""
    return (frame["households"] > 0) & (frame["households"] < SMALL_COUNT)


def communes_installed(frame: pd.DataFrame) -> list[int | None]:
    """An intercommunality's communes with an installation, None where its households are
    masked: two communes beside « 1 à 2 » foyers would tell that they are exactly two."""
    return [None if hidden else int(n)
            for n, hidden in zip(frame["communes_installed"], is_small(frame), strict=True)]


def shown_communes_installed(frame: pd.DataFrame) -> list[str]:
    """As communes_installed, for a screen: the households' class where they are masked."""
    return [fmt.number(n) if n is not None else shown
            for n, shown in zip(communes_installed(frame), frame["shown"], strict=True)]
