"""Personal data typed where it does not belong (an email in « Canal », a phone in a date
column): the one definition of what an email address or a phone number looks like, used by
Python messages (`mask`) and, through `sql_setup`, by the SQL models (macros.sql)."""

from __future__ import annotations

import re
import threading

import duckdb

# Written in the syntax that Python's `re` and DuckDB's RE2 read alike: explicit classes
# ([0-9], no \d or \s, whose meaning differs between them), no look-around (RE2 has none).
# White space between the parts of an address or a number: spaces (no-break, narrow, thin,
# figure, zero-width and joiners, the typographic ones U+2000–U+200A, the ideographic one),
# tabs and line breaks (a number typed across two lines of a note, U+2028 and U+2029 too).
_SPACES = (" \t\r\n\u00a0\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u180e\u3000"
           "\ufeff")
# An @ as typed, including the full-width and small forms an input method or a copy from a PDF
# gives (« jean＠gmail.com »): each is somebody's address.
_AT_SIGNS = "@\uff20\ufe6b"
_ADDRESS_CHAR = f"[^{_AT_SIGNS}{_SPACES};,:<>()\\[\\]\"]"
# An @ written out to escape spam robots: « [at] », « (at) », « {at} », « [@] », « (a) »,
# « (arobase) »; or encoded: « %40 », « %2540 », « &#64; », « &commat; » (their « ; » optional).
_AT_WORD = (f"[{_SPACES}]*[\\[({{][{_SPACES}]*(?i:at|a|@|arobase)[{_SPACES}]*[\\])}}]"
            f"[{_SPACES}]*|%40|%2540|&#0*64;?|&#[xX]0*40;?|&(?i:commat);?")
# A dot written out the same way: « [dot] », « (point) », « {.} ».
_DOT_WORD = (f"[{_SPACES}]*[\\[({{][{_SPACES}]*(?i:dot|point|\\.)[{_SPACES}]*[\\])}}]"
             f"[{_SPACES}]*")
# An address spelt out, or spaced around its @ and its dot (« prenom.nom at gmail dot com »,
# « marc arobase orange point fr », « paul chez orange.fr », « jean.dupont @ gmail . com »):
# recognised by its domain's ending, so that « Salon at Paris, point de rencontre » and « Salon
# de l'habitat at Figeac point info » stay as they are. After « point » (a French word), only
# endings no French phrase gives (« point de », « point info »); after « dot » or a dot typed
# without spaces, any ending (« jean.weber at web.de »).
_SPELT_AT = f"[{_SPACES}]+(?i:at|arobase|chez)[{_SPACES}]+"
_SPELT_DOT = f"[{_SPACES}]+(?i:dot|point)[{_SPACES}]+"
_ENDING = "(?i:fr|com|net|org|eu|be|ch|ca|io|uk|biz)"
_ANY_ENDING = "(?i:[a-z]{2,})"
# after a dot typed with spaces around it (« anne @ gmail . de »): the country and common
# endings, not any word (« rendez-vous @ 10h . Puis »)
_DOTTED_ENDING = ("(?i:fr|com|net|org|eu|info|be|ch|ca|io|uk|biz|de|es|it|nl|pt|lu|at|me|re|"
                  "bzh|paris|online|gouv)")
# An @ typed without AltGr on a French keyboard, where it shares its key with « à »
# (« jean.dupontàgmail.com »): glued to a dotted domain (with spaces, « à » is French:
# « Inscriptions à choisirlelot.fr »).
_AZERTY_AT = "\u00e0"
# An address whose @ was forgotten, at a provider families use (« jean.dupont gmail.com »).
_PROVIDER = ("(?i:gmail|googlemail|hotmail|yahoo|orange|wanadoo|free|sfr|laposte|outlook|live|"
             "msn|icloud|me|gmx|aol|protonmail|bbox|neuf|club-internet|numericable)")

# Something@something: wider than the contract's address (no dot needed), since a mistyped
# address (`jean.dupont@gmail`, `alice@@gmail.com`) is still somebody's; and an address typed
# with a space beside its @ (`marie.martin @gmail.com`, `ivy@` and a line break), or its @
# written out (`dana [at] gmail.com`), when a dotted domain follows (« Instagram @choisirlelot »
# is no address).
_A = _ADDRESS_CHAR
_SPACED_AT = f"[{_SPACES}]*[{_AT_SIGNS}][{_SPACES}]*"
EMAIL_PATTERN = (
    f"{_A}+[{_AT_SIGNS}]+{_A}+"
    f"|{_A}+%40{_A}+"
    f"|{_A}+[{_SPACES}]+[{_AT_SIGNS}]+[{_SPACES}]*{_A}+\\.{_A}+"
    f"|{_A}+[{_AT_SIGNS}]+[{_SPACES}]+{_A}+\\.{_A}+"
    f"|{_A}+(?:{_AT_WORD}){_A}+\\.{_A}+"
    f"|{_A}+(?:{_AT_WORD}|{_SPELT_AT}){_A}+(?:{_DOT_WORD}{_A}+)+"
    f"|{_A}+{_SPELT_AT}{_A}*\\.{_ANY_ENDING}"
    f"|{_A}+(?:{_SPELT_AT}|{_SPACED_AT}){_A}+[{_SPACES}]*\\.[{_SPACES}]*{_DOTTED_ENDING}"
    f"|\"[^\"{_AT_SIGNS}]*\"[{_AT_SIGNS}]+{_A}+"
    f"|{_A}+(?:{_SPELT_AT}|{_SPACED_AT}|{_AT_WORD}){_A}+(?:{_SPELT_DOT}{_A}+)*"
    f"(?:[{_SPACES}]+(?i:point)[{_SPACES}]+{_ENDING}|[{_SPACES}]+(?i:dot)[{_SPACES}]+{_ANY_ENDING})"
    f"|{_A}+[{_SPACES}]+{_PROVIDER}\\.{_ANY_ENDING}"
    f"|{_A}+{_AZERTY_AT}{_A}+\\.{_ANY_ENDING}"
)

# A digit as typed, full-width ones included (« ０６ １２… », from some input methods).
_DIGIT = "[0-9\uff10-\uff19]"
_NOT_DIGIT = "[^0-9\uff10-\uff19]"
# French numbers as they are written:
# - ten digits, one kind of separator throughout, possibly none (so that `01.02.2023 10:30`
#   is not one), spaces however many (`06  98  76  54  33`), the digits grouped anyhow
#   (`06 98 76 5432`);
# - in pairs, each after a separator of up to five characters of any kind, mixed
#   (`06 - 11 - 22 - 33 - 44`, `06-12 34-56 80`, `06,12,34,56,78`, `06_12…`, en dashes,
#   bullets, the minus sign, `(06) 55 66 77 88`, a line break), or with its leading 0 dropped
#   (`6 12 34 56 82`), or after a group of four (a Belgian mobile, `0470/12.34.56`): a date's
#   year (`01.02.2023`) or an amount's thousands (`1 250 000`) are never pairs after
#   separators;
# international numbers from their + or 00, with spaces, dots, hyphens, slashes and brackets
# between digits (`(+33) 6 98 76 54 31`, `+44 (0)20 7946 0958`, `+1 (415) 555-2671`); and
# digit runs of nine or more, whole (a number whose leading 0 a spreadsheet dropped:
# 612345678; two numbers pasted together, whose second was left in clear). Group 1 is the
# character before the number, which must not be a digit: the number is never the tail of a
# longer figure.
_FRENCH = "|".join(
    f"[0\uff10][1-9\uff11-\uff19](?:{separator}{_DIGIT}){{8}}"
    for separator in (f"[{_SPACES}]*", "\\.?", "-?", "/?", ":?", "\\|?", "\\*?", "\u00b7?",
                      "\\\\?")
)
_PAIR_SEPARATOR = (f"[{_SPACES}.\\-/,;_|*~'()\u00b7\\\\\u2010-\u2015\u2022\u2044\u2212\u2219]"
                   "{1,5}")
_PAIRS = f"\\(?[0\uff10]?[1-9\uff11-\uff19]\\)?(?:{_PAIR_SEPARATOR}{_DIGIT}{{2}}){{4}}"
_INTERNATIONAL_SEPARATOR = f"[{_SPACES}.\\-()]"
PHONE_PATTERN = (
    f"(^|{_NOT_DIGIT})(?:"
    f"{_DIGIT}{{9,}}"
    f"|\\(?(?:\\+|00)[1-9](?:{_INTERNATIONAL_SEPARATOR}{{0,2}}{_DIGIT}){{7,14}}"
    f"|{_FRENCH}"
    f"|{_PAIRS}"
    f"|[0\uff10][1-9\uff11-\uff19]{_DIGIT}{{2}}(?:{_PAIR_SEPARATOR}{_DIGIT}{{2}}){{3}}"
    ")"
)

# A cheap necessary condition of both patterns (an @ or its written forms, or 9 digits): the
# regexes above only run on the few values that pass it, which matters on millions of touches.
CANDIDATE_PATTERN = (f"[{_AT_SIGNS}]|%40|%2540|&#|&(?i:commat)|(?i:at|a)[{_SPACES}]*[\\])}}]"
                     f"|(?i:arobase)|[{_SPACES}](?i:at|chez)[{_SPACES}]|{_PROVIDER}\\."
                     f"|[^{_SPACES}]{_AZERTY_AT}[^{_SPACES}]+\\.[a-zA-Z]"
                     f"|(?:{_DIGIT}{_NOT_DIGIT}*){{9}}")

# Direction overrides and isolates (U+200E/F, U+202A–U+202E, U+2066–U+2069): dropped from
# every shown text (macros.sql no_bidi, at staging) and from the bilan's text (render): a
# label « Newsletter \u202eevil 2023 tpircs\u202c » read « … script 3202 live ».
DIRECTION_CONTROLS = "[\u200e\u200f\u202a-\u202e\u2066-\u2069]"

# An identifier that held an email or a phone is replaced by this prefix and a stable code
# (macros.sql pseudonymise, bound as a variable); wherever one is shown, PSEUDONYM_NOTE says
# what it is (« masqué-hjkl… » in a table or a bilan told a reader nothing).
PSEUDONYM_PREFIX = "masqué-"
PSEUDONYM_NOTE = (f"« {PSEUDONYM_PREFIX}… » : une valeur des exports qui contenait un email ou "
                  "un numéro de téléphone, remplacée par un pseudonyme, le même partout où elle "
                  "revient.")


def holds_pseudonym(text: object) -> bool:
    return isinstance(text, str) and PSEUDONYM_PREFIX in text


EMAIL_MASK = "[email masqué]"
PHONE_MASK = "[téléphone masqué]"
# Replacement texts, read alike by re.sub and DuckDB's regexp_replace (\1: the character
# kept before a phone number).
EMAIL_REPLACEMENT = EMAIL_MASK
PHONE_REPLACEMENT = "\\1" + PHONE_MASK

_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_CANDIDATE = re.compile(CANDIDATE_PATTERN)

# Values that sql_setup masks both ways to prove SQL and Python agree.
_SELF_CHECK = (
    "jean.dupont@example.fr",
    "tél. 06 12 34 56 78 / +33 (0)7 11 22 33 44",
    "(+33) 6 98 76 54 31, +44 (0)20 7946 0958, 06/98/76/54/32, marie.martin @gmail.com",
    "06.12.34.56.78",
    "0033612345678",
    "01.02.2023 10:30",
    "2023-07-14T10:32:00+02:00",
    "12 500,50 €",
    "alice@@gmail.com, bob＠gmail.com, dana [at] gmail.com, eve%40gmail.com",
    "06 - 11 - 22 - 33 - 44, (06) 55 66 77 88, 6 12 34 56 82, 06 98\n76 54 32",
    "01 02 2023, 1 250 000 €",
    "luc at gmail dot com, marc arobase orange point fr, jo @ gmail . com, ana{at}gmail.com",
    "Salon at Paris, point de rencontre ; Chat (at) home",
)


# Past this length a text is masked by DuckDB's regex engine (RE2, whose time grows with the
# text), not Python's: `re` backtracks, and a header cell of « x at » and thirty thousand
# letters took 70 s to mask (a build stopped for a minute per such column).
LONG_TEXT = 1_000


def mask(text: str) -> str:
    """The text with every email replaced by « [email masqué] » and every phone number by
    « [téléphone masqué] »."""
    if not _CANDIDATE.search(text):
        return text
    if len(text) > LONG_TEXT:
        return _mask_in_sql(text)
    return _PHONE.sub(PHONE_REPLACEMENT, _EMAIL.sub(EMAIL_REPLACEMENT, text))


_SQL: list[duckdb.DuckDBPyConnection] = []
_SQL_LOCK = threading.Lock()


def _mask_in_sql(text: str) -> str:
    """`mask` by macros.sql's mask_pii, on a connection of its own (made once, when the first
    long text comes)."""
    from . import config

    with _SQL_LOCK:
        if not _SQL:
            con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                         "autoload_known_extensions": False})
            con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
            sql_setup(con)
            _SQL.append(con)
        return _SQL[0].execute("select mask_pii(?)", [text]).fetchone()[0]


def looks_personal(text: str) -> bool:
    """Whether the text holds something that looks like an email or a phone number."""
    return mask(text) != text


def sql_setup(con: duckdb.DuckDBPyConnection) -> None:
    """Bind the patterns above for the SQL macros of macros.sql (mask_pii, pseudonymise), as
    the hash key is bound; then check that SQL and Python mask alike.

    The macros live in macros.sql because reject_if and invalid_if call them, and DuckDB
    binds a macro's body when it is created: they must exist before those are."""
    for name, value in (
        ("pii_candidate_pattern", CANDIDATE_PATTERN),
        ("pii_email_pattern", EMAIL_PATTERN),
        ("pii_phone_pattern", PHONE_PATTERN),
        ("pii_email_replacement", EMAIL_REPLACEMENT),
        ("pii_phone_replacement", PHONE_REPLACEMENT),
        ("direction_controls", DIRECTION_CONTROLS),
        ("pseudonym_prefix", PSEUDONYM_PREFIX),
    ):
        con.execute(f"set variable {name} = ?", [value])
    # (one query for all: thirteen were a thirtieth of a small build)
    in_sql = con.execute("select list(mask_pii(text) order by position) from "
                         "unnest($texts) with ordinality as t(text, position)",
                         {"texts": list(_SELF_CHECK)}).fetchall()[0][0]
    for text, masked in zip(_SELF_CHECK, in_sql, strict=True):
        if masked != mask(text):
            raise RuntimeError(
                f"masquage des données personnelles : SQL et Python diffèrent ({masked!r})")
