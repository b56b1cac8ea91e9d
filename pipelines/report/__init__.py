"""The bilans: the committee's document for a period and a campaign's, as PDF bytes. The
command line (`python -m pipelines report`) and the dashboard's buttons call these same
functions, so both give the same file.

    programme_bilan(con, Filters(date(2023, 1, 1), date(2023, 12, 31)))
    campaign_bilan(con, ["TOUR-ETE-2023", "ENTR-IMM-2024"])
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from .. import metrics
from . import campaign, programme, render
from .blocks import ReportError, context

__all__ = ["ReportError", "campaign_bilan", "campaign_document", "programme_bilan",
           "programme_document"]


def programme_document(con: duckdb.DuckDBPyConnection, filters: metrics.Filters,
                       small_count: int | None = None, model: str | None = None) -> dict:
    """The programme bilan of a period as data (sections, sentences, tables, charts)."""
    return programme.document(context(con, small_count, model), filters)


def programme_bilan(con: duckdb.DuckDBPyConnection, filters: metrics.Filters,
                    small_count: int | None = None, model: str | None = None) -> bytes:
    """The programme bilan of a period as a PDF."""
    return render.pdf(programme_document(con, filters, small_count, model))


def campaign_document(con: duckdb.DuckDBPyConnection, codes: Sequence[str],
                      small_count: int | None = None, model: str | None = None) -> dict:
    """The bilan of one campaign, or of several of one operation, as data."""
    return campaign.document(context(con, small_count, model), list(codes))


def campaign_bilan(con: duckdb.DuckDBPyConnection, codes: Sequence[str],
                   small_count: int | None = None, model: str | None = None) -> bytes:
    """The bilan of one campaign, or of several of one operation, as a PDF."""
    return render.pdf(campaign_document(con, codes, small_count, model))
