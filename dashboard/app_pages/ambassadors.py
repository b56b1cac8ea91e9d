"""Ambassadeurs: the network's growth and make-up, its active share, and how the households
referred by an ambassador convert compared with the others."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, fmt, help, queries, tables, widgets
from pipelines.metrics import INSTALLED_RATE_NAME

filters = st.session_state.filters
version = st.session_state.version
refs = queries.reference(version)

widgets.page_title("Ambassadeurs")
data_date = queries.data_date(version)
# (a period past the data: « au plus tard le 31/12/2030 » where the data stop at 30/06/2025)
end = (f"au plus tard le {fmt.date(filters.date_to)} (fin de la période)"
       if filters.date_to and filters.date_to <= data_date else
       f"au plus tard le {fmt.date(data_date)} (date des données)" if filters.date_to
       else "depuis le début du programme")
st.caption(
    f"Réseau : ambassadeurs ayant adhéré {end} ; le filtre de canaux ne s'applique pas au "
    "réseau. Foyers parrainés : foyers de la sélection dont le dossier nomme un ambassadeur."
)

network = queries.ask_one(version, "ambassadors", filters)
referral = queries.ask(version, "referrals", filters)
referred, others = referral.itertuples()
cards = st.columns(4)
cards[0].metric("Ambassadeurs", fmt.number(network["ambassadors"]), border=True,
                delta=(f"dont {fmt.counted(network['joined'], 'adhésion', 'adhésions')} "
                       "dans la période"
                       if filters.date_from else
                       f"premières adhésions en {fmt.month(network['first_joined_date'])}"
                       if network["first_joined_date"] else None),
                delta_color="off", delta_arrow="off",
                help="Ambassadeurs (tous statuts) ayant adhéré au plus tard à la fin de la "
                     "période.")
cards[1].metric("Ambassadeurs actifs", fmt.number(network["ambassadors_active"]),
                border=True, delta=f"{fmt.rate(network['active_rate'])} du réseau",
                delta_color="off", delta_arrow="off",
                help=help.ACTIVE_AMBASSADORS)
cards[2].metric("Foyers parrainés", fmt.number(referred.followed), border=True,
                delta=f"{fmt.rate(referred.share_of_followed)} des foyers suivis",
                delta_color="off", delta_arrow="off",
                help="Foyers suivis de la sélection dont le dossier nomme un ambassadeur.")
cards[3].metric("Installés parmi les parrainés",
                fmt.share(referred.installed_rate), border=True,
                delta=f"{fmt.number(referred.installed)} / {fmt.number(referred.followed)} · "
                      f"autres foyers : {fmt.rate(others.installed_rate)}",
                delta_color="off", delta_arrow="off",
                help="Part des foyers parrainés installés, à comparer à celle des autres "
                     "foyers de la sélection.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Taille du réseau")
    growth = queries.ask(version, "ambassador_growth", filters)
    if growth.empty:
        st.info("Aucun ambassadeur n'avait adhéré à la fin de la période.")
    else:
        st.plotly_chart(charts.ambassador_growth(growth, refs, filters.date_from),
                        config=charts.PLOTLY_CONFIG)
        st.caption("Adhésions cumulées à la fin de chaque mois, par type ; un ambassadeur "
                   "devenu inactif reste compté.")
with right:
    st.subheader("Par type")
    by_type = queries.ask(version, "ambassadors_by_type", filters)
    widgets.table(
        tables.ambassadors_by_type(by_type), "ambassadeurs_par_type.csv",
        download=tables.ambassadors_by_type_download(by_type),
        column_config={"Ambassadeurs": st.column_config.NumberColumn(format="%d")},
    )

st.subheader("Les foyers parrainés se convertissent-ils mieux ?")
# the table the wider: its three columns in view on a projector (1280 px)
left, right = st.columns([2, 3])
with left:
    if referred.followed or others.followed:
        st.plotly_chart(charts.referral_conversion(referral, refs),
                        config=charts.PLOTLY_CONFIG)
    else:  # (an empty chart from 0 to 10 %, without a word)
        st.info(f"{fmt.NO_HOUSEHOLD}.")
with right:
    widgets.table(
        tables.referral_conversion(referral), "parraines_vs_autres.csv",
        download=tables.referral_conversion_download(referral),
        column_config={"Suivis": st.column_config.NumberColumn(format="%d"),
                       "Foyers": st.column_config.TextColumn(width=185),
                       INSTALLED_RATE_NAME: st.column_config.TextColumn(width=145),
                       "Délai médian (jours)": st.column_config.NumberColumn(format="%d",
                                                                            width=145)},
        # the rates are in the chart beside; the median delay the caption explains stays
        column_order=["Foyers", INSTALLED_RATE_NAME, "Délai médian (jours)"],
    )
    st.caption("Délai médian : jours entre le premier contact et l'installation, foyers "
               "installés seulement.")
    st.markdown("**Foyers parrainés par type d'ambassadeur**")
    by_sponsor = queries.ask(version, "referrals_by_ambassador_type", filters)
    widgets.table(
        tables.referrals_by_ambassador_type(by_sponsor), "parraines_par_type.csv",
        download=tables.referrals_by_ambassador_type_download(by_sponsor),
        column_config={"Foyers parrainés": st.column_config.NumberColumn(format="%d")},
    )
