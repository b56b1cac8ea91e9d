"""`make bench`: the build at N times the programme, against DuckDB's own reading of the same
files, against a pandas and a polars script, and the dashboard's pages, in one table (issue 12).

Usage: python bench/run.py [--scales "1 100 1000"] [--out bench/out]

For each N: the exports are generated once (`python -m pipelines demo --scale N`, kept in
OUT/N<N>/raw with the time it took, and generated again only when the generator changed; delete
OUT/N<N>/raw.stamp to generate them again), then each command runs
as its own process, several times for small N, and the table gives the median wall time (with
min–max when there are several runs), the CPU time (user + system) and the peak memory (resident
memory of the process and its children, sampled every 50 ms, and at least the kernel's own peak
of the process). Every build starts from scratch (no curated database, no kept staged rows),
but for the « rebuild » lines. The table is printed and written to OUT/bench.md, the
measurements to OUT/bench.json.

A time is only as good as the machine is quiet: the load average when the run started is
printed with the table, and the CPU times vary less than the wall times on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GIB = 2**30
FIGURES = ("followed", "accompanied", "installed", "people_installed", "contacts",
           "interactions")
PAGES = ("overview", "sources", "campaigns", "network", "ambassadors", "territory", "quality")
PAGE_SCALES = (1, 1000)  # the pages are timed at these N (issue 12)
MEMORY_GUARD = 20 * GIB  # a command above this is stopped (the machine has 24 GiB)
TIME_GUARD = 1800  # seconds, per command


@dataclass
class Run:
    wall: float
    cpu: float
    peak: int  # bytes
    code: int
    stopped: str = ""  # why the bench stopped it, if it did


def measure(cmd: list[str], *, log: Path, env: dict | None = None,
            stdout: Path | None = None, timeout: float = TIME_GUARD) -> Run:
    """Run cmd from the repository root; its wall and CPU time and its peak memory."""
    # (here, not at the top: `make bench` installs it; the test suite reads this module's log
    # parsing without it)
    import psutil

    environment = {**os.environ, **(env or {})}
    started = time.perf_counter()
    with open(log, "ab") as err, open(stdout or os.devnull, "wb") as out:
        err.write(f"\n$ {' '.join(cmd)}\n".encode())
        err.flush()
        process = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=out, stderr=err,
                                   start_new_session=True)
        watched = psutil.Process(process.pid)
        peak, stopped = 0, ""
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            try:
                tree = [watched, *watched.children(recursive=True)]
            except psutil.Error:
                tree = []
            rss = 0
            for member in tree:
                try:
                    rss += member.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
            if not stopped and (rss > MEMORY_GUARD or time.perf_counter() - started > timeout):
                stopped = "mémoire" if rss > MEMORY_GUARD else "durée"
                os.killpg(process.pid, signal.SIGKILL)
            time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(round(time.perf_counter() - started, 3), round(usage.ru_utime + usage.ru_stime, 3),
               max(peak, usage.ru_maxrss * 1024), process.returncode, stopped)


def runs_for(n: int, small: int, large: int) -> int:
    return small if n <= 100 else large


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def generator_stamp(n: int) -> str:
    digest = hashlib.sha256(f"{n}".encode())
    for name in ("demo_scale.py", "demo.py"):
        digest.update((ROOT / "pipelines" / name).read_bytes())
    return digest.hexdigest()


def must(run: Run, what: str, log: Path) -> Run:
    if run.code != 0 or run.stopped:
        why = f"arrêté ({run.stopped})" if run.stopped else f"code {run.code}"
        print(f"  ✗ {what} : {why}, voir {log}", file=sys.stderr)
    return run


def bench_scale(n: int, out: Path, args: argparse.Namespace) -> dict:
    base = out / f"N{n}"
    base.mkdir(parents=True, exist_ok=True)
    log = base / "bench.log"
    log.write_text("")
    raw = base / "raw"
    result: dict = {"n": n}
    say = lambda message: print(f"[N={n}] {message}", file=sys.stderr, flush=True)  # noqa: E731

    stamp = base / "raw.stamp"
    if not raw.is_dir() or not stamp.exists() or stamp.read_text() != generator_stamp(n):
        say("génération des exports…")
        fresh(raw)
        stamp.unlink(missing_ok=True)
        (base / "generate.json").unlink(missing_ok=True)
        run = must(measure([PY, "-m", "pipelines", "demo", "--scale", str(n), "--raw", str(raw)],
                           log=log), "génération", log)
        if run.code:
            raise SystemExit(f"génération des exports impossible (N={n}), voir {log}")
        stamp.write_text(generator_stamp(n))
        (base / "generate.json").write_text(json.dumps(asdict(run)))
    if (base / "generate.json").exists():  # kept exports: the time of the run that made them
        result["generate"] = json.loads((base / "generate.json").read_text())
    files = sorted(raw.glob("*.csv"))
    result["csv_bytes"] = sum(p.stat().st_size for p in files)
    result["files"] = len(files)

    say("plancher : DuckDB lit toutes les colonnes…")
    floors = []
    for _ in range(runs_for(n, 5, 3)):
        floors.append(must(measure([PY, "bench/floor.py", str(raw)], log=log,
                                   stdout=base / "floor.json"), "plancher", log))
    result["floor"] = [asdict(r) for r in floors]
    rows = json.loads((base / "floor.json").read_text())
    result["touches"] = sum(v["rows"] for k, v in rows.items() if k.startswith("contacts"))

    curated = base / "curated"
    builds = []
    for i in range(runs_for(n, args.runs, args.runs_large)):
        say(f"build {i + 1}…")
        fresh(curated)
        shutil.rmtree(base / ".build", ignore_errors=True)  # staged rows kept by a build
        builds.append(must(measure([PY, "-m", "pipelines", "build", "--raw", str(raw),
                                    "--curated", str(curated)], log=base / "build.log",
                                   env={"OMLOT_TIMINGS": "1"}), "build", base / "build.log"))
        if builds[-1].code or builds[-1].stopped:
            break
    result["build"] = [asdict(r) for r in builds]
    built = builds[-1].code == 0 and not builds[-1].stopped
    if built:
        (base / "kpis.json").unlink(missing_ok=True)
        measure([PY, "-m", "pipelines", "kpis", "--curated", str(curated), "--json"], log=log,
                stdout=base / "kpis.json")
        result["ours"] = json.loads((base / "kpis.json").read_text())

    for tool in ("pandas", "polars"):
        say(f"script {tool}…")
        runs = []
        for _ in range(runs_for(n, args.runs, 1)):
            runs.append(must(measure([PY, f"bench/analyst_{tool}.py", str(raw)], log=log,
                                     stdout=base / f"{tool}.json"), tool, log))
            if runs[-1].code or runs[-1].stopped:
                break
        result[tool] = [asdict(r) for r in runs]
        if runs[-1].code == 0 and not runs[-1].stopped:
            result[f"{tool}_figures"] = json.loads((base / f"{tool}.json").read_text())

    if built and not args.no_rebuild:
        months = sorted(raw.glob("contacts_campagnes_*.csv"))
        say(f"reconstruction après l'ajout d'un mois ({months[-1].name})…")
        rebuilds, unchanged = [], []
        for _ in range(runs_for(n, 3, 1)):
            folder = fresh(base / "rebuild")
            minus = fresh(folder / "raw")
            for path in files:
                if path != months[-1]:
                    os.link(path, minus / path.name)
            command = [PY, "-m", "pipelines", "build", "--raw", str(minus), "--curated",
                       str(folder / "curated")]
            first = must(measure(command, log=log), "build sans le dernier mois", log)
            if first.code:
                break
            os.link(months[-1], minus / months[-1].name)
            rebuilds.append(must(measure(command, log=log), "reconstruction", log))
            unchanged.append(must(measure(command, log=log), "reconstruction à l'identique",
                                  log))
        result["rebuild"] = [asdict(r) for r in rebuilds]
        result["rebuild_unchanged"] = [asdict(r) for r in unchanged]
        shutil.rmtree(base / "rebuild", ignore_errors=True)

    if built and n in PAGE_SCALES and not args.no_pages:
        say("pages du tableau de bord (AppTest)…")
        run = must(measure([PY, "bench/pages.py", str(curated)], log=log,
                           stdout=base / "pages.json"), "pages", log)
        result["pages_run"] = asdict(run)
        try:  # a failing page still leaves the times of the others
            result["pages"] = json.loads((base / "pages.json").read_text())
        except (OSError, ValueError):
            pass
    return result


# ---------------------------------------------------------------- the table


def seconds(runs: list[dict]) -> str:
    ok = [r for r in runs if r["code"] == 0 and not r["stopped"]]
    if not ok:
        stopped = runs[-1]["stopped"] if runs else ""
        return f"échec ({'arrêté : ' + stopped if stopped else 'code ' + str(runs[-1]['code'])})" \
            if runs else "—"
    walls = [r["wall"] for r in ok]
    text = f"{statistics.median(walls):.2f} s"
    if len(walls) > 1:
        text += f" ({min(walls):.2f}–{max(walls):.2f}, {len(walls)} runs)"
    return text


def median(runs: list[dict], key: str) -> float | None:
    ok = [r[key] for r in runs if r["code"] == 0 and not r["stopped"]]
    return statistics.median(ok) if ok else None


def memory(runs: list[dict]) -> str:
    peaks = [r["peak"] for r in runs]
    return f"{max(peaks) / GIB:.2f} GiB" if peaks else "—"


def ratio(a: float | None, b: float | None, fmt: str = "{:.1f} ×") -> str:
    return fmt.format(a / b) if a and b else "—"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def table(results: list[dict], started: dict) -> str:
    ns = [r["n"] for r in results]
    head = "| | " + " | ".join(f"N = {n}" for n in ns) + " | target at N = 1000 (issue 12) |"
    lines = [head, "|---" * (len(ns) + 2) + "|"]

    def row(label: str, cells: list[str], target: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    def each(function) -> list[str]:
        cells = []
        for r in results:
            try:
                cells.append(function(r))
            except (KeyError, TypeError, ZeroDivisionError, IndexError):
                cells.append("—")
        return cells

    row("exports: households / touches / CSV",
        each(lambda r: f"{400 * r['n']:,} / {r['touches']:,} / {r['csv_bytes'] / 1e6:,.1f} MB"
             .replace(",", " ")))
    row("exports generated in (`demo --scale N`; CPU)",
        each(lambda r: f"{r['generate']['wall']:.1f} s; {r['generate']['cpu']:.1f} s"),
        "< 60 s")
    row("**floor**: DuckDB reads every column", each(lambda r: seconds(r["floor"])))
    row("**build** (from scratch)", each(lambda r: seconds(r["build"])))
    row("build CPU time (user + sys)", each(lambda r: f"{median(r['build'], 'cpu'):.1f} s"))
    row("floor CPU time", each(lambda r: f"{median(r['floor'], 'cpu'):.1f} s"))
    row("**build / floor** (wall; CPU)",
        each(lambda r: ratio(median(r["build"], "wall"), median(r["floor"], "wall")) + "; "
             + ratio(median(r["build"], "cpu"), median(r["floor"], "cpu"))), "≤ 8 ×")
    row("build peak memory", each(lambda r: memory(r["build"])), "≤ 2.5 GiB")
    row("rebuild after adding one month of touches (wall; CPU)",
        each(lambda r: f"{seconds(r['rebuild'])} = "
             + ratio(median(r["rebuild"], "wall"), median(r["build"], "wall"), "{:.0%}")
             + f" of the build; CPU {median(r['rebuild'], 'cpu'):.1f} s = "
             + ratio(median(r["rebuild"], "cpu"), median(r["build"], "cpu"), "{:.0%}")),
        "≤ 25 % of the build")
    row("rebuild, nothing changed", each(lambda r: seconds(r["rebuild_unchanged"])))
    for tool in ("pandas", "polars"):
        row(f"{tool} script: time; CPU", each(
            lambda r, t=tool: f"{seconds(r[t])}; {median(r[t], 'cpu'):.1f} s"))
        row(f"{tool} script: peak memory", each(lambda r, t=tool: memory(r[t])),
            "build ≤ ½ of polars'" if tool == "polars" else "")
    row("**pandas / build** (time)", each(lambda r: ratio(median(r["pandas"], "wall"),
                                                          median(r["build"], "wall"))), "≥ 4 ×")
    row("**polars / build** (time)", each(lambda r: ratio(median(r["polars"], "wall"),
                                                          median(r["build"], "wall"))), "> 1 ×")
    row("**build / polars** (peak memory)",
        each(lambda r: ratio(max(x["peak"] for x in r["build"]),
                             max(x["peak"] for x in r["polars"]), "{:.2f} ×")), "≤ 0.5 ×")
    for figure in FIGURES:
        def check(r, f=figure) -> str:
            ours = r["ours"][f]
            marks = []
            for tool in ("pandas", "polars"):
                theirs = r.get(f"{tool}_figures", {}).get(f)
                marks.append(f"{tool} " + ("✓" if theirs == ours else f"✗ ({theirs})"))
            return f"{ours:,}".replace(",", " ") + " · " + " · ".join(marks)
        row(f"`{figure}`: ours · pandas · polars", each(check), "equal")
    for page in PAGES:
        def timing(r, p=page) -> str:
            error = r["pages"].get("errors", {}).get(p)
            if error:
                return "✗ fails (" + error.split("\n")[0][:90] + ")"
            values = r["pages"]["pages"][p]
            return f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f} s"
        row(f"page `{page}`: median / p95", each(timing), "≤ 1 s (≤ 0.3 s at N = 1)")
    lines.append("")
    lines.append(
        f"Measured {started['at']} on {started['machine']}, load average "
        f"{started['load']} when the run started ({started['note']}). Times are wall-clock "
        "medians of whole processes (Python start-up included), min–max when run several "
        "times; peak memory = resident memory of the process tree (largest sample, at least "
        "the kernel's peak). Pages: server-side run of each page (AppTest) once per period "
        "preset of the sidebar, figure caches emptied before each run; p95 over the presets.")
    return "\n".join(lines)


def breakdown(log: Path, top: int = 6) -> str:
    """Where the last build of a log spent its time (its OMLOT_TIMINGS=1 lines): the reading of
    each source, the slowest models, the checks and the publication."""
    if not log.exists():
        return ""
    last = log.read_text(errors="replace").rsplit("\n$ ", 1)[-1]
    stages, models = [], []
    for line in last.splitlines():
        # (« staging.touches: 17.91 s (CPU 33.81 s) »: wall, then the process's CPU)
        model = re.match(r"^  ([a-z_]+\.[a-z_]+): ([\d.]+) s(?: \(CPU [\d.]+ s\))?$", line)
        # (the build's progress lines write seconds the French way: « en 36,6 s »)
        stage = re.match(r"^(\S[^:]*?)\s{2,}.*?en ([\d.,]+) s", line)
        if model:
            models.append((float(model.group(2)), model.group(1)))
        elif stage:
            stages.append((float(stage.group(2).replace(",", ".")), stage.group(1).strip()))
    slowest = sorted(models, reverse=True)[:top]
    parts = [f"{name} {t:.1f} s" for t, name in stages]
    return ("reading and stages: " + ", ".join(parts) + "; slowest models: "
            + ", ".join(f"{name} {t:.1f} s" for t, name in slowest))


def main() -> None:
    import psutil

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1 100 1000")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=5, help="runs per command for N ≤ 100")
    parser.add_argument("--runs-large", type=int, default=1, help="builds for N > 100")
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split()]
    args.out.mkdir(parents=True, exist_ok=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cores = os.cpu_count()
    started = {
        "at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{cores} cores, {psutil.virtual_memory().total / GIB:.0f} GiB, "
                   f"Python {platform.python_version()}",
        "load": load,
        "note": "a load above the core count means other work shared the cores",
    }
    results = []
    for n in scales:
        results.append(bench_scale(n, args.out, args))
        (args.out / "bench.json").write_text(json.dumps(
            {"started": started, "results": results}, indent=1))
    text = table(results, started)
    for r in results:
        where = breakdown(args.out / f"N{r['n']}" / "build.log")
        if where:
            text += f"\n\nWhere the last build at N = {r['n']} spent its time " \
                    f"(OMLOT_TIMINGS=1): {where}."
    (args.out / "bench.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
