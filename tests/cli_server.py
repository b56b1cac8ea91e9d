"""`python -m pipelines ARGS` as a user runs it, without paying Python's start for each call.

The suite runs the command line some four hundred times; each new interpreter spent about
0.3 s of CPU importing DuckDB and the pipelines before building anything (about a third of the
suite's time on two cores). One server per test worker imports what the command imports, once,
then runs each command in a fork of itself: a process of its own (its exit code, its standard
streams into files, its environment, its working folder), started from that imported state.
A command whose OMLOT_* settings differ from the server's imports the pipelines again (the
settings are read at import). The child ends as Python ends (exit functions run, streams
flushed), so temporary folders and files are what a real run leaves.

Run as a script, this file is the server: one JSON request per line on its standard input,
one JSON answer per line on its standard output.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name.startswith("OMLOT_")}


def _child(request: dict, settings: dict[str, str]) -> int:
    """In the fork: the command, as `python -m pipelines` runs it; its exit code."""
    import runpy
    import signal
    import traceback

    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        os.dup2(os.open(path, os.O_WRONLY | os.O_TRUNC), fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if _settings(request["env"]) != settings:
        for name in [m for m in sys.modules if m == "pipelines" or m.startswith("pipelines.")]:
            del sys.modules[name]
    if request.get("timeout"):
        signal.alarm(int(request["timeout"]))
    # (run as `-m` runs it, a module of its own: imported already, runpy warned on stderr)
    sys.modules.pop("pipelines.__main__", None)
    sys.argv = [str(ROOT / "pipelines" / "__main__.py"), *request["args"]]
    code = 0
    try:
        runpy.run_module("pipelines", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # (as the interpreter does: the traceback, exit code 1)
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def serve() -> None:
    sys.path[0] = str(ROOT)  # (as `python -m` from the root: its own pipelines first)
    import pipelines.__main__  # noqa: F401  (what the command imports, once)

    settings = _settings(dict(os.environ))
    answers = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        answers.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(request, settings)
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


class _Server:
    """A server, started at a command when the others are busy, stopped when the worker ends;
    its lock is held while it runs a command."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.lock = threading.Lock()
        atexit.register(self.stop)

    def run(self, args: list[str], env: dict[str, str], timeout: float | None
            ) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory(prefix="omlot-cli-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            out.touch()
            err.touch()
            request = {"args": list(args), "env": env, "cwd": str(ROOT), "stdout": str(out),
                       "stderr": str(err), "timeout": timeout}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
            if not answer:
                raise RuntimeError("the command-line server of the tests stopped")
            return subprocess.CompletedProcess(
                [sys.executable, "-m", "pipelines", *args],
                json.loads(answer)["returncode"],
                out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


_SERVERS: list[_Server] = []
_STARTING = threading.Lock()


def run(args: list[str], env: dict[str, str], timeout: float | None = None
        ) -> subprocess.CompletedProcess:
    """`python -m pipelines ARGS` with this environment, from the repository's root. Commands
    asked together (from threads) run together, each in a server of its own."""
    with _STARTING:
        _SERVERS[:] = [server for server in _SERVERS if server.process.poll() is None]
        server = next((s for s in _SERVERS if s.lock.acquire(blocking=False)), None)
        if server is None:
            server = _Server()
            server.lock.acquire()
            _SERVERS.append(server)
    try:
        return server.run(args, env, timeout)
    finally:
        server.lock.release()


if __name__ == "__main__":
    serve()
