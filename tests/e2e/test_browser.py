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


def _wait_for_app(page, figures: bool = True) -> None:
    """`figures`: the page draws a chart or a table (a text page, the guide, does not)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=30_000)
    # Streamlit shows a status widget while the script runs; wait until it is gone.
    # Every page shows a chart or a table once its script has run; plotly draws after it.
    page.wait_for_selector(f"{CHART}, {TABLE}" if figures else "h1", timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(2000)


# The three screens a committee reads on: a projector, a laptop, a phone.
SIZES = ((1280, 720), (1440, 900), (390, 844))
# Streamlit's own words, which have no French locale: none may show, whatever the browser's
# language (matched as whole words in the text, tooltips and labels of visible elements).
ENGLISH = ("Select all", "Search", "Fullscreen", "Show/hide columns", "Download as CSV",
           "Choose an option", "No results", "Press Enter", "Running", "Deploy")
# Text that must be read whole: a figure, its label, a heading, a button or a tab.
READ_WHOLE = ('[data-testid="stMetricValue"], [data-testid="stMetricLabel"], '
              '[data-testid="stMetricDelta"], h1, h2, h3, button, [role="tab"]')

CUT_TEXT = """sel => {
  const cut = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.getClientRects().length) continue;
    for (const part of [el, ...el.querySelectorAll('*')]) {
      if (part.clientWidth > 0 && part.scrollWidth > part.clientWidth + 1
          && getComputedStyle(part).overflowX !== 'auto') {
        cut.push(el.innerText.trim() || el.getAttribute('aria-label') || el.tagName);
        break;
      }
    }
  }
  return cut;
}"""

WORDS_SHOWN = """() => {
  const words = [document.body.innerText];
  const named = '[aria-label], [title], [data-title], [placeholder]';
  for (const el of document.querySelectorAll(named)) {
    if (!el.getClientRects().length) continue;
    for (const name of ['aria-label', 'title', 'data-title']) {
      if (el.getAttribute(name)) words.push(el.getAttribute(name));
    }
    // a placeholder shows while its field is empty
    if (el.getAttribute('placeholder') && !el.value) words.push(el.getAttribute('placeholder'));
  }
  return words.join('\\n');
}"""

# Columns of each table drawn in its visible width (the grid's accessible header lists only
# those), against the columns it has.
TABLE_COLUMNS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(table => table.getBoundingClientRect().height > 0
          && !table.closest('details:not([open])'))
  .map(table => {
    const grid = table.querySelector('table[role="grid"]');
    const heads = [...table.querySelectorAll('th[role="columnheader"]')];
    const box = table.getBoundingClientRect();
    return {shown: heads.map(th => th.innerText), first: heads.length ?
              heads[0].getAttribute('aria-colindex') : null,
            columns: grid ? Number(grid.getAttribute('aria-colcount')) : 0,
            left: box.left, right: box.right};
  })"""


def _english_words(text: str) -> set[str]:
    import re

    return {word for word in ENGLISH if re.search(rf"(?<![\w/]){re.escape(word)}(?!\w)", text)}


def _full_screenshot(page, path: Path, width: int, height: int) -> None:
    """The whole page (the main pane scrolls, not the document): the viewport made as tall as
    the page for the shot, then put back."""
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                         ".scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(tall, height), 7000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=False)
    page.set_viewport_size({"width": width, "height": height})
    print(f"screenshot: {path}")


def _screen_defects(page, title: str, width: int) -> list[str]:
    """Text cut, English words, a table's key (first) column out of view and, on a laptop or
    a projector, a column a table shows beyond its width."""
    where = f"{title} at {width} px"
    defects = [f"{where}: text cut: {text!r}" for text in page.evaluate(CUT_TEXT, READ_WHOLE)]
    # a table's toolbar (shown on hover) is in the page from the start: its labels count
    defects += [f"{where}: English on screen: {word!r}"
                for word in _english_words(page.evaluate(WORDS_SHOWN))]
    for table in page.evaluate(TABLE_COLUMNS):
        if table["first"] != "1" or table["left"] < 0 or table["right"] > width:
            defects.append(f"{where}: key column out of view: {table}")
        elif width >= 1280 and len(table["shown"]) < table["columns"]:
            defects.append(f"{where}: columns beyond the table's width: {table}")
    return defects


def _multiselect_defects(page) -> list[str]:
    """The sidebar's channel list, opened: no English bulk action (« Select all »)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    if not box.is_visible():
        return []
    box.click(timeout=5000)
    page.wait_for_timeout(500)
    english = _english_words(page.evaluate(WORDS_SHOWN))
    page.keyboard.press("Escape")
    return [f"channel list: English on screen: {word!r}" for word in english]


def test_every_page_reads_whole_and_in_french_on_three_screens(app_url):
    """Every page at 1280 × 720, 1440 × 900 and 390 × 844 in an English browser: renders with
    no error, no text cut, no English word, every table's key column in view; one whole-page
    screenshot per page and size."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make browser` installs Debian's package")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--lang=en-US"],
        )
        targets, defects = None, []
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    locale="en-US",
                                    extra_http_headers={"Accept-Language": "en-US,en"})
            page.goto(app_url)
            _wait_for_app(page)
            if targets is None:
                links = page.locator('[data-testid="stSidebarNav"] a')
                targets = [(links.nth(i).inner_text().split("\n")[-1],
                            links.nth(i).get_attribute("href"))
                           for i in range(links.count())] or [("Vue d'ensemble", app_url)]
                assert len(targets) >= 7, targets  # the 7 pages (and the guide)
            elif width < 700:  # a phone opens on the page, the menu folded away
                sidebar = page.locator('[data-testid="stSidebar"]')
                if sidebar.get_attribute("data-collapsed") != "true":
                    defects.append(f"at {width} px: the sidebar covers the page on load")
            for number, (title, href) in enumerate(targets):
                if number:
                    page.goto(href)
                    _wait_for_app(page, figures=number < 7)
                errors = page.locator(ERRORS)
                assert errors.count() == 0, f"{title}: {errors.first.inner_text()}"
                if number < 7:  # the data pages; a guide may follow them
                    assert page.locator(f"{CHART}, {TABLE}").count() >= 1, f"{title}: no chart"
                assert "Error" not in page.inner_text("body"), title
                defects += _screen_defects(page, title, width)
                if number == 0 and width >= 1000:  # on a phone the menu is folded away
                    defects += _multiselect_defects(page)
                _full_screenshot(page, SCREENSHOTS / f"{width}x{height}-{number}-{title}.png",
                                 width, height)
            page.close()
        browser.close()
    assert not defects, "\n".join(defects)


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
