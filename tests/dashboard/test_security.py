"""Access and injection: with a password set, nothing but the login form renders; open to the
network without protection, nothing renders; text from the exports is inert wherever Markdown
or HTML is rendered (pages and charts); CSV downloads never hold a live formula."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
import sys
import time
import tomllib

import pandas as pd
import pytest
from google.protobuf.message import Message
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from dashboard import auth, fmt, widgets
from tests.conftest import ROOT, run_cli
from tests.dashboard import served

APP = str(ROOT / "dashboard" / "app.py")
PAGES = [f"app_pages/{name}.py" for name in (
    "overview", "sources", "campaigns", "network", "ambassadors", "territory", "quality")]
PASSWORD = "mot de passe de test 2026"

IMAGE = "![p](http://evil.example/t.png)"
HTML = "<img src=x onerror=alert(1)>"
LINK = "[clic](http://evil.example)"
BOLD = "**gras**"
INJECTIONS = (IMAGE, HTML, LINK, BOLD)
# What an injection looks like when it is NOT escaped (a backslash before it makes it text).
# A bare URL or email is linked by GFM even when escaped: it must be broken up too.
LIVE_MARKDOWN = re.compile(r"!\[|(?<!\\)<img|\[clic\]\(|\*\*gras|https?:|www\.|[\w.+-]@\w",
                           re.IGNORECASE)
FORMULAS = ('=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx")


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with no failed login in this process, and leaves none behind."""
    auth.THROTTLE.failures, auth.THROTTLE.last_failure = 0, -math.inf
    yield
    auth.THROTTLE.failures, auth.THROTTLE.last_failure = 0, -math.inf


@pytest.fixture
def demo_env(demo_build, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(demo_build["curated"]))
    return demo_build


@pytest.fixture(scope="module")
def password_hash() -> str:
    return auth.hash_password(PASSWORD)


@pytest.fixture
def network_address():
    """The app as `make run ADDRESS=0.0.0.0` serves it (every interface)."""
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", before)


def _app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets or {})
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _figures(at: AppTest) -> dict[str, int]:
    return {"metric": len(at.metric), "chart": len(at.get("plotly_chart")),
            "table": len(at.dataframe), "download": len(at.get("download_button"))}


NO_FIGURE = {"metric": 0, "chart": 0, "table": 0, "download": 0}


def _login(at: AppTest, password: str) -> AppTest:
    at.text_input(key="_auth_input").input(password)
    at.button[0].click()
    return _run(at)


# --- Password --------------------------------------------------------------------------------

def test_password_is_stored_as_a_salted_scrypt_hash():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$")
    assert PASSWORD not in first
    assert auth.verify_password(PASSWORD, first) and auth.verify_password(PASSWORD, second)
    assert not auth.verify_password(PASSWORD + " ", first)


def test_password_command_writes_the_hash_owner_only_and_keeps_other_sections(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n\n'
                       '[password]\nhash = "scrypt$old"\n', "utf-8")

    def command(password: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dashboard.auth", "--secrets", str(secrets)],
                              input=password + "\n", cwd=ROOT, capture_output=True, text=True)

    result = command(PASSWORD)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert secrets.stat().st_mode & 0o777 == 0o600
    written = tomllib.loads(secrets.read_text("utf-8"))
    assert written["auth"]["redirect_uri"] == "http://localhost:8501/oauth2callback"
    assert auth.verify_password(PASSWORD, written["password"]["hash"])
    assert PASSWORD not in secrets.read_text("utf-8")

    before = secrets.read_text("utf-8")
    short = command("court")
    assert short.returncode == 1 and "trop court" in short.stderr
    assert secrets.read_text("utf-8") == before


@pytest.mark.parametrize("page", PAGES)
def test_with_a_password_every_page_shows_only_the_login_form(demo_env, password_hash, page):
    at = _run(_app({"password": {"hash": password_hash}}))
    _run(at.switch_page(page))
    assert [field.label for field in at.text_input] == ["Mot de passe"]
    assert [button.label for button in at.button] == ["Se connecter"]
    assert _figures(at) == NO_FIGURE
    assert not at.sidebar.children  # no filter, no page list


def test_a_wrong_password_shows_an_error_and_no_figure(demo_env, password_hash):
    at = _login(_run(_app({"password": {"hash": password_hash}})), "pas le bon mot de passe")
    assert "Mot de passe incorrect" in at.error[0].value
    assert _figures(at) == NO_FIGURE
    assert not at.sidebar.children


def test_the_right_password_opens_every_page_until_logout(demo_env, password_hash):
    at = _login(_run(_app({"password": {"hash": password_hash}})), PASSWORD)
    assert not at.error and len(at.metric) == 8 and at.get("plotly_chart")
    for page in PAGES[1:]:
        _run(at.switch_page(page))
        assert at.get("plotly_chart") or at.dataframe, page
        assert not at.text_input or at.text_input[0].label != "Mot de passe"
    at.sidebar.button(key="_auth_logout").click()
    _run(at)
    assert [field.label for field in at.text_input] == ["Mot de passe"]
    assert _figures(at) == NO_FIGURE


def test_wrong_passwords_slow_down_every_session_of_the_process(demo_env, password_hash):
    """After a wrong password, the next attempt of any session is checked only once its wait
    is over; one made before is refused at once and says how long to wait."""
    secrets = {"password": {"hash": password_hash}}
    at = _login(_run(_app(secrets)), "faux 1")  # no wait yet
    assert "Mot de passe incorrect" in at.error[0].value
    _login(at, "faux 2")
    assert at.error[0].value == "Trop d'essais incorrects : réessayez dans 1 seconde."
    # a new browser session does not start from zero
    other = _login(_run(_app(secrets)), PASSWORD)
    assert "réessayez dans" in other.error[0].value and _figures(other) == NO_FIGURE
    time.sleep(auth.THROTTLE.wait())
    _login(other, "faux 3")
    assert "Mot de passe incorrect" in other.error[0].value
    assert auth.THROTTLE.failures == 2 and auth.THROTTLE.delay() == 2.0
    time.sleep(auth.THROTTLE.wait())
    _login(other, PASSWORD)
    assert len(other.metric) == 8 and auth.THROTTLE.failures == 0


def test_wrong_attempts_sent_together_never_keep_the_right_one_waiting_past_the_ceiling():
    """An attacker's many wrong attempts, sent at once from sessions closed since, were queued
    behind one lock, each waiting its turn: six kept the right password waiting 61 s, a
    hundred would have kept it fifty minutes. Now an attempt before its time is refused
    unchecked; the right password is checked at the latest `ceiling` seconds after the last
    wrong one."""
    now = [0.0]
    throttle = auth.Throttle(ceiling=30.0, clock=lambda: now[0])
    checked = []

    def wrong() -> bool:
        checked.append("faux")
        return False

    for second in range(200):  # an attacker trying every second for 200 s
        now[0] = float(second)
        throttle.attempt(wrong)
    assert len(checked) <= 12  # 0, 1, 3, 7, 15, 31, then every 30 s
    assert throttle.wait() <= 30.0
    now[0] += throttle.wait()
    assert throttle.attempt(lambda: True) is True and throttle.failures == 0


def test_an_unreadable_password_hash_keeps_the_dashboard_closed(demo_env):
    at = _run(_app({"password": {"hash": "md5:abc"}}))
    assert "illisible" in at.error[0].value
    assert _figures(at) == NO_FIGURE and not at.text_input


def test_with_oidc_configured_nothing_renders_before_login(demo_env):
    at = _run(_app({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                             "cookie_secret": "x" * 32, "client_id": "id",
                             "client_secret": "secret",
                             "server_metadata_url": "https://idp.example/.well-known/openid"}}))
    assert _figures(at) == NO_FIGURE
    offered = [b.label for b in at.button] + [e.value for e in at.error]
    assert any("Se connecter avec le compte de l'organisation" in text or "Authlib" in text
               for text in offered), offered


# --- Network ---------------------------------------------------------------------------------

def test_only_a_loopback_address_without_proxy_counts_as_this_machine_only():
    for address in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert auth.network_reason(address) is None, address
    for address in ("0.0.0.0", "::", "", None, "192.168.1.20", "lot.example"):
        assert auth.network_reason(address), address
    assert auth.network_reason("127.0.0.1", {"Host": "localhost", "X-Forwarded-For": "x"}) == (
        "il est servi par un proxy")


def test_a_request_naming_another_host_than_this_machine_is_from_the_network():
    """A server on 127.0.0.1 without a password gave every figure and the households' table to
    a page of any web site whose name was made to point to 127.0.0.1 (DNS rebinding) and to
    any relay (socat, ssh -L) that adds no proxy header: the request's Host and Origin then
    name another host."""
    here = ({"Host": "localhost:8501", "Origin": "http://localhost:8501"},
            {"Host": "127.0.0.1:8501", "Upgrade": "websocket"}, {"Host": "[::1]:8501"},
            {"host": "LOCALHOST", "origin": "http://127.0.0.1:8501"}, {})
    for headers in here:
        assert auth.network_reason("127.0.0.1", headers) is None, headers
    elsewhere = ({"Host": "rebind.attacker.example:8975",
                  "Origin": "http://rebind.attacker.example:8975"},
                 {"Host": "192.0.2.2:8973"}, {"Host": "localhost.attacker.example"},
                 {"Host": "localhost:8501", "Origin": "http://evil.example"},
                 {"Upgrade": "websocket", "Sec-Websocket-Key": "x"})
    for headers in elsewhere:
        assert auth.network_reason("127.0.0.1", headers) == (
            "il est appelé sous un autre nom que localhost ou 127.0.0.1"), headers
    for proxy in ("X-Forwarded-Proto", "Via", "X-Forwarded-Port", "True-Client-IP"):
        assert auth.network_reason("127.0.0.1", {"Host": "localhost", proxy: "https"}) == (
            "il est servi par un proxy"), proxy


def test_open_to_the_network_without_protection_shows_no_figure_but_how_to_set_a_password(
        demo_env, network_address):
    at = _run(_app())
    for page in PAGES[:2]:
        _run(at.switch_page(page))
        assert "aucun mot de passe n'est défini" in at.error[0].value
        assert "0.0.0.0" in at.error[0].value
        assert at.code[0].value == ".venv/bin/python -m dashboard.auth"
        assert _figures(at) == NO_FIGURE and not at.sidebar.children


def test_open_to_the_network_with_a_password_asks_for_it(demo_env, network_address,
                                                         password_hash):
    at = _run(_app({"password": {"hash": password_hash}}))
    assert [field.label for field in at.text_input] == ["Mot de passe"]
    assert _figures(at) == NO_FIGURE
    _login(at, PASSWORD)
    assert len(at.metric) == 8


def test_config_keeps_the_app_local_and_tells_viewers_no_error_detail():
    options = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert options["server"]["address"] == "127.0.0.1"
    assert options["client"]["showErrorDetails"] == "none"
    assert options["client"]["disableDataExport"] is True


# --- Markdown and HTML injection ---------------------------------------------------------------

def _write(path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";", lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def injected(demo_build, tmp_path_factory):
    """The demo exports plus rows whose labels, codes, names, statuses and file name are
    Markdown, HTML or formulas; built into a curated database."""
    base = tmp_path_factory.mktemp("injected")
    raw, curated = base / "raw", base / "curated"
    shutil.copytree(demo_build["raw"], raw)
    _write(raw / "campagnes_injection.csv", [
        ["Code campagne", "Libellé", "Canal", "Date début", "Date fin", "Budget (€)"],
        [HTML, IMAGE, "Salon", "01/01/2023", "31/12/2023", "1000"],
        [LINK, HTML, "Site internet", "01/01/2023", "31/12/2023", "500"],
    ])
    header = ["ID prospect", "Date de premier contact", "Canal", "Code campagne", "Email",
              "Statut", "Département d'origine"]
    _write(raw / f"prospects_{IMAGE.replace('/', '')}{HTML}.csv", [
        header,
        ["INJ-1", "01/03/2023", IMAGE, HTML, "inj1@example.fr", HTML, LINK],
        ["INJ-2", "02/03/2023", HTML, LINK, "inj2@example.fr", IMAGE, "75"],
        ["INJ-3", "03/03/2023", LINK, HTML, "inj3@example.fr", BOLD, "46"],
        ["INJ-4", "04/03/2023", BOLD, LINK, "inj4@example.fr", LINK, "46"],
        ["INJ-5", "05/03/2023", "Salon", HTML, "inj5@example.fr", "En cours", "46"],
        ["INJ-6", "06/03/2023", FORMULAS[0], HTML, "inj6@example.fr", "En cours", "46"],
        *[[f"INJ-F{i}", formula, "Salon", "", "", "", ""]
          for i, formula in enumerate(FORMULAS[:4])],
    ])
    _write(raw / "installations_injection.csv", [
        ["ID installation", "ID prospect", "Date d'installation", "Code commune", "Commune"],
        ["INJ-I1", "INJ-1", "01/06/2023", "46042", HTML],
        ["INJ-I5", "INJ-5", "01/07/2023", "46042", IMAGE],
    ])
    _write(raw / "contacts_campagnes_injection.csv", [
        ["ID interaction", "Horodatage", "Code campagne", "Type d'interaction", "Email"],
        ["INJ-T1", "2023-03-01", HTML, HTML, "inj1@example.fr"],
        ["INJ-T2", "2023-03-02", HTML, IMAGE, "inj5@example.fr"],
    ])
    _write(raw / "ambassadeurs_injection.csv", [
        ["ID ambassadeur", "Date d'adhésion", "Type"],
        ["INJ-A1", "01/01/2023", HTML],
    ])
    result = run_cli("build", "--raw", str(raw), "--curated", str(curated))
    assert result.returncode == 0, result.stderr
    return curated


@pytest.fixture
def injected_env(injected, monkeypatch):
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(injected))
    return injected


def _nodes(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


# Fields Streamlit renders as Markdown (bodies, labels, tooltips, metric values and deltas);
# options, code, tables and charts are plain text or checked apart.
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "placeholder", "caption"}


def _markdown_texts(at: AppTest) -> list[str]:
    texts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        stack = [proto] if proto is not None else []
        while stack:
            message = stack.pop()
            for field, value in message.ListFields():
                if isinstance(value, Message):
                    stack.append(value)
                elif field.message_type is not None:  # repeated messages
                    stack.extend(value)
                elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
                    texts.append(value)
    return texts


def test_plain_makes_export_text_inert_in_markdown():
    joiner = fmt.WORD_JOINER  # invisible: breaks GFM's bare links, emoji and icon codes
    assert fmt.plain(IMAGE) == rf"\!\[p\]\(http\:{joiner}\/\/evil\.example\/t\.png\)"
    assert fmt.plain(HTML) == r"\<img src\=x onerror\=alert\(1\)\>"
    assert fmt.plain(BOLD) == r"\*\*gras\*\*"
    assert fmt.plain(":red[x] $y$\n# titre") == rf"\:{joiner}red\[x\] \$y\$ \# titre"
    assert fmt.plain("www.lot.fr a@lot.fr") == rf"www{joiner}\.lot\.fr a\@{joiner}lot\.fr"
    assert fmt.plain("Été – « Lot »") == "Été – « Lot »"
    for value in (*INJECTIONS, "voir www.evil.example", "écrire à x@evil.example"):
        assert LIVE_MARKDOWN.search(value) and not LIVE_MARKDOWN.search(fmt.plain(value))


@pytest.mark.parametrize("page", PAGES)
def test_export_text_is_escaped_wherever_markdown_is_rendered(injected_env, page):
    at = _run(_app())
    _run(at.switch_page(page))
    live = [text for text in _markdown_texts(at) if LIVE_MARKDOWN.search(text)]
    assert not live, live


def test_quality_page_shows_injected_values_as_text(injected_env):
    at = _run(_app())
    _run(at.switch_page("app_pages/quality.py"))
    warning = next(w.value for w in at.warning if "Libellés de canal inconnus" in w.value)
    for label in INJECTIONS:
        assert f"« {fmt.plain(label)} »" in warning
    values = set(next(df.value for df in at.dataframe if "Message" in df.value.columns)["Valeur"])
    assert set(INJECTIONS) <= values  # tables show the raw text
    assert set(FORMULAS[:4]) <= set(
        next(df.value for df in at.dataframe if "Motif" in df.value.columns)["Valeur"])
    example = json.loads(at.code[0].value.split("…, ", 1)[1].rstrip("]"))
    assert example in INJECTIONS  # a TOML/JSON string, pasted as is
    # never a formula: an administrator is told to paste it into channels.toml
    assert not example.startswith(widgets.FORMULA_STARTS)


def test_sources_drill_down_names_an_injected_campaign_as_text(injected_env):
    at = _run(_app())
    _run(at.switch_page("app_pages/sources.py"))
    at.selectbox(key="entonnoir_canal").set_value("salon")
    _run(at)
    campaign = at.selectbox(key="entonnoir_campagne_salon")
    assert any(option.startswith(f"{IMAGE} — ") for option in campaign.options)  # plain text
    campaign.set_value(HTML)
    _run(at)
    assert any(m.value.startswith(f"**{fmt.plain(IMAGE)}** ({fmt.plain(HTML)})")
               for m in at.markdown)
    assert not [text for text in _markdown_texts(at) if LIVE_MARKDOWN.search(text)]


def test_a_failed_build_message_naming_an_injected_file_is_shown_as_text(demo_build, tmp_path,
                                                                         monkeypatch):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    raw.mkdir()
    (raw / f"prospects_{HTML}.csv").write_text("Canal\nSalon\n", "utf-8")  # no ID: fails
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode != 0
    monkeypatch.setenv("OMLOT_CURATED_DIR", str(curated))
    at = _run(_app())  # nothing published yet: the entry page says why
    assert fmt.plain(HTML) in at.error[0].value
    assert not LIVE_MARKDOWN.search(at.error[0].value)

    shutil.rmtree(raw)
    shutil.copytree(demo_build["raw"], raw)
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode == 0
    (raw / f"prospects_{HTML}.csv").write_text("Canal\nSalon\n", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--curated", str(curated)).returncode != 0
    at = _run(_app())  # the overview, on the last good database
    assert fmt.plain(HTML) in at.error[0].value
    assert not LIVE_MARKDOWN.search(at.error[0].value)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@pytest.mark.parametrize("page", ["campaigns", "ambassadors"])
def test_charts_show_export_text_as_text(injected_env, page):
    at = _run(_app())
    _run(at.switch_page(f"app_pages/{page}.py"))
    texts = [s for chart in at.get("plotly_chart") for s in _strings(json.loads(chart.proto.spec))]
    assert not [s for s in texts if "<img" in s or "<a " in s]
    # (a long name may be shown on two lines: <br> is plotly's line break, added after escaping)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s.replace("<br>", " ") for s in texts)
    assert not [s for s in texts if "%{" in s and "evil" in s]  # no export text in a template


# --- Formula injection in CSV downloads ---------------------------------------------------------

def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_quote():
    frame = pd.DataFrame({"Valeur": [*FORMULAS, "Salon", None],
                          "Nombre": [-3, 1, 2, 3, 4, 5, 6, 7]})
    rows = _csv_rows(widgets.csv_bytes(frame))
    assert rows[0] == ["Valeur", "Nombre"]
    assert [row[0] for row in rows[1:7]] == ["'" + value for value in FORMULAS]
    assert rows[7][0] == "Salon" and rows[8][0] == ""
    assert [row[1] for row in rows[1:]] == ["-3", "1", "2", "3", "4", "5", "6", "7"]


def test_download_file_names_keep_only_safe_characters():
    assert widgets.safe_filename(f"foyers_{HTML}.csv") == "foyers__img_src_x_onerror_alert_1_.csv"
    assert widgets.safe_filename("../../etc/passwd") == "_.._etc_passwd"
    assert widgets.safe_filename("foyers_ÉTÉ-2023.csv") == "foyers_ÉTÉ-2023.csv"


def _download(at: AppTest, name: str) -> list[list[str]]:
    button = next(b for b in at.get("download_button") if name in b.id)
    return _csv_rows(served.served(button)[1])


def test_quality_page_downloads_are_neutralised(injected_env, monkeypatch):
    served.keep(monkeypatch)
    at = _run(_app())
    _run(at.switch_page("app_pages/quality.py"))
    for name, cells in (("qualite_rejets", FORMULAS[:4]), ("qualite_avertissements",
                                                             FORMULAS[:1])):
        parsed = [cell for row in _download(at, name) for cell in row]
        for formula in cells:
            assert "'" + formula in parsed, (name, formula)
        assert not [cell for cell in parsed if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_app_writes_csv_only_through_csv_bytes():
    writers = sorted(path.name for path in (ROOT / "dashboard").rglob("*.py")
                     if re.search(r"to_csv|csv\.writer|download_button",
                                  path.read_text("utf-8")))
    # bilans.py serves the bilan PDFs only (mime application/pdf, no CSV)
    assert writers == ["bilans.py", "widgets.py"]
    assert not re.search(r"to_csv|csv\.writer|text/csv",
                         (ROOT / "dashboard" / "bilans.py").read_text("utf-8"))
