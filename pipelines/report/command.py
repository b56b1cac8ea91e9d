"""`python -m pipelines report`: the programme bilan of a period, or a campaign's, as a PDF
file; the time it took on standard error."""

from __future__ import annotations

import argparse
import sys
import time

import duckdb

from .. import config, metrics, progress, status
from . import campaign_bilan, programme_bilan
from .blocks import ReportError


def run(args: argparse.Namespace) -> int:
    """Writes the bilan; 0, or 1 (no database) / 2 (a request that cannot be met) with the
    reason on standard error."""
    path = config.database_path(args.curated)
    if not path.exists():
        print(f"Erreur : aucune base publiée dans {args.curated} : lancez d'abord "
              "« python -m pipelines build ».", file=sys.stderr)
        return 1
    if args.campaign and (args.date_from or args.date_to):
        print("Erreur : le bilan d'une campagne couvre toute la campagne : --from et --to ne "
              "s'emploient pas avec --campaign.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    current = True
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            current = status.built_by_this_code(status.published_build(con))
            if not current:
                print(f"Attention : {status.OLDER_MODELS}", file=sys.stderr)
            if args.campaign:
                pdf = campaign_bilan(con, args.campaign, small_count=args.small_count,
                                     model=args.model)
            else:
                pdf = programme_bilan(con, metrics.Filters(args.date_from, args.date_to),
                                      small_count=args.small_count, model=args.model)
    except (ReportError, metrics.PeriodError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except Exception:
        if current:
            raise
        # (the bilan asked the older database for what it lacks: said, not a traceback)
        print("Erreur : le bilan ne peut pas s'écrire sur la base publiée, construite par une "
              "autre version : relancez « python -m pipelines build ».", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    print(f"Bilan écrit : {args.out} ({len(pdf) // 1024} Ko) en "
          f"{progress.seconds(time.perf_counter() - started, 2)}", file=sys.stderr)
    return 0
