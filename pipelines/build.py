"""The build: exports -> raw -> staging -> core -> quality/marts in a work database, checks,
then an atomic publish of the curated database (one rename; the last good file stays
otherwise)."""

from __future__ import annotations

import ctypes
import datetime as dt
import graphlib
import hashlib
import os
import re
import secrets
import shutil
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import cache as cache_module
from . import config, fastcsv, french, guard, metrics, pii, status, targets
from .cache import StagedCache
from .contract import SOURCES, source_label
from .guard import BuildFailure, CheckFailed, ModelFailed
from .load import ExportFile, SkippedFile, check_unchanged, drop_raw, find_exports, load_source
from .progress import Clock, Reporter, count, rate
from .progress import seconds as progress_seconds
from .values import table_of

__all__ = ["BuildFailure", "CheckFailed", "ModelFailed", "build"]

LAYERS = ("staging", "core", "quality", "marts")
# Filters a mart may take (the dashboard runs it for a selection): NULL in the build.
MART_PARAMETERS = ("date_from", "date_to", "channels", "campaigns")
PUBLISHED_SCHEMAS = ("ref", "core", "quality", "marts", metrics.ANSWERS_SCHEMA)
# Working tables with one row per row read (as large as the exports, tens of millions of
# touches): readers use the tables built from them, so they are not published.
UNPUBLISHED = ("core.prospect_rows", "core.installation_rows", "core.ambassador_rows",
               "core.touch_rows", "core.touch_duplicates", "core.campaign_rows",
               "quality.row_fates", "core.touch_files")
_REFERENCE = re.compile(r"\b(raw|ref|staging|core|quality|marts)\.(\w+)\b")


@dataclass
class BuildResult:
    database: Path
    files: list[ExportFile] = field(default_factory=list)
    seconds: float = 0.0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    unchanged: bool = False  # nothing changed since the published build: it was kept


# Settings that change no figure (how fast, how verbose): not part of the inputs' fingerprint.
_NOT_INPUTS = ("OMLOT_TIMINGS", "OMLOT_DEBUG", "OMLOT_CACHE", "OMLOT_MEMORY_LIMIT",
               "OMLOT_READER", "OMLOT_FORCE_BUILD", "OMLOT_RAW_DIR", "OMLOT_CURATED_DIR")


def inputs_fingerprint(raw_dir: Path, key: str) -> str | None:
    """Everything a build's result follows from: every export's name and bytes, the skipped
    files, the code and reference data, the channel and target files, the settings, the hash
    key's own fingerprint, DuckDB's version and today's date (the data date is capped by it).
    None when an export cannot be read (the build then says why)."""
    found, skipped = find_exports(raw_dir)
    digest = hashlib.sha256()
    exports = sorted((e for exports in found.values() for e in exports),
                     key=lambda e: (e.source, e.name))
    try:
        for export, sha256 in zip(exports, cache_module.file_sha256s([e.path for e in exports]),
                                  strict=True):
            digest.update(f"{export.source}|{export.name}|{sha256}".encode())
    except OSError:
        return None
    for skip in skipped:
        digest.update(f"skipped|{skip.source}|{skip.name}|{skip.reason}".encode())
    code = sorted(path for path in config.PACKAGE.rglob("*") if path.is_file()
                  and path.suffix in (".py", ".sql", ".toml", ".csv")
                  and "__pycache__" not in path.parts)
    for path in [*code, config.CHANNELS_FILE, targets.TARGETS_FILE]:
        digest.update(str(path.relative_to(config.PACKAGE) if path.is_relative_to(
            config.PACKAGE) else path).encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    settings = sorted((name, value) for name, value in os.environ.items()
                      if name.startswith("OMLOT_") and name not in _NOT_INPUTS)
    digest.update(repr(settings).encode())
    digest.update(hashlib.sha256(key.encode()).digest())
    digest.update(f"{duckdb.__version__}|{dt.date.today().isoformat()}".encode())
    return digest.hexdigest()[:24]


def _kept_build(curated_dir: Path, inputs: str | None) -> dict | None:
    """The last build's status when it succeeded from the same inputs and is the one
    published (its id inside the database): then building again would give the same."""
    last = status.read_file(curated_dir)
    if not (inputs and last and last.get("status") == "ok" and last.get("inputs") == inputs):
        return None
    published = status.current(curated_dir)["published"]
    return last if published and published.get("build_id") == last.get("build_id") else None


def connect_work(spill_dir: Path, encrypted: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory work database: what it spills goes only to the build's owner-only folder
    (guard.private_work_dir), encrypted (_encrypt_spill) unless `encrypted` is False: the
    build's second phase, which never holds personal data in clear (_build_in)."""
    spill_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        con = _connect(spill_dir)
    except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
        # (the one setting a user gives: the memory; « 200% » is an InvalidInput)
        raise guard.EnvironmentProblem(
            f"OMLOT_MEMORY_LIMIT={pii.mask(config.MEMORY_LIMIT)} n'est pas une quantité de "
            "mémoire : écrivez un nombre et son unité, par exemple OMLOT_MEMORY_LIMIT=4GB "
            "(ou 500MB, ou 50% de la mémoire de la machine), ou retirez ce réglage") from exc
    if encrypted:
        _encrypt_spill(con)
    return con


def _connect(spill_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "temp_directory": str(spill_dir),
        # Past this, DuckDB spills to the private folder instead of growing (issue 12).
        "memory_limit": config.MEMORY_LIMIT,
        # The blank lines' shifts of a CSV (fastcsv.numbered_select) are a small table: DuckDB
        # would join them by a nested loop over every pair and group, 121 M pairs for the
        # prospects at N = 1000 (2.1 s), instead of its ASOF join (0.2 s).
        "asof_loop_join_threshold": 0,
    })


def _encrypt_spill(con: duckdb.DuckDBPyConnection) -> None:
    """What spills is encrypted, under a key made for this build and held in memory only: a
    build killed past its memory limit left raw rows with emails readable in its folder
    (`strings` showed them) until the next build. DuckDB encrypts its temporary files only
    when an encrypted database is attached: an empty in-memory one, whose key is the spill's
    (the tables stay in the plain in-memory database, tested). DuckDB writes
    encrypted files through OpenSSL (its httpfs extension, a download: refused here) or, when
    told so, through its built-in mbedtls, which it calls « not securely encrypted »: enough
    for files that live one build, in an owner-only folder, under a key that never leaves
    the process."""
    con.execute("set force_mbedtls_unsafe = 'true'")
    # (attached only: tables made in an encrypted in-memory database cost ten times more, the
    # reference tables 0.21 s against 0.02 s, and DuckDB encrypts the spill of every one)
    con.execute(f"attach ':memory:' as spill_key (encryption_key '{secrets.token_hex(32)}')")
    con.execute("set temp_file_encryption = true")


# Where an unknown or empty channel label is counted (macros, core models): every build needs it.
FALLBACK_CHANNEL = "autre"


def _channel_settings(path: Path) -> dict:
    """channels.toml as the build uses it, else FileProblem naming the key and what to write:
    a colour that is no colour built a base whose Entonnoir page failed on every load, and a
    file without `autre` lost the households it counts from the figures by channel."""
    mapping = guard.settings_file(path)
    channels = mapping.get("channels")
    name = path.name
    if not isinstance(channels, dict) or not all(
            isinstance(labels, list) and all(isinstance(label, str) for label in labels)
            for labels in channels.values()):
        raise guard.FileProblem(
            f"{name} : la section [channels] doit donner, pour chaque canal, la liste de ses "
            "libellés (par exemple salon = [\"Salon\", \"Foire\"])")
    if FALLBACK_CHANNEL not in channels:
        raise guard.FileProblem(
            f"{name} : le canal « {FALLBACK_CHANNEL} » doit rester dans [channels] (les "
            f"libellés inconnus y sont comptés) : remettez la ligne {FALLBACK_CHANNEL} = "
            "[\"Autre\"]")
    for section, rule, valid in (
            ("labels", "un texte entre guillemets", lambda v: isinstance(v, str) and v.strip()),
            ("colours", "une couleur écrite « #RRVVBB » (par exemple \"#0072B2\")",
             lambda v: isinstance(v, str) and re.fullmatch("#[0-9A-Fa-f]{6}", v))):
        values = mapping.get(section, {})
        if not isinstance(values, dict):
            raise guard.FileProblem(f"{name} : [{section}] doit donner, pour chaque canal, "
                                    f"{rule}")
        for code, value in values.items():
            if not valid(value):
                raise guard.FileProblem(
                    f"{name} : [{section}] {guard.printable(str(code))} doit être {rule}, "
                    f"pas « {guard.printable(str(value))[:40]} »")
    return mapping


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Reference tables: communes of the Lot, intercommunalities, renamed codes, départements,
    channels (with labels and colours), funnel stages, attribution models, ambassador types,
    the objectives and the bilans' settings (targets.toml)."""
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
    mapping = _channel_settings(config.CHANNELS_FILE)
    channels = mapping["channels"]
    rows = [(code, label) for code, labels in channels.items() for label in labels]
    # Codes are labels of themselves too (`site_web` normalises to « site web »).
    rows += [(code, code) for code in channels]
    table_of(con, "_channels", {"channel": ("varchar", [r[0] for r in rows]),
                                  "label": ("varchar", [r[1] for r in rows])})
    # A label of two channels (after normalisation) counted its households in whichever
    # came first, without a word (a helper moved 21 salons to `autre` by a slip): refused.
    twice = con.execute(
        "select list((label, channel) order by channel) from ("
        "  select norm_label(label) as label_key, channel, min(label) as label "
        "  from _channels group by all) "
        "group by label_key having count(*) > 1 order by label_key limit 1").fetchall()
    if twice:
        [(labels,)] = twice
        con.execute("drop table _channels")
        raise guard.FileProblem(
            f"{config.CHANNELS_FILE.name} : un même libellé sous deux canaux ("
            + ", ".join(f"« {guard.printable(label)} » sous {code}" for label, code in labels)
            + ", qui se lisent pareil une fois les majuscules, accents et signes ôtés) ; un "
            "libellé ne compte que dans un canal : retirez-le de l'un d'eux")
    con.execute(
        "create or replace table ref.channel_labels as "
        "select label_key, min(channel) as channel from ("
        "  select norm_label(label) as label_key, channel from _channels) group by label_key"
    )
    con.execute("drop table _channels")
    # Every page shows a channel by its label and colour (channels.toml); one added without
    # them shows its first label, in a default slate grey.
    table_of(con, "ref.channels", {
        "channel": ("varchar", list(channels)),
        "channel_order": ("integer", list(range(1, len(channels) + 1))),
        "label": ("varchar", [mapping.get("labels", {}).get(code)
                              or (labels[0] if labels else code)
                              for code, labels in channels.items()]),
        "colour": ("varchar", [mapping.get("colours", {}).get(code, "#5F6B7A")
                               for code in channels]),
    })
    # The lists every reader shows in their order (pipelines/reference/*.csv).
    for table in ("stages", "attribution_models", "ambassador_types"):
        con.execute(f"create or replace table ref.{table} as select * "
                    "from read_csv(?, delim=';', header=true)", [str(ref / f"{table}.csv")])
    # The attribution settings the credits follow from, stored with them: every reader (the
    # page's help and model names, the bilans) says the build's, never its own process's (the
    # page's help read the dashboard's OMLOT_HALF_LIFE_DAYS while the credits used the build's).
    con.execute("create or replace table ref.attribution_settings as select "
                "?::integer as lookback_days, ?::double as half_life_days",
                [config.LOOKBACK_DAYS, config.HALF_LIFE_DAYS])
    con.execute("update ref.attribution_models set label = replace(label, '{demi_vie}', ?)",
                [french.days(config.HALF_LIFE_DAYS)])
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
    # The programme's yearly objectives and the bilans' settings (after channels and models,
    # which they are checked against).
    targets.load(con)


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


def is_view(sql: str) -> bool:
    """A model whose first line is `-- materialized: view` is a view, not a table: one whose
    copy would cost more than its readers' re-reading (a per-row table of ten million rows)."""
    return sql.lstrip().startswith("-- materialized: view")


_PUBLISHED_COLUMNS = re.compile(r"^-- published columns: (.+)$", re.MULTILINE)


def published_columns(sql: str) -> str:
    """The columns of a model that the database publishes: all of them, unless its header says
    `-- published columns: a, b` (a working table of ten million rows whose readers after the
    build ask a few: each column more is seconds of every build and megabytes of the file)."""
    found = _PUBLISHED_COLUMNS.search(sql)
    return found.group(1).strip() if found else "*"


def _last_readers(models: list[tuple[str, str, str]]) -> dict[int, list[str]]:
    """For each model's position, the working tables no later model, check or reader needs:
    dropped once it has run, so the work database holds one layer of a large source at a time.
    A view's sources live as long as the view's own readers."""
    checks = " ".join(path.read_text(encoding="utf-8")
                      for path in config.CHECKS_DIR.glob("*.sql"))
    kept = {f"{s}.{t}" for s, t in _REFERENCE.findall(checks)}
    last: dict[str, int] = {}
    sources: dict[str, set[str]] = {}
    for position, (schema, table, sql) in enumerate(models):
        read = {f"{s}.{t}" for s, t in _REFERENCE.findall(sql)} - {f"{schema}.{table}"}
        if is_view(sql):
            sources[f"{schema}.{table}"] = read
        for name in read:
            last[name] = position
    # (models come in dependency order: a view's readers are met after the view)
    for view, read in sources.items():
        for name in read:
            last[name] = max(last[name], last.get(view, 0))
    droppable = {name: position for name, position in last.items()
                 if name.split(".")[0] in ("raw", "staging") or name in UNPUBLISHED}
    by_position: dict[int, list[str]] = {}
    for name, position in droppable.items():
        if name not in kept and name not in ("raw.files", "raw.skipped_files",
                                             "raw.load_warnings"):
            by_position.setdefault(position, []).append(name)
    # a view goes before the tables it reads
    for names in by_position.values():
        names.sort(key=lambda name: name not in sources)
    return by_position


def run_models(con: duckdb.DuckDBPyConnection, bar=None,
               layers: tuple[str, ...] = LAYERS) -> int:
    """Build every model of `layers` in dependency order; the number of models. (The build
    runs staging apart, in its first phase: build.stage.)"""
    for layer in LAYERS:
        con.execute(f"create schema if not exists {layer}")
    models = [model for model in sql_models([config.SQL_DIR / layer for layer in LAYERS])
              if model[0] in layers]
    # the selection filter the metrics layer uses: a mart it also asks is written with it
    con.execute((config.SQL_DIR / "metrics" / "_selection.sql").read_text(encoding="utf-8"))
    done_with = _last_readers(models)
    views = {f"{s}.{t}" for s, t, sql in models if is_view(sql)}
    began = time.perf_counter()
    for position, (schema, table, sql) in enumerate(models):
        if bar:
            bar(position, len(models), f"{schema}.{table}", began)
        clock = Clock()
        try:
            params = {name: None for name in MART_PARAMETERS if f"${name}" in sql}
            kind = "view" if f"{schema}.{table}" in views else "table"
            con.execute(f"create or replace {kind} {schema}.{table} as {sql}", params)
        except duckdb.OutOfMemoryException as exc:
            # (the machine's limit, not a defect of the model: guard.classify says so)
            exc.step = f"{schema}.{table}"
            raise
        except duckdb.Error as exc:
            raise ModelFailed(f"le modèle {schema}.{table} a échoué : {exc}") from exc
        for name in done_with.get(position, []):
            if name.startswith("raw."):
                drop_raw(con, name.removeprefix("raw."))
            else:
                # (the staged rows are views over their Parquet batches: cache.StagedCache.view)
                view = name in views or name.startswith("staging.")
                con.execute(f"drop {'view' if view else 'table'} if exists {name}")
        clock.timing(f"{schema}.{table}")
    return len(models)


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each check is a query returning offending rows; the names and first rows of failures."""
    failures = []
    for path in sorted(config.CHECKS_DIR.glob("*.sql")):
        rows = con.execute(path.read_text(encoding="utf-8")).fetchmany(5)
        if rows:
            failures.append(f"{path.stem}: {rows}")
    return failures


def _files_table(con: duckdb.DuckDBPyConnection, exports: list[ExportFile],
                 skipped: list[SkippedFile]) -> None:
    """raw.files (one row per file read), raw.skipped_files and raw.load_warnings (what the
    reader noticed: undecodable bytes, ignored sheets, a file that is another's copy)."""
    notes = ([(e, w) for e in exports for w in e.warnings] + _copies(exports)
             + _personal_names(exports))
    table_of(con, "raw.files", {
        "source": ("varchar", [e.source for e in exports]),
        "file": ("varchar", [e.name for e in exports]),
        "file_order": ("integer", [e.order for e in exports]),
        "sha256": ("varchar", [e.sha256 for e in exports]),
        # (to the second below, as a file manager shows it: DuckDB's cast would round)
        "modified_at": ("timestamp_s", [e.modified_at and e.modified_at.replace(microsecond=0)
                                        for e in exports]),
        "encoding": ("varchar", [e.encoding for e in exports]),
        "delimiter": ("varchar", [e.delimiter for e in exports]),
        "sheet": ("varchar", [e.sheet or None for e in exports]),
        "rows_read": ("bigint", [e.rows_read for e in exports]),
        "ignored_columns": ("varchar[]", [e.ignored_columns for e in exports]),
        "repeated_columns": ("varchar[]", [e.repeated_columns for e in exports]),
        "missing_columns": ("varchar[]", [e.missing_columns for e in exports]),
    })
    table_of(con, "raw.skipped_files", {
        "source": ("varchar", [s.source for s in skipped]),
        "file": ("varchar", [s.name for s in skipped]),
        "reason": ("varchar", [s.reason for s in skipped]),
    })
    table_of(con, "raw.load_warnings", {
        "source": ("varchar", [e.source for e, _ in notes]),
        "file": ("varchar", [e.name for e, _ in notes]),
        "line": ("bigint", [w[0] for _, w in notes]),
        "column": ("varchar", [w[1] for _, w in notes]),
        "message": ("varchar", [w[2] for _, w in notes]),
    })


def _copies(exports: list[ExportFile]) -> list[tuple[ExportFile, tuple]]:
    """A warning on each export whose bytes are another's of its source (« fichier (1).csv »):
    its rows all count as duplicates, which the quality page showed without saying why. (Not
    kept with the file's facts: they are the first copy's too.)"""
    first: dict[tuple[str, str], ExportFile] = {}
    notes = []
    for export in exports:
        original = first.setdefault((export.source, export.sha256), export)
        if original is not export and export.sha256:
            notes.append((export, (None, None, (
                f"même contenu que « {pii.mask(original.name)} » : ses lignes comptent "
                "comme doublons ; supprimez l'une des deux copies"))))
    return notes


def _personal_names(exports: list[ExportFile]) -> list[tuple[ExportFile, tuple]]:
    """A warning on each export whose name holds an email or a phone number: every screen and
    message shows a pseudonym (« masqué-… ») instead, which told the officer neither why nor
    which file it was."""
    return [(export, (None, None, (
        "le nom du fichier contient une adresse email ou un numéro de téléphone : il est "
        "remplacé partout par ce pseudonyme ; renommez-le sans elles (son nom commence "
        f"toujours par « {SOURCES[export.source].prefix} »)")))
        for export in exports if pii.mask(export.name) != export.name]


# Written so that DuckDB 1.4 (the long-term release many SQL clients bundle) opens it too.
STORAGE_VERSION = "v1.4.0"


def publish(con: duckdb.DuckDBPyConnection, curated_dir: Path, build_info: dict) -> Path:
    """Copy the published schemas into a new file beside the published one, then rename it
    over it: a reader that has the old file open keeps its snapshot. A build killed before the
    rename leaves a `.new` file that the next build removes."""
    target = config.database_path(curated_dir)
    fresh = curated_dir / f".{config.DATABASE_NAME}.{build_info['build_id']}.new"
    con.execute(f"attach ? as pub (storage_version '{STORAGE_VERSION}')", [str(fresh)])
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and list_contains(?, schema_name) "
            "order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema pub.{schema}")
        columns = {f"{schema}.{table}": published_columns(sql)
                   for schema, table, sql in sql_models([config.SQL_DIR / layer
                                                         for layer in LAYERS])}
        for schema, table in tables:
            name = f"{schema}.{table}"
            if name not in UNPUBLISHED:
                clock = Clock()
                con.execute(f"create table pub.{name} as select {columns.get(name, '*')} "
                            f"from {name}")
                clock.timing(f"publication {name}", at_least=0.1)
        # The build's identity inside the database: the status file is checked against it.
        con.execute(
            "create table pub.quality.build as select * from (select "
            "?::varchar as build_id, ?::timestamp as built_at, ?::double as duration_s, "
            "?::varchar as raw_dir, 'ok' as status, ?::varchar as models)",
            [build_info["build_id"], build_info["built_at"], build_info["duration_s"],
             build_info["raw_dir"], status.models_fingerprint()],
        )
        clock = Clock()
        con.execute("detach pub")
        clock.timing("publication, checkpoint")
        clock = Clock()
        parquet = _write_parquet(con, curated_dir, build_info["build_id"])
        clock.timing("publication, Parquet")
        os.replace(fresh, target)
        _swap_in(parquet, curated_dir / PARQUET_DIR)
    finally:
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target


# The marts as Parquet beside the database, for analysts' own tools (one file per mart).
PARQUET_DIR = "parquet"


def _write_parquet(con: duckdb.DuckDBPyConnection, curated_dir: Path, build_id: str) -> Path:
    folder = curated_dir / f".{PARQUET_DIR}.{build_id}.new"
    folder.mkdir()
    marts = con.execute("select table_name from duckdb_tables() where database_name = "
                        "current_database() and schema_name = 'marts' order by 1").fetchall()
    for (table,) in marts:
        con.execute(f"copy marts.{table} to ? (format parquet)", [str(folder / f"{table}.parquet")])
    return folder


def _swap_in(fresh: Path, target: Path) -> None:
    """Replace a folder by another in one step (Linux's renameat2 exchanges them: a reader
    sees the old set or the new one, never none); where the system cannot, by two renames,
    between which `target` is missing (a helper's build killed there left no parquet/). What
    a killed build leaves under a temporary name is cleaned by the next (guard)."""
    if target.exists() and _exchange(fresh, target):
        shutil.rmtree(fresh, ignore_errors=True)  # (now the old set)
        return
    old = target.with_name(f".{target.name}.{fresh.name.split('.')[2]}.old")
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(one: Path, other: Path) -> bool:
    """Whether the two paths were swapped atomically (renameat2 with RENAME_EXCHANGE: glibc
    2.28 and a file system that supports it)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(one), at_cwd, os.fsencode(other), exchange) == 0


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    return {
        row[0]: dict(zip(("read", "accepted", "rejected", "duplicates", "merged"), row[1:],
                         strict=True))
        for row in con.execute(
            "select source, read, accepted, rejected, duplicates, merged "
            "from quality.sources order by source_order").fetchall()
    }


def _prepare(con: duckdb.DuckDBPyConnection, key: str, reference: bool = True) -> None:
    """What every model reads besides the exports: settings, macros, personal-data patterns,
    reference tables (staging reads none: in the encrypted first phase they took 0.21 s to
    load against 0.02 s)."""
    con.execute("set variable hash_key = ?", [key])
    con.execute("set variable lookback_days = ?", [config.LOOKBACK_DAYS])
    con.execute("set variable half_life_days = ?", [config.HALF_LIFE_DAYS])
    con.execute((config.SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    pii.sql_setup(con)
    con.execute("create schema if not exists raw")
    if reference:
        load_reference(con)


# The width of a progress line's first column: its stage, in French (« Contacts de campagne »;
# the sources' English names were printed), then at least two spaces (bench/run.py reads them).
_STAGE = max(len(source_label(name)) for name in SOURCES) + 2


def _build_in(raw_dir: Path, curated_dir: Path, info: dict, progress: Callable[[str], None],
              spill_dir: Path, bar=None) -> BuildResult:
    """Two phases, each its own in-memory database. The first reads the exports and stages
    them (emails and phones in clear until their keyed hashes and masks) straight into
    Parquet (stage): what it spills is encrypted. The second builds everything else from the
    staged rows, which hold no personal data in clear (they are kept in data/.build for that
    reason): its spill is not encrypted, which doubled a build at ten million touches (108 s
    against 55 s)."""
    # the settings files first: a slip there was said only once every export had been read
    _channel_settings(config.CHANNELS_FILE)
    targets.read()
    found, skipped = find_exports(raw_dir)
    key = guard.hash_key(config.HASH_KEY_FILE)
    staged = StagedCache(curated_dir, key) if os.environ.get("OMLOT_CACHE") != "0" else None
    if staged and (why := staged.prepare()):
        # (kept rows save time, nothing else: a build without them is a whole build)
        progress(f"Lignes gardées : le dossier {pii.mask(str(staged.root))} ne peut pas être "
                 f"écrit ({why}) ; cette construction relit tous les exports, sans les garder.")
        staged = None
    # (without kept rows, the staged rows cross over through the build's private folder)
    staged = staged or StagedCache(curated_dir, key, root=spill_dir / "staged")
    exports: list[ExportFile] = []
    kept: dict[str, list[ExportFile]] = {}
    with connect_work(spill_dir / "reading") as con:
        _prepare(con, key, reference=False)
        for name, source in SOURCES.items():
            started = time.perf_counter()
            kept[name] = [e for e in found[name] if staged.restore(e)]
            fresh = [e for e in found[name] if e not in kept[name]]
            load_source(con, source, fresh, spill_dir)
            exports += found[name]
            rows, seconds = sum(e.rows_read for e in fresh), time.perf_counter() - started
            progress(f"{source_label(name):<{_STAGE}} "
                     + _read_line(len(fresh), len(kept[name]), rows, seconds))
        _files_table(con, exports, skipped)

        t0 = time.perf_counter()
        tables, models = stage(con, found, kept, staged, bar)
    fastcsv.close_transcoded(spill_dir)  # (the Windows-1252 exports' copies, in memory)
    with connect_work(spill_dir / "models", encrypted=False) as con:
        _prepare(con, key)
        # (made again from the same Python values: moved through Arrow, they imported
        # pyarrow and NumPy into every build, 0.2 s of a small build's 2 s)
        _files_table(con, exports, skipped)
        con.execute("create schema staging")
        for name, kinds in tables.items():
            staged.view(con, f"staging.{name}", kinds, found[name])
        con.execute("set preserve_insertion_order = false")
        models += run_models(con, bar, layers=("core", "quality", "marts"))
        for warning in unread_objectives(con) + mostly_rejected(con):
            progress(f"Attention : {warning}")
        return _model_and_publish(con, curated_dir, info, progress, staged, t0, models,
                                  exports)


# The most objectives said at build time, the others counted (three thousand unknown codes
# printed three thousand lines, pushing the build's own lines off screen).
OBJECTIVES_SAID = 10


def unread_objectives(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The objectives of targets.toml nothing will be compared with, as the quality page lists
    them (quality.warnings, kind « objectif »): said at build time too, where the officer who
    just edited the file looks. Printable: a key of the file is the administrator's text (an
    escape sequence in one cleared the terminal and wrote a false « Base publiée »)."""
    rows = con.execute(
        "select file, \"column\", value, message from quality.warnings "
        "where kind = 'objectif' order by \"column\" = '[targets]', \"column\", value"
    ).fetchall()
    said = [guard.printable(f"{file} : [targets.{value}] : {message}" if column == "[targets]"
                            else f"{file} : {column} « {value} » : {message}")
            for file, column, value, message in rows[:OBJECTIVES_SAID]]
    if len(rows) > OBJECTIVES_SAID:
        said.append(f"… et {len(rows) - OBJECTIVES_SAID} autres objectifs sans données : voir "
                    "la page « Qualité des données »")
    return said


def mostly_rejected(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The files most of whose rows were rejected (metric `mostly_rejected_files`), said as
    the overview says them (guard.mostly_rejected), with where to look."""
    return [guard.mostly_rejected(row).removesuffix(".")
            + " ; voir la page « Qualité des données »"
            for row in metrics.ask_rows(con, "mostly_rejected_files")]


def _read_line(fresh: int, kept: int, rows: int, seconds: float) -> str:
    """What a source's reading did: « 1 fichier(s) lu(s), 2 inchangé(s) repris, 12 ligne(s) en
    0,1 s (…) ». (Nothing read said « 0 fichier(s) lu(s), 3 inchangé(s) repris, 0 ligne(s) en
    0,0 s ».)"""
    if not fresh:
        return f"{kept} fichier(s) inchangé(s) repris, rien à relire" if kept else "aucun fichier"
    again = f", {kept} inchangé(s) repris" if kept else ""
    speed = f" ({rate(rows, seconds)})" if rows else ""  # (not « 0 lignes/s »)
    return (f"{fresh} fichier(s) lu(s){again}, {count(rows)} ligne(s) en "
            f"{progress_seconds(seconds)}{speed}")


def stage(con: duckdb.DuckDBPyConnection, found: dict[str, list[ExportFile]],
          kept: dict[str, list[ExportFile]], staged: StagedCache,
          bar=None) -> tuple[dict[str, dict[str, str]], int]:
    """The first phase's models: each source's staging query, its rows written straight to
    their Parquet batch (kept for the next build, read by the second phase), never a table
    of this phase (it would spill, and its spill is encrypted: 23.5 s instead of 14.4 s for
    the touches at ten million). Each source's columns (name → type), and the number of models."""
    # Rows are numbered (rowid) as read, in file order; from here every rule that depends on
    # an order says it (file_order, line): DuckDB may then write them in parallel, without
    # keeping the order rows came in (staging at ten million touches: 19 → 14 s).
    con.execute("set preserve_insertion_order = false")
    tables, began = {}, time.perf_counter()
    for position, name in enumerate(SOURCES):
        if bar:
            bar(position, len(SOURCES), f"staging.{name}", began)
        clock = Clock()
        query = (config.SQL_DIR / "staging" / f"{name}.sql").read_text(encoding="utf-8")
        try:
            # (the columns as written, else as kept, else, no file at all, the query's own)
            tables[name] = (staged.save(con, query, name, [e for e in found[name]
                                                            if e not in kept[name]])
                            or staged.kept_columns(con, kept[name])
                            or cache_module.columns(con, query))
        except duckdb.OutOfMemoryException as exc:
            exc.step = f"staging.{name}"
            raise
        except duckdb.IOException as exc:
            # (writing the kept rows: a disk full is the machine's, said in French by
            # guard.classify; it was an internal error quoting DuckDB's English)
            check_unchanged([e for exports in found.values() for e in exports])
            exc.step = f"staging.{name}"
            raise
        except duckdb.Error as exc:
            # staging reads the CSV files again: one removed or re-saved since its checks
            # makes DuckDB fail there, which the file's own message says better
            check_unchanged([e for exports in found.values() for e in exports])
            raise ModelFailed(f"le modèle staging.{name} a échoué : {exc}") from exc
        check_unchanged(found[name])  # (staging read the CSV files a second time)
        drop_raw(con, name)
        clock.timing(f"staging.{name}")
    return tables, len(SOURCES)


def _model_and_publish(con: duckdb.DuckDBPyConnection, curated_dir: Path, info: dict,
                       progress: Callable[[str], None], staged: StagedCache, t0: float,
                       models: int, exports: list[ExportFile]) -> BuildResult:
    """The second phase's end: the answers, the checks, the publication."""
    # (the answers and the publication's copies keep the rows in the order the marts wrote
    # them: a reader of an ordered mart reads it without an ORDER BY)
    con.execute("set preserve_insertion_order = true")
    metrics.precompute(con)
    progress(f"{'Modèles SQL':<{_STAGE}} {models} modèles en "
             f"{progress_seconds(time.perf_counter() - t0)}")
    t0 = time.perf_counter()
    failures = run_checks(con)
    progress(f"{'Contrôles':<{_STAGE}} en {progress_seconds(time.perf_counter() - t0)}")
    if failures:
        raise CheckFailed("Contrôles en échec, base non publiée :\n" + "\n".join(failures))
    counts = _counts(con)
    t0 = time.perf_counter()
    started = info.pop("_started")
    # (the database records the time up to its own writing; the status file and the last
    # line, the whole build: « Base publiée … en 57 s » left out 10 s of publication)
    info["duration_s"] = round(t0 - started, 2)
    database = publish(con, curated_dir, info)
    progress(f"{'Publication':<{_STAGE}} en {progress_seconds(time.perf_counter() - t0)}")
    try:
        staged.prune()
    except OSError as exc:  # (published already: a build that failed here said it had not)
        progress(f"Lignes gardées : le ménage n'a pas pu se faire ({guard.reason(exc)}) ; "
                 "la base est publiée.")
    info["duration_s"] = round(time.perf_counter() - started, 2)
    return BuildResult(database, exports, info["duration_s"], counts)


def new_build_id() -> str:
    """12 random hex digits with the decimal ones spelt as letters (g–p): a run of nine digits
    would read as a phone number, and every published text is checked for those."""
    return uuid.uuid4().hex[:12].translate(str.maketrans("0123456789", "ghijklmnop"))


def _discard_damaged_kept_rows(curated_dir: Path, exc: BaseException) -> BuildFailure | None:
    """A build that failed reading a kept batch (damaged inside, its footer whole: the reading
    checks the footer) removes the kept rows, so that the next build reads every export again;
    else every build failed on that batch, with DuckDB's English message as the only clue."""
    folder = cache_module.folder_for(curated_dir)
    if not isinstance(exc, (duckdb.Error, ModelFailed)) or str(folder) not in str(exc) \
            or ".tmp" in str(exc):  # (a batch being written: the disk, not the kept rows)
        return None
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        return guard.EnvironmentProblem(
            "les lignes gardées des constructions précédentes sont abîmées et n'ont pas pu "
            f"être effacées : supprimez le dossier {pii.mask(str(folder))}, puis relancez la "
            "construction.")
    return guard.EnvironmentProblem(
        "les lignes gardées des constructions précédentes (dossier .build, à côté de la base "
        "publiée) étaient abîmées : elles ont été effacées. Relancez la construction : elle "
        "relira tous les exports.")


def build(raw_dir: Path, curated_dir: Path,
          progress: Callable[[str], None] | None = None, force: bool = False) -> BuildResult:
    """Build and publish, one build at a time per curated folder; any failure is raised as a
    BuildFailure (kind, exit code, a message without personal data) and recorded in the status
    file, and the last good database stays published. When nothing changed since the published
    build (same exports, code, settings and day), it is kept as it is, unless `force`."""
    reporter = Reporter()
    bar = reporter.bar if progress is None else None
    progress = progress or reporter.line
    info = {"build_id": new_build_id(), "started_at": status.now(),
            "built_at": dt.datetime.now().replace(microsecond=0),
            # (a folder named after its owner's address was published in clear)
            "raw_dir": pii.mask(str(raw_dir)),
            "_started": time.perf_counter()}
    try:
        with guard.build_lock(curated_dir):
            guard.remove_leftovers(curated_dir)
            force = force or os.environ.get("OMLOT_FORCE_BUILD") == "1" \
                or os.environ.get("OMLOT_CACHE") == "0"
            # (inside: a folder without prospects or gone stopped the build before, and the
            # status still said « ok », so the dashboard showed no failure)
            try:
                # (here, to be recorded as any failure: the dashboard said nothing of it)
                if config.SETTING_ERRORS:
                    raise guard.EnvironmentProblem(" ".join(map(pii.mask,
                                                                config.SETTING_ERRORS.values())))
                inputs = None if force else inputs_fingerprint(
                    raw_dir, guard.hash_key(config.HASH_KEY_FILE))
                kept = _kept_build(curated_dir, inputs)
                if kept:
                    progress("Rien n'a changé depuis la dernière construction (mêmes exports, "
                             "mêmes réglages) : la base publiée est gardée telle quelle "
                             "(--force pour reconstruire).")
                    return BuildResult(config.database_path(curated_dir), [], 0.0,
                                       kept.get("counts") or {}, unchanged=True)
                with guard.private_work_dir(curated_dir, info["build_id"]) as spill_dir:
                    try:
                        result = _build_in(raw_dir, curated_dir, info, progress, spill_dir,
                                           bar)
                    finally:
                        fastcsv.close_transcoded(spill_dir)  # (Windows-1252 exports, in memory)
            except BaseException as exc:
                failure = _discard_damaged_kept_rows(curated_dir, exc) or guard.classify(exc)
                if os.environ.get("OMLOT_DEBUG"):
                    traceback.print_exc()
                status.write(curated_dir, {
                    "build_id": info["build_id"], "started_at": info["started_at"],
                    "status": "failed", "kind": failure.kind, "exit_code": failure.exit_code,
                    "raw_dir": info["raw_dir"], "message": str(failure)})
                raise failure from None
            status.write(curated_dir, {
                "build_id": info["build_id"], "started_at": info["started_at"],
                "built_at": info["built_at"], "duration_s": info["duration_s"], "status": "ok",
                "raw_dir": info["raw_dir"], "counts": result.counts, "inputs": inputs,
                "rejected": sum(c["rejected"] for c in result.counts.values())})
            return result
    except BuildFailure:
        raise
    except BaseException as exc:  # the lock or the curated folder itself (permissions, disk)
        raise guard.classify(exc) from None
