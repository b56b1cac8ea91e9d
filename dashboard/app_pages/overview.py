"""Vue d'ensemble: headline figures against the previous period, the funnel, the monthly trend,
and how fresh and clean the data is."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, fmt, queries

filters: queries.Filters = st.session_state.filters
version = st.session_state.version

st.title("Vue d'ensemble")

info = queries.build_info(version)
status = queries.last_build_status() or {}
if status.get("status") == "failed":
    st.error(
        f"La dernière construction a échoué ({fmt.timestamp(status.get('built_at'))}) : "
        f"{fmt.plain(status.get('message'))} — les chiffres affichés sont ceux de la dernière "
        "base valide.",
        icon=":material/warning:",
    )
elif info["rejected"]:
    st.warning(
        f"{fmt.number(info['rejected'])} ligne(s) des exports ont été rejetées à la dernière "
        "construction.",
        icon=":material/warning:",
    )
if status.get("status") == "failed" or info["rejected"]:
    st.page_link("app_pages/quality.py", label="Voir la qualité des données",
                 icon=":material/fact_check:")

figures = queries.headline(version, filters)
previous_filters = filters.previous()
previous = queries.headline(version, previous_filters) if previous_filters else None


def card(column, label: str, key: str, help_text: str) -> None:
    before = previous[key] if previous else None
    column.metric(label, fmt.number(figures[key]), fmt.delta(figures[key], before),
                  help=help_text, border=True)


row = st.columns(4)
card(row[0], "Foyers suivis", "followed",
     "Foyers (prospects dédoublonnés et fusionnés par email) dont le premier contact tombe "
     "dans la période.")
card(row[1], "Foyers accompagnés", "accompanied",
     "Foyers suivis ayant une date de début d'accompagnement ou une installation.")
card(row[2], "Foyers installés", "installed",
     "Foyers suivis ayant au moins une installation, quelle qu'en soit la date.")
card(row[3], "Personnes installées", "people_installed",
     "Personnes de la première installation de chaque foyer installé (à défaut, taille du "
     "foyer, sinon 1).")
row = st.columns(4)
rate = figures["install_rate"]
previous_rate = previous["install_rate"] if previous else None
row[0].metric(
    "Taux suivi → installé", fmt.percent(rate),
    None if previous_rate is None or rate is None
    else f"{'+' if rate >= previous_rate else ''}{fmt.number((rate - previous_rate) * 100, 1)} pt",
    help=f"{fmt.number(figures['installed'])} installés sur {fmt.number(figures['followed'])} "
         "suivis", border=True)
card(row[1], "Ambassadeurs actifs", "ambassadors_active",
     "Ambassadeurs actifs ayant adhéré au plus tard à la fin de la période.")
card(row[2], "Personnes touchées", "contacts",
     "Personnes distinctes (foyers ou emails) ayant eu un contact de campagne daté dans la "
     "période.")
card(row[3], "Interactions", "interactions", "Contacts de campagne datés dans la période.")
if previous_filters:
    st.caption(f"Évolution par rapport à la période précédente de même durée : du "
               f"{fmt.date(previous_filters.date_from)} au {fmt.date(previous_filters.date_to)}.")

left, right = st.columns([2, 3])
with left:
    st.subheader("Entonnoir")
    steps = queries.funnel(version, filters)
    st.plotly_chart(charts.funnel(steps), config=charts.PLOTLY_CONFIG)
    followed = int(steps["households"].iloc[0])
    st.caption(" · ".join(
        f"{fmt.STAGE_LABELS[stage]} : {fmt.rate(int(n), followed)}"
        for stage, n in zip(steps["stage"][1:], steps["households"][1:], strict=True)
    ) + " des foyers suivis")
with right:
    st.subheader("Nouveaux foyers et installations par mois")
    trend = queries.monthly_trend(version, filters)
    st.plotly_chart(charts.monthly_trend(trend), config=charts.PLOTLY_CONFIG)

st.caption(
    f"Données au {fmt.date(queries.data_date(version))} (dernière date des exports ; "
    f"construction du "
    f"{info['built_at'].strftime('%d/%m/%Y à %H:%M')}, {fmt.number(info['rejected'])} "
    f"ligne(s) rejetée(s), {fmt.number(info['warnings'])} avertissement(s))."
)
