"""The build: exports -> raw -> staging -> core -> quality/marts in a work database, checks,
then an atomic publish of the curated database (one rename; the last good file stays
otherwise)."""

from __future__ import annotations

import datetime as dt
import graphlib
import json
import os
import re
import secrets
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from . import config
from .contract import SOURCES
from .load import ExportError, ExportFile, find_exports, load_source

LAYERS = ("staging", "core", "quality", "marts")
# Filters a mart may take (the dashboard runs it for a selection): NULL in the build.
MART_PARAMETERS = ("date_from", "date_to", "channels")
PUBLISHED_SCHEMAS = ("ref", "core", "quality", "marts")
_REFERENCE = re.compile(r"\b(raw|ref|staging|core|quality|marts)\.(\w+)\b")


class CheckFailed(Exception):
    """A check found offending rows: the build is not published."""


class ModelFailed(Exception):
    """A SQL model could not be built (a defect of the pipeline, not of the exports)."""


@dataclass
class BuildResult:
    database: Path
    files: list[ExportFile] = field(default_factory=list)
    seconds: float = 0.0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def connect_work() -> duckdb.DuckDBPyConnection:
    """An in-memory work database: raw exports (with personal data) never touch the disk."""
    con = duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    return con


def hash_key(path: Path = config.HASH_KEY_FILE) -> str:
    """The secret key of the email/phone hashes, created owner-only on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Reference tables: communes of the Lot, intercommunalities, renamed codes, départements,
    channels (with labels and colours), funnel stages, attribution models, ambassador types."""
    ref = config.REFERENCE_DIR
    con.execute("create schema if not exists ref")
    con.execute(
        "create or replace table ref.communes as select code_insee as commune_code, "
        "nom as commune_name, code_epci as epci_code, nom_epci as epci_name "
        "from read_csv(?, delim=';', header=true, all_varchar=true)",
        [str(ref / "communes_46.csv")],
    )
    con.execute(
        "create or replace table ref.epci as select code_epci as epci_code, "
        "nom_epci as epci_name, nom_court as epci_short_name "
        "from read_csv(?, delim=';', header=true, all_varchar=true)",
        [str(ref / "epci_46.csv")],
    )
    con.execute(
        "create or replace table ref.commune_changes as select code_ancien as old_code, "
        "nom_ancien as old_name, code_2026 as new_code "
        "from read_csv(?, delim=';', header=true, all_varchar=true)",
        [str(ref / "passage_communes_46.csv")],
    )
    mapping = tomllib.loads(config.CHANNELS_FILE.read_text(encoding="utf-8"))
    channels = mapping["channels"]
    rows = [(code, label) for code, labels in channels.items() for label in labels]
    # Codes are labels of themselves too (`site_web` normalises to « site web »).
    rows += [(code, code) for code in channels]
    table = pa.table({"channel": [r[0] for r in rows], "label": [r[1] for r in rows]})
    con.register("_channels", table)
    con.execute(
        "create or replace table ref.channel_labels as "
        "select label_key, min(channel) as channel from ("
        "  select norm_label(label) as label_key, channel from _channels) group by label_key"
    )
    con.unregister("_channels")
    # Every page shows a channel by its label and colour (channels.toml); one added without
    # them shows its first label, in a default slate grey.
    con.register("_channel_list", pa.table({
        "channel": list(channels),
        "channel_order": pa.array(range(1, len(channels) + 1), pa.int32()),
        "label": [mapping.get("labels", {}).get(code) or (labels[0] if labels else code)
                  for code, labels in channels.items()],
        "colour": [mapping.get("colours", {}).get(code, "#5F6B7A") for code in channels],
    }))
    con.execute("create or replace table ref.channels as select * from _channel_list")
    con.unregister("_channel_list")
    # The lists every reader shows in their order (pipelines/reference/*.csv).
    for table in ("stages", "attribution_models", "ambassador_types"):
        con.execute(f"create or replace table ref.{table} as select * "
                    "from read_csv(?, delim=';', header=true)", [str(ref / f"{table}.csv")])
    con.execute(
        "create or replace table ref.departements as select code, nom as name, zone "
        "from read_csv(?, delim=';', header=true, all_varchar=true)",
        [str(ref / "departements.csv")],
    )
    con.execute(
        "create or replace table ref.sources as select * from "
        "(select unnest(?) as source, generate_subscripts(?, 1) as source_order)",
        [list(SOURCES), list(SOURCES)],
    )


def sql_models(layer_dirs: list[Path]) -> list[tuple[str, str, str]]:
    """(schema, table, sql) of every model, in dependency order (a model reads earlier ones)."""
    models = {}
    for layer_dir in layer_dirs:
        for path in sorted(layer_dir.glob("*.sql")):
            models[f"{layer_dir.name}.{path.stem}"] = path.read_text(encoding="utf-8")
    graph = {
        name: {f"{s}.{t}" for s, t in _REFERENCE.findall(sql) if f"{s}.{t}" in models} - {name}
        for name, sql in models.items()
    }
    order = graphlib.TopologicalSorter(graph).static_order()
    return [(*name.split("."), models[name]) for name in order]


def run_models(con: duckdb.DuckDBPyConnection) -> None:
    for layer in LAYERS:
        con.execute(f"create schema if not exists {layer}")
    timings = os.environ.get("OMLOT_TIMINGS")
    for schema, table, sql in sql_models([config.SQL_DIR / layer for layer in LAYERS]):
        started = time.perf_counter()
        try:
            params = {name: None for name in MART_PARAMETERS if f"${name}" in sql}
            con.execute(f"create or replace table {schema}.{table} as {sql}", params)
        except duckdb.Error as exc:
            raise ModelFailed(f"le modèle {schema}.{table} a échoué : {exc}") from exc
        if timings:
            print(f"  {schema}.{table}: {time.perf_counter() - started:.2f} s", file=sys.stderr)


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each check is a query returning offending rows; the names and first rows of failures."""
    failures = []
    for path in sorted(config.CHECKS_DIR.glob("*.sql")):
        rows = con.execute(path.read_text(encoding="utf-8")).fetchmany(5)
        if rows:
            failures.append(f"{path.stem}: {rows}")
    return failures


def _files_table(con: duckdb.DuckDBPyConnection, exports: list[ExportFile],
                 skipped: list[tuple[str, Path]]) -> None:
    con.register("_files", pa.table({
        "source": [e.source for e in exports],
        "file": [e.path.name for e in exports],
        "file_order": pa.array([e.order for e in exports], pa.int32()),
        "sha256": [e.sha256 for e in exports],
        "modified_at": pa.array([e.modified_at for e in exports], pa.timestamp("s")),
        "encoding": [e.encoding for e in exports],
        "delimiter": [e.delimiter for e in exports],
        "rows_read": pa.array([e.rows_read for e in exports], pa.int64()),
        "ignored_columns": pa.array([e.ignored_columns for e in exports], pa.list_(pa.string())),
    }))
    con.execute("create or replace table raw.files as select * from _files")
    con.unregister("_files")
    con.register("_skipped", pa.table({
        "source": pa.array([s for s, _ in skipped], pa.string()),
        "file": pa.array([p.name for _, p in skipped], pa.string()),
    }))
    con.execute("create or replace table raw.skipped_files as select * from _skipped")
    con.unregister("_skipped")


def publish(con: duckdb.DuckDBPyConnection, curated_dir: Path, build_info: dict) -> Path:
    """Copy the published schemas into a new file beside the published one, then rename it
    over it: a reader that has the old file open keeps its snapshot."""
    curated_dir.mkdir(parents=True, exist_ok=True)
    target = config.database_path(curated_dir)
    fresh = curated_dir / f".{config.DATABASE_NAME}.{os.getpid()}.{time.time_ns()}.new"
    con.execute("attach ? as pub", [str(fresh)])
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and list_contains(?, schema_name) "
            "order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema pub.{schema}")
        for schema, table in tables:
            con.execute(f"create table pub.{schema}.{table} as select * from {schema}.{table}")
        con.execute(
            "create table pub.quality.build as select * from (select "
            "?::timestamp as built_at, ?::double as duration_s, ?::varchar as raw_dir, "
            "?::varchar as status)",
            [build_info["built_at"], build_info["duration_s"], build_info["raw_dir"], "ok"],
        )
        con.execute("detach pub")
        os.replace(fresh, target)
    finally:
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target


def write_status(curated_dir: Path, status: dict) -> None:
    """The last build's outcome, beside the database (a failed build publishes nothing else)."""
    curated_dir.mkdir(parents=True, exist_ok=True)
    path = curated_dir / config.STATUS_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=2, default=str), "utf-8")
    os.replace(tmp, path)


def build(raw_dir: Path, curated_dir: Path,
          progress: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> BuildResult:
    """Build and publish; raises ExportError (a file-level problem) or CheckFailed."""
    started = time.perf_counter()
    built_at = dt.datetime.now().replace(microsecond=0)
    try:
        found, skipped_paths = find_exports(raw_dir)
        con = connect_work()
        con.execute("set variable hash_key = ?", [hash_key()])
        con.execute("set variable lookback_days = ?", [config.LOOKBACK_DAYS])
        con.execute("set variable half_life_days = ?", [config.HALF_LIFE_DAYS])
        con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
        con.execute("create schema raw")
        load_reference(con)
        exports: list[ExportFile] = []
        for name, source in SOURCES.items():
            t0 = time.perf_counter()
            load_source(con, source, found[name])
            exports += found[name]
            rows = sum(e.rows_read for e in found[name])
            progress(f"{name:<14} {len(found[name])} fichier(s), {rows} ligne(s) lue(s) "
                     f"en {time.perf_counter() - t0:.1f} s")
        skipped = [(next(s.name for s in SOURCES.values()
                         if p.name.lower().startswith(s.prefix)), p) for p in skipped_paths]
        _files_table(con, exports, skipped)
        run_models(con)
        failures = run_checks(con)
        if failures:
            raise CheckFailed("Contrôles en échec, base non publiée :\n" + "\n".join(failures))
        counts = {
            row[0]: dict(zip(("read", "accepted", "rejected", "duplicates", "merged"), row[1:],
                             strict=True))
            for row in con.execute(
                "select source, read, accepted, rejected, duplicates, merged "
                "from quality.sources order by source_order").fetchall()
        }
        duration = time.perf_counter() - started
        info = {"built_at": built_at, "duration_s": round(duration, 2), "raw_dir": str(raw_dir)}
        database = publish(con, curated_dir, info)
        con.close()
        write_status(curated_dir, {**info, "status": "ok", "counts": counts,
                                   "rejected": sum(c["rejected"] for c in counts.values())})
        return BuildResult(database, exports, duration, counts)
    except (ExportError, CheckFailed, ModelFailed) as exc:
        write_status(curated_dir, {"built_at": built_at, "status": "failed",
                                   "raw_dir": str(raw_dir), "message": str(exc)})
        raise
