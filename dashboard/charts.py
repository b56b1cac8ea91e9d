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


# --- Campagnes -------------------------------------------------------------------------------

MODEL_COLOURS = {
    "first_touch": "#1f4e79",
    "last_touch": "#2e75b6",
    "linear": "#009E73",
    "time_decay": "#E69F00",
    "position_based": "#CC79A7",
}


def models_side_by_side(metrics: pd.DataFrame, conversion: str, models: dict[str, str]
                        ) -> go.Figure:
    """Credits of each campaign under the five models, side by side: where the bars agree, the
    answer does not depend on the model."""
    rows = metrics[metrics[[f"{conversion}_{m}" for m in models]].sum(axis=1) > 0]
    rows = rows.sort_values(f"{conversion}_linear")
    fig = go.Figure()
    for model, label in models.items():
        fig.add_bar(
            y=rows["campaign_label"], x=rows[f"{conversion}_{model}"], name=label,
            orientation="h", marker_color=MODEL_COLOURS[model],
            hovertemplate="%{y}<br>" + label + " : %{x:.1f} foyers<extra></extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_xaxes(title_text="foyers attribués (crédits)")
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=max(360, 42 * len(rows) + 80))


def campaign_timeline(calendar: pd.DataFrame, trend: pd.DataFrame) -> go.Figure:
    """Campaigns as start–end bars (by channel colour) above the monthly new households."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.58, 0.42],
                        vertical_spacing=0.04)
    for _, row in calendar.iterrows():
        start = pd.Timestamp(row["start_date"])
        end = pd.Timestamp(row["end_date"]) + pd.Timedelta(days=1)
        fig.add_bar(
            y=[row["campaign_label"]], x=[(end - start).total_seconds() * 1000],
            base=[start.isoformat()], orientation="h", showlegend=False,
            marker_color=fmt.CHANNEL_COLOURS.get(row["channel"], "#999999"),
            hovertemplate=(f"{row['campaign_label']}<br>{fmt.date(row['start_date'])} → "
                           f"{fmt.date(row['end_date'])}<br>{fmt.channel(row['channel'])}"
                           "<extra></extra>"),
            row=1, col=1,
        )
    followed = trend[trend["series"] == "Nouveaux foyers suivis"]
    fig.add_bar(x=followed["month"], y=followed["households"], name="Nouveaux foyers suivis",
                marker_color="#2e75b6", showlegend=False,
                hovertemplate="%{x|%B %Y} : %{y} nouveaux foyers<extra></extra>", row=2, col=1)
    fig.update_yaxes(autorange="reversed", automargin=True, row=1, col=1)
    fig.update_yaxes(title_text="nouveaux foyers", row=2, col=1)
    fig.update_xaxes(type="date", tickformat="%b %Y", dtick="M6", row=2, col=1)
    fig.update_layout(barmode="overlay")
    return _layout(fig, height=max(420, 26 * len(calendar) + 260))


def touches_by_week(touches: pd.DataFrame) -> go.Figure:
    """A campaign's touches per week, stacked by interaction type."""
    fig = go.Figure()
    for kind, rows in touches.groupby("interaction_type"):
        fig.add_bar(x=rows["week"], y=rows["touches"], name=kind,
                    hovertemplate="semaine du %{x|%d/%m/%Y} : %{y} contacts<extra>"
                    + kind + "</extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%d/%m/%Y")
    fig.update_yaxes(title_text="contacts")
    return _layout(fig, height=340)
