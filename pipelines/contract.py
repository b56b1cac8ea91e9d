"""The export contract (shared/spec/exports.md) as data: sources, prefixes, columns, aliases."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # name in the raw and staging tables
    label: str  # the contract's name, shown in rejects and messages
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Source:
    name: str
    prefix: str
    label: str  # French, for messages
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def normalise(text: str) -> str:
    """Header and label normalisation of the contract: lower case, no accents, runs of
    anything but letters and digits turned into one space, trimmed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", stripped).strip()


def _c(key: str, label: str, *aliases: str, required: bool = False) -> Column:
    return Column(key, label, aliases, required)


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source("prospects", "prospects", "prospects", (
            _c("prospect_id", "ID prospect", "Identifiant", "N° dossier", "id_prospect",
               required=True),
            _c("first_contact_date", "Date de premier contact", "Date de création",
               "Date contact", required=True),
            _c("channel_label", "Canal", "Origine", "Canal d'origine", "Source"),
            _c("campaign_code", "Code campagne", "Campagne"),
            _c("ambassador_id", "ID ambassadeur", "Parrain", "Ambassadeur"),
            _c("email", "Email", "Courriel", "E-mail", "Mail"),
            _c("phone", "Téléphone", "Tel", "Portable"),
            _c("household_size", "Nb personnes", "Nombre de personnes", "Taille du foyer"),
            _c("origin_departement", "Département d'origine", "Dpt origine", "Département"),
            _c("project_type", "Type de projet", "Projet"),
            _c("accompaniment_date", "Date début accompagnement", "Début accompagnement"),
            _c("immersion_date", "Date séjour immersion", "Immersion"),
            _c("status", "Statut", "État"),
            _c("updated_date", "Date de mise à jour", "Mise à jour", "Modifié le"),
        )),
        Source("installations", "installations", "installations", (
            _c("installation_id", "ID installation", "Identifiant installation", required=True),
            _c("prospect_id", "ID prospect", "Identifiant prospect", "N° dossier",
               required=True),
            _c("installation_date", "Date d'installation", "Date installation", "Installé le",
               required=True),
            _c("commune_code", "Code commune", "Code INSEE", "INSEE", required=True),
            _c("commune_name", "Commune", "Nom commune"),
            _c("people_installed", "Nb personnes installées", "Personnes installées"),
            _c("professional_situation", "Situation professionnelle", "Situation"),
        )),
        Source("ambassadors", "ambassadeurs", "ambassadeurs", (
            _c("ambassador_id", "ID ambassadeur", "Identifiant", required=True),
            _c("joined_date", "Date d'adhésion", "Date inscription", "Inscrit le",
               required=True),
            _c("ambassador_type", "Type", "Catégorie"),
            _c("commune_code", "Code commune", "Code INSEE"),
            _c("active", "Actif", "Statut actif"),
        )),
        Source("touches", "contacts_campagnes", "contacts de campagne", (
            _c("touch_id", "ID interaction", "Identifiant", "ID contact", required=True),
            _c("touched_at", "Horodatage", "Date", "Date interaction", required=True),
            _c("campaign_code", "Code campagne", "Campagne", required=True),
            _c("channel_label", "Canal", "Source"),
            _c("interaction_type", "Type d'interaction", "Action", "Type"),
            _c("email", "Email", "Courriel", "E-mail", "Mail"),
            _c("prospect_id", "ID prospect", "Identifiant prospect"),
        )),
        Source("campaigns", "campagnes", "campagnes", (
            _c("campaign_code", "Code campagne", "Code", required=True),
            _c("label", "Libellé", "Nom", "Campagne"),
            _c("channel_label", "Canal", "Source"),
            _c("start_date", "Date début", "Début"),
            _c("end_date", "Date fin", "Fin"),
            _c("budget", "Budget (€)", "Budget", "Coût"),
        )),
    )
}

MANDATORY_SOURCE = "prospects"
EXTENSIONS = (".csv", ".xlsx")


def source_label(source: str) -> str:
    """`touches` -> « Contacts de campagne »: the contract's French name of a source, as every
    screen and document shows it (the bilan printed « touches », « campaigns »)."""
    return SOURCES[source].label.capitalize() if source in SOURCES else source


def header_index(source: Source) -> dict[str, Column]:
    """Every normalised name and alias of a source's columns, mapped to its column."""
    index: dict[str, Column] = {}
    for column in source.columns:
        for name in (column.label, *column.aliases):
            index.setdefault(normalise(name), column)
    return index
