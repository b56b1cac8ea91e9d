"""One function per question a page asks, on the published curated database.

The connection is read-only and cached; it is reopened when a rebuild publishes a new file
(the file's identity is part of every cache key), so the app never needs a restart."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import fmt
from pipelines import config, kpis, metrics


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects: a period of first contact (cohorts), channels, campaigns."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channels: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()

    def previous(self) -> Filters | None:
        """The period of the same length just before, to compare with (None if unbounded)."""
        if self.date_from is None or self.date_to is None:
            return None
        length = self.date_to - self.date_from
        to = self.date_from - dt.timedelta(days=1)
        return Filters(to - length, to, self.channels, self.campaigns)

    def params(self) -> dict:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "channels": list(self.channels) or None,
            "campaigns": list(self.campaigns) or None,
        }


# Households of the selection: cohorts by first contact, then channels and campaigns.
_SELECTED = """
    select * from marts.households
    where ($date_from is null or first_contact_date >= $date_from)
      and ($date_to is null or first_contact_date <= $date_to)
      and ($channels is null or list_contains($channels, channel))
      and ($campaigns is null or list_contains($campaigns, coalesce(campaign_code, '')))
"""


def curated_dir() -> Path:
    return Path(os.environ.get("OMLOT_CURATED_DIR", config.CURATED_DIR))


def database_version() -> tuple[str, int, int] | None:
    """The published file's identity (path, inode, mtime): None before the first build."""
    path = config.database_path(curated_dir())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    # ATTACH (not connect(path)) so a newly published file is seen in this process.
    con.execute("attach ? as cur (read_only)", [version[0]])
    return con


def _cursor(version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    cursor = _connection(version).cursor()  # one cursor per query: connections aren't shared
    cursor.execute("use cur")
    return cursor


def _df(version: tuple[str, int, int], sql: str, params: dict | None = None) -> pd.DataFrame:
    return _cursor(version).execute(sql, params or {}).df()


def last_build_status() -> dict | None:
    """The last build's outcome (ok or failed, with its message), if any build ran."""
    path = curated_dir() / config.STATUS_NAME
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@st.cache_data(show_spinner=False)
def build_info(version: tuple[str, int, int]) -> dict:
    """When the published data was built and how many rows were refused."""
    row = _cursor(version).execute(
        "select built_at, duration_s from quality.build").fetchone()
    rejected, warnings = _cursor(version).execute(
        "select (select count(*) from quality.rejects), (select count(*) from quality.warnings)"
    ).fetchone()
    return {"built_at": row[0], "duration_s": row[1], "rejected": rejected,
            "warnings": warnings}


@st.cache_data(show_spinner=False)
def period_bounds(version: tuple[str, int, int]) -> tuple[dt.date, dt.date]:
    """First and last first-contact dates of the programme."""
    return tuple(_cursor(version).execute(
        "select min(first_contact_date), max(first_contact_date) from marts.households"
    ).fetchone())


@st.cache_data(show_spinner=False)
def campaign_options(version: tuple[str, int, int]) -> dict[str, str]:
    """Campaign code -> label of every campaign a household names, in order of first use."""
    rows = metrics.ask_rows(_cursor(version), "campaign_options")
    return {row["campaign_code"]: row["campaign_label"] or "(sans campagne)" for row in rows}


@st.cache_data(show_spinner=False)
def headline(version: tuple[str, int, int], filters: Filters) -> dict:
    """The contract's headline figures for the selection (those of `kpis --json` for a
    period), plus the follow -> install rate."""
    figures = kpis.headline(_cursor(version), filters.date_from, filters.date_to,
                            list(filters.channels), list(filters.campaigns))
    followed = figures["followed"]
    figures["install_rate"] = figures["installed"] / followed if followed else None
    return figures


@st.cache_data(show_spinner=False)
def funnel(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Suivis -> accompagnés -> installés for the selection: count and rate of each step."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        counts as (
            select
                count(*) as followed,
                count(*) filter (where is_accompanied) as accompanied,
                count(*) filter (where is_installed) as installed,
            from selected
        )
        select * from (
            select 'suivi' as stage, 1 as step, followed as households, followed as previous,
                followed as first from counts
            union all
            select 'accompagné', 2, accompanied, followed, followed from counts
            union all
            select 'installé', 3, installed, accompanied, followed from counts
        ) order by step
    """, filters.params())


@st.cache_data(show_spinner=False)
def monthly_trend(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """New households followed by month of first contact, and installations by month."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        followed as (
            select first_contact_month as month, count(*) as households
            from selected group by all
        ),
        installed as (
            select installation_month as month, count(*) as households
            from selected where is_installed group by all
        )
        select 'Nouveaux foyers suivis' as series, * from followed
        union all
        select 'Installations', * from installed
        order by month
    """, filters.params())


# --- Campagnes -------------------------------------------------------------------------------

MODELS = {
    "first_touch": "Premier contact",
    "last_touch": "Dernier contact",
    "linear": "Linéaire",
    "time_decay": "Dégressif (demi-vie)",
    "position_based": "En U (40/20/40)",
}


@st.cache_data(show_spinner=False)
def campaign_metrics(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Every campaign's reach, credits under each model, spread and costs for the selection:
    the mart's own query (pipelines/sql/marts/campaign_metrics.sql) with the filters bound."""
    sql = (config.SQL_DIR / "marts" / "campaign_metrics.sql").read_text(encoding="utf-8")
    params = filters.params()
    params.pop("campaigns")
    return _df(version, sql, params)


@st.cache_data(show_spinner=False)
def unexplained_conversions(version: tuple[str, int, int], filters: Filters) -> dict:
    """Share of the selection's conversions that no touch explains (credited by fallback)."""
    row = _cursor(version).execute(f"""
        with selected as ({_SELECTED}),
        conversions as (
            select credits.conversion, bool_or(credits.is_from_touch) as explained
            from marts.attribution_credits as credits
            inner join selected using (household_id)
            where credits.model = 'linear'
            group by credits.household_id, credits.conversion
        )
        select
            count(*) filter (where conversion = 'followed'),
            count(*) filter (where conversion = 'followed' and not explained),
            count(*) filter (where conversion = 'installed'),
            count(*) filter (where conversion = 'installed' and not explained),
        from conversions
    """, filters.params()).fetchone()
    return {"followed": row[0], "followed_unexplained": row[1],
            "followed_share": row[1] / row[0] if row[0] else None,
            "installed": row[2], "installed_unexplained": row[3],
            "installed_share": row[3] / row[2] if row[2] else None}


def campaigns_budget(metrics: pd.DataFrame) -> float:
    """Total budget of the campaigns of the export (not `unattributed`)."""
    return float(metrics.loc[metrics["is_known_campaign"], "budget_eur"].sum())


@st.cache_data(show_spinner=False)
def campaign_calendar(version: tuple[str, int, int]) -> pd.DataFrame:
    """Campaigns with their start and end dates, for the timeline."""
    return _df(version, """
        select campaign_code, campaign_label, channel, start_date,
            coalesce(end_date, start_date) as end_date, budget_eur::double as budget_eur
        from core.campaigns
        where start_date is not null
        order by start_date
    """)


@st.cache_data(show_spinner=False)
def campaign_touches(version: tuple[str, int, int], filters: Filters,
                     campaign_code: str) -> pd.DataFrame:
    """One campaign's touches in the period, by week and interaction type."""
    params = {"date_from": filters.date_from, "date_to": filters.date_to,
              "campaign": campaign_code}
    return _df(version, """
        select
            date_trunc('week', touch_date)::date as week,
            coalesce(interaction_type, 'Non précisé') as interaction_type,
            count(*) as touches,
            count(distinct person_key) as persons,
        from core.touches
        where campaign_code = $campaign
          and ($date_from is null or touch_date >= $date_from)
          and ($date_to is null or touch_date <= $date_to)
        group by all
        order by week
    """, params)


@st.cache_data(show_spinner=False)
def campaign_households(version: tuple[str, int, int], filters: Filters, campaign_code: str,
                        model: str, own: bool) -> pd.DataFrame:
    """Households of the selection from one campaign: those whose CRM names it (`own`) or those
    the model credits to it; where they are in the funnel and the share of the campaign's
    budget each one accounts for under the model."""
    params = {**filters.params(), "campaign": campaign_code, "model": model, "own": own}
    return _df(version, f"""
        with selected as ({_SELECTED}),
        credits as (
            select * from marts.attribution_credits
            where campaign_code = $campaign and model = $model
        ),
        per_household as (
            select
                household_id,
                coalesce(sum(credit) filter (where conversion = 'followed'), 0) as followed_credit,
                coalesce(sum(credit) filter (where conversion = 'installed'), 0)
                    as installed_credit,
            from credits
            group by household_id
        ),
        totals as (
            select sum(per_household.followed_credit) as followed_total,
                sum(per_household.installed_credit) as installed_total,
            from per_household inner join selected using (household_id)
        ),
        budget as (
            select budget_eur::double as budget_eur from core.campaigns
            where campaign_code = $campaign
        )
        select
            selected.household_id,
            selected.stage,
            selected.channel,
            selected.first_contact_date,
            selected.installation_date,
            selected.installation_commune_name,
            coalesce(per_household.followed_credit, 0) as followed_credit,
            coalesce(per_household.installed_credit, 0) as installed_credit,
            budget.budget_eur * per_household.followed_credit / nullif(totals.followed_total, 0)
                as cost_share_eur,
        from selected
        left join per_household using (household_id)
        cross join totals
        left join budget on true
        where case when $own then selected.campaign_code = $campaign
            else per_household.household_id is not null end
        order by selected.first_contact_date, selected.household_id
    """, params)


def campaign_table(metrics: pd.DataFrame, model: str) -> pd.DataFrame:
    """The campaign table as shown and downloaded: reach, credits under `model` with the
    spread between models, budget and costs."""
    table = pd.DataFrame({
        "Campagne": metrics["campaign_label"],
        "Canal": metrics["channel"].map(fmt.channel),
        "Budget (€)": metrics["budget_eur"].astype("float64"),
        "Installations attribuées": metrics[f"installed_{model}"].round(1),
        "Installations : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["installed_min"], metrics["installed_max"], strict=True)],
        "Coût par installation (€)": metrics[f"cost_per_installed_{model}"].astype("float64"),
        "Foyers suivis attribués": metrics[f"followed_{model}"].round(1),
        "Suivis : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["followed_min"], metrics["followed_max"], strict=True)],
        "Coût par foyer suivi (€)": metrics[f"cost_per_followed_{model}"].astype("float64"),
        "Contacts": metrics["touches"],
        "Personnes touchées": metrics["persons"],
        "Interactions anonymes": metrics["anonymous_interactions"],
        "Devenues foyers": metrics["persons_became_households"],
        "Part devenue foyer": metrics["became_household_share"],
        "Délai médian contact → suivi (j)": metrics["median_days_to_followed"],
        "Délai médian contact → installation (j)": metrics["median_days_to_installed"],
        "Début": pd.to_datetime(metrics["start_date"]),
        "Fin": pd.to_datetime(metrics["end_date"]),
        "Code": metrics["campaign_code"],
    })
    return table


def campaign_households_table(households: pd.DataFrame) -> pd.DataFrame:
    """A campaign's households as shown: pseudonymous ID, stage, dates, commune, credits."""
    return pd.DataFrame({
        "Foyer": households["household_id"],
        "Étape": households["stage"],
        "Canal du foyer": households["channel"].map(fmt.channel),
        "Premier contact": pd.to_datetime(households["first_contact_date"]),
        "Installation": pd.to_datetime(households["installation_date"]),
        "Commune": households["installation_commune_name"],
        "Crédit (suivi)": households["followed_credit"],
        "Crédit (installation)": households["installed_credit"],
        "Part du budget (€)": households["cost_share_eur"],
    })


# --- Territoire ----------------------------------------------------------------------------

# A place (commune, EPCI) with fewer installed households than this is never shown with its
# exact figure, only as the class « 1 à 2 »: a household could be recognised in a village.
SMALL_COUNT = 3

# Classes of the installation maps: (lowest count, label); the first two hide small counts.
COUNT_CLASSES = ((0, "aucun"), (1, "1 à 2"), (3, "3 à 4"), (5, "5 à 9"), (10, "10 à 19"),
                 (20, "20 et plus"))
COUNT_CLASS_LABELS = tuple(label for _, label in COUNT_CLASSES)


def shown_count(households: int) -> str:
    """A count of installed households as the territory page shows it: exact from
    SMALL_COUNT on, « 1 à 2 » below, « 0 » for none."""
    from dashboard import fmt

    if 0 < households < SMALL_COUNT:
        return f"1 à {SMALL_COUNT - 1}"
    return fmt.number(households)


def _with_classes(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `count_class` (index in COUNT_CLASSES) and `shown` (the masked figure)."""
    lows = [low for low, _ in COUNT_CLASSES]
    frame["count_class"] = frame["households"].map(
        lambda n: max(i for i, low in enumerate(lows) if n >= low)).astype("int64")
    frame["shown"] = frame["households"].map(shown_count)
    return frame


@st.cache_data(show_spinner=False)
def installed_by_commune(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Installed households of the selection in each commune of the Lot (all 312, 0
    included), plus one row (commune_code null) for installations in an unknown commune.
    Ordered by count, but communes shown « 1 à 2 » by name only (their order would tell)."""
    frame = _df(version, f"""
        with selected as ({_SELECTED}),
        installed as (
            select installation_lot_commune_code as commune_code, count(*) as households,
            from selected
            where is_installed
            group by all
        ),
        lot as (
            select
                communes.commune_code,
                communes.commune_name,
                communes.epci_code,
                communes.epci_name,
                epci.epci_short_name,
                coalesce(installed.households, 0) as households,
            from ref.communes as communes
            left join ref.epci as epci on communes.epci_code = epci.epci_code
            left join installed on communes.commune_code = installed.commune_code
        ),
        elsewhere as (
            select
                null as commune_code,
                'Commune hors référentiel du Lot' as commune_name,
                households,
            from installed
            where commune_code is null
        )
        select * from lot
        union all by name
        select * from elsewhere
        order by
            case when households >= {SMALL_COUNT} then households else 0 end desc,
            households = 0, commune_code is null, commune_name collate noaccent
    """, filters.params())
    return _with_classes(frame)


@st.cache_data(show_spinner=False)
def installed_by_epci(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Installed households of the selection in each intercommunality (EPCI) of the Lot, its
    Lot part only, with its number of Lot communes and of communes with an installation."""
    frame = _df(version, f"""
        with selected as ({_SELECTED}),
        installed as (
            select installation_lot_commune_code as commune_code, count(*) as households,
            from selected
            where is_installed and installation_lot_commune_code is not null
            group by all
        ),
        by_epci as (
            select
                communes.epci_code,
                count(*) as communes,
                count(installed.commune_code) as communes_installed,
                coalesce(sum(installed.households), 0)::bigint as households,
            from ref.communes as communes
            left join installed on communes.commune_code = installed.commune_code
            group by communes.epci_code
        )
        select
            epci.epci_code,
            epci.epci_name,
            epci.epci_short_name,
            by_epci.communes,
            by_epci.communes_installed,
            by_epci.households,
        from by_epci
        inner join ref.epci as epci on by_epci.epci_code = epci.epci_code
        order by
            case when households >= {SMALL_COUNT} then households else 0 end desc,
            households = 0, epci.epci_short_name collate noaccent
    """, filters.params())
    return _with_classes(frame)


def _departements_file() -> str:
    return str(config.REFERENCE_DIR / "departements.csv")


@st.cache_data(show_spinner=False)
def origins(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Households of the selection by département of origin (`99` = abroad): followed,
    installed and their shares; every département of the reference (0 included), and any
    code outside it. zone: metropole, outre-mer, etranger or inconnu."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        departements as (
            select code, nom as name, zone,
            from read_csv($departements, delim=';', header=true, all_varchar=true)
        ),
        counts as (
            select
                origin_departement as code,
                count(*) as followed,
                count(*) filter (where is_installed) as installed,
            from selected
            group by all
        ),
        joined as (
            select
                coalesce(departements.code, counts.code) as code,
                coalesce(
                    departements.name,
                    case when counts.code is null then 'Non renseigné'
                        else 'Code inconnu ' || counts.code end
                ) as name,
                coalesce(departements.zone, 'inconnu') as zone,
                coalesce(counts.followed, 0) as followed,
                coalesce(counts.installed, 0) as installed,
            from departements
            full join counts on departements.code = counts.code
        )
        select
            *,
            followed / nullif(sum(followed) over (), 0) as followed_share,
            installed / nullif(sum(installed) over (), 0) as installed_share,
        from joined
        order by followed desc, installed desc, code
    """, {**filters.params(), "departements": _departements_file()})


@st.cache_data(show_spinner=False)
def territory_summary(version: tuple[str, int, int], filters: Filters) -> dict:
    """The territory page's headline: installed households (in a known Lot commune or not),
    communes with an installation, the first EPCI and the first origin of the selection."""
    communes = installed_by_commune(version, filters)
    epci = installed_by_epci(version, filters)
    origin = origins(version, filters)
    in_lot = communes[communes["commune_code"].notna()]
    top_epci = epci.iloc[0] if len(epci) and epci["households"].iloc[0] > 0 else None
    top_origin = origin.iloc[0] if len(origin) and origin["followed"].iloc[0] > 0 else None
    return {
        "installed": int(communes["households"].sum()),
        "installed_in_lot": int(in_lot["households"].sum()),
        "installed_elsewhere": int(communes.loc[communes["commune_code"].isna(),
                                                "households"].sum()),
        "communes_installed": int((in_lot["households"] > 0).sum()),
        "communes": len(in_lot),
        "followed": int(origin["followed"].sum()),
        "top_epci": None if top_epci is None else {
            "name": top_epci["epci_short_name"], "shown": top_epci["shown"]},
        "top_origin": None if top_origin is None else {
            "name": top_origin["name"], "followed": int(top_origin["followed"]),
            "share": float(top_origin["followed_share"])},
    }


def communes_table(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """The table by commune as shown and downloaded: communes with an installation, the
    figure masked below SMALL_COUNT (never the exact count)."""
    frame = installed_by_commune(version, filters)
    frame = frame[frame["households"] > 0]
    return pd.DataFrame({
        "Commune": frame["commune_name"],
        "Code commune": frame["commune_code"].fillna("–"),
        "Intercommunalité": frame["epci_name"].fillna("–"),
        "Foyers installés": frame["shown"],
    })


def epci_table(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """The table by intercommunality as shown and downloaded (figure masked below
    SMALL_COUNT)."""
    frame = installed_by_epci(version, filters)
    return pd.DataFrame({
        "Intercommunalité": frame["epci_name"],
        "Nom court": frame["epci_short_name"],
        "SIREN": frame["epci_code"],
        "Communes du Lot": frame["communes"],
        "Communes avec installation": frame["communes_installed"],
        "Foyers installés": frame["shown"],
    })


def origins_table(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """The table by département of origin as shown and downloaded (those with a household)."""
    frame = origins(version, filters)
    frame = frame[frame["followed"] > 0]
    zones = {"metropole": "Métropole", "outre-mer": "Outre-mer", "etranger": "Étranger",
             "inconnu": "Inconnu"}
    return pd.DataFrame({
        "Origine": frame["name"],
        "Code": frame["code"].fillna("–"),
        "Zone": frame["zone"].map(zones),
        "Foyers suivis": frame["followed"],
        "Part des suivis": frame["followed_share"],
        "Foyers installés": frame["installed"],
        "Part des installés": frame["installed_share"],
    })


# --- Qualité des données -------------------------------------------------------------------

# Warning kinds of quality.warnings: French label and what to do about them.
WARNING_KINDS = {
    "canal_inconnu": (
        "Canal inconnu",
        "Ajouter le libellé sous le bon canal dans pipelines/channels.toml, puis relancer "
        "la construction : il est compté en « autre » d'ici là."),
    "valeur_invalide": (
        "Valeur invalide",
        "Corriger la valeur dans l'outil d'origine : la ligne est gardée, la valeur laissée "
        "vide."),
    "code_inconnu": (
        "Code inconnu",
        "Vérifier le code dans l'outil d'origine, ou compléter l'export qui doit le "
        "contenir (campagnes, ambassadeurs, communes) : la ligne est gardée."),
    "colonne_ignoree": (
        "Colonne ignorée",
        "Rien à faire si la colonne est inutile ; sinon, la renommer comme le contrat "
        "d'export l'attend."),
    "fusion": (
        "Fusion de prospects",
        "Information : deux prospects de même email forment un seul foyer. Vérifier dans le "
        "CRM qu'il s'agit bien de la même personne."),
    "fichier_ignore": (
        "Fichier ignoré",
        "Enregistrer le fichier au format .csv ou .xlsx dans le dossier des exports."),
}


def source_label(source: str) -> str:
    """`touches` -> « Contacts de campagne »: the contract's French name of a source."""
    from pipelines.contract import SOURCES

    return SOURCES[source].label.capitalize() if source in SOURCES else source


def _reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    """read = accepted + rejected + duplicates, written out with its check mark."""
    from dashboard import fmt

    frame["is_reconciled"] = frame["read"] == (
        frame["accepted"] + frame["rejected"] + frame["duplicates"])
    frame["reconciliation"] = [
        f"{'✓' if ok else '✗'} {fmt.number(r)} = {fmt.number(a)} + {fmt.number(j)} + "
        f"{fmt.number(d)}"
        for ok, r, a, j, d in zip(frame["is_reconciled"], frame["read"], frame["accepted"],
                                  frame["rejected"], frame["duplicates"], strict=True)
    ]
    frame["source_label"] = frame["source"].map(source_label)
    return frame


@st.cache_data(show_spinner=False)
def quality_sources(version: tuple[str, int, int]) -> pd.DataFrame:
    """Rows of each source (even one with no file) at the last build, summed over its files."""
    return _reconciliation(_df(version, "select * from quality.sources order by source_order"))


@st.cache_data(show_spinner=False)
def quality_files(version: tuple[str, int, int]) -> pd.DataFrame:
    """Every export file read at the last build: fingerprint, date and row counts."""
    return _reconciliation(_df(version, """
        select
            files.*,
            left(files.sha256, 12) as sha256_prefix,
        from quality.files as files
        inner join ref.sources as sources on files.source = sources.source
        order by sources.source_order, files.file_order
    """))


def _text(values: pd.Series, empty: str = "–") -> pd.Series:
    """Counts or codes as text for a table, a dash (not « None ») where there is none."""
    from dashboard import fmt

    return values.map(lambda v: empty if pd.isna(v) else
                      fmt.number(int(v)) if isinstance(v, int | float) else str(v))


def files_table(version: tuple[str, int, int]) -> pd.DataFrame:
    """The files table as shown and downloaded."""
    frame = quality_files(version)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichier": frame["file"],
        "Modifié le": frame["modified_at"].dt.strftime("%d/%m/%Y %H:%M"),
        "SHA-256 (début)": frame["sha256_prefix"],
        "Encodage": frame["encoding"],
        "Lues": frame["read"],
        "Acceptées": frame["accepted"],
        "Rejetées": frame["rejected"],
        "Doublons": frame["duplicates"],
        "Fusionnées": _text(frame["merged"]),
        "Lues = acceptées + rejetées + doublons": frame["reconciliation"],
    })


@st.cache_data(show_spinner=False)
def quality_rejects(version: tuple[str, int, int], source: str | None = None,
                    file: str | None = None) -> pd.DataFrame:
    """Rejected rows of the last build (where and why), of one source and file if given."""
    frame = _df(version, """
        select rejects.source, rejects.file, rejects.line, rejects.column, rejects.value,
            rejects.reason,
        from quality.rejects as rejects
        inner join ref.sources as sources on rejects.source = sources.source
        where ($source is null or rejects.source = $source)
          and ($file is null or rejects.file = $file)
        order by sources.source_order, rejects.file_order, rejects.line
    """, {"source": source, "file": file})
    frame["source_label"] = frame["source"].map(source_label)
    return frame


def rejects_table(version: tuple[str, int, int], source: str | None = None,
                  file: str | None = None) -> pd.DataFrame:
    """The rejects table as shown and downloaded."""
    frame = quality_rejects(version, source, file)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichier": frame["file"],
        "Ligne": frame["line"],
        "Colonne": _text(frame["column"]),
        "Valeur": _text(frame["value"], "(vide)"),
        "Motif": frame["reason"],
    })


@st.cache_data(show_spinner=False)
def warnings_by_kind(version: tuple[str, int, int]) -> pd.DataFrame:
    """Warnings of the last build by kind (every kind, 0 included): rows, occurrences, label
    and what to do."""
    frame = _df(version, """
        select kind, count(*) as warnings, coalesce(sum(n), 0)::bigint as occurrences,
        from quality.warnings
        group by kind
    """)
    counts = frame.set_index("kind")
    return pd.DataFrame([
        {"kind": kind, "label": label, "advice": advice,
         "warnings": int(counts["warnings"].get(kind, 0)),
         "occurrences": int(counts["occurrences"].get(kind, 0))}
        for kind, (label, advice) in WARNING_KINDS.items()
    ])


@st.cache_data(show_spinner=False)
def quality_warnings(version: tuple[str, int, int],
                     kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """Warnings of the last build (what was kept or ignored, never a refused row), of the
    given kinds (all if none)."""
    frame = _df(version, """
        select warnings.*,
        from quality.warnings as warnings
        left join ref.sources as sources on warnings.source = sources.source
        where $kinds is null or list_contains($kinds, warnings.kind)
        order by warnings.kind, sources.source_order, warnings.file, warnings.line,
            warnings.n desc, warnings.value
    """, {"kinds": list(kinds) or None})
    frame["kind_label"] = frame["kind"].map(lambda k: WARNING_KINDS.get(k, (k,))[0])
    frame["source_label"] = frame["source"].map(source_label)
    return frame


def warnings_table(version: tuple[str, int, int], kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """The warnings table as shown and downloaded."""
    frame = quality_warnings(version, kinds)
    return pd.DataFrame({
        "Type": frame["kind_label"],
        "Source": frame["source_label"],
        "Fichier": _text(frame["file"]),
        "Ligne": _text(frame["line"]),
        "Colonne": _text(frame["column"]),
        "Valeur": _text(frame["value"]),
        "Message": frame["message"],
        "Occurrences": frame["n"],
    })


@st.cache_data(show_spinner=False)
def unknown_channels(version: tuple[str, int, int]) -> pd.DataFrame:
    """Channel labels of the exports missing from channels.toml, with how often they occur."""
    frame = _df(version, """
        select value as label, list(distinct source order by source) as sources,
            sum(n)::bigint as occurrences,
        from quality.warnings
        where kind = 'canal_inconnu'
        group by value
        order by occurrences desc, label
    """)
    frame["sources"] = frame["sources"].map(
        lambda sources: ", ".join(source_label(s) for s in sources))
    return frame


def build_outcome(version: tuple[str, int, int]) -> dict:
    """The last build (ok or failed, when, its message) and the published data the page
    shows (built when, in how long, rows rejected, warnings)."""
    status = last_build_status() or {}
    try:
        attempted_at = dt.datetime.fromisoformat(str(status.get("built_at")))
    except ValueError:
        attempted_at = None
    published = build_info(version)
    return {
        "failed": status.get("status") == "failed",
        "attempted_at": attempted_at,
        "message": status.get("message"),
        **published,
    }


@st.cache_data(show_spinner=False)
def reject_counts(version: tuple[str, int, int]) -> dict:
    """Rejected rows by source and by file, for the filters of the rejects table:
    {"sources": {source: n}, "files": {source: {file: n}}} (every source and file read)."""
    files = quality_files(version)
    sources = quality_sources(version)
    by_file: dict[str, dict[str, int]] = {source: {} for source in sources["source"]}
    for source, file, rejected in zip(files["source"], files["file"], files["rejected"],
                                      strict=True):
        by_file.setdefault(source, {})[file] = int(rejected)
    return {"sources": dict(zip(sources["source"], sources["rejected"].astype(int),
                                strict=True)),
            "files": by_file}


def sources_table(version: tuple[str, int, int]) -> pd.DataFrame:
    """The totals by source as shown and downloaded."""
    frame = quality_sources(version)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichiers": frame["files"],
        "Lues": frame["read"],
        "Acceptées": frame["accepted"],
        "Rejetées": frame["rejected"],
        "Doublons": frame["duplicates"],
        "Fusionnées": _text(frame["merged"]),
        "Lues = acceptées + rejetées + doublons": frame["reconciliation"],
    })


def warning_kinds_table(version: tuple[str, int, int]) -> pd.DataFrame:
    """The warnings by kind as shown and downloaded, with what to do about each."""
    frame = warnings_by_kind(version)
    return pd.DataFrame({
        "Type": frame["label"],
        "Avertissements": frame["warnings"],
        "Occurrences": frame["occurrences"],
        "Que faire ?": frame["advice"],
    })


def warning_kind_options(version: tuple[str, int, int]) -> dict[str, str]:
    """Kinds with at least one warning at the last build -> French label, for the filter."""
    frame = warnings_by_kind(version)
    return {kind: label for kind, label, n in
            zip(frame["kind"], frame["label"], frame["warnings"], strict=True) if n}


# --- Entonnoir par source, réseau accueil, ambassadeurs -------------------------------------

@st.cache_data(show_spinner=False)
def data_date(version: tuple[str, int, int]) -> dt.date:
    """The data date (marts.data_date): « today » for time in a stage and cohorts' age."""
    return _cursor(version).execute("select data_date from marts.data_date").fetchone()[0]


@st.cache_data(show_spinner=False)
def funnel_by_channel(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Followed, accompanied and installed households of the selection by channel: every
    channel of the mapping (those the sidebar keeps), `autre` included, even at 0."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select
            channels.channel,
            count(selected.household_id) as followed,
            count(selected.household_id) filter (where selected.is_accompanied)
                as accompanied,
            count(selected.household_id) filter (where selected.is_installed) as installed,
        from ref.channels as channels
        left join selected on selected.channel = channels.channel
        where $channels is null or list_contains($channels, channels.channel)
        group by channels.channel, channels.channel_order
        order by channels.channel_order
    """, filters.params())


@st.cache_data(show_spinner=False)
def channel_campaigns(version: tuple[str, int, int], filters: Filters,
                      channel: str) -> pd.DataFrame:
    """The campaigns that brought the selection's households of one channel, with counts."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select
            campaign_code,
            any_value(campaign_label) as campaign_label,
            count(*) as followed,
            count(*) filter (where is_accompanied) as accompanied,
            count(*) filter (where is_installed) as installed,
        from selected
        where channel = $channel
        group by campaign_code
        order by followed desc, campaign_code
    """, {**filters.params(), "channel": channel})


@st.cache_data(show_spinner=False)
def channel_campaign_households(version: tuple[str, int, int], filters: Filters, channel: str,
                        campaign_code: str) -> pd.DataFrame:
    """The selection's households of one channel and campaign: pseudonymous ID, stage, dates,
    commune of installation (no personal data)."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select
            household_id,
            stage,
            status,
            first_contact_date,
            accompaniment_date,
            immersion_date,
            installation_date,
            installation_commune_name,
            installation_epci_name,
            days_to_install,
        from selected
        where channel = $channel and campaign_code = $campaign_code
        order by first_contact_date, household_id
    """, {**filters.params(), "channel": channel, "campaign_code": campaign_code})


# A quarter's cohort is judged once its last household has had 12 months.
_COHORT_MONTHS = 12


@st.cache_data(show_spinner=False)
def install_rate_by_quarter(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Installation rate (to date) of each quarter's new households; `is_too_recent` when
    the quarter's last day is less than 12 months before the data date."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        data_date as (select data_date from marts.data_date)
        select
            selected.first_contact_quarter as quarter,
            count(*) as followed,
            count(*) filter (where selected.is_installed) as installed,
            (selected.first_contact_quarter + to_months(3) - to_days(1)
                + to_months($months))::date > any_value(data_date.data_date) as is_too_recent,
        from selected
        cross join data_date
        group by selected.first_contact_quarter
        order by quarter
    """, {**filters.params(), "months": _COHORT_MONTHS})


@st.cache_data(show_spinner=False)
def install_cohorts(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Each quarter's new households installed within 3, 6 and 12 months of their first
    contact; a horizon not yet reached by the whole cohort at the data date is NULL."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        data_date as (select data_date from marts.data_date),
        cohorts as (
            select
                selected.first_contact_quarter as quarter,
                (selected.first_contact_quarter + to_months(3) - to_days(1))::date
                    as quarter_end,
                any_value(data_date.data_date) as data_date,
                count(*) as followed,
                count(*) filter (where selected.installation_date
                    <= selected.first_contact_date + to_months(3)) as within_3,
                count(*) filter (where selected.installation_date
                    <= selected.first_contact_date + to_months(6)) as within_6,
                count(*) filter (where selected.installation_date
                    <= selected.first_contact_date + to_months(12)) as within_12,
                count(*) filter (where selected.is_installed) as installed,
            from selected
            cross join data_date
            group by selected.first_contact_quarter
        )
        select
            quarter,
            followed,
            case when quarter_end + to_months(3) <= data_date then within_3 end as within_3,
            case when quarter_end + to_months(6) <= data_date then within_6 end as within_6,
            case when quarter_end + to_months(12) <= data_date then within_12 end
                as within_12,
            installed,
        from cohorts
        order by quarter
    """, filters.params())


@st.cache_data(show_spinner=False)
def install_delays(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Days from first contact to installation of each installed household, with its
    channel (one row per household, no identifier)."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select selected.channel, selected.days_to_install
        from selected
        join ref.channels as channels on channels.channel = selected.channel
        where selected.is_installed
        order by channels.channel_order, selected.days_to_install
    """, filters.params())


@st.cache_data(show_spinner=False)
def install_delay_summary(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Median and quartiles of the days to install, by channel, then for the whole
    selection (channel NULL)."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        installed as (select * from selected where is_installed),
        by_channel as (
            select
                channels.channel,
                channels.channel_order,
                count(installed.household_id) as installed,
                quantile_cont(installed.days_to_install, 0.25) as q1_days,
                median(installed.days_to_install) as median_days,
                quantile_cont(installed.days_to_install, 0.75) as q3_days,
            from ref.channels as channels
            left join installed on installed.channel = channels.channel
            where $channels is null or list_contains($channels, channels.channel)
            group by channels.channel, channels.channel_order
        ),
        overall as (
            select
                null as channel,
                99 as channel_order,
                count(*) as installed,
                quantile_cont(days_to_install, 0.25) as q1_days,
                median(days_to_install) as median_days,
                quantile_cont(days_to_install, 0.75) as q3_days,
            from installed
        )
        select * exclude (channel_order) from (
            select * from by_channel union all select * from overall
        )
        order by channel_order
    """, filters.params())


# Time spent in a stage, in classes a committee reads at a glance: [from, to) days.
_DURATION_CLASSES = [("moins de 3 mois", 0, 91), ("3 à 6 mois", 91, 183),
                     ("6 mois à 1 an", 183, 365), ("1 à 2 ans", 365, 730),
                     ("plus de 2 ans", 730, None)]


@st.cache_data(show_spinner=False)
def stage_summary(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """The selection's households by current stage, with the median time spent in it (days
    since the stage's date, as of the data date)."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        stages as (
            select * from (values (1, 'suivi'), (2, 'accompagné'), (3, 'installé'))
                as stages(step, stage)
        )
        select
            stages.stage,
            count(household_stages.household_id) as households,
            median(household_stages.days_in_stage) as median_days,
            max(household_stages.days_in_stage) as max_days,
        from stages
        left join selected on selected.stage = stages.stage
        left join marts.household_stages as household_stages
            on household_stages.household_id = selected.household_id
        group by stages.step, stages.stage
        order by stages.step
    """, filters.params())


@st.cache_data(show_spinner=False)
def stage_durations(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Households by current stage and class of time spent in it (every pair, 0 included)."""
    labels, lower, upper = (list(column) for column in zip(*_DURATION_CLASSES, strict=True))
    return _df(version, f"""
        with selected as ({_SELECTED}),
        stages as (
            select * from (values (1, 'suivi'), (2, 'accompagné'), (3, 'installé'))
                as stages(step, stage)
        ),
        classes as (
            select
                unnest($labels) as duration_class,
                unnest($lower) as from_days,
                unnest($upper) as to_days,
                generate_subscripts($labels, 1) as class_order,
        ),
        staged as (
            select household_stages.stage, household_stages.days_in_stage
            from selected
            join marts.household_stages as household_stages
                on household_stages.household_id = selected.household_id
        )
        select
            stages.stage,
            classes.duration_class,
            count(staged.stage) as households,
        from stages
        cross join classes
        left join staged
            on staged.stage = stages.stage
            and staged.days_in_stage >= classes.from_days
            and (classes.to_days is null or staged.days_in_stage < classes.to_days)
        group by stages.step, stages.stage, classes.class_order, classes.duration_class
        order by stages.step, classes.class_order
    """, {**filters.params(), "labels": labels, "lower": lower, "upper": upper})


@st.cache_data(show_spinner=False)
def stalled_households(version: tuple[str, int, int], filters: Filters,
                       after_days: int) -> pd.DataFrame:
    """Households accompanied for more than `after_days` days with neither installation nor
    update of their record since (as of the data date), longest silence first."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select
            selected.household_id,
            selected.channel,
            selected.campaign_code,
            selected.campaign_label,
            selected.status,
            selected.first_contact_date,
            selected.accompaniment_date,
            selected.updated_date,
            household_stages.days_in_stage,
            household_stages.days_without_activity,
        from selected
        join marts.household_stages as household_stages
            on household_stages.household_id = selected.household_id
        where household_stages.stage = 'accompagné'
            and household_stages.days_without_activity > $after_days
        order by household_stages.days_without_activity desc, selected.household_id
    """, {**filters.params(), "after_days": after_days})


_AMBASSADOR_TYPES = ["Particulier", "Entreprise", "Association", "Collectivité"]


@st.cache_data(show_spinner=False)
def ambassadors_by_type(version: tuple[str, int, int], date_to: dt.date | None) -> pd.DataFrame:
    """Ambassadors who joined on or before `date_to`, and the active ones, by type (the four
    types of the contract first, even at 0, then any other value)."""
    return _df(version, """
        with types as (
            select unnest($types) as ambassador_type, generate_subscripts($types, 1) as type_order
        ),
        ambassadors as (
            select * from core.ambassadors where $date_to is null or joined_date <= $date_to
        ),
        all_types as (
            select ambassador_type, type_order from types
            union
            select ambassador_type, 99 from ambassadors
            where not list_contains($types, ambassador_type)
        )
        select
            all_types.ambassador_type,
            count(ambassadors.ambassador_id) as ambassadors,
            count(ambassadors.ambassador_id) filter (where ambassadors.is_active) as active,
        from all_types
        left join ambassadors on ambassadors.ambassador_type = all_types.ambassador_type
        group by all_types.ambassador_type, all_types.type_order
        order by all_types.type_order, all_types.ambassador_type
    """, {"types": _AMBASSADOR_TYPES, "date_to": date_to})


@st.cache_data(show_spinner=False)
def ambassador_growth(version: tuple[str, int, int], date_to: dt.date | None) -> pd.DataFrame:
    """Size of the network at the end of each month (cumulative adhesions up to `date_to`),
    by type: every month × type, so the series stack."""
    return _df(version, """
        with ambassadors as (
            select * from core.ambassadors where $date_to is null or joined_date <= $date_to
        ),
        months as (
            select unnest(generate_series(
                date_trunc('month', min(joined_date)),
                date_trunc('month', coalesce($date_to::date, max(joined_date))),
                interval 1 month
            ))::date as month
            from ambassadors
        ),
        types as (select distinct ambassador_type from ambassadors),
        joined as (
            select date_trunc('month', joined_date)::date as month, ambassador_type,
                count(*) as joined
            from ambassadors
            group by all
        )
        select
            months.month,
            types.ambassador_type,
            coalesce(joined.joined, 0) as joined,
            sum(coalesce(joined.joined, 0)) over (
                partition by types.ambassador_type order by months.month
            )::bigint as ambassadors,
        from months
        cross join types
        left join joined
            on joined.month = months.month and joined.ambassador_type = types.ambassador_type
        order by months.month, types.ambassador_type
    """, {"date_to": date_to})


@st.cache_data(show_spinner=False)
def referral_conversion(version: tuple[str, int, int], filters: Filters) -> pd.DataFrame:
    """Households referred by an ambassador against the others: followed, accompanied,
    installed, median days to install (both groups, even at 0)."""
    return _df(version, f"""
        with selected as ({_SELECTED}),
        groups as (
            select * from (values (1, true), (2, false)) as groups(group_order, is_referred)
        )
        select
            groups.is_referred,
            count(selected.household_id) as followed,
            count(selected.household_id) filter (where selected.is_accompanied)
                as accompanied,
            count(selected.household_id) filter (where selected.is_installed) as installed,
            median(selected.days_to_install) as median_days_to_install,
        from groups
        left join selected on selected.is_referred = groups.is_referred
        group by groups.group_order, groups.is_referred
        order by groups.group_order
    """, filters.params())


@st.cache_data(show_spinner=False)
def referrals_by_ambassador_type(version: tuple[str, int, int],
                                 filters: Filters) -> pd.DataFrame:
    """The selection's referred households by type of their ambassador."""
    return _df(version, f"""
        with selected as ({_SELECTED})
        select
            coalesce(ambassadors.ambassador_type, 'Ambassadeur inconnu') as ambassador_type,
            count(*) as followed,
            count(*) filter (where selected.is_installed) as installed,
        from selected
        left join core.ambassadors as ambassadors
            on ambassadors.ambassador_id = selected.ambassador_id
        where selected.is_referred
        group by all
        order by followed desc, ambassador_type
    """, filters.params())


@st.cache_data(show_spinner=False)
def stalled_summary(version: tuple[str, int, int], filters: Filters, after_days: int) -> dict:
    """How many of the selection's accompanied households are without news for more than
    `after_days` days (the rule of `stalled_households`), and how many of those the CRM
    marks « Abandon »."""
    cursor = _cursor(version).execute(f"""
        with selected as ({_SELECTED})
        select
            count(*) as accompanied,
            count(*) filter (where household_stages.days_without_activity > $after_days)
                as stalled,
            count(*) filter (where household_stages.days_without_activity > $after_days
                and selected.status = 'Abandon') as stalled_abandoned,
        from selected
        join marts.household_stages as household_stages
            on household_stages.household_id = selected.household_id
        where household_stages.stage = 'accompagné'
    """, {**filters.params(), "after_days": after_days})
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


@st.cache_data(show_spinner=False)
def ambassador_adhesions(version: tuple[str, int, int], date_from: dt.date | None,
                         date_to: dt.date | None) -> dict:
    """Adhesions dated in the period (both ends inclusive) and the first adhesion ever."""
    cursor = _cursor(version).execute("""
        select
            count(*) filter (where ($date_from is null or joined_date >= $date_from)
                and ($date_to is null or joined_date <= $date_to)) as joined,
            min(joined_date) as first_joined_date,
        from core.ambassadors
    """, {"date_from": date_from, "date_to": date_to})
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


# Tables as shown and downloaded: French headers, rates with their counts (fmt.rate).

def _rates(parts: pd.Series, wholes: pd.Series) -> list[str]:
    return [fmt.rate(int(part), int(whole)) for part, whole in zip(parts, wholes, strict=True)]


def channel_funnel_table(by_channel: pd.DataFrame) -> pd.DataFrame:
    """The funnel by channel: counts, then each step's rate from the channel's followed."""
    return pd.DataFrame({
        "Canal": by_channel["channel"].map(fmt.channel),
        "Suivis": by_channel["followed"],
        "Accompagnés": by_channel["accompanied"],
        "Installés": by_channel["installed"],
        "Suivi → accompagné": _rates(by_channel["accompanied"], by_channel["followed"]),
        "Suivi → installé": _rates(by_channel["installed"], by_channel["followed"]),
    })


def channel_campaign_households_table(households: pd.DataFrame) -> pd.DataFrame:
    """A campaign's households: pseudonymous ID, stage, CRM status, dates, commune."""
    return pd.DataFrame({
        "Identifiant foyer": households["household_id"],
        "Étape": households["stage"].str.capitalize(),
        "Statut CRM": households["status"],
        "Premier contact": households["first_contact_date"],
        "Début d'accompagnement": households["accompaniment_date"],
        "Séjour d'immersion": households["immersion_date"],
        "Installation": households["installation_date"],
        "Commune d'installation": households["installation_commune_name"],
        "Intercommunalité": households["installation_epci_name"],
        "Jours jusqu'à l'installation": households["days_to_install"],
    })


def install_delay_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Days to install by channel (median and quartiles), the whole selection last."""
    return pd.DataFrame({
        "Canal": [fmt.channel(c) if isinstance(c, str) else "Ensemble"
                  for c in summary["channel"]],
        "Installés": summary["installed"],
        "1er quartile (j)": summary["q1_days"].round(),
        "Médiane (jours)": summary["median_days"].round(),
        "3e quartile (j)": summary["q3_days"].round(),
    })


def install_cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Share of each quarter's new households installed within 3, 6, 12 months and to date;
    an empty cell where the horizon is not reached yet."""
    def shares(column: str) -> list[str]:
        return ["" if pd.isna(part) else fmt.rate(int(part), int(whole))
                for part, whole in zip(cohorts[column], cohorts["followed"], strict=True)]

    return pd.DataFrame({
        "Trimestre de premier contact": cohorts["quarter"].map(fmt.quarter),
        "Nouveaux foyers": cohorts["followed"],
        "Installés sous 3 mois": shares("within_3"),
        "Installés sous 6 mois": shares("within_6"),
        "Installés sous 12 mois": shares("within_12"),
        "Installés à ce jour": shares("installed"),
    })


def stalled_households_table(households: pd.DataFrame) -> pd.DataFrame:
    """The stalled households as shown: pseudonymous ID, channel, campaign, dates, days."""
    return pd.DataFrame({
        "Identifiant foyer": households["household_id"],
        "Canal": households["channel"].map(fmt.channel),
        "Code campagne": households["campaign_code"],
        "Campagne": households["campaign_label"],
        "Statut CRM": households["status"],
        "Premier contact": households["first_contact_date"],
        "Début d'accompagnement": households["accompaniment_date"],
        "Dernière mise à jour": households["updated_date"],
        "Jours d'accompagnement": households["days_in_stage"],
        "Jours sans nouvelle": households["days_without_activity"],
    })


def ambassadors_by_type_table(by_type: pd.DataFrame) -> pd.DataFrame:
    """Ambassadors by type, with the active share of each type and its counts."""
    return pd.DataFrame({
        "Type": by_type["ambassador_type"],
        "Ambassadeurs": by_type["ambassadors"],
        "Actifs (part du type)": _rates(by_type["active"], by_type["ambassadors"]),
    })


def referral_conversion_table(groups: pd.DataFrame) -> pd.DataFrame:
    """Referred households against the others: followed, rates with counts, median delay."""
    return pd.DataFrame({
        "Foyers": groups["is_referred"].map(
            {True: "Parrainés par un ambassadeur", False: "Autres foyers"}),
        "Suivis": groups["followed"],
        "Accompagnés": _rates(groups["accompanied"], groups["followed"]),
        "Installés": _rates(groups["installed"], groups["followed"]),
        "Délai médian (jours)": groups["median_days_to_install"].round(),
    })


def referrals_by_ambassador_type_table(by_type: pd.DataFrame) -> pd.DataFrame:
    """Referred households by type of their ambassador, with their installation rate."""
    return pd.DataFrame({
        "Type d'ambassadeur": by_type["ambassador_type"],
        "Foyers parrainés": by_type["followed"],
        "Installés": _rates(by_type["installed"], by_type["followed"]),
    })
