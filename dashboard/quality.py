"""The Qualité des données page's answers shaped for display: French names of sources and
warning kinds with what to do, reconciliation written out, and its tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import fmt, queries, widgets
from pipelines import contract

# Warning kinds of quality.warnings: French label and what to do about them, in words an
# officer can act on (docs/guide.md explains channels.toml once).
WARNING_KINDS = {
    "canal_inconnu": (
        "Canal inconnu",
        "Le libellé est compté dans le canal « Autre » d'ici là. Ajoutez-le à la liste du bon "
        "canal dans le fichier pipelines/channels.toml (par exemple « Forum emploi » dans la "
        "liste du canal Salon), puis relancez la construction (guide, « Corriger un export »)."),
    "valeur_invalide": (
        "Valeur invalide",
        "La ligne est comptée, cette valeur laissée vide. Corrigez-la dans l'outil d'origine "
        "(dates : JJ/MM/AAAA ou AAAA-MM-JJ ; nombres : chiffres seulement ; email : "
        "nom@domaine.fr), puis réexportez."),
    "code_inconnu": (
        "Code inconnu",
        "La ligne est comptée, mais le code ne renvoie à rien de connu. Vérifiez-le dans "
        "l'outil d'origine, ou ajoutez la campagne, l'ambassadeur ou la commune à l'export "
        "qui doit la contenir (campagnes, ambassadeurs), puis relancez la construction."),
    "colonne_ignoree": (
        "Colonne ignorée",
        "Rien à faire si la colonne est inutile. Si elle devait être lue, renommez son en-tête "
        "comme le contrat d'export l'attend (par exemple « Date de premier contact »). Une "
        "colonne en double (« Canal » et « Origine ») : seule la première est lue ; supprimez "
        "ou renommez celle qui ne doit pas l'être."),
    "colonne_absente": (
        "Colonne absente",
        "Les lignes sont comptées, sans cette valeur. Si l'outil d'origine a cette colonne, "
        "ajoutez-la à l'export sous le nom que le contrat d'export attend (par exemple « Canal » "
        "ou « Budget (€) »), puis réexportez ; sinon, rien à faire."),
    "fusion": (
        "Fusion de prospects",
        "Information : deux dossiers du CRM ont le même email et ne comptent que pour un foyer. "
        "Vérifiez dans le CRM qu'il s'agit bien de la même famille ; sinon corrigez l'email "
        "de l'un des deux dossiers."),
    "fichier_ignore": (
        "Fichier ignoré",
        "Le fichier n'est pas lu. Enregistrez-le au format .csv ou .xlsx directement dans le "
        "dossier des exports (pas de sous-dossier, pas de raccourci)."),
    "lecture": (
        "Lecture du fichier",
        # (one line per case did not fit its cell at 1280 px: each message says what to do)
        "Le fichier est lu, avec une remarque (caractères illisibles, autres feuilles, "
        "cellules sans valeur, copie d'un autre fichier) : chaque message dit quoi faire."),
    "objectif": (
        "Objectif sans données",
        "L'objectif est gardé, mais rien ne s'y compare. Corrigez le code de campagne ou "
        "l'année dans le fichier pipelines/targets.toml, puis relancez la construction ; rien "
        "à faire si la campagne arrive dans un prochain export."),
}

# Reasons a row is rejected (quality.rejects.reason, matched on their start): what the
# contract expects. A rejected row is never counted: EFFECTS says what that changes.
REJECT_REASONS = {
    # (first: matched on their start, in this order)
    "date invalide : un nombre": "une date : dans le tableur, mettez la colonne au format Date "
                                 "(45366 est le numéro d'un jour, pas une date), puis "
                                 "réexportez",
    "date invalide : année sur deux chiffres": "une année sur 4 chiffres (14/03/2023, pas "
                                               "14/03/23) : dans le tableur, mettez la "
                                               "colonne au format JJ/MM/AAAA, puis réexportez",
    "date invalide": "une date réelle : JJ/MM/AAAA, AAAA-MM-JJ, JJ-MM-AAAA ou JJ.MM.AAAA, "
                     "éventuellement suivie de l'heure (HH:MM)",
    "valeur obligatoire manquante": "une valeur dans cette colonne obligatoire",
    "prospect inconnu": "l'ID prospect d'un dossier présent dans l'export des prospects",
    "code commune invalide": "le code INSEE de la commune, 5 caractères (46042, 2A004)",
    "ligne avec plus de valeurs": "autant de valeurs que de colonnes : un séparateur (;) en "
                                  "trop dans une valeur, à mettre entre guillemets",
    "guillemet ouvert": "des guillemets refermés dans la même valeur",
    "valeur de plus de": "une valeur de moins de 32 767 caractères (limite d'une cellule)",
}

EFFECTS = {
    "prospects": "la ligne n'est pas comptée : ce foyer manque à tous les chiffres",
    "installations": "la ligne n'est pas comptée : cette installation manque (le foyer "
                     "n'est pas compté installé s'il n'en a pas d'autre)",
    "touches": "la ligne n'est pas comptée : ce contact manque aux contacts et à "
               "l'attribution",
    "ambassadors": "la ligne n'est pas comptée : cet ambassadeur manque au réseau",
    "campaigns": "la ligne n'est pas comptée : la campagne n'a ni libellé ni budget",
}


def expected(reason: str | None) -> str | None:
    """What the contract expects where a row was rejected for `reason`."""
    for start, text in REJECT_REASONS.items():
        if reason and reason.startswith(start):
            return text
    return None


def effect(source: str) -> str:
    """What a rejected row of `source` changes in the figures."""
    return EFFECTS.get(source, "la ligne n'est pas comptée")


source_label = contract.source_label


def _reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    """The metrics layer's reconciliation (`is_reconciled`: read = accepted + rejected +
    duplicates) written out with its check mark; the mark is the layer's, never recomputed."""
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


def _shown(download: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """A download frame as shown: merges as text (« – » where a source has none) and the
    reconciliation written out (« oui : 12 = 10 + 1 + 1 »)."""
    shown = download.copy()
    shown["Fusionnées"] = _text(frame["merged"])
    shown["Lues = acceptées + rejetées + doublons"] = frame["reconciliation"]
    return shown


def files_table(version: tuple[str, int, int]) -> pd.DataFrame:
    """The files table as shown (its download holds the full sha256 and the numbers)."""
    frame = quality_files(version)
    shown = _shown(files_download(version), frame)
    shown["Modifié le"] = frame["modified_at"].dt.strftime("%d/%m/%Y %H:%M")
    shown.insert(shown.columns.get_loc("SHA-256"), "SHA-256 (début)", frame["sha256_prefix"])
    return shown.drop(columns="SHA-256")


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
        "Attendu": frame["reason"].map(expected),
        "Effet sur les chiffres": frame["source"].map(effect),
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


def channel_example(labels: list[str]) -> str:
    """The unknown label the page shows as an example line of channels.toml: the first like
    a channel's name (« =HYPERLINK(…) » or a masked email made an example an administrator was
    told to paste into the file)."""
    return next((label for label in labels if not label.startswith(widgets.FORMULA_STARTS)
                 and "masqué" not in label), "Forum emploi")


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
    """The totals by source as shown (its download holds the numbers)."""
    return _shown(sources_download(version), quality_sources(version))


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


# --- Downloads: numbers as numbers, an empty cell for a missing value (widgets.downloads) ----

def _reconciled(frame: pd.DataFrame) -> list[str]:
    return ["oui" if ok else "non" for ok in frame["is_reconciled"]]


def files_download(version: tuple[str, int, int]) -> pd.DataFrame:
    frame = quality_files(version)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichier": frame["file"],
        "Modifié le": frame["modified_at"],
        "SHA-256": frame["sha256"],
        "Encodage": frame["encoding"],
        "Lues": frame["read"],
        "Acceptées": frame["accepted"],
        "Rejetées": frame["rejected"],
        "Doublons": frame["duplicates"],
        "Fusionnées": frame["merged"],
        "Lues = acceptées + rejetées + doublons": _reconciled(frame),
    })


def sources_download(version: tuple[str, int, int]) -> pd.DataFrame:
    frame = quality_sources(version)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichiers": frame["files"],
        "Lues": frame["read"],
        "Acceptées": frame["accepted"],
        "Rejetées": frame["rejected"],
        "Doublons": frame["duplicates"],
        "Fusionnées": frame["merged"],
        "Lues = acceptées + rejetées + doublons": _reconciled(frame),
    })


def rejects_download(version: tuple[str, int, int], source: str | None = None,
                     file: str | None = None) -> pd.DataFrame:
    frame = quality_rejects(version, source, file)
    return pd.DataFrame({
        "Source": frame["source_label"],
        "Fichier": frame["file"],
        "Ligne": frame["line"],
        "Colonne": frame["column"],
        "Valeur": frame["value"],
        "Motif": frame["reason"],
        "Attendu": frame["reason"].map(expected),
        "Effet sur les chiffres": frame["source"].map(effect),
    })


def warnings_download(version: tuple[str, int, int],
                      kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = quality_warnings(version, kinds)
    return pd.DataFrame({
        "Type": frame["kind_label"],
        "Source": frame["source_label"],
        "Fichier": frame["file"],
        "Ligne": frame["line"],
        "Colonne": frame["column"],
        "Valeur": frame["value"],
        "Message": frame["message"],
        "Occurrences": frame["n"],
    })
