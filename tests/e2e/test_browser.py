"""The real app (`streamlit run`) in headless Chromium: every page renders its charts with no
error; a screenshot per page is saved (the path is printed). Run alone: pytest -m e2e."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import auth
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
         "--browser.gatherUsageStats", "false",
         # a password set in the project's .streamlit/secrets.toml must not hide the pages
         "--secrets.files", str(demo_build["curated"].parent / "no-secrets.toml")],
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


# --- Access: `make run` serves this machine only; a password shows nothing before login ------

PASSWORD = "mot de passe e2e 2026"
LOGIN = 'input[type="password"]'
FIGURES = f'{CHART}, {TABLE}, [data-testid="stMetric"], [data-testid="stSidebarNav"]'
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--lang=en-US"]


def _port_from(first: int = 8765) -> int:
    """The first port from `first` on that no one uses, on any address."""
    for port in range(first, first + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def _make_run_command(port: int) -> list[str]:
    """The streamlit line of `make run`, as make prints it (`make -n`), on `port`."""
    plan = subprocess.run(["make", "-n", "run", f"PORT={port}"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    return shlex.split(next(line for line in plan.splitlines() if "streamlit run" in line))


def _other_addresses() -> list[str]:
    """This machine's addresses other than loopback (hostname -I)."""
    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    except OSError:
        found = [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]


@contextlib.contextmanager
def _serve(command: list[str], curated: Path, url: str):
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE,
                              env={**os.environ, "OMLOT_CURATED_DIR": str(curated)})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail("streamlit did not start: "
                                + server.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_make_run_answers_on_localhost_only(demo_build):
    port = _port_from()
    command = _make_run_command(port)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    with _serve(command, demo_build["curated"], f"http://127.0.0.1:{port}"):
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                      timeout=5).status == 200
        others = _other_addresses()
        if not others:
            pytest.skip("this machine has no address other than loopback")
        for address in others:
            host = f"[{address}]" if ":" in address else address
            with pytest.raises(OSError):  # refused: nothing listens there
                urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=5)


def _wait_for_login(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_selector(LOGIN, timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(1000)


def test_with_a_password_the_browser_sees_only_the_login_form(demo_build, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make browser` installs Debian's package")
    secrets = tmp_path / "secrets.toml"  # not the project's: other tests must not see it
    auth.save_password_hash(secrets, auth.hash_password(PASSWORD))
    port = _port_from()
    url = f"http://127.0.0.1:{port}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    command = [*_make_run_command(port), "--secrets.files", str(secrets)]
    with _serve(command, demo_build["curated"], url), playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        for width, height in ((1280, 720), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height},
                                    locale="en-US")
            for path in ("", "qualite"):
                page.goto(f"{url}/{path}")
                _wait_for_login(page)
                assert page.locator(FIGURES).count() == 0, path
                body = page.inner_text("body")
                assert "Mot de passe" in body and "Se connecter" in body
                assert not {"Password", "Error", "Press Enter"} & set(body.replace("\n", " ")
                                                                      .split(" ")), body
            shot = SCREENSHOTS / f"connexion-{width}x{height}.png"
            page.screenshot(path=str(shot))
            print(f"screenshot: {shot}")
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="fr-FR")
        page.goto(url)
        _wait_for_login(page)
        page.fill(LOGIN, "pas le bon")
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30_000)
        assert page.locator(FIGURES).count() == 0
        page.fill(LOGIN, PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector(CHART, timeout=60_000)  # in: the overview draws its charts
        assert page.get_by_role("button", name="Se déconnecter").count() == 1
        browser.close()
