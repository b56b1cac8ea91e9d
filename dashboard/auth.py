"""Who may see the dashboard.

Served on this machine only (`make run`: server.address 127.0.0.1), it opens as is. Reachable
from the network (another address, or behind a proxy), it shows nothing until the viewer logs
in: with the password whose hash `python -m dashboard.auth` stores in .streamlit/secrets.toml,
or through an identity provider (OIDC, st.login) when secrets hold an [auth] section. With no
protection configured, a networked app stays closed and says how to set a password."""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import importlib.util
import ipaddress
import math
import os
import re
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

import streamlit as st

SECRETS_FILE = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"
SECTION = "password"  # [password] hash = "scrypt$…" in the secrets
MIN_LENGTH = 12
SET_PASSWORD = ".venv/bin/python -m dashboard.auth"

# scrypt: ~0.1 s and 32 MiB per try here; the parameters are stored with each hash.
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}

# A reverse proxy adds one of these: the app is then reached from elsewhere, even on 127.0.0.1.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
                 "x-forwarded-port", "x-forwarded-server", "x-real-ip", "x-client-ip",
                 "x-original-forwarded-for", "x-original-host", "true-client-ip",
                 "cf-connecting-ip", "via")

_SESSION_KEY = "_auth_password"  # fingerprint of the hash this session logged in with


# --- Password hashes -------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=256 * n * r * p + 2**20)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` (base64) with a fresh random salt."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, length=32, **_SCRYPT)
    return "$".join(["scrypt", *(str(_SCRYPT[k]) for k in "nrp"), _b64(salt), _b64(digest)])


def _parse(stored: str) -> tuple[bytes, int, int, int, bytes]:
    """Salt, n, r, p and hash of a stored hash; ValueError if it is not one of ours."""
    kind, n, r, p, salt, digest = str(stored).split("$")
    if kind != "scrypt":
        raise ValueError(kind)
    return (base64.b64decode(salt, validate=True), int(n), int(r), int(p),
            base64.b64decode(digest, validate=True))


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one hashed in `stored` (compared in constant time)."""
    salt, n, r, p, expected = _parse(stored)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(expected)), expected)


class Throttle:
    """Login attempts of every session of this process: after consecutive wrong passwords the
    next attempt is checked only 1, 2, 4… seconds (at most 30) after the last wrong one; a
    right one resets it. Held by the process, so opening a new browser session does not start
    again from zero. An attempt made before its time is refused at once, never queued: queued
    attempts each waited for all those before them (six wrong ones sent in a second, from
    sessions closed since, kept the right password waiting 61 s; a hundred, fifty minutes)."""

    def __init__(self, base: float = 1.0, ceiling: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base, self.ceiling, self.clock = base, ceiling, clock
        self.failures = 0
        self.last_failure = -math.inf
        self._lock = threading.Lock()

    def delay(self) -> float:
        return 0.0 if not self.failures else min(self.base * 2 ** (self.failures - 1),
                                                 self.ceiling)

    def wait(self) -> float:
        """Seconds before the next attempt is checked (0: now)."""
        return max(0.0, self.last_failure + self.delay() - self.clock())

    def attempt(self, check: Callable[[], bool]) -> bool | None:
        """Whether `check` passed; None, unchecked, when tried before its time."""
        with self._lock:
            if self.wait() > 0:
                return None
            ok = check()
            if ok:
                self.failures = 0
            else:
                self.failures += 1
                self.last_failure = self.clock()
            return ok


THROTTLE = Throttle()


# --- Secrets file -----------------------------------------------------------------------------

def _without_section(text: str, section: str) -> str:
    """The TOML text without the table `[section]` (its header and keys)."""
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$", line)
        if header and not line.lstrip().startswith("[["):
            inside = header.group(1) == section
        if not inside:
            kept.append(line)
    return "".join(kept)


def save_password_hash(path: Path, stored: str) -> None:
    """Writes `[password] hash = …` into the secrets file, other sections kept, readable by its
    owner only (mode 600), atomically."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    kept = _without_section(text, SECTION).rstrip()
    block = (f"[{SECTION}]\n"
             f"# Written by `{SET_PASSWORD}`: a salted scrypt hash, never the password.\n"
             f'hash = "{stored}"\n')
    new = f"{kept}\n\n{block}" if kept else block
    if tomllib.loads(new).get(SECTION, {}).get("hash") != stored:  # raises if unparsable
        raise ValueError(f"{path}: [{SECTION}] could not be written")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(new)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# --- Who is looking -------------------------------------------------------------------------

def _is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_of(value: str) -> str:
    """The host name of a Host header (« localhost:8501 », « [::1]:8501 ») or of an Origin
    (« http://localhost:8501 »)."""
    value = value.strip().split("://", 1)[-1].split("/", 1)[0]
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def network_reason(address: str | None, headers: Mapping[str, str] | None = None) -> str | None:
    """Why other machines can reach the app (in French), or None if only this one can: it
    listens on another address than loopback, a proxy says it forwarded the request, or the
    request names another host than this machine. (A server on 127.0.0.1 without a password
    gave every figure to a page of any web site whose name the attacker made point to
    127.0.0.1 — DNS rebinding — and to any relay, `socat` or `ssh -L`, that adds no proxy
    header: the browser's Host and Origin then name another host.) The header's values are
    never quoted: they are the requester's words."""
    if not _is_loopback(address):
        return (f"il écoute sur l'adresse {address}" if address else
                "il écoute sur toutes les adresses de la machine")
    values = {name.lower(): value for name, value in (headers or {}).items()}
    if set(values) & set(PROXY_HEADERS):
        return "il est servi par un proxy"
    named = [values[name] for name in ("host", "origin") if values.get(name)]
    if values and "host" not in values or any(not _is_loopback(_host_of(v)) for v in named):
        return "il est appelé sous un autre nom que localhost ou 127.0.0.1"
    return None


def _secrets() -> dict | None:
    """The app's secrets ({} if there is no secrets file; None if one cannot be read)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError as error:  # StreamlitSecretNotFoundError: missing or unparsable
        return {} if getattr(error, "error_id", None) == "no-secrets-found" else None


def _fingerprint(stored: str) -> str:
    return hashlib.sha256(str(stored).encode()).hexdigest()


def _oidc_user_allowed(secrets: dict) -> bool:
    """The OIDC user is logged in and, if `[access] allowed_emails` is set, listed there (an
    entry `@domaine.fr` admits the whole domain)."""
    if not st.user.get("is_logged_in", False):
        return False
    allowed = [str(entry).lower() for entry in
               (secrets.get("access") or {}).get("allowed_emails", [])]
    email = str(st.user.get("email") or "").lower()
    return not allowed or email in allowed or any(
        entry.startswith("@") and email.endswith(entry) for entry in allowed)


def _header(title: str) -> None:
    st.title(title)


def _closed(title: str, message: str, *, how: bool = True) -> bool:
    _header(title)
    st.error(message, icon=":material/lock:")
    if how:
        st.markdown("Pour le protéger par un mot de passe, lancez sur le serveur, dans le "
                    "dossier du projet :")
        st.code(SET_PASSWORD, language="bash")
        st.markdown("puis rechargez cette page. Pour un usage sur ce poste seulement, "
                    "`make run` suffit : le tableau de bord n'écoute alors que sur 127.0.0.1.")
        st.caption("Connexion par le fournisseur d'identité de l'organisation (OIDC) : voir la "
                   "section « Accès et sécurité » du README.")
    return False


def _login_form(title: str, stored: str | None, secrets: dict) -> None:
    _header(title)
    # Streamlit's hint under a focused field is English only.
    st.html("<style>[data-testid='InputInstructions'] {display: none}</style>")
    if stored:
        st.caption("Accès réservé : saisissez le mot de passe du tableau de bord.")
        with st.form("connexion", clear_on_submit=True, width=420):
            password = st.text_input("Mot de passe", type="password", key="_auth_input",
                                     autocomplete="current-password")
            submitted = st.form_submit_button("Se connecter", type="primary",
                                              icon=":material/login:")
        if submitted and not password:
            st.warning("Saisissez le mot de passe.")
        elif submitted:
            ok = THROTTLE.attempt(lambda: verify_password(password, stored))
            if ok:
                st.session_state[_SESSION_KEY] = _fingerprint(stored)
                st.rerun()
            elif ok is None:
                seconds = math.ceil(THROTTLE.wait())
                st.error(f"Trop d'essais incorrects : réessayez dans {seconds} "
                         f"seconde{'s' if seconds > 1 else ''}.", icon=":material/timer:")
            else:
                st.error("Mot de passe incorrect. Après plusieurs erreurs, chaque essai attend "
                         "un peu plus longtemps.", icon=":material/error:")
    if isinstance(secrets.get("auth"), dict):
        if st.user.get("is_logged_in", False):
            st.error("Ce compte n'a pas accès au tableau de bord.", icon=":material/block:")
            st.button("Se déconnecter", on_click=st.logout, key="_auth_oidc_out")
        elif importlib.util.find_spec("authlib") is None:
            st.error("Connexion OIDC configurée mais le module Authlib manque : lancez "
                     "`.venv/bin/pip install 'streamlit[auth]'`.", icon=":material/error:")
        else:
            providers = [name for name, value in secrets["auth"].items()
                         if isinstance(value, dict)] or [None]
            for provider in providers:
                label = "Se connecter avec le compte de l'organisation" + (
                    f" ({provider})" if len(providers) > 1 else "")
                st.button(label, on_click=st.login, args=(provider,) if provider else (),
                          icon=":material/account_circle:", key=f"_auth_oidc_{provider}")


def gate(title: str) -> bool:
    """True when this viewer may see the dashboard. Otherwise draws (in French) the login form,
    or why the dashboard stays closed, and returns False: the caller then draws nothing else."""
    secrets = _secrets()
    if secrets is None:
        return _closed(title, "Le fichier des secrets (.streamlit/secrets.toml) est illisible : "
                              "rien n'est affiché tant qu'il n'est pas corrigé.", how=False)
    password = secrets.get(SECTION)
    stored = password.get("hash") if isinstance(password, dict) else None
    oidc = isinstance(secrets.get("auth"), dict)
    if stored is None and not oidc:
        headers = st.context.headers or {}
        reason = network_reason(st.get_option("server.address"), dict(headers))
        if reason is None:
            return True
        return _closed(title, f"Ce tableau de bord est accessible depuis le réseau ({reason}) "
                              "mais aucun mot de passe n'est défini : rien n'est affiché.")
    if stored is not None:
        try:
            _parse(stored)
        except (ValueError, TypeError):
            return _closed(title, "Le mot de passe enregistré est illisible : enregistrez-le "
                                  f"de nouveau avec `{SET_PASSWORD}`.", how=False)
        if st.session_state.get(_SESSION_KEY) == _fingerprint(stored):
            return True
    if oidc and _oidc_user_allowed(secrets):
        return True
    _login_form(title, stored, secrets)
    return False


def logout_button() -> None:
    """« Se déconnecter » in the sidebar once logged in (nothing when no login was needed)."""
    if st.session_state.get(_SESSION_KEY):
        if st.sidebar.button("Se déconnecter", icon=":material/logout:", key="_auth_logout"):
            del st.session_state[_SESSION_KEY]
            st.rerun()
    elif st.user.get("is_logged_in", False):
        st.sidebar.button("Se déconnecter", icon=":material/logout:", key="_auth_logout",
                          on_click=st.logout)


# --- Command line ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.auth",
        description="Enregistre le mot de passe du tableau de bord, haché (scrypt salé), dans "
                    "le fichier des secrets de Streamlit (lisible par vous seul).")
    parser.add_argument("--secrets", type=Path, default=SECRETS_FILE,
                        help=f"fichier des secrets (défaut : {SECRETS_FILE})")
    args = parser.parse_args(argv)
    if sys.stdin.isatty():
        password = getpass.getpass("Nouveau mot de passe du tableau de bord : ")
        if password != getpass.getpass("Le même, une seconde fois : "):
            print("Les deux saisies diffèrent : rien n'a été enregistré.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_LENGTH:
        print(f"Mot de passe trop court : {MIN_LENGTH} caractères au moins. Rien n'a été "
              "enregistré.", file=sys.stderr)
        return 1
    try:
        save_password_hash(args.secrets, hash_password(password))
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        print(f"Impossible d'écrire {args.secrets} : {error}", file=sys.stderr)
        return 1
    print(f"Mot de passe enregistré (haché) dans {args.secrets}, lisible par vous seul.\n"
          "Le tableau de bord le demande dès la prochaine page chargée ; pour l'ouvrir au "
          "réseau : make run ADDRESS=0.0.0.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
