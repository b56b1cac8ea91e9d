"""French labels, numbers and dates on screen. The numbers, dates and months are
pipelines/french.py's, the bilans' and the command line's too: a figure is written one way
everywhere. What only a screen needs is here (Markdown made inert, st.metric's changes)."""

from __future__ import annotations

import datetime as dt
import re

from pipelines.french import (  # noqa: F401 (the screens' names for them)
    MONTHS,
    NBSP,
    THIN,
    agree,
    date,
    euros,
    listed,
    missing,
    month,
    number,
    percent,
    quarter,
)
from pipelines.french import plural as plural_of

# What a page says where its selection has no household (its charts would be empty).
NO_HOUSEHOLD = "Aucun foyer dont le premier contact tombe dans cette sélection"

# Every ASCII punctuation character: CommonMark lets a backslash make each of them literal.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM links bare URLs and emails after parsing, escaped or not: an invisible word joiner after
# `:`, `@` and `www` breaks them (and emoji and icon shortcodes).
_AUTOLINK = re.compile(r"(:|@|www)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(value: object) -> str:
    """Text from the exports made inert where Streamlit renders Markdown (st.markdown, captions,
    alerts, metric labels, values and help, widget labels): every ASCII punctuation character
    backslash-escaped, so no link, image, HTML tag, emphasis, LaTeX or colour directive; bare
    URLs and emails not linked; line breaks as spaces. Looks the same on screen. Not for
    plain-text places (tables, selectbox options, st.code)."""
    text = _PUNCTUATION.sub(r"\\\1", " ".join(str(value).splitlines()))
    return _AUTOLINK.sub(rf"\1{WORD_JOINER}", text)


_SPACE_BEFORE = re.compile(r" (?=[:;?!»])")


def punctuation_held(text: str) -> str:
    """French punctuation held to its words (no-break spaces after « and before » : ; ? !): a
    message wrapped in a code block left « alone at a line's end, » or « : » alone at the next
    one's start."""
    return _SPACE_BEFORE.sub("\u00a0", text.replace("« ", "«\u00a0"))


def counted(n: float, singular: str, plural: str) -> str:
    """`0 foyer suivi`, `1 foyer suivi`, `2 foyers suivis` (French: 0 and 1 are singular)."""
    return f"{number(n)} {plural_of(n, singular, plural)}"


def compact_euros(value: float | None) -> str:
    """An amount where a card has little room: `9 500 €`, `318 k€` from 10 000 €, `1,2 M€`
    from a million (rounded for display only)."""
    if missing(value):
        return "–"
    if abs(value) >= 1_000_000:
        return f"{number(value / 1_000_000, 1)}{NBSP}M€"
    if abs(value) >= 100_000:
        return f"{number(value / 1_000)}{NBSP}k€"
    if abs(value) >= 10_000:
        # (one decimal below 100 k€: 18 500 € read « 18 k€ »)
        return f"{number(value / 1_000, 0 if value % 1_000 == 0 else 1)}{NBSP}k€"
    return euros(value)


def timestamp(value: dt.datetime | str | None) -> str:
    """`23/11/2026 à 09:17` (accepts the ISO text of a status file)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y à %H:%M")


def share(rate: dict | None, decimals: int = 1) -> str:
    """A rate of the metrics layer ({value, part, whole, base}) as `32,5 %`."""
    return percent(None if rate is None else rate["value"], decimals)


def rate(rate: dict | None, base: bool = False, decimals: int = 1) -> str:
    """A rate of the metrics layer with its counts, `32,5 % (130 / 400)`, and with `base`
    what it is a share of: `32,5 % des suivis (130 / 400)`; never a bare percentage."""
    if rate is None or rate["value"] is None:
        return "–"
    of = f" des {rate['base']}" if base and rate.get("base") else ""
    return (f"{percent(rate['value'], decimals)}{of} "
            f"({number(rate['part'])} / {number(rate['whole'])})")


def delta(difference: float | None, text: str | None, provisional: bool = False) -> dict:
    """st.metric's change arguments for a change written by pipelines/french.py (`−3`, with
    the true minus the bilan writes: Streamlit reads a fall from a leading hyphen only, so
    the arrow and colour are given): up and green, down and red; grey without an arrow when
    nothing moved, grey with its arrow when provisional; nothing when there is no change."""
    if text is None or difference is None:
        return {"delta": None}
    if text.startswith("0"):  # (nothing moved, as written: « ↑ 0 (0 %) » was green)
        return {"delta": text, "delta_color": "off", "delta_arrow": "off"}
    up = difference > 0
    return {"delta": text + (" (provisoire)" if provisional else ""),
            "delta_color": "off" if provisional else ("green" if up else "red"),
            "delta_arrow": "up" if up else "down"}
