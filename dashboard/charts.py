"""Pure figure builders: DataFrame in, plotly Figure out; no st.* calls."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import fmt

FONT = "DejaVu Sans, Arial, sans-serif"

# plotly.js ships English only: the French dictionary and formats are given in the config.
PLOTLY_CONFIG = {
    "locale": "fr",
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
                "days": ["Dimanche", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi",
                         "Samedi"],
                "shortDays": ["Dim", "Lun", "Mar", "Mer", "Jeu", "Ven", "Sam"],
                "months": [m.capitalize() for m in fmt.MONTHS],
                "shortMonths": ["Janv.", "Févr.", "Mars", "Avr.", "Mai", "Juin", "Juil.",
                                "Août", "Sept.", "Oct.", "Nov.", "Déc."],
                "date": "%d/%m/%Y",
                "decimal": ",",
                "thousands": "\u202f",
            },
        }
    },
}


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
    fig.update_xaxes(gridcolor="#eeeeee")
    fig.update_yaxes(gridcolor="#eeeeee")
    return fig


def funnel(steps: pd.DataFrame) -> go.Figure:
    """Funnel of the selection: each step with its count, its rate from the previous step and
    from the first."""
    labels = [fmt.STAGE_LABELS[s] for s in steps["stage"]]
    texts = [
        fmt.number(n) if i == 0 else
        f"{fmt.number(n)} ({fmt.percent(n / p if p else None)})"
        for i, (n, p) in enumerate(zip(steps["households"], steps["previous"], strict=True))
    ]
    fig = go.Figure(go.Funnel(
        y=labels, x=steps["households"], text=texts, textinfo="text",
        textposition="inside", textfont={"size": 18},
        marker={"color": ["#1f4e79", "#2e75b6", "#009E73"]},
        connector={"line": {"color": "#cccccc"}},
        hovertemplate="%{y} : %{x:,} foyers<extra></extra>",
    ))
    return _layout(fig, height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10})


def monthly_trend(trend: pd.DataFrame) -> go.Figure:
    """Monthly new households followed and installations, as two bar series."""
    fig = go.Figure()
    colours = {"Nouveaux foyers suivis": "#2e75b6", "Installations": "#009E73"}
    for series, rows in trend.groupby("series", sort=False):
        fig.add_bar(x=rows["month"], y=rows["households"], name=series,
                    marker_color=colours.get(series),
                    hovertemplate="%{x|%B %Y} : %{y} foyers<extra>" + series + "</extra>")
    fig.update_layout(barmode="group", bargap=0.15)
    fig.update_xaxes(tickformat="%b %Y", dtick="M6")
    fig.update_yaxes(title_text="foyers")
    return _layout(fig, height=330)
