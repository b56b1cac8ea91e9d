"""What a build shows while it runs: one plain line per stage (file, CI, a pipe), and on a
terminal a bar that fills as the SQL models run, with what is left."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Clock:
    """Wall and CPU time since it was started. CPU counts every thread of the process, DuckDB's
    workers included: beside the wall time it says how many cores a step kept busy (a build at
    ten million touches ran its large steps on 1.8 to 1.95 of 2 cores)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def timing(self, label: str, at_least: float = 0.0) -> None:
        """With OMLOT_TIMINGS set, « label: 17.91 s (CPU 33.81 s) » on the error stream (steps
        shorter than `at_least` seconds left out)."""
        wall = time.perf_counter() - self.wall
        if os.environ.get("OMLOT_TIMINGS") and wall >= at_least:
            print(f"  {label}: {wall:.2f} s (CPU {time.process_time() - self.cpu:.2f} s)",
                  file=sys.stderr)


class Reporter:
    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.tty = stream.isatty() and not os.environ.get("CI")
        self._bar = False

    def line(self, message: str) -> None:
        if self._bar:
            self.stream.write("\r\033[K")
            self._bar = False
        print(message, file=self.stream, flush=True)

    def bar(self, done: int, total: int, label: str, started: float) -> None:
        """A bar on a terminal (nothing elsewhere): done/total, elapsed, the current step."""
        if not self.tty or not total:
            return
        width = 24
        filled = width * done // total
        elapsed = time.perf_counter() - started
        self.stream.write(f"\r\033[K  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                          f"{elapsed:5.1f} s  {label[:40]}")
        self.stream.flush()
        self._bar = True


def rate(rows: int, seconds: float) -> str:
    """`1 234 567 lignes/s`, French grouping."""
    per_second = rows / seconds if seconds > 0 else 0
    return f"{per_second:,.0f}".replace(",", " ") + " lignes/s"


def count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def seconds(value: float, decimals: int = 1) -> str:
    """`0,9 s`: a duration as the dashboard writes it (French decimal comma)."""
    return f"{value:.{decimals}f}".replace(".", ",") + " s"

