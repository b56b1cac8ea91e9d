"""Territoire: where the households of the selection install (communes and intercommunalities
of the Lot) and where they come from (départements); a place with 1 or 2 installed households
is only shown as « 1 à 2 »."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, fmt, masking, queries, tables, widgets
from pipelines import config

filters: queries.Filters = st.session_state.filters
version = st.session_state.version

MEASURES = {"followed": "Foyers suivis", "installed": "Foyers installés"}

widgets.page_title("Territoire")

summary = queries.ask_one(version, "territory_summary", filters)
communes, epci, elsewhere_state = masking.protect(
    queries.ask(version, "installed_by_commune", filters),
    queries.ask(version, "installed_by_epci", filters),
    summary["installed"], summary["installed_elsewhere"])
origins = queries.ask(version, "origins", filters)
top_epci = masking.leaders(epci)
# every origin at the top when they tie (one of three at 2 was named, and the chart and the
# table each put another first)
most = origins["followed"].max() if len(origins) else 0
top_origins = origins[origins["followed"] == most] if most > 0 else origins.iloc[:0]

row = st.columns(4)
row[0].metric(
    "Foyers installés", fmt.number(summary["installed"]), border=True,
    help="Foyers de la sélection (cohortes de premier contact, canaux, campagnes) ayant une "
         "installation, quelle qu'en soit la date.")
told, some_masked = masking.communes_told(communes)
at_least = "≥\u00a0" if some_masked else ""
row[1].metric(
    "Communes d'installation",
    f"{at_least}{fmt.number(told)} sur {fmt.number(summary['communes'])}" if told or
    not some_masked else masking.MASKED,
    border=True, help="Communes du Lot (COG 2026) où au moins un foyer de la sélection s'est "
                      "installé." + (" Celles d'une intercommunalité de 1 ou 2 foyers sont "
                                     "masquées et ne sont pas comptées ici." if some_masked
                                     else ""))
if len(top_epci):
    leader = fmt.plain(fmt.listed(list(top_epci["epci_short_name"])))
    leader_help = (f"{top_epci['shown'].iloc[0]} foyers installés"
                   + (" chacune, à égalité" if len(top_epci) > 1 else "")
                   + (" ; parmi les intercommunalités dont le chiffre est affiché"
                      if masking.is_hidden(epci).any() else "") + ".")
elif summary["installed"]:
    # (20 households of one campaign, each intercommunality's too few to show: a bare « – »)
    leader = masking.MASKED_FEMININE
    leader_help = ("Aucune intercommunalité nommée : chacune compte trop peu de foyers "
                   "installés de cette sélection pour être affichée sans risquer de les "
                   "reconnaître (secret statistique).")
else:
    leader, leader_help = "–", None
row[2].metric("Intercommunalité en tête", leader, border=True, help=leader_help)
names = list(top_origins["name"])
row[3].metric(
    "Première origine",
    fmt.plain(fmt.listed(names) if len(names) <= 2 else f"{len(names)} à égalité")
    if names else "–",
    border=True,
    help=(f"{fmt.plain(fmt.listed(names)) + ' : ' if len(names) > 2 else ''}"
          f"{fmt.counted(most, 'foyer suivi', 'foyers suivis')} sur "
          f"{fmt.number(summary['followed'])} "
          f"({fmt.share(top_origins['followed_share'].iloc[0])})"
          + (" chacun" if len(names) > 1 else "")) if names else None)

# (a selection of three households in three communes: two grey maps said nothing of why)
# (said whenever no place of the Lot shows a figure and some household is installed: on the
# Lot's households alone, it told that the Lot has one, and so how many are elsewhere)
told_places = pd.concat([communes[communes["commune_code"].notna()], epci])
if summary["installed"] and not ((told_places["households"] > 0)
                                 & ~masking.is_hidden(told_places)).any():
    st.info("Trop peu de foyers installés dans cette sélection pour les situer sans risquer "
            "de les reconnaître : les cartes des communes et des intercommunalités et leurs "
            "tableaux les masquent (« masqué »).")
if not summary["followed"]:
    # (three blank maps and an empty chart said nothing: a period with no household)
    st.info(f"{fmt.NO_HOUSEHOLD} : rien à situer sur les cartes.")
    st.stop()
MASKED_NOTE = " ; « masqué » : chiffre caché pour qu'aucun petit effectif ne se déduise"
# two maps side by side, the origins on their own row: each wide enough to read its labels
left, middle = st.columns(2, gap="medium")
right = st.container()
with left:
    st.subheader("Où s'installent-ils ?")
    st.caption("Foyers installés par commune du Lot"
               + (MASKED_NOTE if masking.is_hidden(communes).any() else ""))
    st.plotly_chart(charts.communes_map(communes, masking.COUNT_CLASS_LABELS),
                    config=charts.MAP_CONFIG, key="carte-communes")
with middle:
    st.subheader("Par intercommunalité")
    st.caption("Foyers installés par EPCI (partie lotoise)"
               + (MASKED_NOTE if masking.is_hidden(epci).any() else ""))
    st.plotly_chart(charts.epci_map(epci, masking.COUNT_CLASS_LABELS),
                    config=charts.MAP_CONFIG, key="carte-epci")
with right:
    st.subheader("D'où viennent-ils ?")
    widgets.from_url("origine", "origine_mesure", MEASURES, "followed")
    measure = st.radio("Compter les", list(MEASURES), format_func=MEASURES.get,
                       horizontal=True, key="origine_mesure", label_visibility="collapsed")
    widgets.to_url("origine", measure)
    st.plotly_chart(charts.origins_map(origins, measure), config=charts.MAP_CONFIG,
                    key="carte-origines")

notes = ["Une commune ou une intercommunalité comptant 1 ou 2 foyers installés est affichée "
         "« 1 à 2 », sans son chiffre exact ; une autre est « masquée » quand un total "
         "permettrait de retrouver ce chiffre par soustraction (dans une intercommunalité "
         "de 1 ou 2 foyers, toutes ses communes le sont). La carte des communes nomme "
         "celles qui comptent le "
         "plus de foyers tant que leurs noms ne se chevauchent pas : chaque commune a son "
         "chiffre au survol et dans le tableau plus bas. Sur la carte des origines, le Lot est "
         "entouré en orange."]
# (a masked figure is said even when it is 0: the note's absence told « none »)
if summary["installed_elsewhere"] or elsewhere_state in masking.HIDDEN:
    shown = masking.shown_count(summary["installed_elsewhere"], elsewhere_state)
    # (« 1 à 2 foyer(s) installé(s) »: « 1 à 2 » is plural; only a count shown « 1 » is not)
    one = shown == "1"
    appears = "n'apparaît" if one else "n'apparaissent"
    notes.append(
        # (« masqué foyers installés … »: a masked count said before its noun)
        "Foyers installés dans une commune absente du référentiel du Lot : nombre masqué (il "
        "peut être nul) ; ils n'apparaissent pas sur les cartes (voir Qualité des données)."
        if elsewhere_state in masking.HIDDEN else
        f"{shown} {'foyer installé' if one else 'foyers installés'} dans une commune absente "
        f"du référentiel du Lot {appears} pas sur les cartes (voir Qualité des données).")
st.caption(" ".join(notes))
st.caption(config.GEO_CREDIT)

# one under the other: in half a page the longest origin names and « 47 · 11,8 % » were cut
st.subheader(f"Premières origines ({MEASURES[measure].lower()})")
st.plotly_chart(charts.top_origins(origins, measure), config=charts.PLOTLY_CONFIG,
                key="top-origines")
st.subheader("Tableaux")
by_commune, by_epci, by_origin = st.tabs(
    ["Par commune", "Par intercommunalité", "Par département d'origine"])
count = st.column_config.TextColumn(alignment="right")
with by_commune:
    widgets.table(tables.communes(communes), "territoire_communes.csv",
                  download=tables.communes_download(communes),
                  height=380, column_config={"Foyers installés": count},
                  column_order=["Commune", "Foyers installés", "Intercommunalité"])
with by_epci:
    widgets.table(tables.epci(epci), "territoire_intercommunalites.csv",
                  download=tables.epci_download(epci),
                  height=380, column_config={"Foyers installés": count,
                                             "Communes avec installation": count},
                  column_order=["Intercommunalité", "Foyers installés",
                                "Communes avec installation", "Communes du Lot"])
with by_origin:
    share = st.column_config.NumberColumn(format="percent")
    widgets.table(tables.origins(origins), "territoire_origines.csv",
                  download=tables.origins_download(origins),
                  height=380, column_config={"Part des suivis": share,
                                             "Part des installés": share})
