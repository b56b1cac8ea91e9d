"""Shared fixtures: the command line as a subprocess, and the demo built once per session."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines import cache
from tests import cli_server

ROOT = Path(__file__).resolve().parent.parent

# Many tests build the same exports again on purpose (a crash, a check, the staged rows): every
# build really builds. The product keeps an unchanged build (test_build.py's
# test_nothing_changed_keeps_the_published_build turns this off to check it).
os.environ["OMLOT_FORCE_BUILD"] = "1"


def _scan_installed_components_once() -> None:
    """Each AppTest scans every installed package's metadata for Streamlit components (the
    served app does it once, at its start): 1.9 s of every 17 of a page's tests, the same
    answer each time. Scanned once per test process."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(
        manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(curated: Path, **output):
    """The real app (`streamlit run`, the project's .streamlit/config.toml) on a free port,
    serving `curated`, once its health check answers: (its URL, its process); stopped after.
    `output`: where its stdout and stderr go (Popen's arguments; stderr is read on a failed
    start when piped)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false",
         # a password set in the project's .streamlit/secrets.toml must not hide the pages
         "--secrets.files", str(curated.parent / "no-secrets.toml")],
        cwd=ROOT, env={**os.environ, "OMLOT_CURATED_DIR": str(curated)}, text=True,
        **({"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE} | output))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        said = server.stderr.read() if server.stderr else ""
        pytest.fail("streamlit did not start: " + said[-2000:])
    try:
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=20)


def run_cli(*args: str, env: dict | None = None, timeout: float | None = None
            ) -> subprocess.CompletedProcess:
    """`python -m pipelines ARGS` from the repo root, as a user runs it: a process of its own,
    forked from one that has already imported what the command imports (tests/cli_server.py:
    a third of the suite's time was Python's start)."""
    return cli_server.run(list(args), {**os.environ, **(env or {})}, timeout)


def open_app(**params: str):
    """The dashboard (AppTest) opened by a link with these URL parameters, on its first page,
    run without an exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def kpis(curated: Path, *period: str) -> dict:
    result = run_cli("kpis", "--curated", str(curated), *period, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(autouse=True, scope="session")
def no_project_secrets(tmp_path_factory):
    """A password set in the project's own .streamlit/secrets.toml (dashboard.auth) must not
    change the tests: those that need secrets give them through AppTest.secrets."""
    import streamlit as st
    from streamlit import config as st_config

    before = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(tmp_path_factory.mktemp("secrets") / "no.toml")])
    st.secrets._reset()
    yield
    st_config.set_option("secrets.files", before)
    st.secrets._reset()


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> dict[str, Path]:
    """The demo exports and their curated database, built once for the whole session."""
    base = tmp_path_factory.mktemp("demo")
    raw, curated = base / "raw", base / "curated"
    assert run_cli("demo", "--raw", str(raw)).returncode == 0
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return {"raw": raw, "curated": curated, "database": curated / "lot.duckdb"}


def copy_build(built: dict[str, Path], base: Path) -> dict[str, Path]:
    """A published build copied under `base` as if built there: its exports, its curated
    folder and its kept rows (cache.folder_for names them after the curated folder's path).
    A test that only needs « a build published » starts from a copy of one built once per
    session: sixty-two tests each built the same two prospects, 2 to 6 s apiece."""
    raw, curated = base / "raw", base / "curated"
    shutil.copytree(built["raw"], raw)
    shutil.copytree(built["curated"], curated)
    kept = cache.folder_for(built["curated"])
    if kept.exists():
        shutil.copytree(kept, cache.folder_for(curated))
    return {"raw": raw, "curated": curated, "database": curated / "lot.duckdb"}


def build_with_a_new_channel(base: Path) -> Path:
    """A build where an administrator added `marche = ["Marché de Cahors"]` to channels.toml
    (no label, no colour) and one prospect comes from it, another from a salon: its curated
    folder."""
    raw, curated = base / "raw", base / "curated"
    raw.mkdir()
    (raw / "prospects.csv").write_text(
        "ID prospect;Date de premier contact;Canal\nP1;2024-01-10;Marché de Cahors\n"
        "P2;2024-01-11;Salon\n", "utf-8")
    toml = (ROOT / "pipelines" / "channels.toml").read_text("utf-8").replace(
        "[labels]", 'marche = ["Marché de Cahors", "Marché"]\n\n[labels]')
    (base / "channels.toml").write_text(toml, "utf-8")
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated),
                     env={"OMLOT_CHANNELS_FILE": str(base / "channels.toml")})
    assert result.returncode == 0, result.stderr
    return curated
