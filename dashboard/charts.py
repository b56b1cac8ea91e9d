"""Pure figure builders: the metrics layer's answer in, plotly Figure out; no st.* calls and no
figure computed here (a rate comes with its value and counts; labels and colours come from
the reference lists, queries.Reference)."""

from __future__ import annotations

import datetime as dt
import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipelines import config

from . import fmt, masking
from .queries import Reference

FONT = "DejaVu Sans, Arial, sans-serif"

# plotly.js ships English only: the French dictionary and formats are given in the config.
PLOTLY_CONFIG = {
    "locale": "fr",
    # no toolbar: it sat on the legends, and Streamlit adds an English « Fullscreen » to it
    "displayModeBar": False,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "locales": {
        "fr": {
            "dictionary": {
                "Autoscale": "Échelle automatique",
                "Box Select": "Sélection rectangulaire",
                "Download plot as a png": "Télécharger le graphique en PNG",
                "Download plot": "Télécharger le graphique",
                "Lasso Select": "Sélection lasso",
                "Pan": "Déplacer",
                "Produced with Plotly.js": "Réalisé avec Plotly.js",
                "Reset axes": "Réinitialiser les axes",
                "Reset view": "Réinitialiser la vue",
                "Reset": "Réinitialiser",
                "Toggle Spike Lines": "Afficher/masquer les repères",
                "Zoom in": "Zoomer",
                "Zoom out": "Dézoomer",
                "Zoom": "Zoom",
                "Show closest data on hover": "Valeur la plus proche au survol",
                "Compare data on hover": "Comparer les valeurs au survol",
                "Click to enter Colorscale title": "Titre de l'échelle",
                "Click to enter Plot title": "Titre du graphique",
                "Click to enter X axis title": "Titre de l'axe X",
                "Click to enter Y axis title": "Titre de l'axe Y",
                "Double-click to zoom back out": "Double-cliquez pour dézoomer",
            },
            "format": {
                # (in lower case, as French writes them: « janv. 2020 », « août 2023 »)
                "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
                         "samedi"],
                "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
                "months": list(fmt.MONTHS),
                "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                                "août", "sept.", "oct.", "nov.", "déc."],
                "date": "%d/%m/%Y",
                "decimal": ",",
                "thousands": "\u202f",
            },
        }
    },
}


def _text(value: object) -> str:
    """Text from the exports as plotly shows it: plotly.js renders some HTML in labels, legends
    and hovers (<a href>, <b>, <span style>…), so `&`, `<` and `>` become entities (shown as
    typed). Put it in the data (%{y}, %{fullData.name}), never in a hovertemplate."""
    return html.escape(str(value), quote=False)


def _layout(fig: go.Figure, height: int = 360, **kwargs) -> go.Figure:
    settings = {
        "separators": ",\u202f",
        "font": {"family": FONT, "size": 15},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "height": height,
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font_family": FONT},
    }
    fig.update_layout(**{**settings, **kwargs})
    # a figure written beside its bar keeps its size: plotly shrank it to the bar's width or
    # thickness, to 7.8 px on a phone (« 70,0 % (35 / 50) »)
    fig.update_traces(constraintext="none", selector={"type": "bar", "textposition": "outside"})
    fig.update_xaxes(gridcolor="#eeeeee")
    fig.update_yaxes(gridcolor="#eeeeee")
    return fig


def funnel(steps: pd.DataFrame, refs: Reference) -> go.Figure:
    """Funnel of the selection: each step with its count and its rate from the step before,
    which says its base (« 54,2 % des accompagnés »)."""
    # the rate under the step's name, where it has room: « Installés / 54,2 % des accompagnés »
    labels = [
        refs.stage_labels[stage] if rate["whole"] is None else
        f"{refs.stage_labels[stage]}<br><span style='font-size:13px'>{fmt.share(rate)} des "
        f"{rate['base']}</span>"
        for stage, rate in zip(steps["stage"], steps["rate_of_previous"], strict=True)
    ]
    fig = go.Figure(go.Funnel(
        y=labels, x=steps["households"], text=[fmt.number(n) for n in steps["households"]],
        textinfo="text", textposition="inside", textfont={"size": 18},
        marker={"color": [refs.stage_colours[s] for s in steps["stage"]]},
        connector={"line": {"color": "#cccccc"}},
        customdata=_counted(steps["households"], "foyer"),
        hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10})


# The two measures of queries.ask(..., "monthly"), as the charts name and colour them.
MONTHLY_SERIES = {"followed": ("Nouveaux foyers suivis", "#2e75b6"),
                  "installed": ("Installations", "#009E73")}


def _counted(counts, singular: str, plural: str | None = None) -> list[str]:
    """Each count with its noun agreeing (« 1 foyer », « 2 foyers »), for a hover."""
    return [fmt.counted(n, singular, plural or f"{singular}s") for n in counts]


def monthly_trend(trend: pd.DataFrame) -> go.Figure:
    """Monthly new households followed and installations, as two bar series."""
    fig = go.Figure()
    for measure, (series, colour) in MONTHLY_SERIES.items():
        rows = trend[trend["measure"] == measure]
        # (the noun agrees with its count: « 1 foyers »)
        fig.add_bar(x=rows["month"], y=rows["households"], name=series,
                    marker_color=colour, customdata=_counted(rows["households"], "foyer"),
                    hovertemplate="%{x|%B %Y} : %{customdata}<extra>" + series + "</extra>")
    fig.update_layout(barmode="group", bargap=0.15)
    # (months spaced by plotly for the chart's width: fixed six months apart, the last year's
    # label was dropped on a laptop and the labels crowded a phone)
    fig.update_xaxes(tickformat="%b %Y")
    months = trend["month"].nunique()
    if months <= 6:
        # (one day's month drew « mai 2024, mai 2024, juin 2024… » under one bar: a tick per
        # month, under its bar)
        fig.update_xaxes(dtick="M1")
    # whole households: « 0,2 foyer » ticks on a month of one
    top = trend["households"].max() if len(trend) else 0
    fig.update_yaxes(title_text="foyers", rangemode="tozero",
                     **({"tick0": 0, "dtick": 1} if top <= 5 else {}))
    return _layout(fig, height=330)


# --- Campagnes -------------------------------------------------------------------------------

# A horizontal bar chart's names stand above their bars, inside the plot, from its left edge:
# beside them (plotly's usual place) they took two thirds of a phone's width, and the bars of
# the models' and the calendar's charts were drawn in 110 px of 390.
NAME_CHARS = 44  # a name's line within a phone's plot (about 340 px at 13 px)
NAME_LINE_PX = 17  # a name's line height at that size


class _NamedRows:
    """Rows 0…n-1 of a horizontal bar chart, each with its name above its bars: the name's
    lines, then `bar_px` of bars, in a row of `row_px`. The names are annotations standing on
    their row's tick (plotly's own names « inside » the plot made it hide the numbers of the
    other axis)."""

    def __init__(self, names: list[str], bar_px: float):
        self.text = [_wrap(_text(name), NAME_CHARS) for name in names]
        self.names = [_text(name) for name in names]
        lines = max((t.count("<br>") + 1 for t in self.text), default=1)
        self.row_px = NAME_LINE_PX * lines + 10 + bar_px
        self.name = (NAME_LINE_PX * lines + 4) / self.row_px  # above the tick
        self.bars = bar_px / self.row_px  # below it
        self.px = self.row_px * max(len(names), 1)

    def offset(self, k: int = 0, of: int = 1) -> dict:
        """Bar `k` of `of` side by side in a row: below the row's name."""
        width = self.bars / of
        return {"offset": 0.03 + k * width, "width": width * 0.88}

    def draw(self, fig: go.Figure, yref: str = "y") -> None:
        # (given at once: plotly's add_annotation, once per row, took 37 s for 512 rows)
        notes = [{"text": text, "xref": "paper", "x": 0, "xanchor": "left", "yref": yref,
                  "y": row, "yanchor": "bottom", "showarrow": False, "align": "left",
                  "font": {"size": 13, "color": "#31333f"}}
                 for row, text in enumerate(self.text)]
        axis = "yaxis" + yref[1:]
        fig.update_layout({"annotations": list(fig.layout.annotations) + notes, axis: {
            "tickmode": "array", "tickvals": list(range(len(self.text))),
            "showticklabels": False, "ticks": "", "showgrid": False, "zeroline": False,
            "range": [len(self.text) - 1 + self.bars + 0.06, -self.name]}})


# The models' chart shows this many campaigns at most, those with most credits (linear): a
# region's 500 campaigns made it 38 000 px tall; every campaign is in the table above it.
MODELS_TOP = 25


def credited(metrics: pd.DataFrame, conversion: str, refs: Reference) -> pd.DataFrame:
    """The campaigns with a credit under some model, most credited (linear) first."""
    rows = metrics[(metrics[[f"{conversion}_{m}" for m in refs.models]] > 0).any(axis=1)]
    return rows.sort_values(f"{conversion}_linear", ascending=False, kind="stable")


def models_side_by_side(ranked: pd.DataFrame, conversion: str, refs: Reference) -> go.Figure:
    """Credits of each campaign under the five models, side by side: where the bars agree, the
    answer does not depend on the model. `ranked`: `credited`'s rows, of which the MODELS_TOP
    first are drawn."""
    models = refs.models
    rows = ranked.head(MODELS_TOP)
    named = _NamedRows(list(rows["campaign_label"]), bar_px=6 * len(models))
    fig = go.Figure()
    for k, (model, label) in enumerate(models.items()):
        credits = rows[f"{conversion}_{model}"]
        # (the noun agrees with the credit as shown: « 1,0 foyers », « 0,5 foyers »)
        shown = [f"{fmt.number(c, 1)} {fmt.agree(fmt.number(c, 1), c, 'foyer')}"
                 for c in credits]
        fig.add_bar(
            y=list(range(len(rows))), x=credits,
            customdata=list(zip(named.names, shown, strict=True)),
            name=label, orientation="h", marker_color=refs.model_colours[model],
            hovertemplate="%{customdata[0]}<br>" + label + " : %{customdata[1]}<extra></extra>",
            **named.offset(k, len(models)),
        )
    fig.update_layout(barmode="overlay")
    # (short: centred under a narrow plot on a phone, a longer title was cut at the right edge)
    fig.update_xaxes(title_text="foyers (crédits)")
    named.draw(fig)
    return _layout(fig, height=max(360, named.px + 150))


def campaign_timeline(calendar: pd.DataFrame, trend: pd.DataFrame, refs: Reference,
                      period: tuple[dt.date | None, dt.date | None] = (None, None)
                      ) -> go.Figure:
    """Campaigns as start–end bars (by channel colour) above the monthly new households; a
    period given (either end open) is what the time axis shows (the site's and the network's
    years-long bars stretched a year's calendar over the whole programme)."""
    from plotly.subplots import make_subplots

    # each campaign's row: its name, then its bar; the monthly bars below
    named = _NamedRows(list(calendar["campaign_label"]), bar_px=10)
    months_px = 220
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True,
                        row_heights=[named.px, months_px], vertical_spacing=0.04)
    position = pd.Series(range(len(calendar)), index=calendar.index)
    # one trace per channel, not per campaign: hundreds of campaigns (a region's calendar)
    # made as many traces, and the figure took most of the page's run
    for channel, rows in calendar.groupby("channel", sort=False):
        starts = pd.to_datetime(rows["start_date"])
        ends = pd.to_datetime(rows["end_date"]) + pd.Timedelta(days=1)
        fig.add_bar(
            y=position[rows.index].tolist(),
            x=((ends - starts).dt.total_seconds() * 1000).tolist(),
            base=[start.isoformat() for start in starts], orientation="h",
            # (the colours are the channels': the legend, under the chart, says which)
            name=_text(refs.channel(channel)), legendgroup=channel,
            marker_color=refs.channel_colour(channel),
            customdata=[[named.names[position[i]], f"{fmt.date(start)} → {fmt.date(end)}"]
                        for i, start, end in zip(rows.index, rows["start_date"],
                                                 rows["end_date"], strict=True)],
            hovertemplate=(f"%{{customdata[0]}}<br>%{{customdata[1]}}<br>"
                           f"{_text(refs.channel(channel))}<extra></extra>"),
            row=1, col=1, **named.offset(),
        )
    followed = trend[trend["measure"] == "followed"]
    # (each bar across its month: drawn on the month's first day, a period's axis cut it or
    # showed October's between « Sept. » and « Oct. »)
    fig.add_bar(x=followed["month"], y=followed["households"], name="Nouveaux foyers suivis",
                marker_color="#2e75b6", showlegend=False, xperiod="M1",
                xperiodalignment="middle",
                customdata=_counted(followed["households"], "nouveau foyer", "nouveaux foyers"),
                hovertemplate="%{x|%B %Y} : %{customdata}<extra></extra>", row=2, col=1)
    # the calendar's order (by start date), whatever the channel of each trace
    named.draw(fig)
    # (no household in the selection: an axis from -1 to 4 under the campaigns)
    fig.update_yaxes(title_text="nouveaux foyers", rangemode="tozero", row=2, col=1,
                     **({} if followed["households"].sum() else {"range": [0, 1]}))
    # (plotly spaces the months by the chart's width: six months apart fixed, a phone's
    # eleven labels stood on end over one another); the dates above the calendar too, where a
    # long one starts far above the monthly bars
    fig.update_xaxes(type="date", tickformat="%b %Y", row=2, col=1)
    # (the campaigns' axis a date axis too, explicitly: guessed from the bars' lengths, it was
    # linear, and a trace of several campaigns had its start dates ignored)
    fig.update_xaxes(type="date", tickformat="%b %Y", showticklabels=True, side="top",
                     row=1, col=1)
    fig.update_layout(barmode="overlay")
    start, end = period
    if start or end:
        # whole months (the monthly bars' grain): a period of ten days showed no bar, a
        # season named each month three times
        dates = pd.concat([pd.to_datetime(calendar["start_date"]),
                           pd.to_datetime(calendar["end_date"]),
                           pd.to_datetime(trend["month"])])
        low = pd.Timestamp(start) if start else dates.min()
        high = pd.Timestamp(end) if end else dates.max()
        if pd.notna(low) and pd.notna(high):
            low, high = low.to_period("M").start_time, (high.to_period("M") + 1).start_time
            months = (high.year - low.year) * 12 + high.month - low.month
            # (a month's name under its middle, where its bar stands; within one year the
            # month alone, level: « janv. 2021 » twelve times stood slanted, the upper axis
            # half a month from the lower one, and December's name was dropped)
            one_year = low.year == (high - pd.Timedelta(days=1)).year
            fig.update_xaxes(range=[low.isoformat(), high.isoformat()],
                             **({"dtick": "M1", "ticklabelmode": "period",
                                 "tickformat": "%b" if one_year else "%b %Y"}
                                if months <= 12 else {}))
    # the channels' legend under the months, in the figure's bottom margin: on a phone about
    # three names a line
    legend_px = LEGEND_LINE_PX * math.ceil(calendar["channel"].nunique() / 3) + 20
    return _layout(fig, height=max(420, named.px + months_px + 150) + legend_px,
                   margin={"l": 10, "r": 10, "t": 40, "b": 10 + legend_px},
                   legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0,
                           "yref": "container", "yanchor": "bottom", "title": {"text": "Canal : "}},
                   showlegend=True)


# The longest line of a legend entry: within a phone's width (390 px) at the legend's font.
LEGEND_CHARS = 40
LEGEND_LINE_PX = 19  # a legend line's height at the charts' font


def touches_by_week(touches: pd.DataFrame) -> go.Figure:
    """A campaign's touches per week, stacked by interaction type."""
    fig = go.Figure()
    # (a long kind on two lines: « Portrait site touristique – Phosphatières du Cloup
    # d'Aural » ran past a phone's edge)
    for kind, rows in touches.groupby("interaction_type"):
        # (« 1 contacts »: the count and its noun agree, written here)
        # (the days the bar counts: a period starting on a Saturday said « semaine du
        # 26/06/2023 » for its first two days)
        days = [f"semaine du {fmt.date(first)}" if (last - first).days == 6 else
                f"du {fmt.date(first)} au {fmt.date(last)}" if last > first else
                f"le {fmt.date(first)}"
                for first, last in zip(pd.to_datetime(rows["first_day"]).dt.date,
                                       pd.to_datetime(rows["last_day"]).dt.date, strict=True)]
        fig.add_bar(x=rows["week"], y=rows["touches"], name=_wrap(_text(kind), LEGEND_CHARS),
                    customdata=list(zip(days, _counted(rows["touches"], "interaction"),
                                        strict=True)),
                    hovertemplate="%{customdata[0]} : %{customdata[1]}"
                                  "<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%d/%m/%Y")
    weeks = touches["week"].nunique()
    if weeks and weeks <= 8:
        # a tick per week, on the bars: a one-day campaign's axis repeated « 10/03/2024 » at
        # every half day
        fig.update_xaxes(dtick=7 * 86_400_000, tick0=min(touches["week"]))
    fig.update_yaxes(title_text="interactions")
    # on a phone the legend is one entry per line: the figure grows with its lines, so that
    # the legend (up to half the height) never hides an entry nor scrolls over the bars
    lines = sum(trace.name.count("<br>") + 1 for trace in fig.data)
    return _layout(fig, height=max(340, 200 + 2 * LEGEND_LINE_PX * lines),
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                           "maxheight": 0.5})


# --- Territoire: maps --------------------------------------------------------------------
# `geo` maps (SVG, no WebGL) on the local geometry of dashboard/static/geo/, which the browser
# fetches from this server (geojson_url). plotly.js still fetches
# a world topojson for them: MAP_CONFIG points it at the empty stub that Streamlit serves from
# dashboard/static/ (`server.enableStaticServing` in .streamlit/config.toml), never a CDN.
# Where the browser finds config.STATIC_DIR's files on this server.
STATIC_URL = "app/static/"
MAP_CONFIG = {**PLOTLY_CONFIG, "topojsonURL": f"{STATIC_URL}plotly-topojson/",
              "scrollZoom": False}

# One colour per class of masking.COUNT_CLASS_LABELS (none, 1 à 2, 3 à 4, 5 à 9, 10 à 19,
# 20 +, then « masqué »: a place masked lest a total give another's figure back, in a grey
# that is no class's green).
INSTALLED_COLOURS = ("#f1f1f1", "#c7e9c0", "#74c476", "#31a354", "#006d2c", "#00441b",
                     "#b8b8b8")


_GEOJSON: dict[str, dict] = {}


def _geojson_path(name: str):
    return config.GEO_DIR / f"{name}.geojson"


def geojson(name: str) -> dict:
    """A geometry file of config.GEO_DIR (read once per process), for what Python computes on
    it (where a label goes)."""
    if name not in _GEOJSON:
        import json

        _GEOJSON[name] = json.loads(_geojson_path(name).read_text(encoding="utf-8"))
    return _GEOJSON[name]


def geojson_url(name: str) -> str:
    """The same file as the browser fetches it from this server (Streamlit's static serving,
    as the topojson stub): a figure names it instead of embedding 0.8 MB of geometry, which
    every run of the page serialised again (nothing is downloaded from elsewhere)."""
    return STATIC_URL + _geojson_path(name).relative_to(config.STATIC_DIR).as_posix()


def _label_point(geometry: dict) -> tuple[float, float]:
    """Where to write a place's name: the area centroid of its largest outer ring."""
    polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                else [geometry["coordinates"]])
    best = (0.0, 0.0, 0.0)
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > abs(best[0]):
            best = (area, cx / (3 * area), cy / (3 * area))
    return best[1], best[2]


_LABEL_POINTS: dict[str, tuple[dict[str, tuple[float, float]], float]] = {}


def _label_points(name: str) -> tuple[dict[str, tuple[float, float]], float]:
    """Where each place of a geometry file gets its label, and the map's pixels per degree:
    computed once per process (every run of the Territoire page computed them again, a tenth
    of its time)."""
    if name not in _LABEL_POINTS:
        geometry = geojson(name)
        _LABEL_POINTS[name] = ({f["properties"]["code"]: _label_point(f["geometry"])
                                for f in geometry["features"]}, _px_per_degree(geometry))
    return _LABEL_POINTS[name]


# Labels on the small maps: measured at the narrowest the Lot is drawn (about 220 px wide on a
# phone at 390 px and on a projector at 1280 px, beside its legend), in FONT at 12 px, so
# that two labels kept never overlap on any screen.
LOT_WIDTH_PX = 220
LABEL_FONT_PX = 12
LABEL_CHAR_PX = 7.4   # the widest average character of FONT at 12 px (bold figures)
LABEL_LINE_PX = 15
LABEL_GAP_PX = 3


def _mercator_y(lat: float) -> float:
    """A latitude as the map's mercator projection draws it, in degrees of longitude."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _px_per_degree(geometry: dict) -> float:
    """Pixels per degree of longitude when the whole geometry is LOT_WIDTH_PX wide."""
    west, east = math.inf, -math.inf
    for feature in geometry["features"]:
        shape = feature["geometry"]
        polygons = (shape["coordinates"] if shape["type"] == "MultiPolygon"
                    else [shape["coordinates"]])
        for polygon in polygons:
            for lon, _ in polygon[0]:
                west, east = min(west, lon), max(east, lon)
    return LOT_WIDTH_PX / (east - west)


def label_box(point: tuple[float, float], text: str, px_per_degree: float
              ) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom, in px from the map's origin, y downwards) a label
    written at `point` takes: plotly centres the text's lines on the point."""
    lines = [line.replace("<b>", "").replace("</b>", "") for line in text.split("<br>")]
    width = max(len(html.unescape(line)) for line in lines) * LABEL_CHAR_PX
    height = len(lines) * LABEL_LINE_PX
    x, y = point[0] * px_per_degree, -_mercator_y(point[1]) * px_per_degree
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def spaced_labels(points: list[tuple[float, float]], texts: list[str],
                  px_per_degree: float) -> list[bool]:
    """Which labels to write, in the order given (the largest figure first): each one whose
    box stays LABEL_GAP_PX away from every label kept before it; the others are dropped (the
    hover and the table carry every figure)."""
    kept: list[tuple[float, float, float, float]] = []
    keep = []
    for point, text in zip(points, texts, strict=True):
        left, top, right, bottom = label_box(point, text, px_per_degree)
        free = all(left >= r + LABEL_GAP_PX or right + LABEL_GAP_PX <= left_ or
                   top >= b + LABEL_GAP_PX or bottom + LABEL_GAP_PX <= t
                   for left_, t, r, b in kept)
        keep.append(free)
        if free:
            kept.append((left, top, right, bottom))
    return keep


_HELD = (":", ";", "!", "?", "»")


def _wrap(name: str, width: int = 14) -> str:
    """A long place name on two lines, cut at the space nearest its middle: never one before
    « : », « ; », « ! », « ? » or « », nor after « (French typography: they hold to their
    word)."""
    spaces = [i for i, ch in enumerate(name) if ch == " " and name[i + 1:i + 2] not in _HELD
              and name[i - 1:i] != "«"]
    if len(name) <= width or not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}<br>{name[cut + 1:]}"


def _geo_layout(fig: go.Figure, height: int, **kwargs) -> go.Figure:
    fig.update_geos(visible=False, fitbounds="locations", projection_type="mercator",
                    bgcolor="rgba(0,0,0,0)")
    return _layout(fig, height=height, margin={"l": 20, "r": 20, "t": 0, "b": 0},
                   dragmode=False, **kwargs)


def _class_scale(colours: tuple[str, ...]) -> list:
    """A stepped colour scale: class i (z = i) gets colours[i], with no blending."""
    steps = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / steps, colour], [(i + 1) / steps, colour]]
    return scale


def _installed_map(places: pd.DataFrame, geometry_name: str, classes: list[str],
                   label_min_class: int, height: int, named: bool = True) -> go.Figure:
    """Places (`code`, `name`, `detail`, `count_class`, `shown`) coloured by class of
    installed households, small counts only as their class; places of at least
    `label_min_class` get their name and figure written on the map."""
    hover = [
        f"<b>{_text(name)}</b><br>"
        + ("Aucun foyer installé" if shown == "0" else f"Foyers installés : {shown}")
        + (f"<br>{_text(detail)}" if isinstance(detail, str) else "")
        for name, shown, detail in zip(places["name"], places["shown"], places["detail"],
                                       strict=True)
    ]
    fig = go.Figure(go.Choropleth(
        geojson=geojson_url(geometry_name), featureidkey="properties.code",
        locations=places["code"],
        z=places["count_class"], zmin=-0.5, zmax=len(classes) - 0.5,
        colorscale=_class_scale(INSTALLED_COLOURS[:len(classes)]),
        marker={"line": {"color": "white", "width": 0.6}},
        text=hover, hovertemplate="%{text}<extra></extra>",
        # upright at the right: every class label shown whole (« 20 et plus ») at any width
        colorbar={
            "orientation": "v", "x": 1.0, "xanchor": "left", "y": 0.5, "yanchor": "middle",
            "thickness": 14, "len": 0.9, "tickvals": list(range(len(classes))),
            "ticktext": list(classes), "title": {"text": "Foyers<br>installés", "side": "top"},
            "outlinewidth": 0, "tickfont": {"size": 12},
        },
    ))
    points, px_per_degree = _label_points(geometry_name)
    candidates = places[(places["count_class"] >= label_min_class)
                        & (places["count_class"] < masking.MASKED_CLASS)]
    texts = [f"{_wrap(_text(name))}<br><b>{shown}</b>" if named else f"<b>{shown}</b>"
             for name, shown in zip(candidates["name"], candidates["shown"], strict=True)]
    kept = spaced_labels([points[code] for code in candidates["code"]], texts, px_per_degree)
    labelled = candidates.assign(label=texts)[pd.Series(kept, index=candidates.index,
                                                        dtype=bool)]
    # a name is wider than its commune: dark text with a white halo, whatever lies under it;
    # a figure alone inside its (large) place: white with a dark halo on the two darkest classes
    for dark, (colour, halo) in ((False, ("#111111", "white")), (True, ("white", "black"))):
        rows = labelled[((labelled["count_class"] >= masking.MASKED_CLASS - 2) & (not named))
                        == dark]
        if not len(rows):
            continue
        xy = [points[code] for code in rows["code"]]
        fig.add_scattergeo(
            lon=[p[0] for p in xy], lat=[p[1] for p in xy], mode="text", text=list(rows["label"]),
            textfont={"size": LABEL_FONT_PX, "color": colour, "shadow": ", ".join(
                f"{x}px {y}px 1px {halo}" for x, y in ((1, 1), (-1, -1), (1, -1), (-1, 1)))
                + f", 0 0 3px {halo}"},
            hoverinfo="skip", showlegend=False,
        )
    return _geo_layout(fig, height)


def communes_map(communes: pd.DataFrame, classes: list[str], height: int = 470) -> go.Figure:
    """The Lot's communes (metric installed_by_commune) coloured by class of installed
    households; communes of 3 or more named on the map."""
    communes = communes[communes["commune_code"].notna()]
    places = pd.DataFrame({
        "code": communes["commune_code"], "name": communes["commune_name"],
        "detail": communes["epci_short_name"], "count_class": communes["count_class"],
        "shown": communes["shown"],
    })
    return _installed_map(places, "communes-46", classes, 2, height)


def epci_map(epci: pd.DataFrame, classes: list[str], height: int = 470) -> go.Figure:
    """The Lot's intercommunalities (metric installed_by_epci, Lot part only) coloured by
    class of installed households, each named with its figure."""
    places = pd.DataFrame({
        "code": epci["epci_code"], "name": epci["epci_short_name"],
        # (« 1 commune(s) », « masqué commune(s) avec installation »: the count agrees, a
        # masked one is said as such)
        "detail": [
            f"{fmt.counted(n, 'commune avec installation', 'communes avec installation')} "
            f"sur {fmt.number(c)}" if n is not None
            else f"Communes avec installation : {shown} (sur {fmt.number(c)})"
            for n, shown, c in zip(masking.communes_installed(epci), epci["shown"],
                                   epci["communes"], strict=True)],
        "count_class": epci["count_class"], "shown": epci["shown"],
    })
    # figures only: the names of neighbouring intercommunalities ran into each other (the
    # name is in the hover and the table)
    return _installed_map(places, "epci-46", classes, 1, height, named=False)


def origins_map(origins: pd.DataFrame, measure: str, height: int = 560) -> go.Figure:
    """Metropolitan départements coloured by households of the selection (`measure`:
    followed or installed), the Lot outlined; overseas, abroad and unknown origins as bars
    under the map, past its colour scale (beside it, on a phone, their names ran onto the
    map and the map was a third of the width)."""
    from plotly.subplots import make_subplots

    nouns = {"followed": ("foyer suivi", "foyers suivis"),
             "installed": ("foyer installé", "foyers installés")}[measure]
    noun = nouns[1]
    share = f"{measure}_share"
    metro = origins[origins["zone"] == "metropole"]
    fig = make_subplots(rows=2, cols=1, row_heights=[0.8, 0.2], vertical_spacing=0.17,
                        specs=[[{"type": "geo"}], [{"type": "xy"}]])
    fig.add_choropleth(
        geojson=geojson_url("departements"), featureidkey="properties.code",
        locations=metro["code"], z=metro[measure], zmin=0,
        zmax=max(int(metro[measure].max()), 1),
        colorscale=[[0, "#f4f8fc"], [0.15, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]],
        marker={"line": {"color": "#bbbbbb", "width": 0.4}},
        text=[f"<b>{name} ({code})</b><br>{fmt.counted(n, *nouns)} · {fmt.share(s)}"
              for name, code, n, s in zip(metro["name"], metro["code"], metro[measure],
                                          metro[share], strict=True)],
        hovertemplate="%{text}<extra></extra>",
        colorbar={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0.315,
                  "yanchor": "top", "thickness": 14, "len": 0.75, "outlinewidth": 0,
                  "title": {"text": noun.capitalize(), "side": "top"},
                  "tickfont": {"size": 13}, "tickformat": ",d",
                  # whole households only: no 0,5 tick on a small selection
                  **({"tick0": 0, "dtick": 1} if metro[measure].max() <= 5 else {})},
        row=1, col=1,
    )
    fig.add_choropleth(
        geojson=geojson_url("departement-46"), featureidkey="properties.code", locations=["46"],
        z=[0],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"color": "#D55E00", "width": 2}},
        hovertemplate="<b>Le Lot</b><extra></extra>", row=1, col=1,
    )
    others = origins[origins["zone"] != "metropole"]
    overseas = others[others["zone"] == "outre-mer"]
    # (each territory with households; none: the name alone, « Outre-mer / aucun » said
    # nothing of what)
    detail = "".join(f"<br>{name} : {fmt.number(n)}"
                     for name, n in zip(overseas["name"], overseas[measure], strict=True) if n)
    bars = [("Outre-mer", int(overseas[measure].sum()), f"Outre-mer{detail}"),
            ("Étranger", int(others.loc[others["zone"] == "etranger", measure].sum()),
             "Étranger (code 99)")]
    unknown = others[others["zone"] == "inconnu"]
    if unknown[measure].sum():
        bars.append(("Non renseigné", int(unknown[measure].sum()),
                     "Non renseigné ou code inconnu"))
    # horizontal bars: « Outre-mer » and « Étranger » one under the other, never overlapping
    fig.add_bar(
        y=[b[0] for b in bars], x=[b[1] for b in bars], orientation="h",
        text=[fmt.number(b[1]) for b in bars], textposition="outside", cliponaxis=False,
        customdata=[f"{b[2]}<br>{fmt.counted(b[1], *nouns)}" for b in bars],
        marker_color="#2e75b6", showlegend=False,
        hovertemplate="%{customdata}<extra></extra>", row=2, col=1,
    )
    # on the scale of the first département, so a bar compares with the map's colours
    fig.update_xaxes(visible=False, row=2, col=1,
                     range=[0, max(origins[measure].max(), 1) * 1.3])
    fig.update_yaxes(tickfont={"size": 13}, autorange="reversed", automargin=True,
                     row=2, col=1)
    return _geo_layout(fig, height, bargap=0.35)


def top_origins(origins: pd.DataFrame, measure: str, top: int = 10) -> go.Figure:
    """The first départements (or abroad) of origin, as horizontal bars with count and
    share."""
    noun = {"followed": ("foyer suivi", "foyers suivis"),
            "installed": ("foyer installé", "foyers installés")}[measure]
    rows = origins[origins[measure] > 0].sort_values(
        [measure, "code"], ascending=[False, True]).head(top).iloc[::-1]
    labels = [_text(name if zone != "metropole" else f"{name} ({code})")
              for name, code, zone in zip(rows["name"], rows["code"], rows["zone"],
                                          strict=True)]
    fig = go.Figure(go.Bar(
        x=rows[measure], y=labels, orientation="h", marker_color="#2e75b6",
        text=[f"{fmt.number(n)} · {fmt.share(s)}" for n, s in
              zip(rows[measure], rows[f"{measure}_share"], strict=True)],
        textposition="outside", cliponaxis=False, customdata=_counted(rows[measure], *noun),
        hovertemplate="%{y} : %{customdata}<extra></extra>",
    ))
    fig.update_xaxes(visible=False, range=[0, rows[measure].max() * 1.02 if len(rows) else 1])
    fig.update_yaxes(tickfont={"size": 14}, automargin=True)
    # the right margin holds the longest « 47 · 11,8 % » whole beyond its bar
    return _layout(fig, height=36 * max(len(rows), 3) + 30,
                   margin={"l": 10, "r": 100, "t": 10, "b": 10})


# --- Entonnoir par source, réseau accueil, ambassadeurs -------------------------------------

def channel_funnel(by_channel: pd.DataFrame, refs: Reference) -> go.Figure:
    """Suivis, accompagnés, installés by channel, side by side on one scale (one colour per
    channel); each bar with its count and its rate from the channel's followed households."""
    from plotly.subplots import make_subplots

    labels = [refs.channel(c) for c in by_channel["channel"]]
    colours = [refs.channel_colour(c) for c in by_channel["channel"]]
    followed = by_channel["followed"].tolist()
    stages = list(refs.stage_labels.values())
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=stages)
    columns = (("followed", None), ("accompanied", "accompanied_rate"),
               ("installed", "installed_rate"))
    for col, ((column, rate_column), stage) in enumerate(zip(columns, stages, strict=True), 1):
        counts = by_channel[column].tolist()
        if rate_column is None:
            texts = [fmt.number(n) for n in counts]
            hovers = [fmt.counted(n, "foyer suivi", "foyers suivis") for n in counts]
        else:
            rates = by_channel[rate_column].tolist()
            # (on two lines: « 54 · 64 % » on one ran into the next panel on a phone; the
            # rate whole, five characters, for the same reason: the table beside and the
            # hover give its decimal)
            texts = [f"{fmt.number(n)}<br>{fmt.share(r, 0)}"
                     for n, r in zip(counts, rates, strict=True)]
            hovers = [fmt.rate(r, base=True) if r["whole"] else "aucun foyer suivi"
                      for r in rates]
        fig.add_bar(x=counts, y=labels, orientation="h", marker_color=colours, text=texts,
                    textposition="outside", cliponaxis=False, customdata=hovers,
                    name=stage, showlegend=False,
                    hovertemplate="%{y} : %{customdata}<extra>" + stage + "</extra>",
                    row=1, col=col)
    top = max(followed + [1])
    # (room beyond the longest bar for its « 54 » over « 64 % », down to a phone's panel)
    fig.update_xaxes(range=[0, top * 1.9], showticklabels=False, showgrid=False,
                     zeroline=True, zerolinecolor="#bbbbbb")
    fig.update_yaxes(autorange="reversed")
    fig.update_annotations(font_size=16)
    # every bar's figures at one size (the counts alone were drawn larger than the others)
    fig.update_layout(uniformtext={"minsize": 10, "mode": "show"})
    fig = _layout(fig, height=max(200, 70 + 36 * len(labels)),
                  margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(showgrid=False)
    return fig


def percent_ticks(top: float) -> dict:
    """A share axis up to `top` written as the pages write shares, « 20 % » (plotly's « 20% »
    has no space), every 10 or 20 points."""
    step = 0.1 if top <= 0.6 else 0.2
    values = [round(i * step, 2) for i in range(int(top / step + 1e-9) + 1)]
    return {"tickmode": "array", "tickvals": values,
            "ticktext": [fmt.percent(v, 0) for v in values]}


QUARTERS_ALL_NAMED = 8


def quarterly_install_rate(cohorts: pd.DataFrame) -> go.Figure:
    """Installation rate (to date) of each quarter's cohort, with its counts; cohorts too
    recent to judge (metrics: cohort_is_complete) are hatched and lighter."""
    fig = go.Figure()
    quarters = [fmt.quarter(q) for q in cohorts["quarter"]]
    traces = (
        (True, "Cohorte jugée (12 mois ou plus de recul)", "#2e75b6", ""),
        (False, "Cohorte trop récente (moins de 12 mois de recul)", "#a9c9e8", "/"),
    )
    for complete, name, colour, shape in traces:
        rows = cohorts[cohorts["is_complete"] == complete]
        labels = [fmt.quarter(q) for q in rows["quarter"]]
        rates = rows["installed_rate"].tolist()
        shares = [r["value"] for r in rates]
        texts = [f"{fmt.share(r)}<br>{fmt.number(r['part'])}/{fmt.number(r['whole'])}"
                 if r["whole"] else "" for r in rates]
        hovers = [fmt.rate(r) for r in rates]
        fig.add_bar(x=labels, y=shares, name=name, text=texts, textposition="outside",
                    cliponaxis=False, customdata=hovers, textfont_size=12,
                    marker={"color": colour, "pattern": {"shape": shape, "fgcolor": "#2e75b6",
                                                          "size": 8}},
                    hovertemplate="%{x} : %{customdata} installés<extra></extra>")
    top = max([r["value"] for r in cohorts["installed_rate"] if r["value"] is not None]
              + [0.1])
    fig.update_layout(barmode="overlay", bargap=0.25)
    # more than two years of quarters: « T1 2020T2 2020… » ran into one another on a projector;
    # then the year is written under its first quarter, every quarter keeping its tick (the
    # hover names the quarter); the bars' figures all at one size, the smallest that fits
    many = len(quarters) > QUARTERS_ALL_NAMED
    named = [q.removeprefix("T1 ") if q.startswith("T1 ") else "" for q in quarters] \
        if many else quarters
    fig.update_layout(uniformtext={"minsize": 9, "mode": "show"})
    fig.update_xaxes(categoryorder="array", categoryarray=quarters, tickangle=0,
                     tickmode="array", tickvals=quarters, ticktext=named, ticks="outside",
                     title_text="trimestre de premier contact" if many else None)
    fig.update_yaxes(title_text="foyers installés à ce jour", range=[0, top * 1.3],
                     rangemode="tozero", **percent_ticks(top * 1.3))
    return _layout(fig, height=380, legend={"orientation": "h", "yanchor": "bottom",
                                            "y": 1.02, "x": 0})


# Beyond this many households a box has no points (2 MB of them for 130 000 households at a
# regional scale, unreadable as dots anyway): the boxes say the spread.
MAX_POINTS = 5_000


def draws_points(delays: pd.DataFrame) -> bool:
    """Whether install_delay_box draws each household as a point (MAX_POINTS)."""
    return len(delays) <= MAX_POINTS


def install_delay_box(summary: pd.DataFrame, delays: pd.DataFrame,
                      refs: Reference) -> go.Figure:
    """Days from first contact to installation, one box per channel: the metrics layer's
    quartiles, median and range (`summary`, the table's figures: plotly's own quartiles
    differed from them, 410–690 days against 453–641), each household a point beside it."""
    fig = go.Figure()
    boxes = summary[summary["channel"].notna() & (summary["installed"] > 0)]
    points = draws_points(delays)
    names = [refs.channel(channel) for channel in boxes["channel"]]
    for position, (row, name) in enumerate(zip(boxes.itertuples(), names, strict=True)):
        colour = refs.channel_colour(row.channel)
        fig.add_box(y=[position], q1=[row.q1_days], median=[row.median_days],
                    q3=[row.q3_days], lowerfence=[row.min_days], upperfence=[row.max_days],
                    orientation="h", name=name, marker_color=colour, fillcolor="rgba(0,0,0,0)",
                    width=0.5, showlegend=False, hoverinfo="skip")
        if not points:
            continue
        days = delays.loc[delays["channel"] == row.channel, "days_to_install"].to_numpy()
        # (spread across the box's height, the same way at every run)
        offsets = ((np.arange(len(days)) * 0.618034) % 1 - 0.5) * 0.4
        fig.add_scatter(x=days, y=(position + offsets).astype("float32"), mode="markers",
                        marker={"color": colour, "size": 5, "opacity": 0.7}, name=name,
                        showlegend=False, customdata=_counted(days, "jour"),
                        hovertemplate="%{customdata}<extra>" + _text(name) + "</extra>")
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=list(range(len(names))),
                     ticktext=names, zeroline=False, showgrid=False)
    fig.update_xaxes(title_text="jours du 1er contact à l'installation", rangemode="tozero")
    return _layout(fig, height=max(200, 90 + 36 * len(names)),
                   margin={"l": 10, "r": 20, "t": 20, "b": 10})


# Time in stage: light (recent) to dark (long).
_DURATION_COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]


def stage_durations(durations: pd.DataFrame, refs: Reference) -> go.Figure:
    """Households of each current stage (the funnel's « Suivis » counts every household
    followed, « En suivi » only those not further), stacked by the time spent in it."""
    fig = go.Figure()
    for (duration_class, rows), colour in zip(durations.groupby("duration_class", sort=False),
                                              _DURATION_COLOURS, strict=False):
        counts = rows["households"].tolist()
        fig.add_bar(y=[refs.current_stage_labels[s] for s in rows["stage"]], x=counts,
                    orientation="h", name=duration_class, marker_color=colour,
                    text=[fmt.number(n) if n else "" for n in counts],
                    textposition="inside", insidetextanchor="middle", textangle=0,
                    customdata=_counted(counts, "foyer"),
                    hovertemplate="%{y} depuis " + duration_class
                                  + " : %{customdata}<extra></extra>")
    # figures level and at one size: a segment too narrow for its figure leaves it to the
    # hover (« 11 » stood on end, « 17 » shrank to a dot)
    fig.update_layout(barmode="stack", legend_traceorder="normal",
                      uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="foyers")
    return _layout(fig, height=300, margin={"l": 10, "r": 10, "t": 50, "b": 10})


def ambassador_growth(growth: pd.DataFrame, refs: Reference,
                      period_from: pd.Timestamp | None = None) -> go.Figure:
    """Size of the network at the end of each month, stacked by type of ambassador; the
    months from `period_from` (any date) on are shaded as the selected period."""
    fig = go.Figure()
    if period_from is not None and len(growth):
        first, last = growth["month"].min(), growth["month"].max()
        start = max(pd.Timestamp(period_from).to_period("M").to_timestamp(), first)
        if start <= last:
            fig.add_vrect(x0=start, x1=last, fillcolor="#888888", opacity=0.12, line_width=0,
                          layer="below", annotation_text="période",
                          annotation_position="top left")
    colours = refs.type_colours
    order = list(colours) + sorted(set(growth["ambassador_type"]) - set(colours))
    for ambassador_type in order:
        rows = growth[growth["ambassador_type"] == ambassador_type]
        if rows.empty:
            continue
        fig.add_scatter(x=rows["month"], y=rows["ambassadors"], name=_text(ambassador_type),
                        mode="lines", stackgroup="network", line_width=1,
                        line_color=colours.get(ambassador_type, "#999999"),
                        customdata=_counted(rows["ambassadors"], "ambassadeur"),
                        hovertemplate="%{x|%B %Y} : %{customdata}"
                                      "<extra>%{fullData.name}</extra>")
    # (months spaced by plotly for the chart's width: fixed six months apart, the last year's
    # label was dropped on a laptop and the labels crowded a phone)
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_yaxes(title_text="ambassadeurs")
    return _layout(fig, height=360, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02,
                                            "x": 0, "traceorder": "normal"})


def referral_conversion(groups: pd.DataFrame, refs: Reference) -> go.Figure:
    """Follow → accompany and follow → install rates of referred households against the
    others, each bar with its counts."""
    fig = go.Figure()
    steps = ["Suivi → accompagné", "Suivi → installé"]
    looks = {True: ("Parrainés par un ambassadeur", refs.channel_colour("ambassadeur")),
             False: ("Autres foyers", "#1f4e79")}
    top = 0.1
    for row in groups.itertuples():
        name, colour = looks[bool(row.is_referred)]
        rates = [row.accompanied_rate, row.installed_rate]
        shares = [r["value"] for r in rates]
        top = max([top] + [s for s in shares if s is not None])
        fig.add_bar(x=steps, y=shares, name=name, marker_color=colour,
                    text=[fmt.rate(r).replace(" (", "<br>(") for r in rates],
                    textposition="outside", cliponaxis=False, textfont_size=12,
                    customdata=[fmt.rate(r) for r in rates],
                    hovertemplate="%{x} : %{customdata}<extra>" + name + "</extra>")
    # every bar's figure at one size (one group's shrank to 7 px beside the other's)
    # (the groups wide: each bar's « (202 / 350) » is wider than the bar, and ran into its
    # neighbour's at 1280 px)
    fig.update_layout(barmode="group", bargap=0.12, bargroupgap=0.1,
                      uniformtext={"minsize": 10, "mode": "show"})
    fig.update_yaxes(range=[0, top * 1.3], **percent_ticks(top * 1.3))
    return _layout(fig, height=360)
