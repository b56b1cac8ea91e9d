"""Realistic synthetic demo exports for the « Oh my Lot ! » KPI dashboard.

`write_demo` writes into a raw folder the exports the programme's tools produce
(shared/spec/exports.md): the welcome network's CRM as two CSV files (Windows-1252,
`;`, CRLF, two header styles), the installation spreadsheet (XLSX, real dates, INSEE
codes as text), the ambassador platform (CSV, UTF-8 with BOM, `,`), the contacts of the
campaign tools (web CSV with ISO timestamps, trade-fair XLSX with `DD/MM/YYYY HH:MM`
text) and the campaign list (CSV, UTF-8, `;`, French amounts). Same seed, same bytes.
A living network as of the data date (30/06/2025, the exports' latest date, never the
clock): households in progress were updated in the last 60 days, one in eight not
for more than 90 (« sans nouvelles » on the network page).
All names, e-mails (example.* domains only) and phone numbers are invented.

Whatever the seed, the contract's rules give the figures of `EXPECTED`. True defects
planted on purpose (13), with their effect on the row counts of each source:

prospects: read 407 = accepted 402 + rejected 2 + duplicates 3; merged 2; followed 400
  1. three prospects of 2022 re-exported in the 2023-2024 CRM file, two with a later
     update and status, one unchanged (same update day): the 2023-2024 copies win,
     3 duplicates;
  2. two households registered again under a new ID with the same e-mail written
     differently (case, spaces): 2 merged into the earlier one; a touch points at each
     merged ID, and one merged ID carries its household's installation;
  3. an empty `N° dossier` (prospects_crm_2020-2022.csv, row 52): rejected;
  4. a first contact `31/02/2023` (prospects_crm_2023-2024.csv, row 103): rejected;
  5. a blank line just before it (row 102): skipped, not a data row;
  6. two unknown channel labels, « Foire de Brive » and « Salon du chiot »: `autre`
     with a warning, still followed (and not tourism);
installations: read 134 = accepted 131 + rejected 2 + duplicates 1; installed 130
  7. an installation for prospect `OML-2O21-0117` (letter O, unknown): rejected (row 42);
  8. an installation dated `31/06/2024` (text): rejected (row 92); that household is
     not installed otherwise;
  9. an installation row entered twice (row 22 repeats row 21): 1 duplicate;
 10. commune code `46999`: kept with a warning, still an installation;
     (not a defect: one household installed twice, counted once on its earlier date)
ambassadors: read 541 = accepted 540 + duplicates 1
 11. an ambassador exported twice (row 302 repeats row 301 with `Actif` = non; the
     first wins);
touches: read = accepted + rejected 1 + duplicates 1 (read depends on the seed)
 12. a web contact with no campaign code (contacts_campagnes_web.csv, row 1002): rejected;
 13. a trade-fair lead entered twice (contacts_campagnes_salons.xlsx, row 502 repeats
     row 501): 1 duplicate.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

REFERENCE_COMMUNES = Path(__file__).parent / "reference" / "communes_46.csv"
SNAPSHOT = date(2025, 6, 30)  # the day the exports were taken
LAST_CONTACT = date(2024, 12, 31)
_SILENCE_DAYS = 90  # « sans nouvelles » beyond this (the dashboard's default threshold)
_XLSX_STAMP = datetime(2025, 7, 1, 8, 0, 0)  # workbook properties and zip entry times

_PLAN = (  # (channel code, households, campaign code or "" when drawn per household)
    ("salon", 85, ""),
    ("site_web", 80, ""),
    ("tourisme", 70, "TOUR-ETE-2023"),
    ("sante", 25, ""),
    ("ambassadeur", 50, ""),
    ("entreprise", 22, "ENTR-IMM-2024"),
    ("entreprise", 8, ""),
    ("digital", 12, "DIGI-RS-2021"),
    ("digital", 23, "DIGI-AUT-2023"),
    ("presse", 10, "TDF-2022"),
    ("presse", 5, ""),
    ("autre", 10, ""),
)
_FOLLOWED_BY_CHANNEL = {
    code: sum(n for c, n, _ in _PLAN if c == code)
    for code in ("salon", "site_web", "tourisme", "sante", "ambassadeur", "entreprise",
                 "digital", "presse", "autre")
}
_INSTALLED = 130
_ACCOMPANIED = 240
_AMBASSADORS_BY_YEAR = {2019: 40, 2020: 70, 2021: 90, 2022: 110, 2023: 120, 2024: 110}

EXPECTED = {
    "followed": 400,
    "installed": _INSTALLED,
    "tourisme": 70,
    "accompanied": _ACCOMPANIED,
    "ambassadors": sum(_AMBASSADORS_BY_YEAR.values()),
    "campaigns": 16,
    "followed_by_channel": _FOLLOWED_BY_CHANNEL,
    "rows": {
        "prospects": {"read": 407, "accepted": 402, "rejected": 2, "duplicates": 3,
                      "merged": 2},
        "installations": {"read": 134, "accepted": 131, "rejected": 2, "duplicates": 1},
        "ambassadors": {"read": 541, "accepted": 540, "rejected": 0, "duplicates": 1},
        "touches": {"rejected": 1, "duplicates": 1},
        "campaigns": {"read": 16, "accepted": 16, "rejected": 0, "duplicates": 0},
    },
}


@dataclass(frozen=True)
class Campaign:
    """One campaign of the programme, as the campaign list and the contact tools see it."""

    code: str
    label: str
    channel: str  # label written in the campaign list
    start: date
    end: date
    budget: int  # euros
    tool: str  # "web" or "salons": the contact export that holds its touches
    actions: tuple[str, ...]
    sources: tuple[str, ...]  # channel labels the contact tool writes (may be empty)
    crowd: int  # touches of people who never became households
    anonymous: float  # share of those with neither e-mail nor prospect ID


def _d(text: str) -> date:
    return date.fromisoformat(text)


_SALON = ("Visite stand", "Inscription atelier", "Demande de documentation")
_WEB = ("Formulaire web", "Téléchargement guide", "Demande de documentation")
CAMPAIGNS = (
    Campaign("SALON-SIA-2020", "Salon international de l'agriculture 2020 (Paris)", "Salon",
             _d("2020-02-22"), _d("2020-03-01"), 38500, "salons", _SALON, ("Salon",), 380, 0.05),
    Campaign("WEB-CHOISIRLELOT", "Site choisirlelot.fr", "Site internet", _d("2020-01-01"),
             _d("2024-12-31"), 32000, "web", _WEB, ("Site internet", "Web"), 1300, 0.1),
    Campaign("DIGI-RS-2021", "Campagne réseaux sociaux « Respirez, vous êtes dans le Lot »",
             "Réseaux sociaux", _d("2021-03-01"), _d("2021-05-31"), 9800, "web",
             ("Clic publicité réseaux sociaux", "Formulaire web"), ("Réseaux sociaux",),
             350, 0.15),
    Campaign("FORUM-VTC-2021", "Forum « Vivre et travailler à la campagne » 2021", "Forum",
             _d("2021-09-24"), _d("2021-09-26"), 8200, "salons", _SALON, ("Forum",), 140, 0.05),
    Campaign("SANTE-INT-2021", "Soirée internes en médecine – Toulouse, 18/11/2021",
             "Internes en médecine", _d("2021-10-18"), _d("2021-11-18"), 3500, "salons",
             ("Inscription soirée", "Présence soirée"), ("Internes en médecine",), 35, 0.0),
    Campaign("SALON-DNV-2022", "Salon Destination Nouvelle Vie 2022 (Paris)", "Salon",
             _d("2022-03-18"), _d("2022-03-20"), 24000, "salons", _SALON, ("Salon",), 320, 0.05),
    Campaign("TDF-2022", "Tour de France 2022 – « Le Lot, bien plus qu'une étape »", "Médias",
             _d("2022-06-01"), _d("2022-08-31"), 58000, "web",
             ("Scan QR code jeu concours", "Formulaire web"), ("Médias", "Presse"), 650, 0.4),
    Campaign("SANTE-INT-2022", "Soirée internes en médecine – Toulouse, 13/10/2022",
             "Internes en médecine", _d("2022-09-13"), _d("2022-10-13"), 4200, "salons",
             ("Inscription soirée", "Présence soirée"), ("Internes en médecine",), 45, 0.0),
    Campaign("SALON-SIA-2023", "Salon international de l'agriculture 2023 (Paris)", "Salon",
             _d("2023-02-25"), _d("2023-03-05"), 41000, "salons", _SALON, ("Salon",), 420, 0.05),
    Campaign("TOUR-ETE-2023", "Été 2023 – campings et sites touristiques", "Tourisme",
             _d("2023-07-01"), _d("2023-10-31"), 18500, "web", ("Scan QR code carte postale",),
             ("Camping", "Site touristique", "Tourisme"), 950, 0.45),
    Campaign("DIGI-AUT-2023", "Newsletter et campagne digitale automne 2023", "Campagne digitale",
             _d("2023-09-15"), _d("2023-12-15"), 12500, "web",
             ("Clic newsletter", "Clic publicité réseaux sociaux"), ("Newsletter", "Digital"),
             800, 0.15),
    Campaign("SANTE-INT-2023", "Soirée internes en médecine – Toulouse, 16/11/2023",
             "Internes en médecine", _d("2023-10-16"), _d("2023-11-16"), 4800, "salons",
             ("Inscription soirée", "Présence soirée"), ("Internes en médecine",), 45, 0.0),
    Campaign("ENTR-IMM-2024", "Séjours d'immersion avec des employeurs lotois – printemps 2024",
             "Entreprise", _d("2024-03-01"), _d("2024-06-30"), 22000, "salons",
             ("Candidature séjour", "Séjour immersion"), ("Employeur", "Entreprise"), 140, 0.0),
    Campaign("SANTE-INT-2024", "Soirée internes en médecine – Bordeaux, 14/03/2024",
             "Internes en médecine", _d("2024-02-14"), _d("2024-03-14"), 5100, "salons",
             ("Inscription soirée", "Présence soirée"), ("Internes en médecine",), 40, 0.0),
    Campaign("SALON-VTC-2024", "Salon « Vivre et travailler à la campagne » 2024 (Paris)",
             "Salon", _d("2024-04-05"), _d("2024-04-07"), 26500, "salons", _SALON, ("Salon",),
             360, 0.05),
    Campaign("AMB-RESEAU", "Réseau des ambassadeurs du Lot", "Ambassadeurs", _d("2020-01-01"),
             _d("2024-12-31"), 9500, "web", ("Formulaire parrainage",), ("Parrainage",), 180,
             0.0),
)
_BY_CODE = {c.code: c for c in CAMPAIGNS}
_SALONS = ("SALON-SIA-2020", "FORUM-VTC-2021", "SALON-DNV-2022", "SALON-SIA-2023",
           "SALON-VTC-2024")
_SANTE = ("SANTE-INT-2021", "SANTE-INT-2022", "SANTE-INT-2023", "SANTE-INT-2024")
_TOURIST_SITES = (
    ("Carte postale camping", "Cap Nature"),
    ("Carte postale camping", "Bois des Elfes"),
    ("Portrait site touristique", "Parc animalier de Gramat"),
    ("Portrait site touristique", "Phosphatières du Cloup d'Aural"),
    ("Portrait site touristique", "Grottes de Lacave"),
    ("Portrait site touristique", "Écomusée de Cuzals"),
)
_LABELS = {  # channel labels the CRM writes, per channel code
    "salon": ("Salon", "Salon grand public", "Salons", "Forum"),
    "site_web": ("Site internet", "choisirlelot.fr", "Formulaire web", "Site web"),
    "tourisme": ("Tourisme", "Camping", "Site touristique", "Campings"),
    "sante": ("Internes en médecine", "Santé", "Médecine", "Internes"),
    "ambassadeur": ("Bouche-à-oreille", "Ambassadeur", "Parrainage"),
    "entreprise": ("Entreprise", "Employeur", "Recrutement"),
    "digital": ("Newsletter", "Réseaux sociaux", "Campagne digitale"),
    "presse": ("Presse", "Radio", "Télévision", "Médias"),
}
_OTHER_LABELS = ("Autre",) * 5 + ("",) * 3 + ("Foire de Brive", "Salon du chiot")

_FIRST_NAMES = (
    "Marie", "Jean", "Hélène", "Élodie", "Jérôme", "François", "Zoé", "Chloé", "Maëlle",
    "Noémie", "Clément", "Loïc", "Benoît", "Gaëlle", "Théo", "Anaïs", "Léa", "Inès",
    "Raphaël", "Agnès", "Cécile", "Frédéric", "Stéphane", "Sébastien", "Aurélie", "Valérie",
    "Julien", "Camille", "Nicolas", "Sophie", "Thomas", "Claire", "Pierre", "Laura", "Hugo",
    "Manon", "Lucas", "Emma", "Antoine", "Sarah", "Mathieu", "Pauline", "Romain", "Julie",
    "Maxime", "Lucie", "Arnaud", "Amandine", "Olivier", "Nathalie", "Karim", "Yasmine",
    "Wim", "Sanne", "Oliver", "Emily", "Joëlle", "Hervé", "Ophélie", "Gérald",
)
_LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
    "Perrin", "Morin", "Mathieu", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
    "Robin", "Masson", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Noël",
    "Meyer", "Pérez", "Marchand", "Dufour", "Brun", "Dumas", "Leroux", "Colin", "Vidal",
    "Da Silva", "Le Gall", "Rivière", "Ménard", "Prévost", "Carré", "Rémy", "Marty",
    "Delpech", "Lacombe", "Bouyssou", "Vayssière", "Lafon", "Cayrol", "Van den Berg",
    "Smith", "Janssens", "Benali", "Ferreira",
)
_DOMAINS = ("example.fr", "example.fr", "example.com", "example.org", "example.net")
_DEPARTMENTS = (
    ("75", 14), ("92", 8), ("93", 4), ("94", 5), ("91", 3), ("78", 4), ("77", 2), ("33", 7),
    ("31", 10), ("69", 6), ("13", 5), ("59", 4), ("44", 5), ("35", 4), ("67", 3), ("34", 4),
    ("19", 3), ("12", 2), ("24", 3), ("82", 2), ("06", 2), ("38", 2), ("2A", 1), ("2B", 1),
    ("99", 5),
)
_PROJECTS = (
    "Achat d'une maison avec jardin", "Télétravail à la campagne", "Création d'entreprise",
    "Reprise de commerce", "Rapprochement familial", "Mutation professionnelle",
    "Retour au pays", "Reprise d'une ferme; élevage", "Projet artisanal (ébéniste)",
    "Gîte et chambres d'hôtes – budget 250 000 €", "Emploi du conjoint à trouver",
    "Location d'abord, achat ensuite",
)
_PROJECTS_BY_CHANNEL = {
    "sante": ("Installation médecin généraliste", "Remplacements puis installation",
              "Maison de santé pluriprofessionnelle"),
    "entreprise": ("Poste en CDI chez un employeur lotois", "Mutation professionnelle"),
}
_SEMICOLON_PROJECT = "Reprise d'une ferme; élevage"
_EURO_PROJECT = "Gîte et chambres d'hôtes – budget 250 000 €"
_MULTILINE_PROJECT = "Ouvrir une boulangerie\nà Figeac (local repéré)"
_SITUATIONS = (
    ("Salarié", 35), ("Télétravail", 20), ("Indépendant", 15), ("Retraité", 8),
    ("En recherche d'emploi", 8), ("Fonctionnaire", 6), ("Agriculteur", 3), ("Artisan", 5),
)
_MAIN_COMMUNES = {"46042": 40, "46102": 28, "46127": 14, "46309": 12, "46128": 12}
_TOWNS = ("46251", "46225", "46231", "46029", "46148", "46185", "46182", "46063", "46038",
          "46330", "46055", "46224", "46045", "46138", "46143")


@dataclass(eq=False)
class Household:
    """One household of the CRM (or a second registration of one)."""

    channel: str
    label: str
    campaign: str
    first: date
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    size: int | None = None
    department: str = ""
    project: str = ""
    ambassador: str = ""
    pre_touches: list[date] = field(default_factory=list)
    site: tuple[str, str] = ("", "")
    pid: str = ""
    start: date | None = None
    immersion: date | None = None
    install: date | None = None
    abandon: bool = False
    updated: date = date(2020, 1, 1)
    updated_at: time = time(9, 0)
    email_written: str = ""  # how the CRM row writes the e-mail (merged registrations)


@dataclass
class Touch:
    """One interaction of a person with a campaign."""

    when: datetime
    campaign: str
    action: str
    source: str = ""
    email: str = ""
    pid: str = ""
    suffix: str = ""  # "", "Z" or "+02:00": how the web tool wrote the time zone
    iid: str = ""


@dataclass
class Installation:
    """One row of the installation spreadsheet."""

    pid: str
    day: date | str
    code: str
    commune: str
    people: int | None
    situation: str
    comment: str = ""
    iid: str = ""


# ---------------------------------------------------------------- small helpers


def _day(rng: random.Random, low: date, high: date) -> date:
    """A day between low and high, both included (low when the range is empty)."""
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], [w for _, w in pairs])[0]


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("œ", "oe"))
    return "".join(ch for ch in plain.lower() if ch.isascii() and ch.isalnum())


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _email(rng: random.Random, first: str, last: str, used: set[str]) -> str:
    """A unique invented e-mail on an example.* domain."""
    base, domain = f"{_slug(first)}.{_slug(last)}", rng.choice(_DOMAINS)
    email, n = f"{base}@{domain}", 1
    while email in used:
        n += 1
        email = f"{base}{n}@{domain}"
    used.add(email)
    return email


def _phone(rng: random.Random) -> str:
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    return f"0{rng.choice('67')} {pairs}"


def _variant(rng: random.Random, email: str) -> str:
    """The same e-mail as another tool or person typed it (case, surrounding spaces)."""
    local, domain = email.split("@")
    return rng.choice((
        f"{local.title()}@{domain}", email.upper(), f" {email}",
        f"{local.title()}@{domain.capitalize()} ",
    ))


def load_communes(path: Path = REFERENCE_COMMUNES) -> dict[str, str]:
    """INSEE code -> name of the Lot communes of the reference table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code_insee"]: row["nom"] for row in csv.DictReader(handle, delimiter=";")}


# ---------------------------------------------------------------- ambassadors


def _ambassadors(rng: random.Random, communes: dict[str, str]) -> list[dict[str, str]]:
    """The ambassadors, oldest first, IDs in joining order."""
    days = []
    for year, count in _AMBASSADORS_BY_YEAR.items():
        low = date(2019, 9, 1) if year == 2019 else date(year, 1, 1)
        days += [_day(rng, low, date(year, 12, 31)) for _ in range(count)]
    codes = list(communes)
    rows = []
    for n, joined in enumerate(sorted(days), start=1):
        code = rng.choice(codes + list(_MAIN_COMMUNES) * 10)
        old = joined.year <= 2021
        active = rng.choices(("oui", "non", ""), (70, 25 if old else 8, 3))[0]
        kind = _weighted(rng, (("Particulier", 80), ("Entreprise", 10), ("Association", 6),
                               ("Collectivité", 4)))
        rows.append({"id": f"AMB-{n:04d}", "joined": joined, "type": kind, "code": code,
                     "commune": communes[code], "active": active})
    return rows


# ---------------------------------------------------------------- households


def _first_contact(rng: random.Random, h: Household, ambassadors: list[dict]) -> None:
    """Draw the first contact (and what led to it) from the household's channel."""
    if h.channel == "tourisme":
        h.site = rng.choice(_TOURIST_SITES)
        touches = sorted(_day(rng, date(2023, 7, 1), date(2023, 10, 31))
                         for _ in range(rng.choice((1, 1, 2, 2, 3))))
        h.pre_touches = touches
        h.first = min(_day(rng, touches[-1], touches[-1] + timedelta(days=45)),
                      date(2023, 12, 31))
        return
    if h.channel == "ambassadeur":
        h.first = _day(rng, date(2020, 2, 1), date(2024, 12, 20))
        known = [a for a in ambassadors if a["joined"] <= h.first - timedelta(days=15)]
        h.ambassador = rng.choice(known or ambassadors[:1])["id"]
        h.campaign = "AMB-RESEAU" if rng.random() < 0.7 else ""
        return
    if h.channel == "salon":
        h.campaign = rng.choices(_SALONS, (20, 10, 18, 22, 20))[0]
    elif h.channel == "sante":
        h.campaign = rng.choice(_SANTE)
    elif h.channel == "site_web":
        h.campaign = "WEB-CHOISIRLELOT" if rng.random() < 0.8 else ""
    campaign = _BY_CODE.get(h.campaign)
    if campaign is None or campaign.code == "WEB-CHOISIRLELOT":
        h.first = _undated_first_contact(rng, h.channel)
        return
    lag = {"salon": 40, "sante": 60, "digital": 20, "presse": 30, "entreprise": 15}
    seen = _day(rng, campaign.start, campaign.end)
    h.first = min(_day(rng, seen, seen + timedelta(days=lag[h.channel])), LAST_CONTACT)


def _undated_first_contact(rng: random.Random, channel: str) -> date:
    """First contact of a household that came without a dated campaign."""
    years = {"entreprise": (2021, 2023), "presse": (2020, 2021)}.get(channel, (2020, 2024))
    year = rng.choices(range(years[0], years[1] + 1),
                       [10 + 2 * i for i in range(years[1] - years[0] + 1)])[0]
    return _day(rng, date(year, 1, 1), date(year, 12, 20))


def _describe(rng: random.Random, h: Household, used: set[str]) -> None:
    """Name, contact details, origin and project of a household."""
    h.first_name, h.last_name = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    if h.channel == "tourisme" or rng.random() < 0.95:
        h.email = _email(rng, h.first_name, h.last_name, used)
    h.email_written = h.email
    h.phone = _phone(rng) if rng.random() < 0.85 else ""
    h.size = rng.choices((1, 2, 3, 4, 5), (18, 30, 22, 20, 10))[0] if rng.random() < 0.93 else None
    h.department = _weighted(rng, _DEPARTMENTS)
    h.project = rng.choice(_PROJECTS_BY_CHANNEL.get(h.channel, _PROJECTS))
    h.updated_at = time(rng.randint(8, 18), rng.randint(0, 59))


def _households(rng: random.Random, ambassadors: list[dict], used: set[str]) -> list[Household]:
    """The 400 households followed, in the proportions of the plan."""
    households, others = [], iter(_OTHER_LABELS)
    for channel, count, campaign in _PLAN:
        for _ in range(count):
            label = next(others) if channel == "autre" else rng.choice(_LABELS[channel])
            h = Household(channel, label, campaign, LAST_CONTACT)
            _first_contact(rng, h, ambassadors)
            if channel == "salon":  # a forum's leads say « Forum », a fair's never do
                h.label = "Forum" if h.campaign.startswith("FORUM") else rng.choice(
                    _LABELS["salon"][:3])
            _describe(rng, h, used)
            households.append(h)
    return households


def _sample(rng: random.Random, items: list[Household], weights: list[float],
            count: int) -> list[Household]:
    """Weighted sample without replacement (Efraimidis-Spirakis), deterministic."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:count]]


def _install_weight(h: Household) -> float:
    by_channel = {"sante": 2.2, "entreprise": 1.8, "ambassadeur": 1.7, "tourisme": 1.0,
                  "salon": 1.0, "site_web": 0.8, "digital": 0.7, "presse": 0.8, "autre": 0.6}
    age = min((SNAPSHOT - h.first).days, 1000) / 1000
    return by_channel[h.channel] * max(age, 0.15)


def _stages(rng: random.Random, households: list[Household], forced: list[Household]) -> None:
    """Accompaniment, immersion, installation, abandon and last update of every household.

    forced[0] is installed, the other forced households are accompanied but not installed.
    """
    pool = [h for h in households if h not in forced]
    installed = forced[:1] + _sample(rng, pool, [_install_weight(h) for h in pool],
                                     _INSTALLED - 1)
    rest = [h for h in households if h not in installed]
    ready = [h for h in rest if h in forced or (h.campaign == "ENTR-IMM-2024")]
    others = [h for h in rest if h not in ready]
    accompanied = set(map(id, installed + ready + _sample(
        rng, others, [_install_weight(h) for h in others],
        _ACCOMPANIED - _INSTALLED - len(ready))))
    for h in households:
        if id(h) in accompanied:
            _accompany(rng, h, h in installed)
        h.abandon = h.install is None and rng.random() < (0.25 if h.start else 0.3)
        _touch_up(rng, h)


def _accompany(rng: random.Random, h: Household, installed: bool) -> None:
    h.start = min(_day(rng, h.first + timedelta(days=7), h.first + timedelta(days=120)), SNAPSHOT)
    if installed:
        low = max(h.first + timedelta(days=30), h.start + timedelta(days=14))
        h.install = _day(rng, low, min(h.first + timedelta(days=900), SNAPSHOT))
    if h.campaign == "ENTR-IMM-2024":  # the spring 2024 stays, before any installation
        high = min(date(2024, 6, 28), h.install or SNAPSHOT)
        h.immersion = _day(rng, max(h.start, date(2024, 3, 15)), high)
    elif rng.random() < 0.3:
        end = h.install - timedelta(days=7) if h.install else h.start + timedelta(days=240)
        h.immersion = min(_day(rng, h.start, end), SNAPSHOT)


def _touch_up(rng: random.Random, h: Household) -> None:
    """The CRM's last update: after the last stage, never after the export."""
    last = max(d for d in (h.first, h.start, h.immersion, h.install) if d)
    if h.abandon:
        last += timedelta(days=rng.randint(60, 400))
    h.updated = min(last + timedelta(days=rng.randint(0, 20)), SNAPSHOT)


def _status(h: Household, day: date) -> str:
    if h.install and h.install <= day:
        return "Installé"
    if h.abandon and h.updated <= day:
        return "Abandon"
    return "Accompagné" if h.start and h.start <= day else "En cours"


def _assign_ids(prospects: list[Household]) -> None:
    """CRM case numbers: OML-<year>-<n>, in order of first contact within a year."""
    counters: dict[int, int] = {}
    for h in sorted(prospects, key=lambda p: p.first):
        counters[h.first.year] = counters.get(h.first.year, 0) + 1
        h.pid = f"OML-{h.first.year}-{counters[h.first.year]:04d}"


# ---------------------------------------------------------------- defects on prospects


@dataclass
class Defects:
    """The households chosen to carry the planted defects."""

    kept: list[Household]  # the earlier registration of a household registered twice
    merged: list[Household]  # the later registration, same e-mail written differently
    updated_twice: list[Household]  # re-exported with a later update
    identical: Household  # re-exported identical
    invalid_install: Household  # its only installation has an impossible date
    old_update: dict[str, date] = field(default_factory=dict)


def _pick_defects(rng: random.Random, households: list[Household]) -> Defects:
    """Choose the carriers before the stages, so forced stages can be drawn for them."""
    plain = [h for h in households if h.channel not in ("tourisme", "autre") and h.email
             and h.campaign != "ENTR-IMM-2024"]
    early_2022 = [h for h in plain if date(2022, 1, 1) <= h.first <= date(2022, 6, 30)]
    older = [h for h in plain if h.first < date(2022, 1, 1)]
    kept = [rng.choice(early_2022), rng.choice(older)]
    in_2022 = [h for h in plain if h.first.year == 2022 and h not in kept]
    chosen = rng.sample(in_2022, 3)
    late = [h for h in plain if h.first <= date(2023, 12, 31) and h not in kept + chosen]
    return Defects(kept, [], chosen[:2], chosen[2], rng.choice(late))


def _second_registrations(rng: random.Random, defects: Defects) -> list[Household]:
    """The same households registered again later, through the website."""
    windows = ((date(2023, 1, 10), date(2023, 6, 30)), (date(2024, 1, 10), date(2024, 10, 31)))
    merged = []
    for h, (low, high) in zip(defects.kept, windows, strict=True):
        again = Household("site_web", "Formulaire web", "WEB-CHOISIRLELOT", _day(rng, low, high))
        for name in ("first_name", "last_name", "email", "phone", "size", "department",
                     "project", "updated_at"):
            setattr(again, name, getattr(h, name))
        again.email_written = _variant(rng, h.email)
        again.updated = again.first + timedelta(days=rng.randint(0, 5))
        merged.append(again)
    kept = defects.kept[0]  # installed under its second case number
    kept.start = kept.first + timedelta(days=rng.randint(20, 90))
    kept.install = min(merged[0].first + timedelta(days=rng.randint(60, 150)),
                       kept.first + timedelta(days=890))
    kept.immersion, kept.abandon = None, False
    _touch_up(rng, kept)
    return merged


def _pick_old_updates(rng: random.Random, defects: Defects) -> None:
    """The 2020-2022 export holds an older state of the re-exported prospects."""
    for h in defects.updated_twice:
        if h.updated <= date(2023, 1, 1):  # make sure the re-export is newer
            h.updated = min(date(2023, 1, 1) + timedelta(days=rng.randint(5, 200)), SNAPSHOT)
        high = min(date(2022, 12, 31), h.updated - timedelta(days=1))
        defects.old_update[h.pid] = _day(rng, min(h.first + timedelta(days=5), high), high)


def _data_day(households: list[Household]) -> date:
    """The demo's « today »: the latest date its households hold (the data date the build
    computes), never the clock, so the exports are the same every day."""
    return max(d for h in households for d in (h.first, h.start, h.immersion, h.install,
                                                h.updated) if d)


def _follow_up(rng: random.Random, households: list[Household]) -> None:
    """A living network: the officers keep the files of the households they accompany up to
    date, so each one still in progress (accompanied, neither installed nor abandoned) was
    updated in the last 60 days, but for a minority left without news for 91 to 365 days
    (one in eight, of those accompanied for more than 90 days). Only ever moves an update
    later, never after the data date: the stages, the re-exported duplicates (rule 1) and
    the data date stay as drawn. Its own random stream, so nothing else of the demo moves."""
    today = _data_day(households)
    quiet = today - timedelta(days=_SILENCE_DAYS)
    going = [h for h in households if h.start and not h.install and not h.abandon]
    # sorted by ID: the draw does not depend on the order households were drawn in
    going.sort(key=lambda h: h.pid)
    stuck = [h for h in going if h.start < quiet]
    stalled = set(map(id, rng.sample(stuck, min(len(stuck), len(going) // 8))))
    for h in going:
        if id(h) in stalled:
            silence = rng.randint(_SILENCE_DAYS + 1, 365)
        else:
            silence = min(rng.randint(1, 60), rng.randint(1, 60))  # recent ones more often
        h.updated = max(h.updated, today - timedelta(days=silence))


# ---------------------------------------------------------------- prospects files

_HEADER_2020 = (
    "N° dossier", "Date de création", "Nom", "Prénom", "Canal d'origine", "Campagne", "Parrain",
    "Courriel", "Téléphone", "Nombre de personnes", "Dpt origine", "Projet",
    "Début accompagnement", "Immersion", "Statut", "Modifié le",
)
_HEADER_2023 = (
    "Identifiant", "Date contact", "Nom", "Prénom", "Origine", "Code campagne", "Ambassadeur",
    "E-mail", "Portable", "Taille du foyer", "Département", "Type de projet",
    "Date début accompagnement", "Date séjour immersion", "État", "Mise à jour",
)


def _prospect_row(h: Household, as_of: date = SNAPSHOT, with_time: bool = False) -> list[str]:
    """One CRM row, as the CRM showed the household on day as_of."""
    def shown(day: date | None) -> str:
        return _fr(day) if day and day <= as_of else ""

    updated = h.updated if as_of >= h.updated else as_of
    stamp = _fr(updated) + (f" {h.updated_at:%H:%M}" if with_time else "")
    return [
        h.pid, _fr(h.first), h.last_name.upper(), h.first_name, h.label, h.campaign,
        h.ambassador, h.email_written, h.phone, str(h.size or ""), h.department, h.project,
        shown(h.start), shown(h.immersion), _status(h, as_of), stamp,
    ]


def _reject_rows(rng: random.Random, used: set[str]) -> tuple[list[str], list[str]]:
    """A row without case number and a row dated 31 February."""
    no_id = ["", "14/06/2021", "LAMBERT", "Céline", "Salon", "FORUM-VTC-2021", "",
             _email(rng, "Céline", "Lambert", used), _phone(rng), "2", "31",
             "Télétravail à la campagne", "", "", "En cours", "15/06/2021"]
    bad_day = ["", "31/02/2023", "FERREIRA", "Inès", "Site internet", "WEB-CHOISIRLELOT", "",
               _email(rng, "Inès", "Ferreira", used), _phone(rng), "3", "33",
               "Achat d'une maison avec jardin", "", "", "En cours", "01/03/2023 10:05"]
    return no_id, bad_day


def _force_projects(rows: list[Household], specials: dict[int, str]) -> None:
    for index, text in specials.items():
        rows[index].project = text


def _prospect_files(rng: random.Random, households: list[Household], merged: list[Household],
                    defects: Defects, used: set[str]) -> dict[str, list[list[str] | None]]:
    """Rows of both CRM exports (None is a blank line), rejects and re-exports included."""
    older = sorted((h for h in households if h.first.year <= 2022), key=lambda h: h.pid)
    newer = sorted([h for h in households if h.first.year >= 2023] + merged,
                   key=lambda h: h.pid)
    again = sorted(defects.updated_twice + [defects.identical], key=lambda h: h.pid)
    _force_projects(older, {10: _SEMICOLON_PROJECT, 20: _MULTILINE_PROJECT, 30: _EURO_PROJECT})
    _force_projects(newer, {5: _MULTILINE_PROJECT, 15: _SEMICOLON_PROJECT, 25: _EURO_PROJECT})
    first_rows: list[list[str] | None] = [
        _prospect_row(h, defects.old_update.get(h.pid, SNAPSHOT)) for h in older]
    second_rows: list[list[str] | None] = [_prospect_row(h, with_time=True)
                                           for h in again + newer]
    no_id, bad_day = _reject_rows(rng, used)
    bad_day[0] = f"OML-2023-{sum(h.first.year == 2023 for h in newer) + 1:04d}"
    first_rows.insert(50, no_id)  # spreadsheet row 52
    second_rows[100:100] = [None, bad_day]  # blank line at row 102, 31/02 at row 103
    return {"prospects_crm_2020-2022.csv": [list(_HEADER_2020), *first_rows],
            "prospects_crm_2023-2024.csv": [list(_HEADER_2023), *second_rows]}


def _crm_bytes(rows: list[list[str] | None]) -> bytes:
    """The CRM's CSV dialect: `;`, CRLF, minimal quoting, Windows-1252."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        if row is None:
            buffer.write("\r\n")
        else:
            writer.writerow(row)
    return buffer.getvalue().encode("cp1252")


# ---------------------------------------------------------------- installations


def _commune(rng: random.Random, communes: dict[str, str]) -> str:
    weights = {code: 0.25 for code in communes}
    weights.update({code: 2.0 for code in _TOWNS if code in communes})
    weights.update({code: w for code, w in _MAIN_COMMUNES.items() if code in communes})
    return rng.choices(list(weights), list(weights.values()))[0]


def _situation(rng: random.Random, h: Household) -> str:
    if h.channel == "sante" and rng.random() < 0.85:
        return "Médecin"
    if h.channel == "entreprise" and rng.random() < 0.8:
        return "Salarié"
    return _weighted(rng, _SITUATIONS)


def _installation(rng: random.Random, h: Household, pid: str, day: date,
                  communes: dict[str, str]) -> Installation:
    code = _commune(rng, communes)
    people = h.size if h.size and rng.random() < 0.85 else rng.randint(1, 5)
    return Installation(pid, day, code, communes[code], people if rng.random() < 0.96 else None,
                        _situation(rng, h))


def _installations(rng: random.Random, households: list[Household], defects: Defects,
                   communes: dict[str, str]) -> list[Installation]:
    """Installation rows, defects in place, IDs in row order."""
    pid_of = {id(defects.kept[0]): defects.merged[0].pid}
    installed = [h for h in households if h.install]
    rows = [_installation(rng, h, pid_of.get(id(h), h.pid), h.install, communes)
            for h in installed]
    movers = [h for h in installed if h.install <= date(2024, 3, 31) and h is not defects.kept[0]]
    moved = rng.choice(movers)
    second = _installation(rng, moved, moved.pid,
                           moved.install + timedelta(days=rng.randint(120, 300)), communes)
    second.comment = "Déménagement dans le Lot"
    rows.append(second)
    rows.sort(key=lambda r: (r.day, r.pid))
    odd = next(r for r in rows[60:] if r.code != "46042")
    odd.code, odd.comment = "46999", "Code commune à vérifier"
    for n, row in enumerate(rows, start=1):
        row.iid = f"INS-{n:04d}"
    unknown = _installation(rng, rng.choice(households), "OML-2O21-0117", rows[38].day, communes)
    unknown.iid, unknown.comment = f"INS-{len(rows) + 1:04d}", "Dossier introuvable ?"
    invalid = _installation(rng, defects.invalid_install, defects.invalid_install.pid,
                            rows[87].day, communes)
    invalid.iid, invalid.day = f"INS-{len(rows) + 2:04d}", "31/06/2024"
    invalid.comment = "Date à confirmer"
    rows.insert(20, rows[19])  # row 22 repeats row 21
    rows.insert(40, unknown)  # row 42
    rows.insert(90, invalid)  # row 92
    return rows


# ---------------------------------------------------------------- touches


def _at(rng: random.Random, day: date, campaign: Campaign) -> datetime:
    hours = (9, 18) if campaign.tool == "salons" else (7, 22)
    return datetime.combine(day, time(rng.randint(*hours), rng.randint(0, 59)))


def _action(rng: random.Random, campaign: Campaign, site: tuple[str, str] | None = None) -> str:
    if campaign.code == "TOUR-ETE-2023":
        kind, place = site or rng.choice(_TOURIST_SITES)
        return f"{kind} – {place}"
    return rng.choice(campaign.actions)


def _touch(rng: random.Random, campaign: Campaign, day: date, h: Household | None = None,
           email: str = "") -> Touch:
    """A touch on that day, for a household (e-mail and/or ID) or for an e-mail or nobody."""
    touch = Touch(_at(rng, day, campaign), campaign.code,
                  _action(rng, campaign, h.site if h and h.site[0] else None),
                  rng.choice(campaign.sources) if rng.random() < 0.7 else "", email)
    if h is not None:
        with_id = not h.email or rng.random() < 0.4
        touch.pid = h.pid if with_id else ""
        if h.email and (not with_id or rng.random() < 0.8):
            touch.email = _variant(rng, h.email) if rng.random() < 0.08 else h.email
    return touch


def _active(low: date, high: date, but: str = "") -> list[tuple[Campaign, date, date]]:
    """Campaigns running between low and high, with the overlap (but the network and but)."""
    spans = [(c, max(c.start, low), min(c.end, high)) for c in CAMPAIGNS
             if c.code not in ("AMB-RESEAU", but)]
    return [(c, a, b) for c, a, b in spans if a <= b]


def _household_touches(rng: random.Random, h: Household) -> list[Touch]:
    """Touches of a household: before its first contact, then while it is accompanied."""
    touches = [_touch(rng, _BY_CODE["TOUR-ETE-2023"], day, h) for day in h.pre_touches]
    own = _BY_CODE.get(h.campaign)
    year_before = h.first - timedelta(days=365)
    if own and h.channel != "tourisme" and rng.random() < 0.75:
        day = _day(rng, max(own.start, year_before), min(own.end, h.first))
        touches.append(_touch(rng, own, min(day, h.first), h))
    but = h.campaign if h.channel == "tourisme" else ""  # its 1-3 postcards, no more
    running = _active(year_before, h.first, but)
    for _ in range(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]):
        campaign, low, high = rng.choice(running)
        touches.append(_touch(rng, campaign, _day(rng, low, high), h))
    if h.start:
        later = _active(h.first + timedelta(days=1), h.install or SNAPSHOT, but)
        for _ in range(rng.choice((0, 0, 1, 2)) if later else 0):
            campaign, low, high = rng.choice(later)
            touches.append(_touch(rng, campaign, _day(rng, low, high), h))
    immersion = _BY_CODE["ENTR-IMM-2024"]
    if h.immersion and immersion.start <= h.immersion <= immersion.end:
        touch = _touch(rng, immersion, h.immersion, h)
        touch.action = "Séjour immersion"
        touches.append(touch)
    return touches


def _crowd_touches(rng: random.Random, used: set[str]) -> list[Touch]:
    """Touches of people who never became households, or of nobody known."""
    touches, people = [], []
    for campaign in CAMPAIGNS:
        for _ in range(campaign.crowd):
            day = _day(rng, campaign.start, campaign.end)
            if rng.random() < campaign.anonymous:
                touches.append(_touch(rng, campaign, day))
                continue
            if people and rng.random() < 0.3:
                email = rng.choice(people)
            else:
                email = _email(rng, rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES), used)
                people.append(email)
            touches.append(_touch(rng, campaign, day, email=email))
    return touches


def _merged_touches(rng: random.Random, merged: list[Household]) -> list[Touch]:
    """The web form that created each second registration points at the merged ID."""
    site = _BY_CODE["WEB-CHOISIRLELOT"]
    return [Touch(_at(rng, h.first, site), site.code, "Formulaire web", "Site internet",
                  h.email_written, h.pid) for h in merged]


def _web_suffix(rng: random.Random, touch: Touch) -> str:
    draw = rng.random()
    if draw < 0.1:
        return "Z"
    if draw < 0.2:
        return "+02:00" if 4 <= touch.when.month <= 10 else "+01:00"
    return ""


def _split_touches(rng: random.Random, touches: list[Touch],
                   used: set[str]) -> tuple[list[Touch], list[Touch]]:
    """Web and trade-fair exports, in time order, IDs given, defects in place."""
    touches.sort(key=lambda t: t.when)
    web = [t for t in touches if _BY_CODE[t.campaign].tool == "web"]
    salons = [t for t in touches if _BY_CODE[t.campaign].tool == "salons"]
    for t in web:
        t.suffix = _web_suffix(rng, t)
    lost = Touch(web[999].when, "", "Formulaire web", "Site web",
                 _email(rng, "Agnès", "Vidal", used))
    web.insert(1000, lost)  # row 1002: no campaign code
    for n, t in enumerate(web, start=1):
        t.iid = f"WEB-{n:06d}"
    for n, t in enumerate(salons, start=1):
        t.iid = f"SAL-{n:05d}"
    salons.insert(500, salons[499])  # row 502 repeats row 501
    return web, salons


# ---------------------------------------------------------------- file formats


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed time, so XLSX bytes are reproducible."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_XLSX_STAMP.timetuple()[:6])
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each sheet to a temporary file first: its mtime must not leak in
        data = Path(filename).read_bytes()
        self.writestr(arcname or Path(filename).name, data, compress_type, compresslevel)


def _xlsx_bytes(title: str, header: list[str], rows: list[list], text_columns: tuple[int, ...] = (),
                widths: tuple[int, ...] = ()) -> bytes:
    """One sheet, header in row 1; text columns formatted as text, dates as DD/MM/YYYY."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column - 1 in text_columns:
                cell.number_format = "@"
            elif isinstance(cell.value, datetime | date):
                cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    workbook.properties.creator = "Oh my Lot !"
    workbook.properties.created = workbook.properties.modified = _XLSX_STAMP
    buffer = io.BytesIO()
    ExcelWriter(workbook, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


def _csv_text(rows: list[list[str]], delimiter: str, newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def _installations_xlsx(rows: list[Installation]) -> bytes:
    header = ["ID installation", "N° dossier", "Installé le", "Code INSEE", "Commune",
              "Personnes installées", "Situation professionnelle", "Commentaire"]
    cells = [[r.iid, r.pid,
              datetime.combine(r.day, time()) if isinstance(r.day, date) else r.day,
              r.code, r.commune, r.people, r.situation, r.comment or None] for r in rows]
    return _xlsx_bytes("Installations", header, cells, text_columns=(3,),
                       widths=(14, 15, 13, 11, 26, 12, 24, 28))


def _ambassadors_csv(ambassadors: list[dict[str, str]]) -> bytes:
    rows = [[a["id"], a["joined"].isoformat(), a["type"], a["code"], a["commune"], a["active"]]
            for a in ambassadors]
    rows[299][5] = "oui"
    rows.insert(300, [*rows[299][:5], "non"])  # row 302 repeats row 301, first wins
    header = ["ID ambassadeur", "Date d'adhésion", "Type", "Code commune", "Commune", "Actif"]
    return _csv_text([header, *rows], ",").encode("utf-8-sig")


def _web_csv(touches: list[Touch]) -> bytes:
    header = ["ID interaction", "Horodatage", "Code campagne", "Source", "Type d'interaction",
              "Email", "ID prospect"]
    rows = [[t.iid, t.when.isoformat(timespec="seconds") + t.suffix, t.campaign, t.source,
             t.action, t.email, t.pid] for t in touches]
    return _csv_text([header, *rows], ",").encode("utf-8")


def _salons_xlsx(touches: list[Touch]) -> bytes:
    header = ["Identifiant", "Date", "Campagne", "Canal", "Action", "Courriel",
              "Identifiant prospect"]
    rows = [[t.iid, t.when.strftime("%d/%m/%Y %H:%M"), t.campaign, t.source or None, t.action,
             t.email or None, t.pid or None] for t in touches]
    return _xlsx_bytes("Contacts", header, rows, text_columns=(1,),
                       widths=(11, 17, 16, 20, 22, 34, 18))


def _amount(euros: int, index: int) -> str:
    """French amount as spreadsheets write it: `12 500,00 €` with one of three spaces."""
    separator = (" ", "\u202f", "\u00a0")[index % 3]
    return f"{euros:,}".replace(",", separator) + ",00\u00a0€"


def _campaigns_csv() -> bytes:
    header = ["Code campagne", "Libellé", "Canal", "Date début", "Date fin", "Budget (€)"]
    rows = [[c.code, c.label, c.channel, _fr(c.start), _fr(c.end), _amount(c.budget, i)]
            for i, c in enumerate(CAMPAIGNS)]
    return _csv_text([header, *rows], ";").encode("utf-8")


# ---------------------------------------------------------------- the whole demo


def _exports(seed: int, communes: dict[str, str]) -> dict[str, bytes]:
    """Every export of the demo, by file name, in the order they are drawn."""
    rng = random.Random(seed)
    used: set[str] = set()
    ambassadors = _ambassadors(rng, communes)
    households = _households(rng, ambassadors, used)
    defects = _pick_defects(rng, households)
    _stages(rng, households, forced=[defects.kept[0], defects.invalid_install])
    defects.merged = _second_registrations(rng, defects)
    _assign_ids(households + defects.merged)
    _pick_old_updates(rng, defects)
    _follow_up(random.Random(f"suivi-{seed}"), households)
    touches = [t for h in households for t in _household_touches(rng, h)]
    touches += _merged_touches(rng, defects.merged) + _crowd_touches(rng, used)
    web, salons = _split_touches(rng, touches, used)
    files = {name: _crm_bytes(rows) for name, rows in
             _prospect_files(rng, households, defects.merged, defects, used).items()}
    files["installations.xlsx"] = _installations_xlsx(
        _installations(rng, households, defects, communes))
    files["ambassadeurs_export.csv"] = _ambassadors_csv(ambassadors)
    files["contacts_campagnes_web.csv"] = _web_csv(web)
    files["contacts_campagnes_salons.xlsx"] = _salons_xlsx(salons)
    files["campagnes.csv"] = _campaigns_csv()
    return files


def write_demo(raw_dir: Path, seed: int = 46) -> list[Path]:
    """Write the demo exports into raw_dir (created if needed) and return the paths written."""
    files = _exports(seed, load_communes())
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = raw_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
