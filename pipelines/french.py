"""French numbers, dates and words, defined once for every reader: the dashboard's screens
(dashboard/fmt.py adds what only a screen needs), the bilans and the command line. `1 234,5`,
`31/03/2022`, `32,5 %`, `−3` (a screen's and a document's figure were written two ways: « -0 »
on screen where the bilan wrote « 0 »)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal

NBSP = "\u00a0"  # before % and €
THIN = "\u202f"  # thousands separator (narrow no-break space, French typography)

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rounded(value: float, decimals: int = 0) -> Decimal:
    """`value` to `decimals` places, half away from zero on its digits as written (`repr`),
    as a reader rounds by hand: Python's format rounds half to even on the binary value, a
    credit of 0,25 read « 0,2 » beside a budget share of 0,25 × 477 € (and 0,75 « 0,8 »)."""
    exact = Decimal(repr(float(value)))
    if not exact.is_finite():
        return exact
    return exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, _WIDE)


_WIDE = Context(prec=400)  # (every float's digits: the default 28 stopped at 10²⁸)


def number(value: float | None, decimals: int = 0) -> str:
    """`1 234`, `1 234,5` or `−3`; an empty value is a dash."""
    if missing(value) or math.isinf(value):
        return "–"
    shown = rounded(value, decimals)
    shown = abs(shown) if shown == 0 else shown  # never « -0 »
    # (a true minus sign, as `signed` writes it: a table's « Écart -7 » beside a card's « −7 »)
    return f"{shown:,.{decimals}f}".replace(",", THIN).replace(".", ",").replace("-", "\u2212")


def percent(value: float | None, decimals: int = 1) -> str:
    """A share in [0, 1] as `32,5 %`."""
    return "–" if missing(value) else f"{number(value * 100, decimals)}{NBSP}%"


def euros(value: float | None) -> str:
    return "–" if missing(value) else f"{number(value)}{NBSP}€"


def signed(value: float, decimals: int = 0) -> str:
    """`+12`, `−3` (a true minus sign), `0`."""
    text = number(abs(value), decimals)
    if text == "–" or rounded(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def change(difference: float, relative: float | None) -> str:
    """A change between two periods, as the cards and the bilans write it: `+78 (+118,2 %)`,
    `−3 (−37,5 %)`, `0` (the cards wrote « +118 % » where the bilan wrote « +118,2 % »)."""
    text = signed(difference)
    return text if relative is None else f"{text} ({signed(relative * 100, 1)}{NBSP}%)"


def points(difference: float) -> str:
    """A change of a rate in percentage points: `+1,2 pt`, `−3,2 pt`."""
    return f"{signed(difference, 1)}{NBSP}pt"


def date(value: dt.date | None) -> str:
    return "–" if value is None else value.strftime("%d/%m/%Y")


SHORT_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                "oct.", "nov.", "déc."]


def short_month(value: dt.date) -> str:
    return f"{SHORT_MONTHS[value.month - 1]} {value.year}"


def month(value: dt.date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def quarter(value: dt.date) -> str:
    return f"T{(value.month - 1) // 3 + 1} {value.year}"


def period(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """`du 01/01/2023 au 31/12/2023`, `le 15/06/2024` (one day: it read « du 15/06/2024 au
    15/06/2024 »), `jusqu'au …`, `depuis le …`, `toute la période`."""
    if date_from and date_to and date_from == date_to:
        return f"le {date(date_from)}"
    if date_from and date_to:
        return f"du {date(date_from)} au {date(date_to)}"
    if date_to:
        return f"jusqu'au {date(date_to)}"
    if date_from:
        return f"depuis le {date(date_from)}"
    return "depuis le début du programme"


def lower_first(text: str) -> str:
    """A label inside a sentence: its first letter lower-cased, not a capital's neighbour
    (« En U (40/20/40) » → « en U (40/20/40) »; str.lower made it « en u (40/20/40) »)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def days(value: float) -> str:
    """A duration in days as a sentence says it: `365 jours`, `7,5 jours`, `1 jour`."""
    return f"{number(value, 0 if float(value).is_integer() else 1)} {plural(value, 'jour')}"


def window_before(length: float, what: str) -> str:
    """The attribution window before `what` (« son premier contact », « l'installation »), as a
    sentence says it: « dans les 365 jours avant son premier contact ». A window of one day
    counts the day itself and the day before: « la veille ou le jour même de son premier
    contact » (« dans les 1 jour avant » read wrong, « du jour précédant » said the day before
    only)."""
    if length == 1:
        of = ("du " + what[3:] if what.startswith("le ")
              else "des " + what[4:] if what.startswith("les ") else "de " + what)
        return f"la veille ou le jour même {of}"
    return f"dans les {days(length)} avant {what}"


def to_the(phrase: str) -> str:
    """« à » before a noun phrase, contracted: « au même jour », « aux dates », « à la … »."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return "à " + phrase


def listed(items: list[str]) -> str:
    """« a », « a et b », « a, b et c » (and « » for none)."""
    return " et ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """The noun agreeing with a count (French: 0 and 1 are singular)."""
    return singular if abs(count) < 2 else (plural_form or singular + "s")


def agree(shown: str, value: float | None, singular: str, plural_form: str | None = None) -> str:
    """The word agreeing with a figure as shown, noun or verb (« 1 interaction », « 0,0 foyer »,
    « < 5 personnes », « 3 ont fait »): a figure masked by the statistical secret (« < 5 »)
    takes the plural; a shown one agrees with its digits, not with the value they round (1,96
    credits shown « 2,0 » are « 2,0 foyers »)."""
    figure = _SHOWN.match(shown) if value is not None else None
    if figure is None:
        return plural(2, singular, plural_form)
    return plural(float(figure[0].replace(THIN, "").replace(",", ".")), singular, plural_form)


_SHOWN = re.compile(f"[0-9][0-9{THIN}]*(?:,[0-9]+)?")


def quoted(text: object) -> str:
    """A label from the exports quoted on one line, `« Été 2023 »`; its own guillemets become
    the inner quotes French uses, `« Salon “Vivre et travailler” 2024 »` (nested « « » » read
    as two labels)."""
    inner = " ".join(str(text).split()).replace("« ", "“").replace(" »", "”")
    return f"« {inner.replace('«', '“').replace('»', '”')} »"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
