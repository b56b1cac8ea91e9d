"""The bilans: the committee's document for a period and a campaign's, as PDF bytes. The
command line (`python -m pipelines report`) and the dashboard's buttons call these same
functions, so both give the same file.

    programme_bilan(con, Filters(date(2023, 1, 1), date(2023, 12, 31)))
    campaign_bilan(con, ["TOUR-ETE-2023", "ENTR-IMM-2024"])
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import duckdb

from .. import metrics, pii
from . import campaign, programme, render
from .blocks import ReportError, context, note

__all__ = ["ReportError", "campaign_bilan", "campaign_document", "programme_bilan",
           "programme_document"]


def programme_document(con: duckdb.DuckDBPyConnection, filters: metrics.Filters,
                       small_count: int | None = None, model: str | None = None) -> dict:
    """The programme bilan of a period as data (sections, sentences, tables, charts)."""
    return _pseudonyms_told(programme.document(context(con, small_count, model), filters))


def programme_bilan(con: duckdb.DuckDBPyConnection, filters: metrics.Filters,
                    small_count: int | None = None, model: str | None = None) -> bytes:
    """The programme bilan of a period as a PDF."""
    return render.pdf(programme_document(con, filters, small_count, model))


def campaign_document(con: duckdb.DuckDBPyConnection, codes: Sequence[str],
                      small_count: int | None = None, model: str | None = None) -> dict:
    """The bilan of one campaign, or of several of one operation, as data."""
    return _pseudonyms_told(campaign.document(context(con, small_count, model), list(codes)))


def _pseudonyms_told(document: dict) -> dict:
    """A bilan that shows a pseudonym (« masqué-… ») anywhere says, at its end, what it is."""
    if pii.holds_pseudonym(json.dumps(document, ensure_ascii=False, default=str)):
        document["sections"][-1]["blocks"].append(note(pii.PSEUDONYM_NOTE))
    return document


def campaign_bilan(con: duckdb.DuckDBPyConnection, codes: Sequence[str],
                   small_count: int | None = None, model: str | None = None) -> bytes:
    """The bilan of one campaign, or of several of one operation, as a PDF."""
    return render.pdf(campaign_document(con, codes, small_count, model))
