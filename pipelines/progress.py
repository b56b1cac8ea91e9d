"""What a build shows while it runs: one plain line per stage (file, CI, a pipe), and on a
terminal a bar that fills as the SQL models run, with what is left."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


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

