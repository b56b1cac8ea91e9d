"""What keeps a build safe around its SQL: one build per folder at a time, a private folder
for the work database to spill into, leftovers of a killed build removed, the hash key
checked, and every failure turned into a plain message with its own exit code."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import config, french, pii
from .load import ExportError

WORK_DIR_NAME = ".work"
LOCK_NAME = ".build.lock"
KEY_HEX_CHARS = 64  # 256 bits
MIN_KEY_CHARS = 32


class BuildFailure(Exception):
    """A build that stopped; `kind` and `exit_code` say why (README, « Command line »)."""

    kind = "interne"
    exit_code = 6


class CheckFailed(BuildFailure):
    """A check found offending rows: the build is not published."""

    kind = "controle"
    exit_code = 3


class ModelFailed(BuildFailure):
    """A SQL model could not be built (a defect of the pipeline, not of the exports)."""


class BuildBusy(BuildFailure):
    """Another build holds the folder's lock."""

    kind = "occupe"
    exit_code = 4


class EnvironmentProblem(BuildFailure):
    """The machine, not the exports: disk full, permissions, the hash key."""

    kind = "environnement"
    exit_code = 5


class FileProblem(BuildFailure):
    """A file-level error in the exports (the contract's « File-level errors »)."""

    kind = "fichier"
    exit_code = 1


def settings_file(path: Path) -> dict:
    """A TOML settings file an administrator edits (channels.toml, targets.toml) as a dict,
    else FileProblem in French naming the file, line and column (tomllib says it in English: a
    bad channels.toml stopped the build on « erreur interne (TOMLDecodeError) : Expected '='
    … »)."""
    try:
        # (utf-8-sig: Notepad writes a byte-order mark, which tomllib calls a syntax error)
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise FileProblem(f"{path.name} : fichier illisible (pas en UTF-8) ; enregistrez-le en "
                          "UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        # (tomllib's « Cannot overwrite a value » / « Cannot declare … twice »)
        twice = re.search("overwrite|twice|already", str(exc), re.IGNORECASE)
        raise FileProblem(
            f"{path.name} : fichier illisible : "
            + ("clé ou section en double" if twice else "syntaxe TOML incorrecte")
            + (f" ligne {where[1]}, colonne {where[2]}" if where else "")
            + (" (chaque canal, chaque mesure et chaque [section] une seule fois)" if twice
               else " (une valeur entre guillemets après « = », une [section] par ligne)")
        ) from None


# Control characters (C0 but line breaks and tabs, DEL, C1): a header holding `\x1b[2J` or
# `\x1b]0;…` was quoted raw in the error message and cleared or retitled the terminal.
# (and the direction overrides: a key « Z\u202eabc » of targets.toml read backwards on the
# terminal)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]|" + pii.DIRECTION_CONTROLS)


def printable(text: str) -> str:
    """A message as it may be printed and recorded: personal data masked, control
    characters shown as « ? »."""
    return _CONTROL.sub("?", pii.mask(text))


# The system's reasons as an officer reads them (Python gives them in English).
_REASONS = {
    errno.EACCES: "permission refusée", errno.EPERM: "opération non permise (droits du "
    "dossier, ou fichier verrouillé)", errno.ENOSPC: "disque plein",
    errno.EROFS: "disque en lecture seule", errno.EEXIST: "un fichier porte déjà ce nom",
    errno.ENOTDIR: "n'est pas un dossier", errno.EISDIR: "est un dossier, pas un fichier",
    errno.ENOENT: "introuvable", errno.ELOOP: "trop de liens symboliques",
}


def mostly_rejected(row: dict) -> str:
    """A file most of whose rows were rejected (a row of metric `mostly_rejected_files`), as
    the build prints it and the overview shows it: « prospects….csv : 240 lignes sur 240
    rejetées (100 %), surtout « date invalide : année sur deux chiffres » : elles ne comptent
    dans aucun chiffre. » Printable (a file name's escape sequences and direction overrides
    mirrored the overview's warning)."""
    return printable(
        f"{row['file']} : {french.number(row['rejected'])} lignes sur "
        f"{french.number(row['read'])} rejetées "
        f"({french.percent(row['rejected'] / row['read'], 0)}), surtout « {row['reason']} » : "
        "elles ne comptent dans aucun chiffre.")


def reason(exc: BaseException) -> str:
    """Why a file operation failed, in French when the system says it in English, with the
    file it failed on (masked)."""
    text = (_REASONS.get(exc.errno) if isinstance(exc, OSError) else None) \
        or getattr(exc, "strerror", None) or type(exc).__name__
    filename = getattr(exc, "filename", None)
    return printable(f"{text} : {filename}" if filename else text)  # (printable masks)


def classify(exc: BaseException) -> BuildFailure:
    """Any exception of a build as a BuildFailure whose message quotes no personal data and
    no control character."""
    if isinstance(exc, BuildFailure):
        exc.args = (printable(str(exc)),)
        return exc
    if isinstance(exc, ExportError):
        return FileProblem(printable(str(exc)))
    if isinstance(exc, KeyboardInterrupt):
        return BuildFailure("construction interrompue")
    text = printable(str(exc))[:400]
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "No space left" in text:
        return EnvironmentProblem("disque plein : libérez de la place, puis relancez la "
                                  "construction")
    if isinstance(exc, PermissionError):
        return EnvironmentProblem(f"permission refusée : {pii.mask(str(exc.filename or text))}")
    if isinstance(exc, OSError):
        return EnvironmentProblem(f"erreur du système de fichiers : {reason(exc)}")
    if isinstance(exc, duckdb.IOException):
        return EnvironmentProblem("erreur d'écriture ou de lecture sur le disque (disque plein, "
                                  f"fichier trop gros, permissions) : {text}")
    if isinstance(exc, duckdb.OutOfMemoryException):
        # (the step, when a model ran out: what an officer or a developer raises the limit for)
        step = f", à l'étape {exc.step}" if hasattr(exc, "step") else ""
        return EnvironmentProblem(
            f"mémoire insuffisante pour la construction{step} (limite : "
            f"{config.MEMORY_LIMIT}, réglée par OMLOT_MEMORY_LIMIT ; par exemple "
            "OMLOT_MEMORY_LIMIT=4GB make build)")
    return BuildFailure(f"erreur interne ({type(exc).__name__}) : {text}")


@contextmanager
def build_lock(curated_dir: Path) -> Iterator[None]:
    """One build at a time on a curated folder; the lock goes with the process, even killed."""
    curated_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(curated_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildBusy(f"une autre construction est en cours sur {curated_dir} "
                            f"(processus {other}) : attendez sa fin, puis relancez") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def remove_leftovers(curated_dir: Path) -> list[str]:
    """Files a killed build left (a half-written database, a spilled work folder): removed
    under the lock, so none of them belongs to a build still running."""
    removed = []
    for path in [*curated_dir.glob(".*.new*"), *curated_dir.glob(".*.old")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    work = curated_dir / WORK_DIR_NAME
    if work.exists():
        shutil.rmtree(work, ignore_errors=True)
        removed.append(WORK_DIR_NAME)
    return removed


@contextmanager
def private_work_dir(curated_dir: Path, build_id: str) -> Iterator[Path]:
    """An owner-only folder where the work database may spill, removed at the end (and by the
    next build if this one is killed)."""
    work = curated_dir / WORK_DIR_NAME
    work.mkdir(mode=0o700, exist_ok=True)
    os.chmod(work, 0o700)
    folder = work / build_id
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(work, ignore_errors=True)


def hash_key(path: Path) -> str:
    """The secret key of the email/phone hashes: created atomically and owner-only on first
    use; refused when empty, short, a link, another user's or readable by others."""
    if not path.exists() and not path.is_symlink():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(KEY_HEX_CHARS // 2))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)  # never a half-written key: it appears whole or not at all
            except FileExistsError:
                pass  # another build created it first: use theirs
        finally:
            tmp.unlink(missing_ok=True)
    where = f"la clé des pseudonymes ({path})"
    info = os.lstat(path)
    if not os.path.isfile(path) or os.path.islink(path):
        raise EnvironmentProblem(f"{where} n'est pas un fichier ordinaire")
    if info.st_uid != os.getuid():
        raise EnvironmentProblem(f"{where} appartient à un autre utilisateur")
    if info.st_mode & 0o077:
        raise EnvironmentProblem(f"{where} est lisible par d'autres utilisateurs : "
                                 f"« chmod 600 {path} », puis relancez")
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentProblem(f"{where} est illisible") from exc
    if len(key) < MIN_KEY_CHARS:
        raise EnvironmentProblem(
            f"{where} est vide ou trop courte (au moins {MIN_KEY_CHARS} caractères) : "
            "supprimez le fichier pour qu'une nouvelle clé soit créée (les pseudonymes "
            "changeront)")
    return key
