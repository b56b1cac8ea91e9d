"""Personal data: only real emails identify (contract, « Values » → Email), and no email or
phone number leaves the work database in clear, whatever column it was typed in.

Fixtures: tests/fixtures/email_placeholders (CRM placeholders in Email) and
tests/fixtures/pii_everywhere (an email or a phone typed in every column of every source,
and in a file name). The audit looks for personal data with its own simple patterns, not
with pipelines/pii.py's, so that a gap in one is not hidden by the same gap in the other.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import cache, config, pii
from tests.conftest import ROOT, kpis, run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# The audit's own idea of personal data: anything@domain, and phone numbers as people write
# them (French with or without separators, +33 / 00 / other international forms).
AUDIT_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*")
AUDIT_PHONE = re.compile(r"(?<!\w)(?:(?:\+|00)\d[\d .-]{7,}\d|0\d(?:[ .-]?\d\d){4}|\d{10,})")
# Keyed hashes (24 or 64 hex characters) are what personal data becomes: not themselves data.
HASH = re.compile(r"\b[0-9a-f]{24,}\b")

# Every clear value planted in tests/fixtures/pii_everywhere (its file name included).
PLANTED = (
    "relance.entete@example.fr", "marie.martin@example.fr", "06 12 34 56 78",
    "paul.durand@example.org", "paul.durand2@example.org", "jeanne.canal@example.net",
    "+33 6 98 76 54 32", "parrain.x@example.com", "+33612345600", "07 65 43 21 09",
    "0033 6 11 22 33 44", "06-55-44-33-22", "lea.accomp@example.fr", "0611223344",
    "+33611223355", "marc.maj@example.fr", "06.10.20.30.40", "06 01 02 03 04",
    "06.11.22.33.45", "jean.dupont@gmail", "inst.mail@example.fr", "06 77 88 99 00",
    "09 87 65 43 21", "salarie.mail@example.com", "06 33 44 55 66", "claude@example.fr",
    "06 99 88 77 66", "type.mail@example.fr", "06 21 43 65 87", "amb.actif@example.fr",
    "07 12 12 12 12", "06 44 55 66 77", "canal.camp@example.fr", "0612121212",
    "fin.camp@example.fr", "+33 6 13 13 13 13", "touch.id@example.fr",
    "canal.touch@example.net", "06 50 50 50 50", "06 51 51 51 51", "visiteur@example.fr",
    "06 52 52 52 52", "06 53 53 53 53", "0611111111",
)


def _build(name: str, base: Path) -> Path:
    raw, curated = base / "raw", base / "curated"
    shutil.copytree(FIXTURES / name, raw)
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return curated


@pytest.fixture(scope="module")
def placeholders(tmp_path_factory) -> Path:
    return _build("email_placeholders", tmp_path_factory.mktemp("email_placeholders"))


@pytest.fixture(scope="module")
def everywhere(tmp_path_factory) -> Path:
    return _build("pii_everywhere", tmp_path_factory.mktemp("pii_everywhere"))


def _query(curated: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(curated / config.DATABASE_NAME), read_only=True) as con:
        return con.execute(sql).fetchall()


def _strings(value: object):
    """Every text inside a value: VARCHAR, lists and structs of them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _published_texts(curated: Path):
    """(where, text) for every text value of every table of the published schemas."""
    with duckdb.connect(str(curated / config.DATABASE_NAME), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and not internal "
            "and data_type like '%VARCHAR%' order by all",
        ).fetchall()
        assert columns
        for schema, table, column in columns:
            rows = con.execute(f'select distinct "{column}" from "{schema}"."{table}"')
            for (value,) in rows.fetchall():
                for text in _strings(value):
                    yield f"{schema}.{table}.{column}", text


def _personal_data_in(text: str) -> list[str]:
    text = HASH.sub("", text)
    found = AUDIT_EMAIL.findall(text) + AUDIT_PHONE.findall(text)
    return found + [planted for planted in PLANTED if planted in text]


@pytest.fixture
def sql() -> duckdb.DuckDBPyConnection:
    """A work connection with the build's macros and the personal-data patterns."""
    con = duckdb.connect()
    con.execute("set variable hash_key = ?", ["a test key, not the real one"])
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    pii.sql_setup(con)
    yield con
    con.close()


# --------------------------------------------------------------- only real emails identify


def test_placeholder_emails_never_merge_households(placeholders):
    figures = kpis(placeholders)
    # 10 prospects: P1..P6 hold placeholders, P9/P10 the same non-address; only P7/P8
    # (claire@example.fr, once upper-cased) share a real address
    assert figures["rows"]["prospects"]["merged"] == 1
    assert figures["followed"] == 9
    assert _query(placeholders, "select merged_prospect_id, kept_prospect_id from core.merges") \
        == [("P8", "P7")]


def test_each_invalid_email_is_warned_with_its_value_masked(placeholders):
    rows = _query(placeholders, "select source, line, value from quality.warnings "
                                "where kind = 'valeur_invalide' and \"column\" = 'Email'")
    assert sorted(rows) == [
        ("prospects", 2, "-"), ("prospects", 3, "n/a"), ("prospects", 4, "N/A"),
        # (any longer value of « Email » is masked whole: see the next test)
        ("prospects", 5, pii.EMAIL_MASK), ("prospects", 6, "-"), ("prospects", 7, pii.EMAIL_MASK),
        # jean.dupont@gmail has no dot after its @: not an address, but somebody's
        ("prospects", 10, pii.EMAIL_MASK), ("prospects", 11, pii.EMAIL_MASK),
        ("touches", 2, "-"), ("touches", 3, "n/a"), ("touches", 5, pii.EMAIL_MASK),
    ]


# Written by the twelfth attack (30 November): « Email » values that are no address, each
# somebody's, were quoted in clear by the invalid-value warning (Qualité and its download).
TWELFTH_PROSPECTS = (
    "ID prospect;Date de premier contact;Canal;Email\n"
    "R1;01/02/2024;Salon;jean.zibeline gmail.com\n"
    "R2;02/02/2024;Salon;jean.zibeline@\n"
    "R3;03/02/2024;Salon;Jean Zibeline\n"
    "R4;04/02/2024;Salon;jean.zibeline.gmail.com\n"
    "R5;05/02/2024;Salon;prenom.zibeline at gmail dot com\n"
    "R6;06/02/2024;Salon;n/a\n"
)


def test_an_email_column_s_invalid_values_are_never_quoted(tmp_path):
    _, curated, result = _build_beside_everywhere(
        tmp_path, "rr", TWELFTH_PROSPECTS,
        "Code campagne;Libellé;Canal;Date début;Date fin;Budget (€)\n")
    assert not [text for _, text in _published_texts(curated) if "zibeline" in text.lower()]
    assert "zibeline" not in (result.stdout + result.stderr).lower()
    warned = _query(curated, "select line, value from quality.warnings where kind = "
                             "'valeur_invalide' and \"column\" = 'Email' and "
                             "file = 'prospects_rr.csv' order by line")
    assert warned == [(2, pii.EMAIL_MASK), (3, pii.EMAIL_MASK), (4, pii.EMAIL_MASK),
                      (5, pii.EMAIL_MASK), (6, pii.EMAIL_MASK), (7, "n/a")]


def test_touch_with_a_placeholder_email_is_anonymous(placeholders):
    figures = kpis(placeholders)
    # T1 (-), T2 (n/a), T4 (inconnu@) name nobody, though prospects hold the same values;
    # T3 (claire@example.fr) is household P7
    assert figures["interactions"] == 4
    assert figures["contacts"] == 1
    rows = _query(placeholders, "select household_id, person_key is not null, count(*) "
                                "from core.touches group by all order by all")
    assert rows == [("P7", True, 1), (None, False, 3)]


def test_email_validity_is_the_contracts(sql):
    def valid(email: str) -> bool:
        return sql.execute("select is_email(?)", [email]).fetchone()[0]

    for address in ("claire@example.fr", "a.b+c@sous.domaine.fr", "x@y.z"):
        assert valid(address), address
    for not_address in ("-", "n/a", "N/A", "non communiqué", "inconnu@", "@example.fr",
                        "jean.dupont@gmail", "a@b@c.fr"):
        assert not valid(not_address), not_address


# --------------------------------------------------------------- the one definition of masks


@pytest.mark.parametrize("phone", [
    "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678", "+33 6 12 34 56 78",
    "+33612345678", "0033 6 12 34 56 78", "0033612345678", "+33 (0)6 12 34 56 78",
    "06\u00a012\u00a034\u00a056\u00a078", "612345678", "+44 7911 123456", "+1 415-555-0123",
    "447911123456",
    # (a helper's attack found these published in clear: households from abroad, numbers
    # written with brackets, slashes, doubled spaces, or grouped anyhow)
    "(+33) 6 98 76 54 31", "+44 (0)20 7946 0958", "+41 (0)22 345 67 89", "+1 (415) 555-2671",
    "06/98/76/54/32", "06  98  76  54  33", "06 98 76 5432",
    # (the eleventh attack: separators mixed or several characters long, brackets, the leading
    # 0 dropped, tabs, thin spaces, a line break, full-width digits)
    "06 - 11 - 22 - 33 - 44", "(06) 55 66 77 88", "06-12 34-56 80", "6 12 34 56 82",
    "06,12,34,56,78", "06_12_34_56_78", "06\u201312\u201334\u201356\u201378",
    "06\t12\t34\t56\t78", "06\u200912\u200934\u200956\u200978", "06 98\n76 54 32",
    "\uff10\uff16 \uff11\uff12 \uff13\uff14 \uff15\uff16 \uff17\uff18",
    # (the seventeenth attack: colons, bars, stars, middle dots, backslashes, the ideographic
    # space, a line separator, zero-width joiners between the digits)
    "06:12:34:56:78", "06|12|34|56|78", "06*12*34*56*78", "06\u00b712\u00b734\u00b756\u00b778",
    "06\\12\\34\\56\\78", "06\u300012\u300034\u300056\u300078",
    "06\u202812\u202834\u202856\u202878", "06\u200c12\u200d34\u200c56\u200d78",
    # (the eighteenth attack: two numbers pasted together, bullets, the minus sign, the
    # fraction slash, apostrophes, semicolons, tildes, wide separators, a Belgian mobile)
    "06123456780711223344", "06\u202212\u202234\u202256\u202278",
    "06\u221212\u221234\u221256\u221278",
    "06\u204412\u204434\u204456\u204478", "06'12'34'56'78", "06;12;34;56;78", "06~12~34~56~78",
    "06  -  12  -  34  -  56  -  78", "0470/12.34.56",
])
def test_phone_numbers_in_their_usual_forms_are_masked(phone, sql):
    text = f"rappeler au {phone} demain"
    assert pii.mask(text) == f"rappeler au {pii.PHONE_MASK} demain"
    assert sql.execute("select mask_pii(?)", [text]).fetchone()[0] == pii.mask(text)


@pytest.mark.parametrize("text, masked", [
    ("jean.dupont@example.fr", "[email masqué]"),
    ("Jean <jean.dupont@example.fr>", "Jean <[email masqué]>"),
    ("mailto:a@b.fr;c@d.fr", "mailto:[email masqué];[email masqué]"),
    ("tél. 06 12 34 56 78 / 07.11.22.33.44", "tél. [téléphone masqué] / [téléphone masqué]"),
    ("Relance marie.martin @gmail.com", "Relance [email masqué]"),
    ("écrire à marie.martin@ gmail.com", "écrire à [email masqué]"),
    ("+33 6 12 34 56 78, 06 11 22 33 44", "[téléphone masqué], [téléphone masqué]"),
    # (the eleventh attack: a doubled or full-width @, an @ written out, a line break)
    ("alice.zorglub@@gmail.com", "[email masqué]"),
    ("bob.quuxly\uff20gmail.com", "[email masqué]"),
    ("Canal : dana.wibble [at] gmail.com", "Canal : [email masqué]"),
    ("jean.dupont(at)gmail.com", "[email masqué]"),
    ("jean.dupont%40gmail.com", "[email masqué]"),
    ("écrire à ivy.grommet@\ngmail.com", "écrire à [email masqué]"),
    # (the twelfth attack: an address spelt out or spaced, other written @s, encoded ones, a
    # number whose digits a word joiner separates)
    ("prenom.nom at gmail dot com", "[email masqué]"),
    ("Origine : LEO AT GMAIL DOT COM", "Origine : [email masqué]"),
    ("marc arobase orange point fr", "[email masqué]"),
    ("jean.dupont @ gmail . com", "[email masqué]"),
    ("ana{at}gmail.com, bo[@]gmail.com, jo(a)gmail.com",
     "[email masqué], [email masqué], [email masqué]"),
    ("marc.dupont&#64;gmail.com, x%2540gmail.com", "[email masqué], [email masqué]"),
    ("tél. 06\u206012\u206034\u206056\u206078", "tél. [téléphone masqué]"),
    # (the seventeenth attack: « at » or « arobase » before a dotted domain, a written dot,
    # a quoted name, an HTML entity)
    ("zorro.martin at orange.fr", "[email masqué]"),
    ("rappeler Mme Zorro : zorro.martin arobase orange.fr", "rappeler Mme Zorro : [email masqué]"),
    ("zorro.b[at]orange[dot]fr, zorro.c (at) orange (dot) fr", "[email masqué], [email masqué]"),
    ('"jean dupont"@gmail.com', "[email masqué]"),
    ("jean.dupont&commat;gmail.com", "[email masqué]"),
    # (the eighteenth attack: « (arobase) », spaced dots, other endings, « chez », a
    # forgotten @ at a common provider, entities without their « ; »)
    ("jean (arobase) orange.fr, jo[arobase]gmail.com", "[email masqué], [email masqué]"),
    ("jean arobase orange . fr", "[email masqué]"),
    ("jean.weber at web.de, lucia arobase gmail.es, yann at breizh.bzh",
     "[email masqué], [email masqué], [email masqué]"),
    ("anne @ gmail . de ; jean @ gmail point com ; jo at gmail dot de",
     "[email masqué] ; [email masqué] ; [email masqué]"),
    ("paul chez orange.fr", "[email masqué]"),
    ("Relancer jean.dupont gmail.com", "Relancer [email masqué]"),
    ("jean&#64gmail.com, jo&commat gmail.com", "[email masqué], [email masqué]"),
    # (an @ typed without AltGr on a French keyboard: « à »)
    ("rappeler jean.dupontàgmail.com", "rappeler [email masqué]"),
    # and what only looks like them stays
    ("Salon at Paris, point de rencontre", "Salon at Paris, point de rencontre"),
    ("Stand (a) l'entrée, Chat (at) home", "Stand (a) l'entrée, Chat (at) home"),
    ("Salon de l'habitat at Figeac point info", "Salon de l'habitat at Figeac point info"),
    ("Réunion chez Martin, point de vente", "Réunion chez Martin, point de vente"),
])
def test_emails_and_several_numbers_in_one_text_are_masked(text, masked, sql):
    assert pii.mask(text) == masked
    assert sql.execute("select mask_pii(?)", [text]).fetchone()[0] == masked


@pytest.mark.parametrize("value", [
    "01.02.2023 10:30", "01.02.2023 10:30:15", "14/07/2023", "14-07-2023 08:05",
    "2023-07-14", "2023-07-14T10:32:00+02:00", "2023-07-14T10:32:00.123Z", "31/02/2023",
    "12 500,50 €", "12500.50", "1 250 000,00 €", "46042", "2A004", "2A", "75", "OML-2020-0001",
    "WEB-000001", "Salon", "inconnu@", "-", "n/a", "valeur de plus de 100 000 caractères",
    "01/07/2023 10:30", "01 02 2023", "125 000 000", "+2 500 €", "Instagram @choisirlelot",
    "rendez-vous @ 10h", "Salon 2023 (Paris) 12-14/03", "Chat (at) home",
    "14/07/2023 08:05", "14 07 2023", "1 250 000", "Séjour 12-14, 21-23 juin",
    "10:30:00", "Rendez-vous at 10:30", "Stand (point) info", "rendez-vous @ 10h . Puis",
    "Visite at Figeac. Ensuite Cahors", "Rendez-vous chez Dupont à 10h",
    "Inscriptions à choisirlelot.fr", "Départ à Cahors. Puis", "Voilà", "Déjà vu à Figeac.",
])
def test_dates_amounts_and_codes_are_not_taken_for_personal_data(value, sql):
    assert pii.mask(value) == value
    assert sql.execute("select mask_pii(?)", [value]).fetchone()[0] == value


@pytest.mark.parametrize("value, parsed", [
    ("3", 3), ("12", 12), ("1 250", 1250), ("123\u00a0456", 123456), ("12 345 678", 12345678),
    ("99999999", 99999999),
    # a phone typed in a count, and a count no sum can hold: invalid (then reported masked)
    ("0698765432", None), ("698765432", None), ("9223372036854775807", None),
    ("9 223 372 036 854 775 807", None), ("123 456 789", None), ("1 2", None), ("-3", None),
])
def test_a_count_has_at_most_eight_digits(value, parsed, sql):
    assert sql.execute("select parse_int(?)", [value]).fetchone()[0] == parsed


def test_personal_identifier_gets_a_stable_pseudonym(sql):
    def pseudonym(value: str) -> str:
        return sql.execute("select pseudonymise(?)", [value]).fetchone()[0]

    first, other = pseudonym("paul.durand@example.org"), pseudonym("paul.durand2@example.org")
    assert first == pseudonym("paul.durand@example.org")
    assert first != other
    assert first.startswith("masqué-") and not _personal_data_in(first)
    assert pseudonym(first) == first
    assert pseudonym("06 12 34 56 78").startswith("masqué-")
    assert pseudonym("OML-2020-0001") == "OML-2020-0001"


# --------------------------------------------------------------- the audit


def test_audit_no_email_or_phone_in_clear_in_any_published_table(everywhere):
    leaks = [(where, text) for where, text in _published_texts(everywhere)
             if _personal_data_in(text)]
    assert leaks == []


def test_audit_no_email_or_phone_in_the_build_status(everywhere):
    status = (everywhere / config.STATUS_NAME).read_text(encoding="utf-8")
    assert json.loads(status)["status"] == "ok"
    assert _personal_data_in(status) == []


def test_audit_masked_values_are_still_reported(everywhere):
    rejects = _query(everywhere, 'select source, "column", value from quality.rejects')
    assert ("prospects", "Date de premier contact", pii.PHONE_MASK) in rejects
    assert ("installations", "Code commune", pii.EMAIL_MASK) in rejects
    assert ("touches", "Horodatage", pii.PHONE_MASK) in rejects
    warnings = _query(everywhere, 'select kind, source, "column", value from quality.warnings')
    assert ("canal_inconnu", "prospects", "Canal", pii.EMAIL_MASK) in warnings
    assert ("valeur_invalide", "prospects", "Nb personnes", pii.PHONE_MASK) in warnings
    assert ("valeur_invalide", "campaigns", "Budget (€)", pii.PHONE_MASK) in warnings
    assert ("colonne_ignoree", "prospects", pii.EMAIL_MASK, None) in warnings
    households = _query(everywhere, "select project_type, status from marts.households")
    assert (f"rappeler au {pii.PHONE_MASK}", f"tel {pii.PHONE_MASK}") in households


def test_audit_build_accounts_for_every_row(everywhere):
    rows = kpis(everywhere)["rows"]
    for source, counts in rows.items():
        assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicates"], \
            source
    assert {source: counts["read"] for source, counts in rows.items()} == {
        "prospects": 6, "installations": 4, "ambassadors": 2, "touches": 5, "campaigns": 2}
    assert rows["prospects"]["rejected"] == 1 and rows["prospects"]["duplicates"] == 1


def test_identifiers_that_look_personal_keep_their_identity(everywhere):
    figures = kpis(everywhere)
    # paul.durand@… twice (one prospect, the later row wins) and paul.durand2@…: two
    # households, besides P1 and P4
    assert figures["followed"] == 4
    # the installation names its prospect by that email-like ID: found
    assert figures["installed"] == 1
    # persons: household paul.durand@… (by ID), visiteur@… (by email), P1 (by email)
    assert figures["contacts"] == 3
    # the campaign coded as a phone number and the ambassador coded as an email are known
    # wherever they are named: only A1, the unknown prospect and campaign of T3/T4 are warned
    unknown = _query(everywhere, "select source, \"column\", value like 'masqué-%' "
                                 "from quality.warnings where kind = 'code_inconnu'")
    assert sorted(unknown) == [("prospects", "ID ambassadeur", False),
                               ("touches", "Code campagne", True),
                               ("touches", "ID prospect", True)]


# Written by a helper probing the build (29 November): each was published in clear, in
# households, campaigns, rejects, warnings and the kept staged rows.
ABROAD_PROSPECTS = (
    "ID prospect;Date de premier contact;Canal;Nb personnes;Type de projet;Statut\n"
    "PII-0001;(+33) 6 98 76 54 31;Salon;;;\n"
    "PII-0002;12/03/2023;Salon;;Appeler au +44 (0)20 7946 0958;\n"
    "PII-0003;12/03/2023;Salon;;Rappeler 06/98/76/54/32;Tel 06  98  76  54  33\n"
    "PII-0004;12/03/2023;Salon;0698765434;+1 (415) 555-2671;06 98 76 5435\n"
    "PII-0005;12/03/2023;(+33) 6 98 76 54 36;9223372036854775807;;\n"
)
ABROAD_CAMPAIGNS = (
    "Code campagne;Libellé;Canal;Date début;Date fin;Budget (€)\n"
    "ZZ-1;Salon Londres, contact John +44 (0)20 7946 0959;Salon;01/03/2023;31/03/2023;100\n"
    "ZZ-2;Relance marie.martin @gmail.com;Salon;01/03/2023;31/03/2023;100\n"
)
ABROAD_DIGITS = ("33698765431", "442079460958", "0698765432", "0698765433", "0698765434",
                 "14155552671", "0698765435", "33698765436", "442079460959", "698765434")


def _build_beside_everywhere(tmp_path: Path, suffix: str, prospects: str,
                             campaigns: str) -> tuple[Path, Path, object]:
    """pii_everywhere plus a prospects and a campaigns export of a probe's rows, built: the
    raw folder, the curated one and the build's result."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "pii_everywhere", raw)
    (raw / f"prospects_{suffix}.csv").write_text(prospects, encoding="utf-8")
    (raw / f"campagnes_{suffix}.csv").write_text(campaigns, encoding="utf-8")
    curated = tmp_path / "curated"
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return raw, curated, result


def test_numbers_from_abroad_and_odd_spellings_are_never_published(tmp_path):
    _, curated, result = _build_beside_everywhere(tmp_path, "zz", ABROAD_PROSPECTS,
                                                  ABROAD_CAMPAIGNS)
    texts = list(_published_texts(curated)) + [
        ("status", (curated / config.STATUS_NAME).read_text(encoding="utf-8")),
        ("output", result.stdout + result.stderr)]
    assert _leaks(texts, ABROAD_DIGITS, ("gmail", "John +44")) == []
    # the counts that were phone numbers are invalid values, reported masked, not 698 765 434
    # people nor a sum past 64 bits (the pages could not read that database)
    assert _query(curated, "select max(household_size) from core.prospects")[0][0] < 100
    sizes = _query(curated, "select value from quality.warnings where \"column\" = "
                            "'Nb personnes' and source = 'prospects'")
    assert (pii.PHONE_MASK,) in sizes
    assert kpis(curated)["followed"] > 0


def test_demo_publishes_no_email_or_phone_in_clear(demo_build):
    leaks = [(where, text) for where, text in _published_texts(demo_build["curated"])
             if _personal_data_in(text)]
    assert leaks == []


def test_audit_workbook_sheet_named_with_an_email_is_masked(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    raw = tmp_path / "raw"
    raw.mkdir()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "suivi jeanne@example.fr"
    sheet.append(["ID prospect", "Date de premier contact", "Canal"])
    sheet.append(["P1", "2024-01-10", "Salon"])
    workbook.save(raw / "prospects.xlsx")
    curated = tmp_path / "curated"
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    assert _query(curated, "select file, sheet from quality.files") == [
        ("prospects.xlsx", f"suivi {pii.EMAIL_MASK}")]
    assert [text for _, text in _published_texts(curated) if _personal_data_in(text)] == []


def test_a_build_id_never_reads_as_a_phone_number():
    """It is published (quality.build) and shown: one in twenty random hex ids held a run of
    nine digits, which the audit above rightly reports as a phone number."""
    from pipelines import build, pii

    ids = {build.new_build_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert not [i for i in ids if pii.looks_personal(i)]


def test_an_export_named_with_a_phone_number_is_warned_under_its_pseudonym(everywhere):
    # contacts_campagnes_0611111111.csv shows as « masqué-… » everywhere: the officer is told
    # why, and how to rename it, on that file's line
    rows = _query(everywhere, "select file, message from quality.warnings "
                              "where message like 'le nom du fichier contient%'")
    assert len(rows) == 1, rows
    (file, message), = rows
    assert file.startswith("masqué-") and not _personal_data_in(message)
    assert "renommez-le sans elles" in message and "« contacts_campagnes »" in message
    files = _query(everywhere, "select file from quality.files where source = 'touches'")
    assert (file,) in files


# Written by the eleventh attack (30 November): each was published in clear, in the
# households, the campaigns, the warnings, the failure message and the downloads.
ELEVENTH_PROSPECTS = (
    "ID prospect;Date de premier contact;Email;Statut;Type de projet;Canal\n"
    "Q1;10/04/2022;alice.zorglub@@gmail.com;En cours;Reprise;Salon\n"
    "Q2;11/04/2022;;rappeler au 06 - 11 - 22 - 33 - 44;Reprise;Salon\n"
    'Q3;12/04/2022;;En cours;"Tel: 06 98\n76 54 32";Salon\n'
    "Q4;12/04/2022;bob.quuxly\uff20gmail.com;(06) 55 66 77 88;6 12 34 56 82;"
    "dana.wibble [at] gmail.com\n"
    'Q5;13/04/2022;;"ivy.grommet@\ngmail.com";06\t12\t34\t56\t79;Salon\n'
    # (the seventeenth attack: an address spelt with a real dot or a written one, a phone
    # typed with colons, in « Canal » and « Statut »)
    "Q6;14/04/2022;;06:12:34:56:71;Reprise;zorro.martin at orange.fr\n"
    "Q7;14/04/2022;;En cours;Reprise;zorro.b[at]orange[dot]fr\n"
    "Q8;14/04/2022;;En cours;Reprise;zorro.d arobase orange.fr\n"
)
ELEVENTH_CAMPAIGNS = (
    "Code campagne;Libellé;Canal;Date début;Date fin;Budget (€)\n"
    "QQ-1;Salon, appeler le 06-12 34-56 80;Salon;01/03/2022;31/03/2022;100\n"
)
# a prospects export saved without its header: its first row is quoted as « colonnes trouvées »
ELEVENTH_HEADERLESS = ("OML-9;10/04/2022;Salon;carl.zorg@@gmail.com;06 - 11 - 22 - 33 - 45;"
                       "(06) 55 66 77 89\n")
ELEVENTH_PLANTED = ("zorglub", "quuxly", "wibble", "grommet", "carl.zorg", "0611223344",
                    "0611223345", "0655667788", "0655667789", "0698765432", "612345682",
                    "0612345680", "0612345679", "zorro", "0612345671")


def _leaks(texts, digits: tuple[str, ...], words: tuple[str, ...]) -> list:
    """(where, text) of each text holding one of the planted numbers, whatever separates its
    digits, or one of the planted words (keyed hashes aside)."""
    leaks = []
    for where, text in texts:
        bare = re.sub(r"[^0-9]", "", HASH.sub("", text))
        leaks += [(where, text) for planted in digits if planted in bare]
        leaks += [(where, text) for planted in words if planted in text]
    return leaks


def _eleventh_leaks(texts) -> list:
    return _leaks(texts, ELEVENTH_PLANTED, ELEVENTH_PLANTED)


def test_mistyped_addresses_and_loosely_written_numbers_are_never_published(tmp_path):
    raw, curated, result = _build_beside_everywhere(tmp_path, "qq", ELEVENTH_PROSPECTS,
                                                    ELEVENTH_CAMPAIGNS)
    parquet = [(path.name, text) for path in (curated / "parquet").glob("*.parquet")
               for _, text in _parquet_texts(path)]
    kept = [(path.name, text) for path in cache.folder_for(curated).rglob("*.parquet")
            for _, text in _parquet_texts(path)]
    assert kept  # (the kept rows were looked at)
    texts = list(_published_texts(curated)) + parquet + kept + [
        ("status", (curated / config.STATUS_NAME).read_text(encoding="utf-8")),
        ("output", result.stdout + result.stderr)]
    assert _eleventh_leaks(texts) == []
    # still reported: the mistyped address is an invalid value, shown masked
    warned = _query(curated, "select value from quality.warnings where kind = "
                             "'valeur_invalide' and \"column\" = 'Email' and line = 2 "
                             "and file = 'prospects_qq.csv'")
    assert warned == [(pii.EMAIL_MASK,)]

    # the same values as a headerless export's first row: the build stops and says which
    # columns it found, masked
    (raw / "prospects_qq.csv").write_text(ELEVENTH_HEADERLESS, encoding="utf-8")
    failed = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert failed.returncode != 0 and "Colonnes trouvées" in failed.stderr
    status = (curated / config.STATUS_NAME).read_text(encoding="utf-8")
    assert _eleventh_leaks([("output", failed.stdout + failed.stderr),
                            ("status", status)]) == []


def _parquet_texts(path: Path):
    with duckdb.connect() as con:
        rows = con.execute("select * from read_parquet(?)", [str(path)]).fetchall()
    for row in rows:
        for value in row:
            for text in _strings(value):
                yield str(path), text


def test_sql_and_python_masks_are_checked_alike_on_every_connection(monkeypatch):
    """pii.sql_setup masks its examples both ways on each connection it prepares (in one
    query): should Python's patterns and the SQL macros part (another DuckDB's regexes, a
    pattern edited on one side), the build stops rather than publish what one side missed."""
    con = duckdb.connect()
    con.execute("set variable hash_key = ?", ["a test key, not the real one"])
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    pii.sql_setup(con)  # they agree
    python_mask = pii.mask
    # (the last example only, masked otherwise in Python: every example is compared)
    monkeypatch.setattr(pii, "mask", lambda text: python_mask(text) + (
        "!" if text == pii._SELF_CHECK[-1] else ""))
    with pytest.raises(RuntimeError, match="SQL et Python diffèrent"):
        pii.sql_setup(con)
    con.close()


def test_a_pseudonym_shown_says_what_it_is(everywhere, demo_build, monkeypatch):
    """A campaign code typed as a phone number is shown « masqué-… » in the bilan and a file
    named after one on the quality page, which told a reader nothing: wherever a pseudonym is
    shown, one line says what it is; a bilan or table without one does not."""
    from pipelines import report
    from tests.conftest import open_app

    def notes(document: dict) -> list[str]:
        return [block["text"] for section in document["sections"]
                for block in section["blocks"] if block["kind"] == "note"]

    [(code,)] = _query(everywhere, "select campaign_code from core.campaigns "
                                   f"where campaign_code like '{pii.PSEUDONYM_PREFIX}%'")
    with duckdb.connect(str(everywhere / config.DATABASE_NAME), read_only=True) as con:
        assert pii.PSEUDONYM_NOTE in notes(report.campaign_document(con, [code]))
    with duckdb.connect(str(demo_build["database"]), read_only=True) as con:
        assert pii.PSEUDONYM_NOTE not in notes(report.campaign_document(con, ["SALON-SIA-2023"]))
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(everywhere))
    at = open_app().switch_page("app_pages/quality.py").run()
    assert not at.exception
    assert pii.PSEUDONYM_NOTE in [caption.value for caption in at.caption]
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    at = open_app().switch_page("app_pages/quality.py").run()
    assert pii.PSEUDONYM_NOTE not in [caption.value for caption in at.caption]


def test_a_long_text_is_masked_as_a_short_one_is_and_never_hangs(sql, tmp_path):
    """Python's regex engine backtracks: a header cell of « x at » and thirty thousand letters
    took 70 s to mask, a build stopped for a minute per such column (a helper's attack). A
    long text is masked by RE2 (macros.sql mask_pii), alike."""
    parts = ["Salon at Paris, point de rencontre", "jean.dupont@example.fr", "x" * 600,
             "zorro.martin at orange.fr", "06:12:34:56:78", "y" * 600, "(+33) 6 98 76 54 31"]
    text = " ; ".join(parts)
    assert len(text) > pii.LONG_TEXT
    masked = pii.mask(text)
    assert masked == " ; ".join([parts[0], pii.EMAIL_MASK, parts[2], pii.EMAIL_MASK,
                                 pii.PHONE_MASK, parts[5], pii.PHONE_MASK])
    assert masked == sql.execute("select mask_pii(?)", [text]).fetchone()[0]

    raw = tmp_path / "raw"
    raw.mkdir()
    header = ";".join(["ID prospect"] + ["x at " + "b" * 30_000 + f"{i}" for i in range(3)])
    (raw / "prospects.csv").write_text(header + "\nP1;a;b;c\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--curated",
         str(tmp_path / "curated")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Date de premier contact" in result.stderr
