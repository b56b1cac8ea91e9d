"""Entry point: page config, navigation and the shared filters (kept in the URL)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import auth, fmt, queries, widgets  # noqa: E402
from dashboard.state import preset_period, presets  # noqa: E402
from pipelines import french  # noqa: E402
from pipelines import status as build_status  # noqa: E402
from pipelines.metrics import PeriodError  # noqa: E402

# A file, not an icon name: a material page icon makes the browser fetch a font for the tab.
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"

# « auto »: open on a laptop or a projector, folded on a phone (it would cover the page).
st.set_page_config(page_title="Oh my Lot ! – indicateurs", page_icon=str(FAVICON),
                   layout="wide", initial_sidebar_state="auto")

# Streamlit's own words have no French locale: its element toolbars (a table's « Show/hide
# columns », « Search », « Fullscreen », a chart's « Fullscreen ») and the « Press Enter to
# apply » under a text field are hidden, and so is a column menu's « Statistics » (English
# labels and decimals); each table has our French downloads. The rest
# (screen-reader labels, tooltips, a column's menu, « Running… ») is put in French by
# static/french_ui.js, whose block takes no room. A figure, its label and its note wrap rather
# than end in « … ». On a phone, a chart's bar figures and panel titles are smaller: plotly
# draws them at the desktop's size, and the funnel by source's three panels ran into one
# another at 390 px (the browser test looks for labels on one another). The conversion by
# quarter's bars are 15 px wide there: their figures are left to the hover and the table.
# A row of cards is one height (a card whose label wraps made its neighbours look short);
# on a phone, two cards a row (eight cards one under the other took 1 000 px), their figure
# smaller (« Cauvaldor » broke mid-word in half a phone).
# A choice longer than its box ends in « … » (on a phone « Salon international de
# l'agriculture 2020 (Paris) — 22 » was cut with nothing to say so).
# The guide's command lines wrap instead of being cut at the page's edge, and an option
# (« --out ») or a file name in a sentence is never broken at its hyphen.
STYLE = """<style>
[data-testid="stElementToolbar"], [data-testid="InputInstructions"],
.stDataFrameStatisticsMenu {display: none !important;}
[data-testid="stElementContainer"]:has(#omlot-french-ui) {display: none !important;}
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] *,
[data-testid="stMetricDelta"] * {white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: break-word;}
[data-testid="stColumn"] > [data-testid="stVerticalBlock"] >
  [data-testid="stElementContainer"]:only-child:has(> [data-testid="stMetric"]) {flex-grow: 1;}
[data-testid="stElementContainer"] > [data-testid="stMetric"] {height: 100%;}
[data-testid="stSelectbox"] input[role="combobox"] {text-overflow: ellipsis;}
[data-testid="stMarkdownContainer"] pre code {white-space: pre-wrap !important;
  overflow-wrap: anywhere;}
@media (min-width: 601px) {
  [data-testid="stMarkdownContainer"] :not(pre) > code {white-space: nowrap;}
}
[class*="st-key-omlot-swipe"] {display: none;}
@media (max-width: 600px) {
  [class*="st-key-omlot-swipe"] {display: block;}
  .js-plotly-plot .bartext, .js-plotly-plot .annotation-text {font-size: 11px !important;}
  .st-key-conversion-trimestres .js-plotly-plot .bartext {display: none;}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid=
      "stVerticalBlock"] > [data-testid="stElementContainer"]:only-child > [data-testid=
      "stMetric"]) {flex-flow: row wrap; gap: 0.75rem;}
  [data-testid="stColumn"]:has(> [data-testid="stVerticalBlock"] > [data-testid=
      "stElementContainer"]:only-child > [data-testid="stMetric"]) {
    flex: 1 1 calc(50% - 0.75rem) !important; width: calc(50% - 0.75rem) !important;
    min-width: calc(50% - 0.75rem) !important;}
  [data-testid="stMetricValue"] {font-size: 1.6rem;}
}
</style>"""


def french_ui() -> str:
    """The script that puts Streamlit's own words in French (static/french_ui.js): our own
    constant code, never text from the exports."""
    script = (Path(__file__).resolve().parent / "static" / "french_ui.js").read_text(
        encoding="utf-8")
    return f'<div id="omlot-french-ui"></div><script>{script}</script>'


def _page(file: str, title: str, icon: str, url_path: str | None = None) -> st.Page:
    return st.Page(f"app_pages/{file}.py", title=title, icon=f":material/{icon}:",
                   url_path=url_path, default=url_path is None)


PAGES = [
    _page("overview", "Vue d'ensemble", "dashboard"),
    _page("sources", "Entonnoir par source", "filter_alt", "entonnoir"),
    _page("campaigns", "Campagnes", "campaign", "campagnes"),
    _page("network", "Suivi du réseau accueil", "diversity_3", "reseau"),
    _page("ambassadors", "Ambassadeurs", "star", "ambassadeurs"),
    _page("territory", "Territoire", "map", "territoire"),
    _page("quality", "Qualité des données", "fact_check", "qualite"),
    _page("guide", "Guide", "menu_book", "guide"),
]


def _param_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


# A date as the field takes it, whether or not the day exists (31/02/2024, 2023-13-01).
_DATE_SHAPE = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _typed_date(text: str) -> dt.date | None:
    """A date typed as 01/07/2023 (also 1/7/2023, 01-07-2023, 01.07.2023 or 2023-07-01)."""
    text = (text or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace("-", "/").replace(".", "/").split("/")
    try:
        day, month, year = (int(part) for part in parts)
        return dt.date(year, month, day) if year >= 1000 else None
    except ValueError:
        return None


NO_CAMPAIGN_PARAM = widgets.NO_CAMPAIGN_PARAM  # « no campaign » in the URL

# The URL parameters of the sidebar; every other one belongs to a page (widgets.from_url).
SIDEBAR_PARAMS = {"periode", "du", "au", "canaux", "campagnes"}


def _link_warning(text: str) -> None:
    """What the page's link named that these data do not have: in the sidebar and on the page
    (a phone folds the sidebar away)."""
    for place in (st.sidebar, st):
        place.warning(text, icon=":material/link_off:")


def sidebar_filters(version) -> queries.Filters | str:
    """Period of first contact (presets or custom), channels, campaigns named by the
    households' files (and « (sans campagne) »); mirrored in st.query_params. When the period
    is refused (a date not understood, its start after its end): the reason, also said in the
    sidebar."""
    bounds = queries.ask_one(version, "period_bounds")
    first, last = bounds["first_date"], bounds["last_date"]
    options = presets(bounds["years"] or [])
    # a link with its dates alone (du=…&au=…, written by hand or by another tool) is that
    # period, not the whole programme without a word
    dated = "periode" not in st.query_params and ("du" in st.query_params
                                                  or "au" in st.query_params)
    widgets.from_url("periode", "periode", options, "perso" if dated else "tout")
    st.sidebar.header("Filtres")
    # (a link with a typo showed the whole programme without a word)
    for unknown in widgets.dropped_from_url("periode"):
        _link_warning(f"La période du lien (« {fmt.plain(unknown)} ») n'existe pas dans ces "
                      "données : tout le programme est affiché.")
    key = st.sidebar.selectbox("Période de premier contact", list(options),
                               format_func=options.get, key="periode")
    refused = None
    if key == "perso":
        # typed dates: Streamlit's calendar speaks English whatever the browser's language
        if "du" not in st.session_state:
            # a date of the link that is no date (du=2023-13-01) is put in its field as it is,
            # and refused there, rather than replaced by the first or last day without a word
            for name, default in (("du", first), ("au", last)):
                given = _param_date(name)
                st.session_state[name] = fmt.date(given) if given else (
                    st.query_params.get(name) or fmt.date(default))
        typed = {name: st.sidebar.text_input(label, key=name, placeholder="JJ/MM/AAAA")
                 for name, label in (("du", "Du (JJ/MM/AAAA)"), ("au", "Au (JJ/MM/AAAA)"))}
        dates = {name: _typed_date(text) for name, text in typed.items()}
        date_from, date_to = dates["du"] or first, dates["au"] or last
        wrong = [typed[name] for name, date in dates.items() if date is None]
        if wrong:
            refused = (
                # (« 31/02/2024 » is written as asked: said « Écrivez-la JJ/MM/AAAA »)
                f"Date non reconnue : « {fmt.plain(wrong[0])} » n'existe pas dans le "
                "calendrier. Écrivez un jour réel, par exemple 28/02/2024."
                if _DATE_SHAPE.fullmatch(wrong[0].strip()) else
                f"Date non reconnue : « {fmt.plain(wrong[0])} ». Écrivez-la JJ/MM/AAAA, par "
                "exemple 01/07/2023.")
    else:
        date_from, date_to = preset_period(key)
    refs = queries.reference(version)
    widgets.choices_from_url("canaux", "canaux", refs.channel_labels, [])
    channels = st.sidebar.multiselect("Canaux", list(refs.channel_labels),
                                      format_func=refs.channel, key="canaux",
                                      placeholder="Tous les canaux", select_all=False)
    campaigns_known = queries.campaign_options(version)
    # « no campaign » is "" in the selection, NO_CAMPAIGN_PARAM in the URL
    as_param = lambda c: c or NO_CAMPAIGN_PARAM  # noqa: E731
    widgets.choices_from_url("campagnes", "campagnes", campaigns_known, [], to_text=as_param)
    campaigns = st.sidebar.multiselect(
        "Campagne d'origine du foyer", list(campaigns_known), format_func=campaigns_known.get,
        key="campagnes", placeholder="Toutes les campagnes", select_all=False,
        help="La campagne inscrite dans le dossier du foyer au CRM (celle qui l'a amené "
             "selon l'accueil), et non les campagnes créditées par les modèles d'attribution.")
    unknown_choices = [f"{label} « {fmt.plain(text)} »"
                       for label, name in (("canal", "canaux"), ("campagne", "campagnes"))
                       for text in widgets.dropped_from_url(name)]
    if unknown_choices:
        _link_warning(f"Le lien nomme ce que ces données n'ont pas : "
                      f"{', '.join(unknown_choices)} (ignoré).")
    params = {"periode": key}
    if key == "perso":
        # a date refused stays in the link as typed: the link then shows the same refusal,
        # never the data's first or last day in its place
        params.update({name: date.isoformat() if date else typed[name]
                       for name, date in dates.items()})
    if channels:
        params["canaux"] = widgets.choices_url_text(channels)
    if campaigns:
        params["campagnes"] = widgets.choices_url_text(campaigns, to_text=as_param)
    # only the sidebar's own parameters: a page keeps its own (model, threshold, drill-down…)
    if {k: v for k, v in st.query_params.items() if k in SIDEBAR_PARAMS} != params:
        for name in SIDEBAR_PARAMS - params.keys():
            st.query_params.pop(name, None)
        st.query_params.update(params)
    st.sidebar.caption("Le lien de la page (barre d'adresse du navigateur) reproduit exactement "
                       "cette vue : filtres et choix faits dans la page.")
    # the selection in a download's file name (widgets.downloads): « 2023 », « ete-2023 »,
    # « 2023-07-01_2023-07-31 », then the channels and the campaigns
    st.session_state.selection_slug = "_".join(filter(None, [
        "" if key == "tout" else f"{date_from}_{date_to}" if key == "perso" else key,
        "-".join(channels),
        (campaigns[0] or "sans-campagne") if len(campaigns) == 1
        else f"{len(campaigns)}-campagnes" if campaigns else "",
    ]))
    # the selection in words, under each page's title: on a phone the sidebar is folded, in a
    # meeting nobody reads it (« Foyers suivis 70 » with nothing on the page saying Tourisme)
    st.session_state.selection_words = " · ".join(filter(None, [
        (french.period(date_from, date_to) if key == "perso"
         else options[key]) if key != "tout" or channels or campaigns else "",
        ("canal " if len(channels) == 1 else "canaux ")
        + fmt.listed([refs.channel(c) for c in channels]) if channels else "",
        ("campagne d'origine " if len(campaigns) == 1 else "campagnes d'origine ")
        + fmt.listed([french.quoted(campaigns_known[c]) for c in campaigns]) if campaigns
        else "",
    ]))
    if not refused:
        try:
            return queries.Filters(date_from, date_to, tuple(channels), tuple(campaigns))
        except PeriodError as period_refused:
            refused = str(period_refused)
    st.sidebar.error(refused, icon=":material/event_busy:")
    return refused


def main() -> None:
    # Nothing (page, filter, figure) before the viewer is let in; the page list stays hidden.
    st.html(STYLE)
    st.html(french_ui(), unsafe_allow_javascript=True)
    allowed = auth.gate("Oh my Lot ! – indicateurs")
    page = st.navigation(PAGES, position="sidebar" if allowed else "hidden")
    if not allowed:
        return
    version = queries.database_version()
    if version is None:
        st.title("Oh my Lot ! – indicateurs")
        status = queries.last_build_status()
        if status and status.get("status") == "failed":
            st.error(f"La construction de la base a échoué : {fmt.plain(status.get('message'))}")
        st.info(
            "Aucune donnée publiée pour l'instant. Déposez les exports du mois dans "
            "`data/raw/` (prospects, installations, ambassadeurs, contacts de campagnes, "
            "campagnes), puis lancez `make build` — ou `make run` pour les données de "
            "démonstration."
        )
        auth.logout_button()
        return
    current = queries.built_by_this_code(version)
    if not current:
        st.warning(build_status.OLDER_MODELS, icon=":material/update:")
    try:
        _run(page, version)
    except Exception:
        if current:
            raise
        # (a database built by another version: the page is said, not Streamlit's English
        # error box; the details go to the server's log)
        logging.getLogger("omlot").exception("page %s on an older database", page.url_path)
        st.error("Cette page ne peut pas s'afficher sur la base publiée, construite par une "
                 "autre version du tableau de bord : relancez la construction.",
                 icon=":material/update:")


def _run(page, version) -> None:
    filters = sidebar_filters(version)
    auth.logout_button()
    if isinstance(filters, str):
        # (the sidebar's own reason: « après sa fin » said of a mistyped date misled)
        st.title("Oh my Lot ! – indicateurs")
        st.error(f"Période refusée. {filters} Corrigez les dates « Du » et « Au » dans le "
                 "panneau de gauche.", icon=":material/event_busy:")
        return
    st.session_state.filters = filters
    st.session_state.version = version
    if page.url_path in ("qualite", "guide"):
        # (pages that do not follow the sidebar's selection: their files do not name it)
        st.session_state.selection_slug = st.session_state.selection_words = ""
    # (Vue d'ensemble and Qualité say it at length; the other pages said nothing of it)
    if page.url_path not in ("", "qualite") and (
            queries.last_build_status(version) or {}).get("status") == "failed":
        st.warning("La dernière construction a échoué : les chiffres affichés sont ceux de la "
                   "dernière base valide (voir Qualité des données).",
                   icon=":material/warning:")
    page.run()


main()
