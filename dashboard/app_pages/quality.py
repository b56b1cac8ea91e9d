"""Qualité des données: the last build (ok, or failed with its message), the files read with
their row counts reconciled, the rejected rows and the warnings, each with what to do."""

from __future__ import annotations

import json

import streamlit as st

from dashboard import fmt, quality, queries, widgets

version = st.session_state.version

st.title("Qualité des données")

outcome = quality.build_outcome(version)
built_at = outcome["built_at"]
published = f"{built_at.strftime('%d/%m/%Y à %H:%M')}"
if outcome["failed"]:
    attempted = outcome["attempted_at"]
    st.error(
        "**La dernière construction a échoué**"
        + (f" (le {attempted.strftime('%d/%m/%Y à %H:%M')})" if attempted else "")
        + f". Rien n'a été publié : les chiffres affichés sont ceux de la dernière base valide, "
        f"construite le {published}. Corrigez le fichier en cause dans le dossier des exports "
        "puis relancez la construction. Message :",
        icon=":material/error:",
    )
    st.code(fmt.punctuation_held(outcome["message"] or "(aucun message)"), language=None,
            wrap_lines=True)
else:
    st.success(
        f"Dernière construction réussie le {published} "
        f"(en {fmt.number(outcome['duration_s'], 1)} s) : **données au "
        f"{fmt.date(queries.data_date(version))}** (dernière date des exports).",
        icon=":material/check_circle:",
    )

row = st.columns(4)
row[0].metric("Fichiers lus", fmt.number(outcome["files"]), border=True)
row[1].metric("Lignes lues", fmt.number(outcome["rows_read"]), border=True,
              help="Lignes de données des exports (hors en-têtes).")
row[2].metric("Lignes rejetées", fmt.number(outcome["rejected"]), border=True,
              help="Lignes refusées (valeur obligatoire manquante, date invalide — attendu "
                   "JJ/MM/AAAA ou AAAA-MM-JJ —, prospect inconnu…) : elles ne comptent dans "
                   "aucun chiffre. Détail et correction plus bas.")
row[3].metric("Avertissements", fmt.number(outcome["warnings"]), border=True,
              help="Ce qui a été gardé ou ignoré autrement que prévu par le contrat d'export "
                   "(canal inconnu, colonne ignorée, fusion…). Détail plus bas.")

# widths that keep the row counts and their check in view on a projector (1280 px); a
# file's name whole on one line: « contacts_campagnes_2023-02.csv » in 215 px, the longest
# name read at 7.2 px a character (« contacts_campagnes_web_2025-01.c » was cut, the counts
# beside it with room to spare), at most 280 px: the other columns take 537 of the 820 a
# projector's page has (at 380, « Contrôle » went off screen)
files = quality.files_table(version)
# (7.2, not widgets.CHAR_PX's 6.1 for a table's mixed text: a name of underscores and
# lower-case letters lost its last character at 6.1)
FILE_WIDTH = min(280, max(215, round(7.2 * max(map(len, files["Fichier"]), default=0)
                                     + widgets.CELL_PADDING_PX)))
RECONCILED = "Lues = acceptées + rejetées + doublons"
row_counts = {
    "Lues": st.column_config.NumberColumn(width=60),
    "Acceptées": st.column_config.NumberColumn(width=80),
    "Rejetées": st.column_config.NumberColumn(width=72),
    "Doublons": st.column_config.NumberColumn(width=76),
    "Fusionnées": st.column_config.TextColumn(alignment="right", width=84),
    RECONCILED: st.column_config.TextColumn(
        "Contrôle", width=165, help="✓ quand lues = acceptées + rejetées + doublons"),
}
st.subheader("Fichiers lus, par source")
widgets.table(
    files, "qualite_fichiers.csv",
    download=quality.files_download(version),
    column_config={
        "Fichier": st.column_config.TextColumn(width=FILE_WIDTH),
        "SHA-256 (début)": st.column_config.TextColumn(
            help="12 premiers caractères de l'empreinte SHA-256 du fichier : elle change dès "
                 "que le fichier change."),
        **row_counts,
    },
    column_order=["Fichier", "Lues", "Acceptées", "Rejetées", "Doublons", "Fusionnées",
                  RECONCILED],
)
st.caption(
    "Chaque ligne lue est acceptée, rejetée ou écartée comme doublon (même identifiant : la "
    "plus récente gagne) : contrôle ✓ quand lues = acceptées + rejetées + doublons. "
    "Fusionnées : prospects acceptés réunis à un autre de même email (comptés dans les "
    "acceptées)."
)
with st.expander("Totaux par source"):
    widgets.table(
        quality.sources_table(version), "qualite_sources.csv",
        download=quality.sources_download(version),
        column_config={"Source": st.column_config.TextColumn(width=170),
                       "Fichiers": st.column_config.NumberColumn(width=70), **row_counts},
    )

st.subheader("Lignes rejetées")
counts = quality.reject_counts(version)
left, right, _ = st.columns([1, 1, 1])
widgets.from_url("rejets_source", "rejets_source", counts["sources"], None)
source = left.selectbox(
    "Source", [None, *counts["sources"]], key="rejets_source",
    placeholder="Toutes les sources",
    format_func=lambda s: "Toutes les sources" if s is None else
    f"{quality.source_label(s)} ({fmt.number(counts['sources'][s])})")
widgets.to_url("rejets_source", source)
files = counts["files"].get(source, {}) if source else {}
widgets.from_url("rejets_fichier", "rejets_fichier", files, None)
if st.session_state.rejets_fichier not in files:  # a file of the source chosen before
    st.session_state.rejets_fichier = None
file = right.selectbox(
    "Fichier", [None, *files], key="rejets_fichier", disabled=not source,
    placeholder="Tous les fichiers",
    format_func=lambda f: "Tous les fichiers" if f is None else
    f"{f} ({fmt.number(files[f])})")
widgets.to_url("rejets_fichier", file)
rejects = quality.rejects_table(version, source, file)
if len(rejects):
    # narrow columns whose text wraps (five lines a row), so that « Attendu » shows whole on
    # a projector; a file's name on one line (the grid breaks a word without spaces anywhere:
    # « contacts_campagnes_2023 » then « -02.csv » at 170 px)
    widgets.table(rejects, "qualite_rejets.csv",
                  download=quality.rejects_download(version, source, file),
                  column_config={
                      "Fichier": st.column_config.TextColumn(width=FILE_WIDTH),
                      "Ligne": st.column_config.NumberColumn(format="%d", width=50),
                      "Colonne": st.column_config.TextColumn(width=100),
                      "Valeur": st.column_config.TextColumn(width=110),
                      "Motif": st.column_config.TextColumn(width=110),
                      "Attendu": st.column_config.TextColumn(width=205)},
                  column_order=["Fichier", "Ligne", "Colonne", "Valeur", "Motif", "Attendu"],
                  row_height=102, height=36 + 102 * min(len(rejects), 5) + 3)
    st.caption("Ligne : numéro de la ligne dans le fichier, telle qu'un tableur l'affiche "
               "(l'en-tête est la ligne 1). Une ligne rejetée ne compte dans aucun chiffre. "
               "Corrigez-la dans l'outil d'origine comme l'indique « Attendu » (dates : "
               "JJ/MM/AAAA ou AAAA-MM-JJ), réexportez le fichier dans le dossier des exports et "
               "relancez la construction : elle sera reprise.")
else:
    st.info("Aucune ligne rejetée" + (" pour cette sélection." if source else "."))

st.subheader("Avertissements")
kinds = quality.warning_kinds_table(version)
widgets.table(
    kinds, "qualite_types_avertissements.csv",
    column_config={"Type": st.column_config.TextColumn(width=120),
                   "Avertissements": st.column_config.NumberColumn(width=105),
                   "Occurrences": st.column_config.NumberColumn(width=90),
                   "Que faire ?": st.column_config.TextColumn(width=480)},
    row_height=84, height=36 + 84 * len(kinds) + 3,
)
channels = quality.unknown_channels(version)
if len(channels):
    labels = ", ".join(f"« {fmt.plain(label)} » ({fmt.number(n)})"
                       for label, n in zip(channels["label"], channels["occurrences"],
                                           strict=True))
    example = quality.channel_example(list(channels["label"]))
    st.warning(
        f"Libellés de canal inconnus, comptés dans le canal « Autre » : {labels}. Pour les "
        "classer, demandez à la personne qui construit la base d'ajouter chacun à la liste de "
        "son canal dans le fichier `pipelines/channels.toml`, puis de relancer la "
        f"construction (Guide, « Corriger un export »). Par exemple, si « {fmt.plain(example)} "
        "» est un salon, la ligne du canal Salon devient :",
        icon=":material/label:",
    )
    # a TOML string the administrator can paste as is, whatever the label holds
    st.code(f'salon = ["Salon", "Salons", …, {json.dumps(example, ensure_ascii=False)}]',
            language="toml", wrap_lines=True)  # (on a phone, the label to add was cut)
options = quality.warning_kind_options(version)
# every kind by default, and then not in the link
widgets.choices_from_url("avertissements", "avertissements_types", options, list(options))
chosen = st.multiselect("Types d'avertissement", list(options), format_func=options.get,
                        key="avertissements_types", placeholder="Tous les types",
                        select_all=False)
widgets.to_url("avertissements", None if chosen == list(options) else
               widgets.choices_url_text(chosen) or "")
warnings = quality.warnings_table(version, tuple(chosen))
if len(warnings):
    widgets.table(warnings, "qualite_avertissements.csv",
                  download=quality.warnings_download(version, tuple(chosen)),
                  column_config={"Type": st.column_config.TextColumn(width=110),
                                 "Fichier": st.column_config.TextColumn(width=FILE_WIDTH),
                                 "Ligne": st.column_config.TextColumn(alignment="right",
                                                                      width=50),
                                 "Colonne": st.column_config.TextColumn(width=95),
                                 "Valeur": st.column_config.TextColumn(width=105),
                                 "Message": st.column_config.TextColumn(width=215)},
                  column_order=["Type", "Fichier", "Ligne", "Colonne", "Valeur", "Message"],
                  row_height=84, height=36 + 84 * min(len(warnings), 7) + 3)
else:
    st.info("Aucun avertissement.")
