"""Conformance tests of the export contract (/work/shared/spec/exports.md).

Written from the contract alone, as an independent reviewer would: every expected figure
was computed by hand from the fixture rows and the contract's rules, and is written
literally. Each fixture lives in tests/fixtures/<rule>/ (a few hand-written rows); XLSX
files are built at test time with openpyxl.

The interface exercised is the stable command line (`python -m pipelines build|kpis`), the
published database `lot.duckdb` (tables `quality.rejects` and `quality.warnings`) and, for a
rule `kpis --json` cannot show, the metrics layer (`pipelines.metrics.ask`).

Readings chosen where the contract is silent or ambiguous are written as « Reading: »
comments next to the assertion that depends on them.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CODES = (
    "salon",
    "site_web",
    "tourisme",
    "sante",
    "ambassadeur",
    "entreprise",
    "digital",
    "presse",
    "autre",
)
SOURCES = ("prospects", "installations", "ambassadors", "touches", "campaigns")
HOUSEHOLD_KEYS = ("followed", "accompanied", "installed", "people_installed")


# --------------------------------------------------------------------------- helpers


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, timeout=180)


def run_build(raw: Path, curated: Path) -> subprocess.CompletedProcess[str]:
    return cli("build", "--raw", str(raw), "--curated", str(curated))


def channels(**counts: int) -> dict[str, int]:
    """The full `*_by_channel` mapping: every code present, zeros included."""
    unknown = set(counts) - set(CODES)
    assert not unknown, unknown
    return {code: counts.get(code, 0) for code in CODES}


@dataclass
class Built:
    curated: Path
    _kpis: dict = field(default_factory=dict)

    @property
    def db(self) -> Path:
        return self.curated / "lot.duckdb"

    def kpis(self, start: str | None = None, end: str | None = None) -> dict:
        key = (start, end)
        if key not in self._kpis:
            args = ["kpis", "--curated", str(self.curated)]
            if start:
                args += ["--from", start]
            if end:
                args += ["--to", end]
            result = cli(*args, "--json")
            assert result.returncode == 0, result.stderr
            self._kpis[key] = json.loads(result.stdout)
        return self._kpis[key]

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def rejects(self) -> list[tuple[str, str, int, str]]:
        rows = self.query('SELECT source, file, line, "column" FROM quality.rejects')
        return sorted((s, f, int(n), c) for s, f, n, c in rows)

    def reject_reasons(self) -> list[str]:
        return [r for (r,) in self.query("SELECT reason FROM quality.rejects")]

    def warnings(self, kind: str, source: str | None = None) -> list[tuple]:
        """(source, column, value, n) of the warnings of one kind."""
        rows = self.query('SELECT source, kind, "column", value, n FROM quality.warnings')
        return sorted(
            (s, c, v, int(n))
            for s, k, c, v, n in rows
            if k == kind and (source is None or s == source)
        )

    def warned_rows(self, kind: str, source: str) -> int:
        return sum(n for *_, n in self.warnings(kind, source))


def build_dir(raw: Path, curated: Path) -> Built:
    result = run_build(raw, curated)
    assert result.returncode == 0, f"build failed:\n{result.stderr}"
    assert (curated / "lot.duckdb").is_file()
    return Built(curated)


WORKERS = max(2, os.cpu_count() or 2)


def _fixture_names(items) -> list[str]:
    """The fixtures the selected tests use (found in their source), in a stable order."""
    names: set[str] = set()
    for item in items:
        func = getattr(item, "function", None)
        if func is None or func.__module__ != __name__:
            continue
        source = inspect.getsource(func)
        names.update(re.findall(r'built\("([a-z0-9_]+)"\)', source))
        if "_failed_build(" in source:
            names.add("good")
    return sorted(names)


@pytest.fixture(scope="session")
def built(request, tmp_path_factory):
    """built(name): tests/fixtures/<name> (copied as the raw folder) built once per session.

    Each build is a ~1 s subprocess, so the builds the selected tests need are started
    together, in parallel, when the fixture is first requested. Not under pytest-xdist: each
    worker collects every test but runs some, so each built every fixture (50 s of the
    suite, twice); there each fixture is built when a test of that worker first asks it.
    (xdist's `--dist loadgroup` would keep these tests on one worker: it names the group in
    `item._nodeid`, which pytest 9 no longer reads.)
    """
    jobs: dict[str, tuple[Path, Path]] = {}
    ahead = [] if os.environ.get("PYTEST_XDIST_WORKER") else _fixture_names(request.session.items)
    for name in ahead:
        raw = tmp_path_factory.mktemp(f"raw_{name}")
        shutil.copytree(FIXTURES / name, raw, dirs_exist_ok=True)
        jobs[name] = (raw, tmp_path_factory.mktemp(f"curated_{name}"))

    def prepare(raw: Path, curated: Path) -> tuple[subprocess.CompletedProcess[str], Built]:
        result, b = run_build(raw, curated), Built(curated)
        if result.returncode == 0:
            b.kpis()  # the whole-period figures, fetched in parallel too
        return result, b

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {name: pool.submit(prepare, *paths) for name, paths in jobs.items()}
        results = {name: future.result() for name, future in futures.items()}
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            if name in results:
                result, b = results[name]
                assert result.returncode == 0, f"build of {name} failed:\n{result.stderr}"
                cache[name] = b
            else:  # not found in the test's source: build it now
                raw = tmp_path_factory.mktemp(f"raw_{name}")
                shutil.copytree(FIXTURES / name, raw, dirs_exist_ok=True)
                cache[name] = build_dir(raw, tmp_path_factory.mktemp(f"curated_{name}"))
        return cache[name]

    return get


def rows_of(k: dict, source: str) -> dict:
    return k["rows"][source]


def assert_rows(k: dict, source: str, **expected: int) -> None:
    got = rows_of(k, source)
    assert {key: got.get(key) for key in expected} == expected, (source, got)
    assert got["read"] == got["accepted"] + got["rejected"] + got["duplicates"], (source, got)


# --------------------------------------------------------------------------- output shape


def test_kpis_json_has_every_key_and_channel(built):
    k = built("later_update_wins").kpis()
    for key in (
        *HOUSEHOLD_KEYS,
        "followed_by_channel",
        "installed_by_channel",
        "ambassadors",
        "ambassadors_active",
        "contacts",
        "interactions",
        "rows",
    ):
        assert key in k, key
    assert set(k["followed_by_channel"]) == set(CODES)
    assert set(k["installed_by_channel"]) == set(CODES)
    # Reading: `rows` lists every source, even one without any file (all zeros then).
    assert set(k["rows"]) == set(SOURCES)
    for source in SOURCES:
        assert {"read", "accepted", "rejected", "duplicates"} <= set(k["rows"][source])
    assert "merged" in k["rows"]["prospects"]
    assert_rows(k, "installations", read=0, accepted=0, rejected=0, duplicates=0)


# --------------------------------------------------------------------------- prospects rules


def test_later_update_of_same_prospect_wins(built):
    # P1: 2024-03-01 is the latest update -> Site web. P2: no date is the oldest -> Santé.
    # P3: tie on 2024-05-01 -> the later row (Entreprise).
    k = built("later_update_wins").kpis()
    assert k["followed"] == 3
    assert k["followed_by_channel"] == channels(site_web=1, sante=1, entreprise=1)
    assert_rows(k, "prospects", read=7, accepted=3, rejected=0, duplicates=4, merged=0)


def test_same_email_merges_into_earliest_first_contact(built):
    # P1, P2 (spaces and capitals around the address) and P3 share an email: P2 has the
    # earliest first contact (2024-01-15) and is kept (Site web). P5 and P6 have no email.
    # Reading: a missing email never matches another missing email.
    k = built("same_email_merge").kpis()
    assert k["followed"] == 4
    assert k["followed_by_channel"] == channels(site_web=1, tourisme=1, digital=1, entreprise=1)
    assert_rows(k, "prospects", read=6, accepted=6, rejected=0, duplicates=0, merged=2)


def test_tie_on_first_contact_keeps_smallest_id(built):
    # a@: P102, P101, P103 all first contacted 2024-02-01 -> P101 (Presse) is kept.
    # b@: P200 (2024-01-31) beats P100 (2024-02-01): the date comes before the ID.
    # Reading: IDs are text; the fixture's IDs order the same way as text and as numbers.
    k = built("tie_smallest_id").kpis()
    assert k["followed"] == 2
    assert k["followed_by_channel"] == channels(presse=1, sante=1)
    assert_rows(k, "prospects", read=5, accepted=5, rejected=0, duplicates=0, merged=3)


# --------------------------------------------------------------------------- installations


def test_installation_of_unknown_prospect_is_rejected(built):
    b = built("installation_unknown_prospect")
    k = b.kpis()
    # I2 points at P9 (unknown): rejected, sheet row 3. I3's "  P2  " is trimmed to P2.
    assert b.rejects() == [("installations", "installations.csv", 3, "ID prospect")]
    assert all(reason.strip() for reason in b.reject_reasons())
    assert_rows(k, "installations", read=3, accepted=2, rejected=1, duplicates=0)
    assert k["installed"] == 2
    assert k["installed_by_channel"] == channels(salon=1, presse=1)
    # P1: 3 installed people; P2: no figure anywhere -> 1.
    assert k["people_installed"] == 4


def test_installation_of_merged_prospect_counts_for_kept_household(built):
    # I1 points at P2, merged into P1 (same email, earlier first contact, channel Salon).
    k = built("installation_merged_prospect").kpis()
    assert_rows(k, "installations", read=1, accepted=1, rejected=0, duplicates=0)
    assert k["followed"] == 2
    assert k["installed"] == 1
    assert k["accompanied"] == 1
    assert k["installed_by_channel"] == channels(salon=1)
    # Reading: "else its Nb personnes" is the installed household's, i.e. the kept
    # prospect P1's (4); the merged P2 has none.
    assert k["people_installed"] == 4


def test_household_installed_once_on_earliest_date(built):
    # Household P1 (+ merged P2): I1 (2024-08-01, 4 people), I2 via P2 (2024-05-01, 2),
    # I3 (2024-09-01). The second I1 (2024-03-01, 7) is a duplicate: the first wins.
    # Earliest installation = I2 -> 2 people.
    k = built("household_installed_once").kpis()
    assert_rows(k, "installations", read=4, accepted=3, rejected=0, duplicates=1)
    assert k["installed"] == 1
    assert k["installed_by_channel"] == channels(salon=1)
    assert k["people_installed"] == 2


def test_people_installed_falls_back_to_household_size_then_one(built):
    # P1: installation says 5. P2: installation empty -> Nb personnes 2. P3: neither -> 1.
    # accompanied: P1-P3 (installed) + P4 (Date début accompagnement); P5 neither.
    k = built("people_installed_fallback").kpis()
    assert k["followed"] == 5
    assert k["installed"] == 3
    assert k["accompanied"] == 4
    assert k["people_installed"] == 8


# --------------------------------------------------------------------------- column names


def test_header_normalisation_and_aliases(built):
    # Every header is an alias or an oddly written canonical name (N° dossier with spaces
    # around, DATE_DE_CRÉATION, DATE D’ADHÉSION with a typographic apostrophe, ...).
    b = built("header_aliases")
    k = b.kpis()
    assert b.rejects() == []
    assert k["followed"] == 2
    assert k["followed_by_channel"] == channels(salon=1, sante=1)
    assert k["accompanied"] == 2  # D-1 by its start date, D-2 by its installation
    assert k["installed"] == 1
    assert k["installed_by_channel"] == channels(sante=1)
    assert k["people_installed"] == 2
    assert (k["ambassadors"], k["ambassadors_active"]) == (2, 1)
    assert (k["contacts"], k["interactions"]) == (2, 2)  # carl@ and prospect D-1
    assert_rows(k, "campaigns", read=1, accepted=1, rejected=0, duplicates=0)
    assert_rows(k, "touches", read=2, accepted=2, rejected=0, duplicates=0)


# --------------------------------------------------------------------------- CSV dialects


def test_semicolon_comma_tab_delimiters(built):
    # prospects_1 uses ';' (a comma inside a value), prospects_2 ',' with CRLF line ends
    # (a ';' inside a value), prospects_3 a tab (both ',' and ';' inside a value).
    b = built("delimiters")
    k = b.kpis()
    assert b.rejects() == []
    assert_rows(k, "prospects", read=6, accepted=6, rejected=0, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(salon=2, presse=2, tourisme=2)


def test_windows_1252_with_euro_sign(built):
    # prospects_a.csv and campagnes.csv are Windows-1252 (é, –, Œ, €), prospects_b.csv is
    # UTF-8 in the same folder: the encoding is detected per file.
    b = built("windows_1252")
    k = b.kpis()
    assert b.rejects() == []
    assert k["followed_by_channel"] == channels(sante=1, presse=2, ambassadeur=1)
    assert b.warnings("canal_inconnu") == []
    assert_rows(k, "campaigns", read=2, accepted=2, rejected=0, duplicates=0)
    # "12 500,50 €" and "800 €" (byte 0x80 for €) are valid amounts: no invalid value.
    assert b.warnings("valeur_invalide") == []


def test_utf8_bom(built):
    # The BOM sits just before the required "ID prospect" header; values hold accents.
    b = built("utf8_bom")
    k = b.kpis()
    assert b.rejects() == []
    assert k["followed_by_channel"] == channels(sante=1, presse=1, digital=1)
    assert b.warnings("canal_inconnu") == []


def test_quoted_delimiter_and_line_break(built):
    b = built("quoted_fields")
    k = b.kpis()
    # prospects: P2's quoted Statut spans two physical lines but is one row (row 3), so
    # P3 (bad date) is row 4. P4 holds escaped quotes and a ';' in quotes.
    # installations (',' delimiter): I2 spans two physical lines (row 3, unknown
    # prospect); I3 (bad date) is row 4.
    assert b.rejects() == [
        ("installations", "installations.csv", 3, "ID prospect"),
        ("installations", "installations.csv", 4, "Date d'installation"),
        ("prospects", "prospects.csv", 4, "Date de premier contact"),
    ]
    assert_rows(k, "prospects", read=4, accepted=3, rejected=1, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(salon=1, presse=1, tourisme=1)
    assert_rows(k, "installations", read=3, accepted=1, rejected=2, duplicates=0)
    assert k["installed_by_channel"] == channels(salon=1)


def test_blank_lines_skipped_but_counted_in_line_numbers(built):
    # Lines: 1 header, 2 P1, 3 blank, 4 P2 (no date), 5-6 blank, 7 P3, 8 P4 (bad date),
    # 9 blank.
    b = built("blank_lines")
    k = b.kpis()
    assert b.rejects() == [
        ("prospects", "prospects.csv", 4, "Date de premier contact"),
        ("prospects", "prospects.csv", 8, "Date de premier contact"),
    ]
    assert_rows(k, "prospects", read=4, accepted=2, rejected=2, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(salon=1, presse=1)


# --------------------------------------------------------------------------- values


def test_all_date_formats(built):
    b = built("date_formats")
    # P01-P12 are 2023-07-04 written in every accepted form (DD/MM read day first; the Z
    # and +02:00 timestamps keep the date as written: converting them would move them to
    # 07-05 / 07-03). P13 is 2023-07-05. P14 31/02/2023, P15 month 13, P16 "hier" are
    # invalid -> rejected, rows 15-17.
    # Touches: T1-T3 fall on 2023-07-04 as written, T4 on 07-03, T5 (30/02) is invalid.
    assert b.rejects() == [
        ("prospects", "prospects.csv", 15, "Date de premier contact"),
        ("prospects", "prospects.csv", 16, "Date de premier contact"),
        ("prospects", "prospects.csv", 17, "Date de premier contact"),
        ("touches", "contacts_campagnes.csv", 6, "Horodatage"),
    ]
    k = b.kpis()
    assert_rows(k, "prospects", read=16, accepted=13, rejected=3, duplicates=0, merged=0)
    assert_rows(k, "touches", read=5, accepted=4, rejected=1, duplicates=0)
    day = b.kpis("2023-07-04", "2023-07-04")
    assert day["followed"] == 12
    assert (day["interactions"], day["contacts"]) == (3, 3)


def _budget_values(b: Built) -> list[list[float]] | None:
    """Every numeric column named like 'budget' in the database, or None if there is none.

    The contract does not name the curated tables, so this looks them up by column name.
    """
    cols = b.query(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE lower(column_name) LIKE '%budget%' AND (data_type LIKE 'DECIMAL%' "
        "OR data_type IN ('DOUBLE', 'FLOAT', 'REAL', 'INTEGER', 'BIGINT', 'HUGEINT'))"
    )
    if not cols:
        return None
    return [
        sorted(float(v) for (v,) in b.query(f'SELECT "{c}" FROM "{s}"."{t}"') if v is not None)
        for s, t, c in cols
    ]


def test_amounts_french_and_english(built):
    b = built("amounts")
    k = b.kpis()
    # C1-C7 are valid amounts in French/English notation, with €, space, U+00A0 and U+202F
    # separators; C8 "beaucoup" is invalid: the campaign is kept, the budget is missing.
    # Reading: "optional currency sign" allows it before the figure (€1500.75) as well.
    assert_rows(k, "campaigns", read=8, accepted=8, rejected=0, duplicates=0)
    assert b.rejects() == []
    assert b.warned_rows("valeur_invalide", "campaigns") == 1
    found = _budget_values(b)
    if found is not None:
        expected = [1500.75, 1500.75, 12500.0, 12500.5, 12500.5, 12500.5, 12500.5]
        assert expected in [[round(v, 2) for v in vals] for vals in found], found


def test_yes_no_values(built):
    # A01-A08 are yes words (any case), A09-A14 no words, A15 empty -> default yes,
    # A16 "peut-être" invalid -> missing -> default yes, A20 (file without the column) yes.
    # Reading: yes/no words are matched case-insensitively (spreadsheets write TRUE/Oui).
    b = built("yes_no")
    k = b.kpis()
    assert_rows(k, "ambassadors", read=17, accepted=17, rejected=0, duplicates=0)
    assert k["ambassadors"] == 17
    assert k["ambassadors_active"] == 11
    assert b.warned_rows("valeur_invalide", "ambassadors") == 1


def test_integer_with_space_thousands_separator(built):
    # P1 "1 000" people (installation without a figure); I2 "2 500" installed people.
    b = built("integers")
    k = b.kpis()
    assert k["installed"] == 2
    assert k["people_installed"] == 3500
    assert b.warnings("valeur_invalide") == []


def test_invalid_optional_value_becomes_missing_with_warning(built):
    # Nb personnes "abc" (P1) and "0" (P2, must be >= 1) and Date début accompagnement
    # "bientôt" (P3) become missing; I3's Nb personnes installées "deux" too.
    b = built("invalid_optional")
    k = b.kpis()
    assert b.rejects() == []
    assert_rows(k, "prospects", read=4, accepted=4, rejected=0, duplicates=0, merged=0)
    assert k["followed"] == 4
    assert k["accompanied"] == 3  # P1, P2, P4 (installed); P3's start date is missing
    assert k["installed"] == 3
    # P1 -> 1, P2 -> 1, P4 -> its Nb personnes 3.
    assert k["people_installed"] == 5
    assert b.warned_rows("valeur_invalide", "prospects") == 3
    assert b.warned_rows("valeur_invalide", "installations") == 1


def test_codes_keep_leading_zeros_and_stay_text(built):
    b = built("codes_text")
    k = b.kpis()
    # 007, 7 and 0070 are three prospects; installations 001 and 1 are two.
    # INSEE 01004 and 2A004 are 5 characters; 4604 and 460420 are rejected.
    assert_rows(k, "prospects", read=3, accepted=3, rejected=0, duplicates=0, merged=0)
    assert b.rejects() == [
        ("installations", "installations.csv", 4, "Code commune"),
        ("installations", "installations.csv", 5, "Code commune"),
    ]
    assert_rows(k, "installations", read=4, accepted=2, rejected=2, duplicates=0)
    assert k["installed_by_channel"] == channels(salon=1, presse=1)
    # Département 01 / 2A / 99 is text; the prospects' campaign 0042 matches 0042.
    # (Only the prospects' codes: a commune may be unknown to a commune reference.)
    assert b.warnings("valeur_invalide") == []
    assert b.warnings("code_inconnu", "prospects") == []


# --------------------------------------------------------------------------- channels


def test_unknown_channel_is_autre_with_warning_count(built):
    # SALONS -> salon, reseaux-sociaux -> digital, choisirlelot.fr -> site_web (labels are
    # normalised as headers); Foire aux vins (x2) and Affichage are unknown -> autre; Autre
    # is a known label.
    b = built("unknown_channel")
    k = b.kpis()
    assert_rows(k, "prospects", read=8, accepted=8, rejected=0, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(salon=2, digital=1, site_web=1, autre=4)
    got = {(value, n) for _, _, value, n in b.warnings("canal_inconnu", "prospects")}
    assert got == {("Foire aux vins", 2), ("Affichage", 1)}


def test_empty_channel_is_autre(built):
    # P1 empty, P3 blank in quotes, P4 in a file without the Canal column.
    # Reading: a file without the optional Canal column gives empty labels -> autre.
    b = built("empty_channel")
    k = b.kpis()
    assert k["followed_by_channel"] == channels(salon=1, autre=3)
    assert b.warnings("canal_inconnu") == []


def test_touch_channel_defaults_to_campaign_channel(built):
    # Observed through the metrics layer (pipelines/metrics.py, reach_by_channel):
    # T1 empty -> C-SALON's salon; T2 empty -> C-PRESSE's « Radio » = presse; T3 its own
    # Newsletter = digital; T4 its own unknown « Pigeon voyageur » -> autre (not the
    # campaign's); T5 empty and C-VIDE has no channel -> autre; T6 empty, unknown campaign
    # C-INCONNUE -> autre. All six are P1's: one person per channel.
    from pipelines import metrics

    b = built("touch_channel")
    with duckdb.connect(str(b.db), read_only=True) as con:
        rows = metrics.ask_rows(con, "reach_by_channel")
    got = {row["channel"]: (row["interactions"], row["contacts"]) for row in rows}
    assert got == {code: (0, 0) for code in CODES} | {
        "salon": (1, 1), "presse": (1, 1), "digital": (1, 1), "autre": (3, 1)}
    assert b.kpis()["interactions"] == 6


# --------------------------------------------------------------------------- touches


def test_touch_person_resolution(built):
    # P3 is merged into P1 (same email). Persons:
    #   P1 <- T1 (ID), T2 (anne@ -> P1), T3 (merged ID P3)
    #   P2 <- T4 (ID wins over zoe@), T9 (unknown P99, BOB@ is P2's email)
    #   carl@ <- T5, T6 (trimmed, lower-cased); dan@ <- T8 (unknown P99, no prospect)
    #   T7 and T10 are anonymous: interactions, not persons.
    k = built("touch_person").kpis()
    assert_rows(k, "touches", read=10, accepted=10, rejected=0, duplicates=0)
    assert k["interactions"] == 10
    assert k["contacts"] == 4


def test_unknown_code_is_kept_with_warning(built):
    # Prospect P2's campaign ZZ99, P3's ambassador A99 and touch T10's campaign C9 point at
    # nothing known: the rows are kept and warned about.
    b = built("touch_person")
    k = b.kpis()
    assert b.rejects() == []
    assert_rows(k, "prospects", read=3, accepted=3, rejected=0, duplicates=0, merged=1)
    assert k["interactions"] == 10
    assert {"prospects", "touches"} <= {s for s, *_ in b.warnings("code_inconnu")}


def test_duplicate_touches_first_wins(built):
    # T1 (a@ then b@), T2 (2023-12-15 c@ then 2024-05-01 e@): the first rows win.
    b = built("duplicates_first_wins")
    k = b.kpis()
    assert_rows(k, "touches", read=5, accepted=3, rejected=0, duplicates=2)
    assert (k["interactions"], k["contacts"]) == (3, 3)
    early = b.kpis(end="2024-01-01")
    assert (early["interactions"], early["contacts"]) == (1, 1)  # the first T2 only


def test_duplicate_ambassadors_first_wins(built):
    # A1 (2023-01-10 oui, then 2024-06-01 non), A2 (2024-06-01 oui, then 2023-01-10 non).
    b = built("duplicates_first_wins")
    k = b.kpis()
    assert_rows(k, "ambassadors", read=4, accepted=2, rejected=0, duplicates=2)
    assert (k["ambassadors"], k["ambassadors_active"]) == (2, 2)
    early = b.kpis(end="2024-01-01")
    assert (early["ambassadors"], early["ambassadors_active"]) == (1, 1)


# --------------------------------------------------------------------------- counts


def test_rejection_comes_before_duplicates(built):
    # P1's first row (latest update, bad date) and P2's second row (no first contact) are
    # rejected: the remaining P1 (Presse) and P2 (Salon) are not duplicates.
    # I1 first row (unknown prospect) and I2 first row (3-character INSEE) are rejected:
    # the second rows are accepted, not duplicates.
    b = built("rejection_before_duplicates")
    k = b.kpis()
    assert b.rejects() == [
        ("installations", "installations.csv", 2, "ID prospect"),
        ("installations", "installations.csv", 4, "Code commune"),
        ("prospects", "prospects.csv", 2, "Date de premier contact"),
        ("prospects", "prospects.csv", 5, "Date de premier contact"),
    ]
    assert_rows(k, "prospects", read=4, accepted=2, rejected=2, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(presse=1, salon=1)
    assert_rows(k, "installations", read=4, accepted=2, rejected=2, duplicates=0)
    assert k["installed_by_channel"] == channels(presse=1, salon=1)


def test_reconciliation_read_equals_accepted_rejected_duplicates(built):
    b = built("reconciliation")
    k = b.kpis()
    assert_rows(k, "prospects", read=5, accepted=3, rejected=1, duplicates=1, merged=1)
    assert_rows(k, "installations", read=5, accepted=2, rejected=2, duplicates=1)
    assert_rows(k, "ambassadors", read=4, accepted=2, rejected=1, duplicates=1)
    assert_rows(k, "touches", read=5, accepted=2, rejected=2, duplicates=1)
    # Reading: the contract names no duplicate rule for campaigns; the fixture has none.
    assert_rows(k, "campaigns", read=3, accepted=2, rejected=1, duplicates=0)
    assert b.rejects() == [
        ("ambassadors", "ambassadeurs.csv", 4, "Date d'adhésion"),
        ("campaigns", "campagnes.csv", 3, "Code campagne"),
        ("installations", "installations.csv", 4, "ID prospect"),
        ("installations", "installations.csv", 5, "Code commune"),
        ("prospects", "prospects.csv", 5, "Date de premier contact"),
        ("touches", "contacts_campagnes.csv", 4, "Code campagne"),
        ("touches", "contacts_campagnes.csv", 5, "Horodatage"),
    ]
    assert k["followed"] == 2
    assert k["installed"] == 2  # P1, and P2's household through the merged P4
    assert k["interactions"] == 2
    assert k["ambassadors"] == 2


def test_merged_count_and_followed_equals_accepted_minus_merged(built):
    # Rule 1 first: P6's later row carries a@, so P6 (2024-01-08) joins P1 and P2 and is
    # kept (Tourisme). b@: P3 kept, P4 and P5 merged. P7 alone. merged = P1, P2, P4, P5.
    k = built("merged_count").kpis()
    assert_rows(k, "prospects", read=8, accepted=7, rejected=0, duplicates=1, merged=4)
    assert k["followed"] == 3 == k["rows"]["prospects"]["accepted"] - 4
    assert k["followed_by_channel"] == channels(tourisme=1, presse=1, sante=1)


# --------------------------------------------------------------------------- period


def _households(k: dict) -> tuple:
    return tuple(k[key] for key in HOUSEHOLD_KEYS)


def test_period_selects_cohorts_by_first_contact(built):
    # Households: P1 2023-12-20 Salon (installed 2024-01-10), P2 2024-01-05 Site web
    # (accompanied, installed 2025-06-01), P3 2024-02-10 Tourisme, P4 2024-03-15 Presse,
    # P6 2023-11-01 Entreprise (P5, 2024-01-20, merged into it; installed 2024-02-01).
    # Ambassadors: A1 2023-06-01 active, A2 2024-02-15 inactive, A3 2024-03-01 active.
    # Touches: T1 2023-12-31T23:30 anne, T2 2024-01-01 anne, T3 2024-02-29 10:00 bob,
    # T4 2024-03-01 carl, T5 2024-02-15 anonymous.
    b = built("period")
    full = b.kpis()
    assert _households(full) == (5, 3, 3, 3)
    assert full["followed_by_channel"] == channels(
        salon=1, site_web=1, tourisme=1, presse=1, entreprise=1
    )
    assert full["installed_by_channel"] == channels(salon=1, site_web=1, entreprise=1)
    assert (full["ambassadors"], full["ambassadors_active"]) == (3, 2)
    assert (full["contacts"], full["interactions"]) == (3, 5)

    both = b.kpis("2024-01-01", "2024-02-29")
    # P2 and P3 only (P5's own date is in, but it is merged into P6, first contact 2023);
    # P2's 2025 installation counts.
    assert _households(both) == (2, 1, 1, 1)
    assert both["followed_by_channel"] == channels(site_web=1, tourisme=1)
    assert both["installed_by_channel"] == channels(site_web=1)
    assert (both["ambassadors"], both["ambassadors_active"]) == (2, 1)
    assert (both["contacts"], both["interactions"]) == (2, 3)  # T2, T3 (to inclusive), T5
    assert both["rows"] == full["rows"]

    since = b.kpis(start="2024-02-01")
    assert _households(since) == (2, 0, 0, 0)
    assert since["followed_by_channel"] == channels(tourisme=1, presse=1)
    assert since["installed_by_channel"] == channels()
    assert (since["ambassadors"], since["ambassadors_active"]) == (3, 2)
    assert (since["contacts"], since["interactions"]) == (2, 3)  # T3, T4, T5
    assert since["rows"] == full["rows"]

    until = b.kpis(end="2024-01-05")
    assert _households(until) == (3, 3, 3, 3)
    assert until["followed_by_channel"] == channels(salon=1, site_web=1, entreprise=1)
    assert until["installed_by_channel"] == channels(salon=1, site_web=1, entreprise=1)
    assert (until["ambassadors"], until["ambassadors_active"]) == (1, 1)
    assert (until["contacts"], until["interactions"]) == (1, 2)  # T1, T2 (anne)
    assert until["rows"] == full["rows"]


# --------------------------------------------------------------------------- files


def test_several_files_of_a_source_read_in_name_order(built):
    # P1 ties on 2024-02-01 between prospects_2024-01.csv (row 4) and prospects_2024-02.csv
    # (row 2): the later in name-then-line order is the 2024-02 file -> Presse.
    # P3: the 2024-01 file has the later update -> Santé.
    # I1 is in installations_a.csv (2 people) and installations_b.csv (5): a is read first.
    k = built("name_order").kpis()
    assert_rows(k, "prospects", read=5, accepted=3, rejected=0, duplicates=2, merged=0)
    assert k["followed_by_channel"] == channels(salon=1, presse=1, sante=1)
    assert_rows(k, "installations", read=3, accepted=2, rejected=0, duplicates=1)
    assert k["people_installed"] == 3  # I1: 2, I0: 1


def test_source_prefix_is_case_insensitive(built):
    # PROSPECTS_2024.CSV, Installations_Juin.Csv, AMBASSADEURS.csv, Contacts_Campagnes.CSV,
    # CAMPAGNES_2024.csv are read; old_prospects.csv (not a prefix) and
    # archive/prospects_2023.csv (no recursion) are not.
    k = built("prefix_case").kpis()
    assert_rows(k, "prospects", read=2, accepted=2, rejected=0, duplicates=0, merged=0)
    assert_rows(k, "installations", read=1, accepted=1, rejected=0, duplicates=0)
    assert_rows(k, "ambassadors", read=1, accepted=1, rejected=0, duplicates=0)
    assert_rows(k, "touches", read=1, accepted=1, rejected=0, duplicates=0)
    assert_rows(k, "campaigns", read=1, accepted=1, rejected=0, duplicates=0)
    assert k["followed_by_channel"] == channels(salon=1, presse=1)
    assert k["installed"] == 1


def test_a_date_typed_in_a_number_cell_is_rejected_saying_it_is_a_number(tmp_path):
    """A spreadsheet shows a date typed in a cell formatted as a number as 45366: invalid
    (the contract's dates are date cells or text), and the reason says it is a number; « date
    invalide » alone left the officer puzzled. Other invalid dates keep the short reason."""
    openpyxl = pytest.importorskip("openpyxl")
    raw = tmp_path / "raw"
    raw.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(("ID prospect", "Date de premier contact"))
    ws.append(("P1", 45366))
    ws.append(("P2", "pas une date"))
    ws.append(("P3", "2024-03-15"))
    wb.save(raw / "prospects.xlsx")
    (raw / "installations.csv").write_text(
        "ID installation;ID prospect;Date d'installation;Code commune\nI1;P3;45366,5;46042\n",
        "utf-8")
    b = build_dir(raw, tmp_path / "curated")
    reasons = b.query("select file, line, reason, value from quality.rejects order by all")
    number = "date invalide : un nombre, pas une date"
    assert reasons == [("installations.csv", 2, number, "45366,5"),
                       ("prospects.xlsx", 2, number, "45366"),
                       ("prospects.xlsx", 3, "date invalide", "pas une date")]


def test_xlsx_first_sheet_with_real_and_text_dates(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    raw = tmp_path / "raw"
    raw.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    header = ("ID prospect", "Date de premier contact", "Canal", "Nb personnes")
    sheet_rows = {
        1: header,
        2: ("P1", dt.datetime(2024, 1, 10), "Salon", 2),
        3: ("P2", "15/01/2024", "Presse", None),
        # row 4 left empty
        5: ("P3", "pas une date", "Salon", 1),
        6: ("P4", dt.datetime(2024, 1, 20, 14, 30), "Tourisme", 3),
        7: ("P5", dt.date(2024, 1, 21), "Santé", None),
    }
    for r, values in sheet_rows.items():
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    other = wb.create_sheet("Archive")
    other.append(header)
    other.append(("P9", dt.datetime(2024, 1, 16), "Presse", 2))
    wb.save(raw / "prospects.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        (
            "ID installation",
            "ID prospect",
            "Date d'installation",
            "Code commune",
            "Nb personnes installées",
        )
    )
    ws.append(("I1", "P4", dt.datetime(2024, 6, 1), "46042", 4))
    wb.save(raw / "installations.xlsx")

    b = build_dir(raw, tmp_path / "curated")
    # P3 is rejected at its sheet row, 5; the second sheet is not read.
    assert b.rejects() == [("prospects", "prospects.xlsx", 5, "Date de premier contact")]
    k = b.kpis()
    # Reading: an empty sheet row is skipped like a blank CSV line (not a data row).
    assert_rows(k, "prospects", read=5, accepted=4, rejected=1, duplicates=0, merged=0)
    assert k["followed_by_channel"] == channels(salon=1, presse=1, tourisme=1, sante=1)
    assert_rows(k, "installations", read=1, accepted=1, rejected=0, duplicates=0)
    # 2024-01-15..2024-01-20: P2 (text date) and P4 (real date-time on the last day).
    window = b.kpis("2024-01-15", "2024-01-20")
    assert window["followed"] == 2
    assert (window["installed"], window["people_installed"]) == (1, 4)


# --------------------------------------------------------------------------- file-level errors


def _failed_build(
    name: str, built, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Builds fixture `name` into a curated folder holding a good published database.

    The good database is fixture `good`, built once for the three file-level tests; each
    test works on its own copy of that curated folder (a copy of a folder as the last good
    build left it, which spares two builds).
    """
    good = built("good")
    assert good.kpis()["followed"] == 2
    curated = tmp_path / "curated"
    shutil.copytree(good.curated, curated)
    before = (curated / "lot.duckdb").read_bytes()
    raw = tmp_path / f"raw_{name}"
    shutil.copytree(FIXTURES / name, raw)
    result = run_build(raw, curated)
    assert result.returncode != 0
    assert result.stderr.strip()
    assert (curated / "lot.duckdb").read_bytes() == before
    # The last good database still answers.
    assert Built(curated).kpis()["followed"] == 2
    return result, curated


def test_missing_required_column_stops_build_and_lists_found_columns(built, tmp_path):
    # prospects.csv has Identifiant (alias of ID prospect), Origine, Courriel, Remarque but
    # no Date de premier contact (nor any alias).
    result, _ = _failed_build("missing_column", built, tmp_path)
    message = result.stderr.lower()
    assert "prospects.csv" in message
    for found in ("identifiant", "origine", "courriel", "remarque"):
        assert found in message, found


def test_unreadable_file_stops_build(built, tmp_path):
    # prospects_broken.xlsx is text, not a zip archive; prospects.csv beside it is fine.
    result, _ = _failed_build("unreadable_file", built, tmp_path)
    assert "prospects_broken.xlsx" in result.stderr


def test_no_prospects_file_stops_build(built, tmp_path):
    result, _ = _failed_build("no_prospects", built, tmp_path)
    assert "prospects" in result.stderr.lower()
