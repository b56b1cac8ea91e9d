"""Benchmark: the build of N touches against DuckDB merely scanning the same file, measured
in the same run. Usage: .venv/bin/python bench/build_scale.py [N]  (default 1 000 000)."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.build import build


def write_exports(raw: Path, touches: int) -> Path:
    rng = random.Random(7)
    raw.mkdir(parents=True)
    with (raw / "prospects.csv").open("w", encoding="utf-8") as out:
        out.write("ID prospect;Date de premier contact;Canal;Email\n")
        for i in range(20_000):
            out.write(f"P{i};{rng.randint(1, 28):02d}/0{rng.randint(1, 9)}/2023;Salon;"
                      f"p{i}@example.fr\n")
    path = raw / "contacts_campagnes.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("ID interaction,Horodatage,Code campagne,Canal,Type d'interaction,Email,"
                  "ID prospect\n")
        for i in range(touches):
            person = rng.randint(0, 200_000)
            prospect = f"P{person}" if person < 20_000 and rng.random() < 0.5 else ""
            out.write(f"T{i},2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:"
                      f"{rng.randint(0, 59):02d}:00,C{rng.randint(1, 30)},,Clic,"
                      f"p{person}@example.fr,{prospect}\n")
    return path


def main() -> None:
    touches = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        csv_path = write_exports(raw, touches)
        started = time.perf_counter()
        duckdb.sql(f"select count(*) from read_csv('{csv_path}', all_varchar=true)").fetchall()
        scan = time.perf_counter() - started
        started = time.perf_counter()
        build(raw, Path(tmp) / "curated", progress=lambda m: print("  " + m))
        full = time.perf_counter() - started
    print(f"{touches:,} touches: DuckDB scan {scan:.2f} s, build {full:.2f} s, "
          f"ratio {full / scan:.1f}x")


if __name__ == "__main__":
    main()
