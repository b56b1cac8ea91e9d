"""Entonnoir par source: the funnel by channel, the drill-down channel -> campaign -> households,
conversion of each quarter's cohort, time to install and the 3/6/12-month cohort table."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, fmt, queries, tables, widgets
from pipelines import metrics

filters = st.session_state.filters
version = st.session_state.version
refs = queries.reference(version)
data_date = queries.data_date(version)

widgets.page_title("Entonnoir par source")
st.caption(
    "Foyers dont le premier contact tombe dans la période (cohortes), par canal d'origine ; "
    "leurs accompagnements et installations comptent quelle qu'en soit la date. Taux : part "
    f"des foyers suivis du canal. Durées calculées au {fmt.date(data_date)} (date des "
    "données)."
)

by_channel = queries.ask(version, "by_channel", filters)
if not by_channel["followed"].sum():
    # (a chart of zeros with « 0 » and « – » over each other and « 0 foyers suivis,
    # accompagnés – »: a period with no household says so)
    st.info(f"{fmt.NO_HOUSEHOLD}.")
    st.stop()
left, right = st.columns([11, 9])
with left:
    st.subheader("Suivis, accompagnés, installés par canal")
    st.plotly_chart(charts.channel_funnel(by_channel, refs), config=charts.PLOTLY_CONFIG)
with right:
    st.subheader("Taux par canal")
    widgets.table(
        tables.channel_funnel(by_channel, refs), "entonnoir_par_canal.csv",
        download=tables.channel_funnel_download(by_channel, refs),
        column_config={name: st.column_config.NumberColumn(format="%d")
                       for name in ("Suivis", "Accompagnés", "Installés")},
        # the accompanied are in the chart beside and in the download
        column_order=["Canal", "Suivis", "Installés", metrics.INSTALLED_RATE_NAME],
    )
    figures = queries.ask_one(version, "headline", filters)
    st.caption(
        f"Ensemble : {fmt.counted(figures['followed'], 'foyer suivi', 'foyers suivis')}, "
        "accompagnés "
        f"{fmt.rate(figures['accompanied_rate'])}, installés "
        f"{fmt.rate(figures['installed_rate'])}."
    )

drill, over_time, delays, horizons = st.tabs(
    ["Détail : canal → campagne → foyers", "Conversion par trimestre",
     "Délai d'installation", "Cohortes à 3, 6 et 12 mois"])

with drill:
    followed_by_channel = dict(zip(by_channel["channel"], by_channel["followed"], strict=True))
    pick_channel, pick_campaign = st.columns([1, 2])
    # (the first channel with households: « Salons — 0 foyer » opened on « Aucun foyer »)
    widgets.from_url("detail_canal", "entonnoir_canal", followed_by_channel,
                     next((c for c, n in followed_by_channel.items() if n),
                          next(iter(followed_by_channel), None)))
    channel = pick_channel.selectbox(
        "Canal", list(followed_by_channel), key="entonnoir_canal", placeholder="Choisir un canal",
        format_func=lambda c: f"{refs.channel(c)} — "
                              f"{fmt.counted(followed_by_channel[c], 'foyer', 'foyers')}")
    widgets.to_url("detail_canal", channel)
    campaigns = queries.ask(version, "by_campaign", filters, channel=channel)
    if campaigns.empty:
        st.info(f"Aucun foyer du canal « {fmt.plain(refs.channel(channel))} » dans la "
                "sélection.")
    else:
        # households with no campaign are a choice too (NO_CAMPAIGN), shown by their label
        campaigns["campaign_code"] = campaigns["campaign_code"].fillna(queries.NO_CAMPAIGN)
        campaigns["campaign_label"] = campaigns["campaign_label"].fillna(
            queries.NO_CAMPAIGN_LABEL)
        by_code = {row.campaign_code: row for row in campaigns.itertuples()}
        # « no campaign » is "" in the selection, NO_CAMPAIGN_PARAM in the URL
        as_param = lambda c: c or widgets.NO_CAMPAIGN_PARAM  # noqa: E731
        widgets.from_url("detail_campagne", f"entonnoir_campagne_{channel}", by_code,
                         next(iter(by_code)), to_text=as_param)
        campaign = pick_campaign.selectbox(
            "Campagne d'origine du foyer", list(by_code), key=f"entonnoir_campagne_{channel}",
            placeholder="Choisir une campagne",
            format_func=lambda c: f"{by_code[c].campaign_label} — "
                                  f"{fmt.counted(by_code[c].followed, 'foyer', 'foyers')}")
        widgets.to_url("detail_campagne", campaign, to_text=as_param)
        chosen = by_code[campaign]
        households = queries.ask(version, "households", filters, channel=channel,
                                 campaign=campaign)
        st.markdown(
            f"**{fmt.plain(chosen.campaign_label)}**"
            f"{f' ({fmt.plain(campaign)})' if campaign else ''} : "
            f"{fmt.counted(chosen.followed, 'foyer suivi', 'foyers suivis')}, accompagnés "
            f"{fmt.rate(chosen.accompanied_rate)}, installés {fmt.rate(chosen.installed_rate)}."
        )
        widgets.table(
            tables.channel_campaign_households(households),
            f"foyers_{campaign or 'sans_campagne'}.csv",
            download=tables.channel_campaign_households_download(households),
            column_config={
                "Jours jusqu'à l'installation": st.column_config.NumberColumn(format="%d")},
            column_order=[tables.HOUSEHOLD_ID, "Étape", "Premier contact", "Installation",
                          "Commune d'installation", "Jours jusqu'à l'installation"],
        )
        st.caption(f"{tables.HOUSEHOLD_ID} : pour retrouver le foyer dans le CRM ; ni nom, ni "
                   "email, ni téléphone ne sont affichés ou téléchargés.")

with over_time:
    cohorts = queries.ask(version, "cohorts", filters)
    if cohorts.empty:
        st.info("Aucun foyer dans la sélection.")
    else:
        st.plotly_chart(charts.quarterly_install_rate(cohorts), config=charts.PLOTLY_CONFIG,
                        key="conversion-trimestres")
        st.caption(
            "Part des foyers de chaque trimestre de premier contact installés à ce jour (l'année "
            "est écrite sous son premier trimestre ; le survol nomme chaque trimestre). Une "
            "cohorte est « trop récente » tant que son dernier jour a moins de 12 mois au "
            f"{fmt.date(data_date)} : son taux va encore monter."
        )

with delays:
    summary = queries.ask(version, "install_delay_by_channel", filters)
    # the table under the chart, not beside it: in two fifths of a projector's width its
    # header read « Médian… » (and on a phone « Médiane (jour », the medians' last digit cut)
    points = queries.ask(version, "install_delays", filters)
    if points.empty:
        st.info("Aucun foyer installé dans la sélection.")
    else:
        st.plotly_chart(charts.install_delay_box(summary, points, refs),
                        config=charts.PLOTLY_CONFIG)
    widgets.table(
        tables.install_delays(summary, refs), "delai_installation.csv",
        download=tables.install_delays_download(summary, refs),
        # (four columns within a phone's 358 px)
        column_config={"Canal": st.column_config.TextColumn(width=100),
                       "Installés": st.column_config.NumberColumn(format="%d", width=65),
                       "Médiane (j)": st.column_config.NumberColumn(format="%d", width=75),
                       "Moitié entre (j)": st.column_config.TextColumn(
                           alignment="right", width=115)},
    )
    st.caption("Jours entre le premier contact et la première installation du foyer : la "
               "médiane, et les jours entre lesquels s'installe la moitié des foyers (1er et "
               "3e quartiles, la boîte du graphique, ses moustaches allant du plus court au "
               "plus long ; le téléchargement les donne en colonnes)."
               + (" Chaque point est un foyer." if charts.draws_points(points) else ""))

with horizons:
    cohort_rows = queries.ask(version, "cohorts", filters)
    table = tables.install_cohorts(cohort_rows)
    widgets.table(
        table, "cohortes_installation.csv", height=760,  # (no taller than its rows)
        download=tables.install_cohorts_download(cohort_rows),
        column_config={"Trimestre": st.column_config.TextColumn(
                           width=80, help="Trimestre de premier contact des foyers"),
                       "Nouveaux foyers": st.column_config.NumberColumn(format="%d", width=120),
                       **{f"Installés {horizon}": st.column_config.TextColumn(width=140)
                          for horizon in ("sous 3 mois", "sous 6 mois", "sous 12 mois",
                                          "à ce jour")}},
    )
    st.caption(
        "Part des nouveaux foyers de chaque trimestre installés dans les 3, 6 et 12 mois "
        "suivant leur premier contact. Case vide : délai pas encore atteint par tous les "
        f"foyers du trimestre au {fmt.date(data_date)}."
    )
