"""Tables as shown and downloaded: the metrics layer's answers with French headers, labels from
the reference lists and rates with their counts (fmt.rate). Nothing is computed here."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt, masking
from dashboard.queries import NO_CAMPAIGN_LABEL, Reference
from pipelines import metrics
from pipelines.french import rounded

# A household's pseudonymous ID as every table and download names it (the screens said
# « Identifiant foyer » or « Foyer », the downloads « N° de dossier CRM »): the kept
# prospect's file number, to look up in the CRM.
HOUSEHOLD_ID = "N° de dossier CRM"

def as_written(values: pd.Series, decimals: int) -> pd.Series:
    """Numbers rounded as pipelines/french.py writes them (french.rounded), so a table, its
    downloads and the bilan agree: pandas' round multiplies first and made 16.85 credits 16,8
    on the page and in the downloads where the bilan and `kpis` wrote 16,9; Python's and
    pandas' round half to even, 0,25 read « 0,2 »."""
    return values.map(lambda v: v if pd.isna(v) else float(rounded(v, decimals)))

def _stage(stages: pd.Series) -> pd.Series:
    """A household's stage as every table writes it: « Accompagné »."""
    return stages.str.capitalize()


def _rates(rates: pd.Series) -> list[str]:
    return [fmt.rate(rate) for rate in rates]


def _campaign_labels(labels: pd.Series) -> pd.Series:
    return labels.fillna(NO_CAMPAIGN_LABEL)


# --- Entonnoir par source -------------------------------------------------------------------

def channel_funnel(by_channel: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    """The funnel by channel: counts, then each step's rate from the channel's followed."""
    return pd.DataFrame({
        "Canal": by_channel["channel"].map(refs.channel),
        "Suivis": by_channel["followed"],
        "Accompagnés": by_channel["accompanied"],
        "Installés": by_channel["installed"],
        # (named as in its download and on every page: « Suivi → installé » here)
        metrics.ACCOMPANIED_RATE_NAME: _rates(by_channel["accompanied_rate"]),
        metrics.INSTALLED_RATE_NAME: _rates(by_channel["installed_rate"]),
    })


def channel_campaign_households(households: pd.DataFrame) -> pd.DataFrame:
    """A campaign's households: pseudonymous ID, stage, CRM status, dates, commune."""
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Étape": _stage(households["stage"]),
        "Statut CRM": households["status"],
        "Premier contact": households["first_contact_date"],
        "Début d'accompagnement": households["accompaniment_date"],
        "Séjour d'immersion": households["immersion_date"],
        "Installation": households["installation_date"],
        "Commune d'installation": households["installation_commune_name"],
        "Intercommunalité": households["installation_epci_name"],
        "Jours jusqu'à l'installation": households["days_to_install"],
    })


def install_delays(summary: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    """Days to install by channel: the median, and the days between which half of the
    households install (first and third quartiles, in one column: four columns fit a phone,
    where a fifth was cut, its figures' last digits hidden); the whole selection last. The
    download keeps the quartiles in columns of their own."""
    return pd.DataFrame({
        "Canal": [refs.channel(c) if isinstance(c, str) else "Ensemble"
                  for c in summary["channel"]],
        "Installés": summary["installed"],
        "Médiane (j)": as_written(summary["median_days"], 0),
        "Moitié entre (j)": [
            f"{fmt.number(q1)} et {fmt.number(q3)}"
            if pd.notna(q1) and pd.notna(q3) else "–"
            for q1, q3 in zip(summary["q1_days"], summary["q3_days"], strict=True)],
    })


def install_cohorts(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Share of each quarter's new households installed within 3, 6, 12 months and to date;
    an empty cell where the horizon is not reached yet."""
    def shares(column: str) -> list[str]:
        return ["" if rate["part"] is None or pd.isna(rate["part"]) else fmt.rate(rate)
                for rate in cohorts[column]]

    return pd.DataFrame({
        # (« Trimestre de premier contact » made the last column's header « Installés à ce
        # jou… » on a projector; the column's help says it whole)
        "Trimestre": cohorts["quarter"].map(fmt.quarter),
        "Nouveaux foyers": cohorts["followed"],
        "Installés sous 3 mois": shares("within_3_rate"),
        "Installés sous 6 mois": shares("within_6_rate"),
        "Installés sous 12 mois": shares("within_12_rate"),
        "Installés à ce jour": shares("installed_rate"),
    })


# --- Suivi du réseau accueil ----------------------------------------------------------------

def stalled_households(households: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    """The stalled households as shown: pseudonymous ID, channel, campaign, dates, days."""
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Canal": households["channel"].map(refs.channel),
        "Code campagne": households["campaign_code"],
        "Campagne": _campaign_labels(households["campaign_label"]),
        "Statut CRM": households["status"],
        "Premier contact": households["first_contact_date"],
        "Début d'accompagnement": households["accompaniment_date"],
        "Dernière mise à jour": households["updated_date"],
        "Jours d'accompagnement": households["days_in_stage"],
        "Jours sans nouvelles": households["days_without_activity"],
    })


# --- Ambassadeurs ---------------------------------------------------------------------------

def ambassadors_by_type(by_type: pd.DataFrame) -> pd.DataFrame:
    """Ambassadors by type, with the active share of each type and its counts."""
    return pd.DataFrame({
        "Type": by_type["ambassador_type"],
        "Ambassadeurs": by_type["ambassadors"],
        "Part d'actifs": _rates(by_type["active_rate"]),
    })


def referral_conversion(groups: pd.DataFrame) -> pd.DataFrame:
    """Referred households against the others: followed, rates with counts, median delay."""
    return pd.DataFrame({
        "Foyers": groups["is_referred"].map(
            {True: "Parrainés par un ambassadeur", False: "Autres foyers"}),
        "Suivis": groups["followed"],
        # (a rate, named as everywhere: « Installés » read as a count, as the bilan's is)
        metrics.ACCOMPANIED_RATE_NAME: _rates(groups["accompanied_rate"]),
        metrics.INSTALLED_RATE_NAME: _rates(groups["installed_rate"]),
        "Délai médian (jours)": as_written(groups["median_days_to_install"], 0),
    })


def referrals_by_ambassador_type(by_type: pd.DataFrame) -> pd.DataFrame:
    """Referred households by type of their ambassador, with their installation rate."""
    return pd.DataFrame({
        "Type d'ambassadeur": by_type["ambassador_type"],
        "Foyers parrainés": by_type["followed"],
        metrics.INSTALLED_RATE_NAME: _rates(by_type["installed_rate"]),
    })


# --- Campagnes ------------------------------------------------------------------------------

def campaigns(metrics: pd.DataFrame, model: str, refs: Reference) -> pd.DataFrame:
    """The campaign table: reach, credits under `model` with the spread between models,
    budget and costs."""
    return pd.DataFrame({
        "Campagne": metrics["campaign_label"],
        "Canal": _campaign_channel(metrics, refs),
        "Budget (€)": metrics["budget_selected_eur"].astype("float64"),
        "Installations attribuées": as_written(metrics[f"installed_{model}"], 1),
        "Installations : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["installed_min"], metrics["installed_max"], strict=True)],
        "Coût par installation (€)": metrics[f"cost_per_installed_{model}"].astype("float64"),
        "Foyers suivis attribués": as_written(metrics[f"followed_{model}"], 1),
        "Suivis : min–max des modèles": [
            f"{fmt.number(lo, 1)} – {fmt.number(hi, 1)}"
            for lo, hi in zip(metrics["followed_min"], metrics["followed_max"], strict=True)],
        "Coût par foyer suivi (€)": metrics[f"cost_per_followed_{model}"].astype("float64"),
        "Interactions": metrics["touches"],
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


def scoped_objectives(rows: list[dict], refs: Reference,
                      campaigns: pd.DataFrame) -> pd.DataFrame:
    """The year's objectives of a channel or a campaign (metrics.target_progress), named as
    the bilan names them, with what was expected and done that day and where each stands."""
    labels = dict(zip(campaigns["campaign_code"], campaigns["campaign_label"], strict=True))
    return pd.DataFrame({
        "Objectif": [metrics.objective_name(row, refs.channel, labels) for row in rows],
        # (a whole number of households: « 60,0 » in the download)
        "Objectif de l'année": [round(row["target"]) if float(row["target"]).is_integer()
                                else row["target"] for row in rows],
        # (the day the objectives are read, as the bilan heads it: « ce jour » read as today)
        "Attendu": [row["expected"] for row in rows],
        "Réalisé": [row["actual"] for row in rows],
        "Écart": [row["actual"] - row["expected"] for row in rows],
        "Situation": [metrics.STANDINGS[row["standing"]] for row in rows],
    })


def campaign_households(households: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    """A campaign's households: pseudonymous ID, stage, dates, commune, credits."""
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Étape": _stage(households["stage"]),
        "Canal du foyer": households["channel"].map(refs.channel),
        "Premier contact": pd.to_datetime(households["first_contact_date"]),
        "Installation": pd.to_datetime(households["installation_date"]),
        "Commune": households["installation_commune_name"],
        "Crédit (suivi)": households["followed_credit"],
        "Crédit (installation)": households["installed_credit"],
        "Part du budget (€)": households["cost_share_eur"],
    })


# --- Territoire -----------------------------------------------------------------------------

def communes(frame: pd.DataFrame) -> pd.DataFrame:
    """Communes with an installation, the figure masked below SMALL_COUNT (masking.py)."""
    frame = masking.listed(frame)
    return pd.DataFrame({
        "Commune": frame["commune_name"],
        "Code commune": frame["commune_code"].fillna("–"),
        "Intercommunalité": frame["epci_name"].fillna("–"),
        "Foyers installés": frame["shown"],
    })


def epci(frame: pd.DataFrame) -> pd.DataFrame:
    """Intercommunalities, the figure masked below SMALL_COUNT."""
    return pd.DataFrame({
        "Intercommunalité": frame["epci_name"],
        "Nom court": frame["epci_short_name"],
        "SIREN": frame["epci_code"],
        "Communes du Lot": frame["communes"],
        "Communes avec installation": masking.shown_communes_installed(frame),
        "Foyers installés": frame["shown"],
    })


_ZONES = {"metropole": "Métropole", "outre-mer": "Outre-mer", "etranger": "Étranger",
          "inconnu": "Inconnu"}


def origins(frame: pd.DataFrame) -> pd.DataFrame:
    """Départements of origin with a household, shares as numbers (the column formats them)."""
    frame = frame[frame["followed"] > 0]
    return pd.DataFrame({
        "Origine": frame["name"],
        "Code": frame["code"].fillna("–"),
        "Zone": frame["zone"].map(_ZONES),
        "Foyers suivis": frame["followed"],
        "Part des suivis": [rate["value"] for rate in frame["followed_share"]],
        "Foyers installés": frame["installed"],
        "Part des installés": [rate["value"] for rate in frame["installed_share"]],
    })


# --- Downloads ------------------------------------------------------------------------------
# What an analyst computes with, built from the metrics layer's answer (never from the display
# frame above): numbers as numbers, rounded as shown; a rate as a percentage number in a
# column « … (%) » with its numerator, denominator and base in their own columns; dates as
# dates; a missing value an empty cell (None / NaN, never « – »); yes/no as « oui » / « non ».

def _percent(value: object, decimals: int = 1) -> float:
    return (float("nan") if value is None or pd.isna(value)
            else float(rounded(float(value) * 100, decimals)))


def _rate_columns(name: str, rates: pd.Series, decimals: int = 1) -> dict[str, object]:
    """A rate of the metrics layer ({value, part, whole, base}) as four columns:
    « name (%) » (63.5), « name : numérateur », « name : dénominateur », « name : base »."""
    def field(rate: dict | None, key: str) -> object:
        return None if rate is None else rate.get(key)

    return {
        f"{name} (%)": [_percent(field(rate, "value"), decimals) for rate in rates],
        f"{name} : numérateur": pd.array([field(rate, "part") for rate in rates], dtype="Int64"),
        f"{name} : dénominateur": pd.array([field(rate, "whole") for rate in rates],
                                           dtype="Int64"),
        f"{name} : base": [field(rate, "base") for rate in rates],
    }


def _whole(values: pd.Series) -> pd.Series:
    """Days or euros rounded as shown (no decimals), an empty cell where there is none."""
    return as_written(pd.to_numeric(values).astype("float64"), 0).astype("Int64")


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values)


def channel_funnel_download(by_channel: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    return pd.DataFrame({
        "Canal": by_channel["channel"].map(refs.channel),
        "Code canal": by_channel["channel"],
        "Suivis": by_channel["followed"],
        "Accompagnés": by_channel["accompanied"],
        "Installés": by_channel["installed"],
        **_rate_columns(metrics.ACCOMPANIED_RATE_NAME, by_channel["accompanied_rate"]),
        **_rate_columns(metrics.INSTALLED_RATE_NAME, by_channel["installed_rate"]),
    })


def channel_campaign_households_download(households: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Étape": _stage(households["stage"]),
        "Statut CRM": households["status"],
        "Premier contact": _dates(households["first_contact_date"]),
        "Début d'accompagnement": _dates(households["accompaniment_date"]),
        "Séjour d'immersion": _dates(households["immersion_date"]),
        "Installation": _dates(households["installation_date"]),
        "Commune d'installation": households["installation_commune_name"],
        "Intercommunalité": households["installation_epci_name"],
        "Jours jusqu'à l'installation": _whole(households["days_to_install"]),
    })


def install_delays_download(summary: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    return pd.DataFrame({
        "Canal": [refs.channel(c) if isinstance(c, str) else "Ensemble"
                  for c in summary["channel"]],
        "Installés": summary["installed"],
        "1er quartile (jours)": _whole(summary["q1_days"]),
        "Médiane (jours)": _whole(summary["median_days"]),
        "3e quartile (jours)": _whole(summary["q3_days"]),
    })


def install_cohorts_download(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Empty cells where a horizon is not reached yet (numerator and rate), as on screen."""
    return pd.DataFrame({
        "Trimestre de premier contact": cohorts["quarter"].map(fmt.quarter),
        "Début du trimestre": _dates(cohorts["quarter"]),
        "Nouveaux foyers": cohorts["followed"],
        **_rate_columns("Installés sous 3 mois", cohorts["within_3_rate"]),
        **_rate_columns("Installés sous 6 mois", cohorts["within_6_rate"]),
        **_rate_columns("Installés sous 12 mois", cohorts["within_12_rate"]),
        **_rate_columns("Installés à ce jour", cohorts["installed_rate"]),
    })


def stalled_households_download(households: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Canal": households["channel"].map(refs.channel),
        "Code campagne": households["campaign_code"],
        "Campagne d'origine du foyer": households["campaign_label"],
        "Statut CRM": households["status"],
        "Premier contact": _dates(households["first_contact_date"]),
        "Début d'accompagnement": _dates(households["accompaniment_date"]),
        "Dernière mise à jour": _dates(households["updated_date"]),
        "Jours d'accompagnement": _whole(households["days_in_stage"]),
        "Jours sans nouvelles": _whole(households["days_without_activity"]),
    })


def ambassadors_by_type_download(by_type: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Type": by_type["ambassador_type"],
        "Ambassadeurs": by_type["ambassadors"],
        **_rate_columns("Part d'actifs", by_type["active_rate"]),
    })


def referral_conversion_download(groups: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Foyers": groups["is_referred"].map(
            {True: "Parrainés par un ambassadeur", False: "Autres foyers"}),
        "Suivis": groups["followed"],
        **_rate_columns(metrics.ACCOMPANIED_RATE_NAME, groups["accompanied_rate"]),
        **_rate_columns(metrics.INSTALLED_RATE_NAME, groups["installed_rate"]),
        "Délai médian (jours)": _whole(groups["median_days_to_install"]),
    })


def referrals_by_ambassador_type_download(by_type: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Type d'ambassadeur": by_type["ambassador_type"],
        "Foyers parrainés": by_type["followed"],
        **_rate_columns(metrics.INSTALLED_RATE_NAME, by_type["installed_rate"]),
    })


def _campaign_channel(metrics: pd.DataFrame, refs: Reference) -> pd.Series:
    """Each campaign's channel; none for « non attribué », no campaign (it read « Autre »,
    a channel of its own, with households)."""
    return metrics["channel"].map(refs.channel).where(metrics["campaign_code"] != "unattributed")


def campaigns_download(metrics: pd.DataFrame, model: str, refs: Reference) -> pd.DataFrame:
    """Credits under `model` (1 decimal, as shown) and the spread of the five models as two
    numbers, costs in whole euros, the share of persons who became households as a %."""
    return pd.DataFrame({
        # (« Non attribué » is no campaign: no code, where the file read « unattributed »)
        "Code": metrics["campaign_code"].replace("unattributed", ""),
        "Campagne": metrics["campaign_label"],
        "Canal": _campaign_channel(metrics, refs),
        "Modèle d'attribution": refs.models.get(model, model),
        "Début": _dates(metrics["start_date"]),
        "Fin": _dates(metrics["end_date"]),
        "Budget de la sélection (€)": _whole(metrics["budget_selected_eur"]),
        "Budget entier de la campagne (€)": _whole(metrics["budget_eur"]),
        "Installations attribuées": as_written(metrics[f"installed_{model}"], 1),
        "Installations : minimum des modèles": as_written(metrics["installed_min"], 1),
        "Installations : maximum des modèles": as_written(metrics["installed_max"], 1),
        "Coût par installation (€)": _whole(metrics[f"cost_per_installed_{model}"]),
        "Foyers suivis attribués": as_written(metrics[f"followed_{model}"], 1),
        "Suivis : minimum des modèles": as_written(metrics["followed_min"], 1),
        "Suivis : maximum des modèles": as_written(metrics["followed_max"], 1),
        "Coût par foyer suivi (€)": _whole(metrics[f"cost_per_followed_{model}"]),
        "Interactions": metrics["touches"],
        "Personnes touchées": metrics["persons"],
        "Interactions anonymes": metrics["anonymous_interactions"],
        "Devenues foyers": metrics["persons_became_households"],
        "Part devenue foyer (%)": [_percent(v) for v in metrics["became_household_share"]],
        "Part devenue foyer : base": "personnes touchées",
        "Délai médian contact → suivi (jours)": _whole(metrics["median_days_to_followed"]),
        "Délai médian contact → installation (jours)": _whole(
            metrics["median_days_to_installed"]),
    })


def campaign_households_download(households: pd.DataFrame, refs: Reference) -> pd.DataFrame:
    return pd.DataFrame({
        HOUSEHOLD_ID: households["household_id"],
        "Étape": _stage(households["stage"]),
        "Canal du foyer": households["channel"].map(refs.channel),
        "Premier contact": _dates(households["first_contact_date"]),
        "Installation": _dates(households["installation_date"]),
        "Commune": households["installation_commune_name"],
        "Crédit (suivi)": as_written(households["followed_credit"], 2),
        "Crédit (installation)": as_written(households["installed_credit"], 2),
        "Part du budget (€)": _whole(households["cost_share_eur"]),
    })


def _masked(frame: pd.DataFrame) -> dict[str, object]:
    """Installed households: the number where it is shown (masking.py), else an empty cell and
    « 1 à 2 » or « masqué » in « Effectif masqué », as the page shows it."""
    small = masking.is_masked(frame)
    return {
        "Foyers installés": pd.array([None if hidden else int(n) for n, hidden in
                                      zip(frame["households"], small, strict=True)],
                                     dtype="Int64"),
        "Effectif masqué": [shown if hidden else None for shown, hidden in
                            zip(frame["shown"], small, strict=True)],
    }


def communes_download(frame: pd.DataFrame) -> pd.DataFrame:
    frame = masking.listed(frame)
    return pd.DataFrame({
        "Commune": frame["commune_name"],
        "Code commune": frame["commune_code"],
        "Intercommunalité": frame["epci_name"],
        **_masked(frame),
    })


def epci_download(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Intercommunalité": frame["epci_name"],
        "Nom court": frame["epci_short_name"],
        "SIREN": frame["epci_code"],
        "Communes du Lot": frame["communes"],
        "Communes avec installation": pd.array(masking.communes_installed(frame), dtype="Int64"),
        **_masked(frame),
    })


def origins_download(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["followed"] > 0]
    return pd.DataFrame({
        "Origine": frame["name"],
        "Code": frame["code"],
        "Zone": frame["zone"].map(_ZONES),
        "Foyers suivis": frame["followed"],
        **_rate_columns("Part des suivis", frame["followed_share"]),
        "Foyers installés": frame["installed"],
        **_rate_columns("Part des installés", frame["installed_share"]),
    })
