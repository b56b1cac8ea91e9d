"""Campagnes: which campaigns bring households that settle, at what cost, and how much the
answer depends on the attribution model."""

from __future__ import annotations

import streamlit as st

from dashboard import bilans, charts, fmt, help, queries, tables, widgets
from pipelines.metrics import BUDGET_PART

filters: queries.Filters = st.session_state.filters
version = st.session_state.version
refs = queries.reference(version)

widgets.page_title("Campagnes")

metrics = queries.ask(version, "campaign_metrics", filters)
unexplained = queries.ask_one(version, "unexplained_conversions", filters)

models = list(refs.models)
widgets.from_url("modele", "modele", models, "linear" if "linear" in models else models[0])
model = st.radio(
    "Modèle d'attribution des coûts", models,
    format_func=refs.models.get, horizontal=True, key="modele",
    help=help.models_help(refs),
)
widgets.to_url("modele", model)
known = metrics[metrics["is_known_campaign"]]
# (the cards on their own row: beside the models' choice, « 85,1 k€ » broke after its « k »
# at 1280 px)
top = st.columns(3)
budgets = queries.ask_one(version, "campaign_budget", filters)
budget = budgets["budget_eur"]
filtered = bool(filters.date_from or filters.date_to or filters.channels or filters.campaigns)
if not budgets["campaigns"]:
    # (a campaigns export without budgets said « 0 € », read as nothing spent)
    shown_budget, budget_help = "–", (
        "Aucun budget de campagne dans la sélection" if filtered else
        "Aucun budget dans l'export des campagnes (colonne absente ou vide : voir la page "
        "Qualité des données)") + " : pas de coût calculé."
elif filtered:
    shown_budget, budget_help = fmt.compact_euros(budget), (
        f"{fmt.euros(budget)} : la part des budgets que la sélection compte ({BUDGET_PART}).")
else:
    shown_budget, budget_help = fmt.compact_euros(budget), (
        f"{fmt.euros(budget)} : toutes les campagnes, sur toute leur durée.")
top[0].metric("Budget des campagnes" + (" (sélection)" if filtered else ""), shown_budget,
              border=True, help=budget_help)
# (« sans contact » read as « no contact at all », where most had one, earlier than the
# attribution window: an installation comes a year or more after the first contact); the
# words agree with the count (« 1 foyer … avant leur premier contact : crédités » read wrong)
followed_out = unexplained["followed_unexplained"]
credited = ("" if not followed_out else " : " + fmt.plural_of(
    followed_out, "crédité à sa", "crédités à leur") + " propre campagne (ou « non attribué »)")
followed_help = (
    "Aucun foyer suivi dans la sélection." if not unexplained["followed"] else
    f"{fmt.counted(followed_out, 'foyer', 'foyers')} sur {fmt.number(unexplained['followed'])}"
    " sans contact de campagne " + help.window_before(
        refs, fmt.plural_of(followed_out, "son premier contact", "leur premier contact"))
    + credited + ".")
installed_out = unexplained["installed_unexplained"]
credited = ("" if not installed_out else " " + fmt.plural_of(
    installed_out, "(elle a pu en avoir plus tôt) : créditée",
    "(beaucoup en ont eu plus tôt) : créditées") + " à la campagne du foyer (ou « non "
    "attribué »)")
installed_help = (
    "Aucune installation dans la sélection." if not unexplained["installed"] else
    f"{fmt.counted(installed_out, 'installation', 'installations')} sur "
    f"{fmt.number(unexplained['installed'])} sans contact de campagne "
    + help.window_before(refs, "l'installation") + credited + ".")
top[1].metric("Suivis sans contact récent", fmt.share(unexplained["followed_unexplained_rate"]),
              help=followed_help, border=True)
top[2].metric("Installations sans contact récent",
              fmt.share(unexplained["installed_unexplained_rate"]), help=installed_help,
              border=True)

# the campaigns that bring the most installations under the model first, then households
# followed; those with nothing in the selection last, in the calendar's order (over summer
# 2023, the 2020–2022 campaigns came first, at 0)
# (« non attribué » stays last: it is no campaign); ranked on the figures as shown, so that
# two campaigns shown with the same installations read in the order of their households
ranked = metrics.assign(
    _last=metrics["campaign_code"] == "unattributed",
    _installed=tables.as_written(metrics[f"installed_{model}"], 1),
    _followed=tables.as_written(metrics[f"followed_{model}"], 1),
).sort_values(["_last", "_installed", "_followed"], ascending=[True, False, False],
              kind="stable").drop(columns=["_last", "_installed", "_followed"])
table = tables.campaigns(ranked, model, refs)
euro = st.column_config.NumberColumn(format="euro")
count = st.column_config.NumberColumn(format="localized")
# (credits are shares of households: one decimal even when a selection's are whole, « 3 » in
# a table under a card of « 3,0 »)
CREDIT = "%.1f"
credit = st.column_config.NumberColumn(format=CREDIT)
# (a selection without contact, household nor budget drew every campaign at 0, the rows of
# sixteen zeros a committee reader read as results)
nothing = not (ranked["touches"].any() or ranked[f"followed_{model}"].any()
               or ranked["budget_selected_eur"].notna().any())
if nothing:
    st.info("Aucun contact de campagne, aucun foyer et aucun budget dans la sélection : pas de "
            "tableau des campagnes.")
else:
    # five columns in view on a projector (1280 px): a long campaign name wraps on two lines
    widgets.table(table, "campagnes.csv", height=500, row_height=66,
                  download=tables.campaigns_download(ranked, model, refs), column_config={
        "Début": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Fin": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "Coût par foyer suivi (€)": euro,
        "Part devenue foyer": st.column_config.NumberColumn(format="percent"),
        **{name: count for name in (
            "Interactions", "Personnes touchées", "Interactions anonymes", "Devenues foyers")},
        "Campagne": st.column_config.TextColumn(width=265),
        "Budget (€)": st.column_config.NumberColumn(
            format="euro", width=90, help="Le budget que la sélection compte : " + BUDGET_PART
            + " ; le budget entier est dans les téléchargements."),
        "Installations attribuées": st.column_config.NumberColumn(width=150, format=CREDIT),
        "Coût par installation (€)": st.column_config.NumberColumn(format="euro", width=160),
        "Foyers suivis attribués": st.column_config.NumberColumn(width=145, format=CREDIT),
    }, column_order=["Campagne", "Budget (€)", "Installations attribuées",
                     "Coût par installation (€)", "Foyers suivis attribués"])
    # (the cost per household followed is in the downloads: on a projector, five columns fit)
    st.caption(
        "Crédits : chaque foyer compte pour 1, partagé entre les campagnes de ses contacts selon "
        "le modèle choisi ; l'écart entre les cinq modèles («\u00a0min–max\u00a0») est dans les "
        "téléchargements. Coût = budget ÷ "
        "crédits de la sélection (période = cohortes de premier contact). Une campagne qui touche "
        "des foyers déjà suivis peut avoir plus d'installations que de foyers suivis attribués : "
        "un contact compte pour l'installation qu'il précède, pas pour un premier contact passé."
        + (" Budget de la sélection : " + BUDGET_PART + "." if filtered else "")
        # (under a campaign filter, rows of other campaigns with credits and no budget puzzled a
        # committee reader)
        + (" Avec un filtre de campagne : les contacts de ces campagnes, et les crédits des foyers "
           "dont le dossier les cite, quelle que soit la campagne créditée (une autre campagne qui "
           "les a touchés en reçoit, sans budget compté)." if filters.campaigns else "")
    )

st.subheader("Les modèles d'attribution côte à côte")
widgets.from_url("conversion", "conversion", ["installed", "followed"], "installed")
conversion = st.segmented_control(
    "Conversion", ["installed", "followed"], key="conversion",
    format_func={"installed": "Installations", "followed": "Foyers suivis"}.get,
) or "installed"
widgets.to_url("conversion", conversion)
ranked = charts.credited(metrics, conversion, refs)
credited = len(ranked)
if credited:
    st.plotly_chart(charts.models_side_by_side(ranked, conversion, refs),
                    config=charts.PLOTLY_CONFIG)
    st.caption(("Là où les cinq barres d'une campagne sont proches, la réponse ne dépend pas "
                "du modèle ; là où elles divergent, la campagne agit surtout en premier ou en "
                "dernier contact.")
               + (f" Les {charts.MODELS_TOP} lignes les plus créditées (modèle linéaire) sur "
                  f"{fmt.number(credited)}, « Non attribué » compris : toutes sont dans le "
                  "tableau ci-dessus." if credited > charts.MODELS_TOP else ""))
else:  # (an empty plot with an axis from -1 to 6 said nothing)
    st.info("Aucune conversion de la sélection n'est attribuée : rien à comparer entre les "
            "modèles.")

st.subheader("Calendrier des campagnes et nouveaux foyers suivis")
calendar = queries.ask(version, "campaign_calendar", filters)
monthly = queries.ask(version, "monthly", filters)
if len(calendar) or len(monthly):
    st.plotly_chart(
        charts.campaign_timeline(calendar, monthly, refs, (filters.date_from, filters.date_to)),
        config=charts.PLOTLY_CONFIG)
# (under a channel or campaign filter the calendar still shows every campaign: said, with or
# without a period)
every = ("toutes, quels que soient les filtres de canal et de campagne, qui suivent les "
         "foyers." if filters.channels or filters.campaigns else "tous canaux confondus.")
if filters.date_from or filters.date_to:
    # (« de leur début à leur fin » where the bars stop at the period's edges; every channel's,
    # whatever the channel filter, which follows households, not campaigns)
    st.caption(f"{fmt.counted(len(calendar), 'campagne', 'campagnes')} en cours sur la "
               f"période (les barres s'arrêtent à ses bords), {every}"
               if len(calendar) else "Aucune campagne datée ne court sur la période.")
elif len(calendar) and (filters.channels or filters.campaigns):
    st.caption(f"{fmt.counted(len(calendar), 'campagne datée', 'campagnes datées')} : {every}")

st.subheader("Détail d'une campagne")
options = list(known["campaign_code"])
# under a campaign filter, those campaigns (the detail opened on the summer 2023 one whatever
# the filter, its cards at 0 over a chart of its 1 106 contacts)
chosen_codes = [code for code in options if code in filters.campaigns]
options = chosen_codes or options
# under a channel filter, the campaigns of those channels, or with contacts in them (a
# contact's channel is its export's: a campaign without one has some): another's contacts
# are not selected, nor is its budget (the detail of a trade fair under « Tourisme » said
# « Aucun contact de cette campagne dans la période » beside its 470 contacts of the year)
if filters.channels:
    of_channels = set(known.loc[known["channel"].isin(filters.channels)
                                | (known["touches"] > 0), "campaign_code"])
    options = [code for code in options if code in of_channels]
labels = dict(zip(known["campaign_code"], known["campaign_label"], strict=True))
code = None
if filters.campaigns and not chosen_codes:
    # (« sans campagne » alone: no campaign's contact is selected; the detail opened on the
    # summer 2023 campaign and said it had none of its 1 106)
    st.info("Le filtre ne retient que des foyers dont le dossier ne cite aucune campagne : pas "
            "de campagne à détailler. Retirez-le pour voir le détail d'une campagne.")
elif not options and chosen_codes:
    st.info("Les campagnes du filtre ne sont pas des canaux choisis et n'y ont aucun contact : "
            "pas de campagne à détailler. Retirez l'un des deux filtres pour voir le détail d'une "
            "campagne.")
elif not options:
    st.info("Aucune campagne des canaux choisis : pas de campagne à détailler. Retirez le "
            "filtre de canal pour voir le détail d'une campagne.")
else:
    widgets.from_url("campagne", "campagne_detail", options,
                     "TOUR-ETE-2023" if "TOUR-ETE-2023" in options
                     else next(iter(options), None))
    code = st.selectbox("Campagne", options, format_func=lambda c: labels.get(c, c),
                        key="campagne_detail")
    # (a link naming another channel's campaign, or a code these data lack, opened on
    # another one without a word)
    for named in widgets.dropped_from_url("campagne_detail"):
        st.warning(f"Le lien nomme une campagne que ce détail ne propose pas ici (« "
                   f"{fmt.plain(named)} » : inconnue, ou hors des filtres choisis) : il "
                   f"s'ouvre sur « {fmt.plain(labels.get(code, code))} ».",
                   icon=":material/link_off:")
    widgets.to_url("campagne", code)
if code:
    bilans.campaign_button(version, code)
    detail = metrics[metrics["campaign_code"] == code].iloc[0]
    cols = st.columns(4)
    # (named as on the overview and in the bilans: « Contacts » here, « Interactions » there)
    cols[0].metric("Interactions", fmt.number(detail["touches"]), border=True)
    cols[1].metric("Foyers suivis attribués", fmt.number(detail[f"followed_{model}"], 1),
                   border=True)
    cols[2].metric("Installations attribuées", fmt.number(detail[f"installed_{model}"], 1),
                   border=True)
    cols[3].metric("Coût par installation", fmt.euros(detail[f"cost_per_installed_{model}"]),
                   border=True)
    # (a period can show no contact and yet credits: the two do not count the same thing)
    st.caption("Interactions : celles de la campagne datées dans la période. Foyers, "
               "installations et coût : les foyers dont le premier contact tombe dans la "
               "période, crédités "
               "pour leurs contacts avec la campagne, même datés hors de la période."
               # (« Été 2023 » cost 1 250 € without the filter and 1 910 € with it, beside a
               # bilan button saying 1 250 €)
               + (" Avec le filtre de campagne, seuls comptent les foyers dont le dossier cite "
                  "une campagne choisie : le coût y est plus élevé que dans le bilan de la "
                  "campagne, qui compte tous les foyers qu'elle a touchés."
                  if filters.campaigns else ""))
    # the chart, then the households, one under the other: side by side, the chart's legend
    # (contact kinds) and the households' columns were cut on a projector
    touches = queries.ask(version, "campaign_touches", filters, campaign=code)
    if touches.empty:
        st.info("Aucun contact de cette campagne dans la période.")
    else:
        st.plotly_chart(charts.touches_by_week(touches), config=charts.PLOTLY_CONFIG)
    widgets.from_url("foyers", "foyers_campagne", [True, False], True,
                     to_text=lambda own: "crm" if own else "credites")
    own = st.segmented_control(
        "Foyers", [True, False], key="foyers_campagne",
        format_func={True: "Issus de la campagne (CRM)",
                     False: "Crédités par le modèle"}.get,
    )
    own = True if own is None else own
    widgets.to_url("foyers", own, to_text=lambda own: "crm" if own else "credites")
    households = queries.ask(version, "campaign_households", filters, campaign=code,
                             model=model, own=own)
    st.markdown(f"**{fmt.counted(len(households), 'foyer', 'foyers')}** "
                + ("dont le CRM indique cette campagne" if own else
                   f"{fmt.plural_of(len(households), 'crédité', 'crédités')} à cette campagne "
                   f"par le modèle « {refs.models[model]} »")
                # (« ce que chacun a coûté » beside 171 € for a household installed, under a
                # card of 1 718 € per installation: the share is of the cost per household
                # followed)
                + ", et la part du budget de chacun (au prorata de son crédit de foyer "
                  "suivi) :")
    widgets.table(tables.campaign_households(households, refs), f"foyers_{code}.csv",
                  download=tables.campaign_households_download(households, refs),
                  height=320, column_config={
                      "Premier contact": st.column_config.DateColumn(format="DD/MM/YYYY"),
                      "Installation": st.column_config.DateColumn(format="DD/MM/YYYY"),
                      "Part du budget (€)": st.column_config.NumberColumn(
                          format="euro", help="Le budget de la campagne réparti entre les "
                          "foyers de la sélection qu'elle a amenés, au prorata de leur crédit "
                          "(suivi) : le coût par foyer suivi, foyer par foyer."),
                      "Crédit (suivi)": credit,
                      "Crédit (installation)": credit,
                  }, column_order=[tables.HOUSEHOLD_ID, "Étape", "Installation", "Crédit (suivi)",
                                   "Part du budget (€)", "Crédit (installation)"])
