"""The last build's outcome (`last_build.json`, beside the database) and how it reads against
the published database, which carries its own build's identity: the file says what was last
attempted, the database what is published, and the two never contradict each other on screen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from functools import cache
from pathlib import Path

import duckdb

from . import config


def write(curated_dir: Path, status: dict) -> None:
    """Replace the status file in one rename (a reader never sees half a file)."""
    curated_dir.mkdir(parents=True, exist_ok=True)
    path = curated_dir / config.STATUS_NAME
    tmp = curated_dir / f".{config.STATUS_NAME}.{os.getpid()}.new"
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=2, default=str), "utf-8")
    os.replace(tmp, path)


def read_file(curated_dir: Path) -> dict | None:
    try:
        return json.loads((curated_dir / config.STATUS_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None


@cache
def models_fingerprint() -> str:
    """What shapes the published tables and the questions asked of them: every SQL file (the
    models, the metrics, the checks). Stored with each build (quality.build.models): a database
    built by another version of them is said, rather than a page failing on a column it lacks
    (the Campagnes page on a database built before the selection's budget existed)."""
    digest = hashlib.sha256()
    for path in sorted([*config.SQL_DIR.rglob("*.sql"), *config.CHECKS_DIR.rglob("*.sql")]):
        digest.update(path.relative_to(config.PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def built_by_this_code(published: dict | None) -> bool:
    """Whether the published build's models are this code's (models_fingerprint)."""
    return bool(published) and published.get("models") == models_fingerprint()


OLDER_MODELS = ("La base publiée a été construite par une autre version du tableau de bord : "
                "relancez la construction (`make build`, ou `make run`) ; d'ici là, certaines "
                "pages peuvent ne pas s'afficher.")


def published_build(con: duckdb.DuckDBPyConnection, database: str | None = None) -> dict | None:
    """The published build's identity and time, as stored inside the database."""
    table = f"{database}.quality.build" if database else "quality.build"
    try:
        cursor = con.execute(f"select * from {table}")
    except duckdb.Error:
        return None
    rows = cursor.fetchall()
    return dict(zip([d[0] for d in cursor.description], rows[0], strict=True)) if rows else None


def reconcile(attempt: dict | None, published: dict | None) -> dict:
    """What to say about the builds: the published one (from the database), and the last
    attempt only when it failed after it. A status file that describes another build than the
    database (a build killed right after publishing) is never shown as the published one."""
    failure = None
    if attempt and attempt.get("status") == "failed":
        started = str(attempt.get("started_at") or "")
        published_at = str(published.get("built_at")) if published else ""
        if not published or started >= published_at.replace(" ", "T"):
            failure = {key: attempt.get(key) for key in
                       ("started_at", "kind", "exit_code", "message")}
    return {"published": published, "failed_attempt": failure}


def current(curated_dir: Path) -> dict:
    """`reconcile` for a curated folder (opens the database read-only for a moment)."""
    published = None
    path = config.database_path(curated_dir)
    if path.exists():
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                published = published_build(con)
        except duckdb.Error:
            published = None
    return reconcile(read_file(curated_dir), published)


def now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()
