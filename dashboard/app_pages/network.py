"""Suivi du réseau accueil: households by current stage and the time spent in it, and the
accompanied households without news for too long."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, fmt, queries, tables, widgets
from pipelines import config, french, metrics

filters = st.session_state.filters
version = st.session_state.version
refs = queries.reference(version)
STALLED_AFTER_DAYS = metrics.DEFAULTS["after_days"]
data_date = queries.data_date(version)

widgets.page_title("Suivi du réseau accueil")
st.caption(
    f"Situation au {fmt.date(data_date)} (date des données) des foyers dont le premier "
    "contact tombe dans la période. Temps passé dans l'étape : jours depuis le premier "
    "contact (suivis), le début de l'accompagnement (accompagnés) ou l'installation "
    "(installés). Un dossier marqué « Abandon » dans le CRM reste compté dans son étape."
)

summary = queries.ask(version, "stage_summary", filters)
cards = st.columns(4)
for column, row in zip(cards, summary.itertuples(), strict=False):
    column.metric(
        refs.current_stage_labels[row.stage], fmt.number(row.households), border=True,
        delta=(f"médiane : {fmt.number(row.median_days)} jours dans l'étape"
               if row.households else None),
        delta_color="off", delta_arrow="off",
        help=f"Foyers dont l'étape actuelle est « {row.stage} », et la médiane du temps "
             "passé dans cette étape.")
stalled_card = cards[3].empty()

left, right = st.columns([3, 2])
with left:
    st.subheader("Foyers par étape et temps passé dans l'étape")
    if summary["households"].sum():
        st.plotly_chart(charts.stage_durations(queries.ask(version, "stage_durations", filters),
                                               refs),
                        config=charts.PLOTLY_CONFIG)
    else:  # (an empty chart, its axis from −1 to 1, said nothing)
        st.info(f"{fmt.NO_HOUSEHOLD}.")
with right:
    st.subheader("Foyers accompagnés sans nouvelles")
    # (ten years, or the default when it is longer: a default of 5 000 days past the widget's
    # maximum showed 0, « sans nouvelles depuis plus de 0 jours »)
    longest = max(3650, STALLED_AFTER_DAYS)
    widgets.number_from_url("seuil", "reseau_seuil", STALLED_AFTER_DAYS, 0, longest)
    after_days = st.number_input(
        "Sans installation ni mise à jour depuis plus de (jours)", min_value=0,
        max_value=longest, step=15, key="reseau_seuil",
        help="Un foyer accompagné est « sans nouvelles » quand ni son début "
             "d'accompagnement ni la dernière mise à jour de son dossier ne datent de moins "
             "de ce nombre de jours, et qu'il n'est pas installé. Valeur par défaut : "
             f"{STALLED_AFTER_DAYS} jours.")
    if "OMLOT_STALLED_AFTER_DAYS" in config.SETTING_ERRORS:
        # (the build refuses such a setting; this process only proposes its default here)
        st.caption(f":material/warning: Le seuil proposé d'office sur ce tableau de bord n'est "
                   f"pas un nombre de jours valable : la valeur d'origine, "
                   f"{STALLED_AFTER_DAYS} jours, le remplace.")
    widgets.to_url("seuil", int(after_days))
    stalled = queries.ask_one(version, "stalled_summary", filters, after_days=int(after_days))
    st.markdown(
        # (« accompagnés » alone is the overview's 240, ever accompanied: these are the
        # households in accompaniment now, the « En accompagnement » card's)
        f"**{fmt.number(stalled['stalled'])}** "
        + (f"{fmt.plain(french.plural(stalled['stalled'], 'foyer'))} en accompagnement sur "
           f"{fmt.number(stalled['accompanied'])} "
           f"{french.plural(stalled['stalled'], 'est', 'sont')} sans nouvelles depuis plus de "
           f"{french.days(after_days)}" if stalled["accompanied"] else
           "foyer en accompagnement dans la sélection")
        + (f", dont {fmt.number(stalled['stalled_abandoned'])} au statut « Abandon » dans "
           "le CRM." if stalled["stalled_abandoned"] else ".")
    )
    st.caption("La liste ci-dessous se trie en cliquant sur l'en-tête d'une colonne ; "
               "les plus anciens silences d'abord.")

stalled_card.metric(
    "Accompagnés sans nouvelles", fmt.number(stalled["stalled"]), border=True,
    delta=f"depuis plus de {french.days(after_days)}", delta_color="off",
    delta_arrow="off",
    help="Foyers accompagnés, non installés, sans mise à jour du dossier depuis plus du "
         "seuil choisi ci-dessous.")

households = queries.ask(version, "stalled", filters, after_days=int(after_days))
day_column = st.column_config.NumberColumn(format="%d")
widgets.table(
    tables.stalled_households(households, refs), "foyers_sans_nouvelle.csv",
    download=tables.stalled_households_download(households, refs),
    column_config={"Jours d'accompagnement": day_column, "Jours sans nouvelles": day_column,
                   "Campagne": st.column_config.TextColumn(width="medium")},
    # the figure the list is about next to the file number; the rest in the download
    # (« Abandon » files count among those followed: their status on screen, not only in
    # the download)
    column_order=[tables.HOUSEHOLD_ID, "Jours sans nouvelles", "Statut CRM",
                  "Dernière mise à jour", "Canal", "Campagne"],
    # (a campaign's name on two lines rather than cut: « Salon international de
    # l'agriculture 2020 (Paris) » ended in « 20… » on a projector)
    height=400, row_height=66,
)
st.caption(f"{tables.HOUSEHOLD_ID} : pour retrouver le foyer dans le CRM ; ni nom, ni email, "
           "ni téléphone ne sont affichés ou téléchargés.")
