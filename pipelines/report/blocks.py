"""The pieces of a bilan document (plain data the template typesets) and what every bilan
shares: the selection's context, the settings, the reference labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from .. import french, metrics, targets
from .disclosure import SECONDARY_MARK, small_mark

PROGRAMME = "Oh my Lot ! – programme d'attractivité du Lot"


class ReportError(ValueError):
    """A bilan that cannot be made (an unknown campaign, a period refused, a database built
    before the bilans existed): the message says what to do."""


@dataclass(frozen=True)
class Context:
    """What every part of a bilan needs: the database, the settings, the data date, the
    reference labels."""

    con: duckdb.DuckDBPyConnection
    threshold: int
    model: str
    data_date: dt.date
    built_at: dt.datetime
    channel_labels: dict[str, str]
    channel_colours: dict[str, str]
    model_labels: dict[str, str]
    lookback_days: int  # the build's attribution window (ref.attribution_settings)

    @property
    def model_words(self) -> str:
        """The chosen model as a sentence names it: « linéaire », « en U (40/20/40) »."""
        return french.lower_first(self.model_labels[self.model])

    def by_model(self, name: str) -> str:
        """A figure's name with the chosen model, « Installations attribuées (linéaire) »; a
        model named with brackets is not bracketed again (« Installations attribuées (dégressif
        (demi-vie : 14 jours)) »): « …, modèle dégressif (demi-vie : 14 jours) »."""
        words = self.model_words
        return f"{name}, modèle {words}" if "(" in words else f"{name} ({words})"

    def ask(self, name: str, filters: metrics.Filters | None = None, **params):
        return metrics.ask(self.con, name, filters, **params)

    def ask_one(self, name: str, filters: metrics.Filters | None = None, **params) -> dict:
        return metrics.ask_one(self.con, name, filters, **params)

    def ask_rows(self, name: str, filters: metrics.Filters | None = None,
                 **params) -> list[dict]:
        return metrics.ask_rows(self.con, name, filters, **params)

    def channel(self, code: str) -> str:
        return self.channel_labels.get(code, code)

    def small(self) -> str:
        return small_mark(self.threshold)

    def caption(self, period: str) -> str:
        """The line under a chart: its period and the data date."""
        return f"Période : {period}. Données au {french.date(self.data_date)}."

    def secret_note(self) -> str:
        """The bilan's secret as it applies: at 1 nothing is small (the header stated a rule
        « inférieur à 1 » of no possible case); below the Territoire page's threshold its
        masks still hold here (six intercommunalities « (s) » under a rule that did not say
        why)."""
        if self.threshold <= 1:
            said = ("Secret statistique : aucun effectif n'est masqué pour sa petite taille "
                    "(seuil 1)")
        else:
            said = (f"Secret statistique : un effectif de foyers ou de personnes inférieur à "
                    f"{french.number(self.threshold)} est publié « {self.small()} » et les "
                    f"taux calculés sur lui ne le sont pas ; « {SECONDARY_MARK} » : case "
                    "masquée pour qu'un tel effectif ne puisse être retrouvé par différence "
                    "avec un total")
        if self.threshold < metrics.SMALL_COUNT:
            said += (f" ; les intercommunalités que la page « Territoire » du tableau de bord "
                     f"masque (moins de {metrics.SMALL_COUNT} installations, ou par "
                     f"différence) le sont aussi ici, « {SECONDARY_MARK} »")
        return said + "."


def context(con: duckdb.DuckDBPyConnection, small_count: int | None = None,
            model: str | None = None) -> Context:
    """The context of a bilan on a published database; the settings of targets.toml unless
    given."""
    try:
        settings = metrics.ask_one(con, "report_settings")
        attribution = metrics.ask_one(con, "attribution_settings")
    except duckdb.CatalogException:
        raise ReportError("La base publiée a été construite par une version antérieure, sans "
                          "ce que les bilans lisent : relancez la construction (python -m "
                          "pipelines build).") from None
    threshold = settings["small_count"] if small_count is None else small_count
    if threshold not in targets.SMALL_COUNTS:
        raise ReportError(f"Le seuil du secret statistique doit être {targets.SMALL_COUNT_RULE}.")
    models = {row["model"]: row["label"] for row in metrics.ask_rows(con, "attribution_models")}
    model = model or settings["attribution_model"]
    if model not in models:
        raise ReportError(f"Modèle d'attribution inconnu « {model} » : "
                          f"{', '.join(models)}.")
    channels = metrics.ask_rows(con, "channels")
    return Context(
        con=con, threshold=threshold, model=model,
        data_date=metrics.ask_one(con, "data_date")["data_date"],
        built_at=metrics.ask_one(con, "build")["built_at"],
        channel_labels={row["channel"]: row["label"] for row in channels},
        channel_colours={row["channel"]: row["colour"] for row in channels},
        model_labels=models,
        lookback_days=attribution["lookback_days"],
    )


# --- Blocks --------------------------------------------------------------------------------

def cards(items: list[dict], columns: int = 4) -> dict:
    return {"kind": "cards", "columns": columns, "items": items}


def card(label: str, value: str, detail: str | None = None) -> dict:
    return {"label": label, "value": value, "detail": detail}


def column(text: str, fr: float = 1, align: str = "right") -> dict:
    return {"text": text, "fr": fr, "align": align}


# A table of at most this many rows is kept whole on one page (split, it left its header,
# or its total and one row, alone on a page); longer ones break, their header repeated.
SHORT_TABLE_ROWS = 15


def table(columns: list[dict], rows: list[list[str]], title: str | None = None,
          caption: str | None = None, total: list[str] | None = None,
          sums: list[int] | None = None, row_totals: bool = False) -> dict:
    """A table; `total` its total row; `sums` the columns whose cells add up to the total,
    `row_totals` when the last column is each row's total (what a reader could subtract
    along: the tests check that no masked cell is recovered)."""
    body = [{"cells": cells, "total": False} for cells in rows]
    if total:
        body.append({"cells": total, "total": True})
    return {"kind": "table", "title": title, "caption": caption, "columns": columns,
            "rows": body, "sums": sums or [], "row_totals": row_totals,
            "whole": len(body) <= SHORT_TABLE_ROWS}


def bars(title: str, rows: list[dict], caption: str, legend: list[dict] | None = None,
         label_width: float = 3.6) -> dict:
    """A horizontal bar chart: rows of {label, bars: [{value (0–1 or None), text, colour}]};
    a masked figure has no bar, only its mark. Without a single bar to draw, a note saying so
    (February 2024's channels: eighteen « 0 » and « < 5 » beside no bar at all)."""
    if not any(b["value"] for row in rows for b in row["bars"]):
        return note(f"{title} : pas de graphique, chaque effectif de la période étant nul ou "
                    "masqué par le secret statistique.")
    return {"kind": "bars", "title": title, "rows": rows, "caption": caption,
            "legend": legend or [], "label_width": label_width}


def bar(value: float | None, largest: float, text: str, colour: str) -> dict:
    share = None if value is None or not largest else max(0.0, min(1.0, value / largest))
    return {"value": share, "text": text, "colour": colour}


def note(text: str) -> dict:
    return {"kind": "note", "text": text}


def section(title: str, sentences: list[str], blocks: list[dict], whole: bool = False) -> dict:
    """A section; `whole`: kept on one page (only a short one: a block taller than a page
    would run off it)."""
    return {"title": title, "sentences": [s for s in sentences if s], "blocks": blocks,
            "whole": whole}


def one_line(text: object) -> str:
    """Text from the exports on one line (a label with a line break stays one label)."""
    return " ".join(str(text).split())
