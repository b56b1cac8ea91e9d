"""The real app (`streamlit run`) in headless Chromium: every page renders its charts with no
error; a screenshot per page is saved (the path is printed). Run alone: pytest -m e2e."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHART = ".js-plotly-plot"
TABLE = '[data-testid="stDataFrame"]'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(demo_build):
    port = _free_port()
    env = {**os.environ, "OMLOT_CURATED_DIR": str(demo_build["curated"])}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("streamlit did not start: " + server.stderr.read().decode()[-2000:])
    yield url
    server.terminate()
    server.wait(timeout=10)


def _wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=30_000)
    # Streamlit shows a status widget while the script runs; wait until it is gone.
    # Every page shows a chart or a table once its script has run; plotly draws after it.
    page.wait_for_selector(f"{CHART}, {TABLE}", timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(2000)


def test_every_page_renders_without_error(app_url):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make browser` installs Debian's package")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="fr-FR")
        page.goto(app_url)
        _wait_for_app(page)
        links = page.locator('[data-testid="stSidebarNav"] a')
        targets = [(links.nth(i).inner_text().split("\n")[-1], links.nth(i).get_attribute("href"))
                   for i in range(links.count())] or [("Vue d'ensemble", app_url)]
        for title, href in targets:
            page.goto(href)
            _wait_for_app(page)
            errors = page.locator(ERRORS)
            assert errors.count() == 0, f"{title}: {errors.first.inner_text()}"
            assert page.locator(f"{CHART}, {TABLE}").count() >= 1, f"{title}: no chart"
            assert "Error" not in page.inner_text("body"), title
            shot = SCREENSHOTS / f"{len(list(SCREENSHOTS.glob('*.png'))):02d}-{title}.png"
            page.screenshot(path=str(shot), full_page=False)
            print(f"screenshot: {shot}")
        browser.close()
