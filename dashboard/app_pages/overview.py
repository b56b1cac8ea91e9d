"""Vue d'ensemble: headline figures against a comparison window (metrics.comparison), the
funnel, the monthly trend, and how fresh and clean the data is."""

from __future__ import annotations

import streamlit as st

from dashboard import bilans, charts, fmt, help, queries, tables, widgets
from pipelines import french, guard, metrics

filters: queries.Filters = st.session_state.filters
version = st.session_state.version
refs = queries.reference(version)

widgets.page_title("Vue d'ensemble")
bilans.programme_button(version, filters)

info = queries.ask_one(version, "build")
status = queries.last_build_status(version) or {}
if status.get("status") == "failed":
    st.error(
        # (the message last: it ends on its own full stop, « … « Canal ». — les chiffres »)
        f"La dernière construction a échoué ({fmt.timestamp(status.get('built_at'))}) : les "
        "chiffres affichés sont ceux de la dernière base valide. Cause : "
        f"{fmt.plain(status.get('message'))}",
        icon=":material/warning:",
    )
elif info["rejected"]:
    # (a file that lost most of its rows said by name: a prospects export re-saved with
    # two-digit years lost 241 of its 407 rows under « 308 lignes … ont été rejetées »)
    mostly = queries.ask(version, "mostly_rejected_files")
    st.warning(
        (f"{fmt.counted(info['rejected'], 'ligne', 'lignes')} des exports "
         + ("a été rejetée" if info["rejected"] < 2 else "ont été rejetées")
         + " à la dernière construction."
         # (as the build prints them)
         + "".join(f" {fmt.plain(guard.mostly_rejected(row))}"
                   for row in mostly.to_dict("records"))),
        icon=":material/warning:",
    )
if status.get("status") == "failed" or info["rejected"]:
    st.page_link("app_pages/quality.py", label="Voir la qualité des données",
                 icon=":material/fact_check:")

# Compared with the previous calendar year for a year, the same dates one year before for a
# season or a custom period; the previous period of the same length only when asked.
COMPARE = {"year_before": "Un an plus tôt", "previous_period": "Période précédente"}
rule = None
bounds = queries.ask_one(version, "period_bounds")
first_date, last_date = bounds["first_date"], bounds["last_date"]
# a period after the exports' last first contact is not covered yet (its « -100 % » in red
# read as a collapse): metrics.comparison gives none, the page says why and offers no choice
beyond = bool(filters.date_from and last_date and filters.date_from > last_date)
# (for a calendar year both choices are the year before: the control did nothing)
if (filters.date_from and filters.date_to and not metrics.is_calendar_year(filters)
        and not beyond):
    widgets.from_url("comparaison", "comparaison", COMPARE, "year_before")
    rule = st.segmented_control(
        "Comparer avec", list(COMPARE), format_func=COMPARE.get,
        key="comparaison", help="Une année est comparée à l'année civile précédente, une "
        "saison ou une période personnalisée aux mêmes dates un an plus tôt ; « Période "
        "précédente » : la période de même durée juste avant.") or "year_before"
    widgets.to_url("comparaison", rule)
window = metrics.comparison(filters, "previous_period" if rule == "previous_period" else None,
                            first_date=first_date, last_date=last_date)


def figures_of(selection: queries.Filters) -> dict:
    return {**queries.ask_one(version, "headline", selection),
            **queries.ask_one(version, "ambassadors", selection),
            **queries.ask_one(version, "reach", selection),
            "horizon": queries.ask_one(version, "cohort_horizon", selection)}


figures = figures_of(filters)
previous = figures_of(window.filters) if window else None
# cohorts that have not all had 12 months to install still gain installations: the change of
# what they installed is shown in grey and said to be provisional, never as a fall (2023's
# « Foyers installés » was compared with 2022's, a year older)
incomplete = metrics.installations_provisional(figures["horizon"],
                                              previous and previous["horizon"])


def card(column, label: str, key: str, help_text: str) -> None:
    moved = metrics.change(figures[key], previous[key]) if previous else None
    # (written as the bilan writes it, « −3 (−37,5 %) »; grey and said provisional for a
    # cohort still installing)
    change = fmt.delta(moved and moved["difference"],
                       moved and french.change(moved["difference"], moved["relative"]),
                       provisional=key in metrics.STILL_INSTALLING and incomplete)
    column.metric(label, fmt.number(figures[key]), **change, help=help_text, border=True)


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
rate = figures["installed_rate"]
# (the rate's change likewise)
points = metrics.point_change(rate, previous["installed_rate"]) if previous else None
row[0].metric(
    metrics.INSTALLED_RATE_NAME, fmt.share(rate),
    **fmt.delta(points, None if points is None else french.points(points), incomplete),
    help=f"{fmt.rate(rate, base=True)}."
         + (f" Provisoire : les foyers contactés après le "
            f"{fmt.date(figures['horizon']['complete_until'])} n'ont pas encore eu 12 mois "
            "pour s'installer." if incomplete else ""),
    border=True)
card(row[1], "Ambassadeurs actifs", "ambassadors_active", help.ACTIVE_AMBASSADORS)
# (under a campaign filter they count that campaign's contacts, whoever they reached: « Foyers
# suivis 4 » beside « Personnes touchées 65 » read as a contradiction, « (sans campagne) » as
# households never contacted)
TOUCHES_OF = (" Avec un filtre de campagne : les contacts de ces campagnes, quelle que soit la "
              "personne touchée (aucun pour « sans campagne »), pas ceux des foyers choisis.")
card(row[2], "Personnes touchées", "contacts",
     "Personnes distinctes (foyers ou emails) ayant eu un contact de campagne daté dans la "
     "période." + (TOUCHES_OF if filters.campaigns else ""))
card(row[3], "Interactions", "interactions", "Contacts de campagne datés dans la période."
     + (TOUCHES_OF if filters.campaigns else ""))
if beyond:
    st.caption("Pas d'évolution affichée : la période commence après le dernier premier "
               f"contact des exports ({fmt.date(last_date)}).")
elif filters.date_from and filters.date_to and not window:
    st.caption(f"Pas d'évolution affichée : la période de comparaison commencerait avant le "
               f"mois du premier contact du programme ({fmt.date(first_date)}).")
if window and metrics.first_contacts_stop_within(filters, last_date):
    st.caption(f"Les premiers contacts des exports s'arrêtent au {fmt.date(last_date)}, avant "
               "la fin de la période : ses foyers sont comparés à ceux d'une période de "
               "comparaison entière, l'évolution paraît donc en baisse.")
if window:
    # (french.period: one day reads « le 15/06/2023 », not « du 15/06/2023 au 15/06/2023 »)
    st.caption(f"Évolution par rapport {french.to_the(window.name)} : "
               f"{french.period(window.filters.date_from, window.filters.date_to)}.")
if incomplete and window:
    st.caption(
        f"{metrics.INSTALLED_RATE_NAME} provisoire : les foyers contactés après le "
        f"{fmt.date(figures['horizon']['complete_until'])} n'ont pas encore eu 12 mois pour "
        f"s'installer (données au {fmt.date(figures['horizon']['data_date'])}) ; son "
        "évolution n'est pas une baisse.")

# The year's objectives (pipelines/targets.toml), read at the period's end, never after the
# data date: done since 1 January against the value expected that day.
data_day = queries.data_date(version)
as_of = metrics.objectives_day(filters.date_to, data_day)
progress = queries.target_progress(version, as_of)
objectives = [row for row in progress if not row["channel"] and not row["campaign_code"]]
# (the bilan lists them all: the page showed four objectives where it said « 6 sur 7 »)
scoped = [row for row in progress if row["channel"] or row["campaign_code"]]
if objectives:
    st.subheader(f"Objectifs {as_of.year}")
    columns = st.columns(len(objectives))
    for column, row in zip(columns, objectives, strict=True):
        gap = row["actual"] - row["expected"]
        # (ambassadors are no households contacted: « réalisé par les foyers contactés »
        # read wrong on their card)
        done = (f"Réalisé : taille du réseau au {fmt.date(as_of)}"
                if row["measure"] == "ambassadors" else
                f"Réalisé par les foyers contactés du {fmt.date(row['year_start'])} au "
                f"{fmt.date(as_of)}")
        # (the gap as the bilan writes it, « −7 », red when behind)
        column.metric(
            f"{row['label']} : objectif {fmt.number(row['target'])}",
            fmt.number(row["actual"]),
            **fmt.delta(gap, f"{french.signed(gap)} · {metrics.STANDINGS[row['standing']]}"),
            help=f"{done} ; attendu au {fmt.date(as_of)} : {fmt.number(row['expected'])} "
                 "(objectif de l'année au prorata des jours écoulés ; d'une campagne, de ses "
                 "jours dans l'année ; pour les ambassadeurs, "
                 "depuis la taille du réseau au 1er janvier). Les objectifs sont ceux du "
                 "fichier des objectifs du programme (voir le Guide).",
            border=True)
    # (« au 31/12/2023 : réalisé depuis le 1er janvier » read as installations of 2023, when
    # the cards count the year's households installed at any date, some in 2025)
    if scoped:
        with st.expander(f"Objectifs {as_of.year} des canaux et des campagnes ({len(scoped)})"):
            # (widths that hold « non atteint » at 1280 px: it showed « non attei »)
            widgets.table(tables.scoped_objectives(scoped, refs, queries.ask(
                version, "campaign_options")), f"objectifs_{as_of.year}.csv", row_height=66,
                column_config={
                    "Objectif": st.column_config.TextColumn(width=255),
                    "Situation": st.column_config.TextColumn(width=125),
                    # (« Objectif de l'a » at 85 px)
                    "Objectif de l'année": st.column_config.NumberColumn(width=135),
                    **{name: st.column_config.NumberColumn(width=80) for name in (
                        "Attendu", "Réalisé", "Écart")}})
            st.caption(f"Attendu : au {fmt.date(as_of)}, comme les objectifs du programme "
                       "ci-dessus.")
    st.caption(metrics.objectives_scope(as_of, data_day) + (
        " Les objectifs portent sur tout le programme : ils ne suivent pas le filtre des "
        "canaux et des campagnes." if filters.channels or filters.campaigns else ""))

if not figures["followed"]:
    # (an empty funnel and a monthly chart with axes from -1 to 6 said nothing)
    # (the exports' range only when the selection lies outside it: 14/07/2023 was told « les
    # premiers contacts des exports vont du 04/01/2020 au 27/11/2024 », as if it were out)
    outside = metrics.outside_first_contacts(filters, first_date, last_date)
    st.info(fmt.NO_HOUSEHOLD
            + (f" : les premiers contacts des exports vont du {fmt.date(first_date)} au "
               f"{fmt.date(last_date)}." if outside else "."))
else:
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Entonnoir")
        steps = queries.ask(version, "funnel", filters)
        st.plotly_chart(charts.funnel(steps, refs), config=charts.PLOTLY_CONFIG)
        st.caption(" · ".join(
            f"{refs.stage_labels[stage]} : {fmt.rate(rate, base=True)}"
            for stage, rate in zip(steps["stage"][1:], steps["rate_of_followed"][1:],
                                   strict=True)
        ))
    with right:
        st.subheader("Nouveaux foyers et installations par mois")
        trend = queries.ask(version, "monthly", filters)
        st.plotly_chart(charts.monthly_trend(trend), config=charts.PLOTLY_CONFIG)

st.caption(
    f"Données au {fmt.date(queries.data_date(version))} (dernière date des exports ; "
    f"construction du "
    f"{info['built_at'].strftime('%d/%m/%Y à %H:%M')}, "
    f"{fmt.counted(info['rejected'], 'ligne rejetée', 'lignes rejetées')}, "
    f"{fmt.counted(info['warnings'], 'avertissement', 'avertissements')})."
)
