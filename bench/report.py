"""Benchmark: how long the committee's bilans take, as the command makes them (whole process,
Python start-up included) and in-process (what a click on the dashboard's button costs), on the
demo. Usage: .venv/bin/python bench/report.py [RUNS]  (part of `make bench`)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, check=True,
                   capture_output=True)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        raw, curated = Path(tmp) / "raw", Path(tmp) / "curated"
        _cli("demo", "--raw", str(raw))
        _cli("build", "--raw", str(raw), "--curated", str(curated))
        import datetime as dt

        import duckdb
        from pypdf import PdfReader

        from pipelines import metrics, report

        cases = {
            "bilan du programme 2023": (
                ["--from", "2023-01-01", "--to", "2023-12-31"],
                lambda con: report.programme_bilan(
                    con, metrics.Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))),
            "bilan de campagne (été 2023)": (
                ["--campaign", "TOUR-ETE-2023"],
                lambda con: report.campaign_bilan(con, ["TOUR-ETE-2023"])),
        }
        print("| bilan | command (whole process) | in-process (the button) | pages |")
        print("|---|---|---|---|")
        for label, (args, make) in cases.items():
            out = Path(tmp) / "bilan.pdf"
            whole, inside = [], []
            for _ in range(runs):
                started = time.perf_counter()
                _cli("report", "--curated", str(curated), *args, "--out", str(out))
                whole.append(time.perf_counter() - started)
            with duckdb.connect(str(curated / "lot.duckdb"), read_only=True) as con:
                for _ in range(runs):
                    started = time.perf_counter()
                    make(con)
                    inside.append(time.perf_counter() - started)
            print(f"| {label} | {statistics.median(whole):.2f} s | "
                  f"{statistics.median(inside):.2f} s | {len(PdfReader(out).pages)} |")
        print(f"(medians of {runs} runs, demo exports)")


if __name__ == "__main__":
    main()
