"""The Qualité des données page's answers shaped for display: French names of sources and
warning kinds with what to do, reconciliation written out, and its tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import fmt, queries
from pipelines.contract import SOURCES

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
    return SOURCES[source].label.capitalize() if source in SOURCES else source


def _reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    """read = accepted + rejected + duplicates, written out with its check mark."""
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


def quality_sources(version: tuple[str, int, int]) -> pd.DataFrame:
    """Rows of each source (even one with no file) at the last build, summed over its files."""
    return _reconciliation(queries.ask(version, "source_rows"))


def quality_files(version: tuple[str, int, int]) -> pd.DataFrame:
    """Every export file read at the last build: fingerprint, date and row counts."""
    return _reconciliation(queries.ask(version, "files"))


def _text(values: pd.Series, empty: str = "–") -> pd.Series:
    """Counts or codes as text for a table, a dash (not « None ») where there is none."""
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


def quality_rejects(version: tuple[str, int, int], source: str | None = None,
                    file: str | None = None) -> pd.DataFrame:
    """Rejected rows of the last build (where and why), of one source and file if given."""
    frame = queries.ask(version, "rejects", source=source, file=file)
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


def warnings_by_kind(version: tuple[str, int, int]) -> pd.DataFrame:
    """Warnings of the last build by kind (every kind, 0 included): rows, occurrences, label
    and what to do."""
    frame = queries.ask(version, "warnings_by_kind")
    counts = frame.set_index("kind")
    return pd.DataFrame([
        {"kind": kind, "label": label, "advice": advice,
         "warnings": int(counts["warnings"].get(kind, 0)),
         "occurrences": int(counts["occurrences"].get(kind, 0))}
        for kind, (label, advice) in WARNING_KINDS.items()
    ])


def quality_warnings(version: tuple[str, int, int],
                     kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """Warnings of the last build (what was kept or ignored, never a refused row), of the
    given kinds (all if none)."""
    frame = queries.ask(version, "warnings", kinds=list(kinds) or None)
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


def unknown_channels(version: tuple[str, int, int]) -> pd.DataFrame:
    """Channel labels of the exports missing from channels.toml, with how often they occur."""
    frame = queries.ask(version, "unknown_channels")
    frame["sources"] = frame["sources"].map(
        lambda sources: ", ".join(source_label(s) for s in sources))
    return frame


def build_outcome(version: tuple[str, int, int]) -> dict:
    """The last build (ok or failed, when, its message) and the published data the page
    shows (built when, in how long, rows rejected, warnings)."""
    status = queries.last_build_status(version) or {}
    try:
        attempted_at = dt.datetime.fromisoformat(str(status.get("built_at")))
    except ValueError:
        attempted_at = None
    published = queries.ask_one(version, "build")
    return {
        "failed": status.get("status") == "failed",
        "attempted_at": attempted_at,
        "message": status.get("message"),
        **published,
    }


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
