"""A warm parent for the Pythons the project's tests start: the suite's speed, not the course's.

Most of the project's tests prove something about a graded run in a fresh interpreter (the learner's
terminal), and each such interpreter spends about 4.5 s of a 6 s run importing torch and
transformers. This server imports them once, then forks one child per run: the child takes the
caller's arguments, working folder, environment and file descriptors and runs as
``python -m pytest ...`` (or ``python -m kata ...``, or multiprocessing's spawned worker) would.
The caller (``sitecustomize.py`` beside this file, in every Python the tests start) waits for the
child's exit status and exits with it, so to whoever started it, it IS that process: its pid to
signal, its output, its exit code.

A child is only forked when nothing the preloaded modules read at import differs: the caller's
environment must equal the server's except for variables those modules never read (``KATA_*``,
``PYTEST_*``, the terminal's size); anything else (another ``HF_HOME``, ``HF_HUB_OFFLINE``, a
locale) makes the caller run fresh. ``KATA_TEST_FRESH=1`` turns the server off for a whole run.

Linux only (fork, /proc/self/fd); single-threaded, so forking is safe.
"""

from __future__ import annotations

import fcntl
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

# What the fresh interpreters of the project's tests spend their first seconds on.
PRELOAD = ("torch", "transformers", "transformers.modeling_utils", "pytest")
# Modules a child may run as `python -m MODULE`: pytest, and the course's own commands (`python -m kata`),
# which import torch for some commands and grade through pytest for others. Not preloaded themselves.
MODULES = ("pytest", "kata")
# multiprocessing's "spawn" start (kata watch's warm worker): `python -c "<this>(...)" --multiprocessing-fork`.
SPAWN_MAIN = "from multiprocessing.spawn import spawn_main; spawn_main("
MAX_FDS = 64
# Variables the preloaded modules do not read at import: they may differ between server and caller.
VOLATILE_PREFIXES = ("KATA_", "PYTEST_")
VOLATILE = {"COLUMNS", "LINES", "PWD", "OLDPWD", "_", "SHLVL"}
ADDRESS_VARIABLE = "KATA_TEST_ZYGOTE"


def environment_key(env: dict[str, str]) -> dict[str, str]:
    """The part of an environment that can change what an import does."""
    return {k: v for k, v in env.items() if k not in VOLATILE and not k.startswith(VOLATILE_PREFIXES)}


# --- the server -------------------------------------------------------------------------------------


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a JSON header and the caller's open file descriptors (its standard streams, and
    whatever else it was given: multiprocessing's pipes)."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, MAX_FDS)
    while not data.endswith(b"\n"):  # a long environment comes in several reads (no more descriptors)
        more = conn.recv(1 << 20)
        if not more:
            for fd in fds:
                os.close(fd)
            raise ConnectionError("caller went away")
        data += more
    return json.loads(data), fds


def _take_descriptors(fds: list[int], targets: list[int]) -> None:
    """Give the caller's descriptors their numbers in the caller, and close every other one (the
    server's socket and log): the child has exactly what the fresh interpreter would have had."""
    base = max([*fds, *targets, 2]) + 1
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, base) for fd in fds]  # out of the way of every target number
    for fd in fds:
        os.close(fd)
    for fd, target in zip(high, targets):
        os.dup2(fd, target)
    keep = set(targets)
    for name in os.listdir("/proc/self/fd"):
        if int(name) not in keep:
            try:
                os.close(int(name))
            except OSError:  # the listing's own descriptor, already gone
                pass


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the caller's `python -m MODULE ARGS` (or multiprocessing's
    `python -c "...spawn_main(...)" --multiprocessing-fork`) and never return."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            os.setpgid(0, request["pgid"])  # the caller's process group: a terminal's Ctrl+C reaches us too
        except OSError:
            pass
        _take_descriptors(fds, request["fds"])
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
            stream.reconfigure(line_buffering=os.isatty(fd) or stream is sys.stderr)
        sys.orig_argv = [sys.executable, *request["argv"]]
        option, target, *args = request["run"]
        try:
            if option == "-m":
                import runpy

                sys.path[0] = request["cwd"]  # what `python -m` puts first
                sys.argv = ["-m", *args]
                runpy._run_module_as_main(target)  # sets sys.argv[0] to the module's file, as -m does
            else:
                import builtins
                import types

                sys.path[0] = ""  # what `python -c` puts first
                sys.argv = ["-c", *args]
                main = types.ModuleType("__main__")
                main.__builtins__ = builtins
                sys.modules["__main__"] = main
                exec(compile(target, "<string>", "exec"), main.__dict__)
            code = 0
        except SystemExit as stop:
            code = _exit_code(stop.code)
        except BaseException:  # what the interpreter does with an uncaught exception
            import traceback

            traceback.print_exc()
            code = 1
        import atexit
        import threading

        threading._shutdown()  # non-daemon threads first, as at interpreter exit
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
    finally:
        os._exit(code)


def _exit_code(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


def _without_own_flags(argv: list[str]) -> list[str]:
    """multiprocessing writes this interpreter's flags (-B where PYTHONDONTWRITEBYTECODE is set) before -c."""
    flags = subprocess._args_from_interpreter_flags()
    return argv[len(flags):] if flags and argv[:len(flags)] == flags else argv


def _refusal(request: dict, key: dict[str, str], set_by_imports: dict[str, str], fds: int) -> str:
    """Why this request must run fresh ('' if it may be forked); ``request["run"]``: its argv without our flags."""
    argv = request["run"]
    if len(argv) < 2 or argv[0] not in ("-m", "-c"):
        return "not `python -m ...` or `python -c ...`"
    if argv[0] == "-m" and argv[1].split(".")[0] not in MODULES:
        return f"python -m {argv[1]} is not run warm here"
    if argv[0] == "-c" and not (argv[1].startswith(SPAWN_MAIN) and argv[2:] == ["--multiprocessing-fork"]):
        return "python -c is run warm only for multiprocessing's spawned processes"
    if request["executable"] != sys.executable or fds != len(request["fds"]) or request["fds"][:3] != [0, 1, 2]:
        return "another Python, or descriptors lost on the way"
    # A caller that imported the same modules has what they set; a fresh import would set it alike.
    theirs = {k: v for k, v in environment_key(request["env"]).items() if set_by_imports.get(k) != v}
    differ = sorted(k for k in theirs.keys() | key.keys() if theirs.get(k) != key.get(k))
    return f"the environment differs in {', '.join(differ)}" if differ else ""


def serve(address: str, session: int) -> None:
    """Preload, listen at ``address`` (a Unix socket), fork a child per accepted request, until the
    process ``session`` (the one that started this server) ends."""
    before = dict(os.environ)
    for name in PRELOAD:
        __import__(name)
    key = environment_key(before)
    # What the imports themselves set (transformers sets TORCHINDUCTOR_CACHE_DIR): a fresh process gets it too.
    set_by_imports = {k: v for k, v in os.environ.items() if before.get(k) != v}
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(16)
    Path(address + ".starting").unlink(missing_ok=True)  # callers need no longer wait for us
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}  # pid -> the caller's connection
    while os.getppid() == session:  # the test session that started it is gone (even killed): so is it
        for selected, _ in selector.select(timeout=0.05):
            if selected.fileobj is listener:
                conn, _ = listener.accept()
                try:
                    request, fds = _receive(conn)
                    request["run"] = _without_own_flags(request["argv"])
                except (OSError, ValueError, ConnectionError):
                    conn.close()
                    continue
                why = _refusal(request, key, set_by_imports, len(fds))
                if why:
                    print(f"fresh: {why}: {' '.join(request['argv'])[:200]}", file=sys.stderr, flush=True)
                    conn.sendall(b'{"run": "fresh"}\n')
                    conn.close()
                    for fd in fds:
                        os.close(fd)
                    continue
                pid = os.fork()
                if pid == 0:
                    _child({**request, "env": {**request["env"], **set_by_imports}}, fds)
                for fd in fds:
                    os.close(fd)
                conn.sendall(json.dumps({"run": "forked", "pid": pid}).encode() + b"\n")
                print(f"forked: {' '.join(request['argv'])[:200]}", file=sys.stderr, flush=True)
                children[pid] = conn
                selector.register(conn, selectors.EVENT_READ, pid)
            else:  # a caller's connection: readable only when the caller went away (killed)
                pid = selected.data
                if selected.fileobj.recv(1) == b"":
                    selector.unregister(selected.fileobj)
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = children.pop(pid, None)
            if conn is None:
                continue
            try:
                selector.unregister(conn)
            except (KeyError, ValueError):
                pass
            try:
                conn.sendall(json.dumps({"status": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
            except OSError:
                pass
            conn.close()


# --- starting one for a test session ----------------------------------------------------------------


def summary(folder: Path) -> str:
    """How many runs were forked and why the others ran fresh, from the logs of the servers under ``folder``."""
    logs = sorted(folder.rglob("zygote.log"))
    if not logs:
        return "warm parent: off (KATA_TEST_FRESH=1, or not Linux): every run started fresh"
    lines = [line for log in logs for line in log.read_text().splitlines()]
    forked = sum(line.startswith("forked:") for line in lines)
    reasons = Counter(line.split(": ")[1] for line in lines if line.startswith("fresh:"))
    fresh = "".join(f"\n  {n} fresh: {why}" for why, n in reasons.most_common())
    return f"warm parent: {forked} runs forked, {sum(reasons.values())} started fresh{fresh}"


def start(folder: Path) -> subprocess.Popen | None:
    """A server for this session's environment (None where fork is not available), and the
    variables that make the Pythons the tests start use it (set in this process's os.environ)."""
    if not sys.platform.startswith("linux") or os.environ.get("KATA_TEST_FRESH"):
        return None
    if os.environ.get(ADDRESS_VARIABLE):  # a pytest started by a test: its runs go to the outer session's server
        return None
    here = Path(__file__).resolve().parent
    address = str(folder / "zygote.sock")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(here), os.environ.get("PYTHONPATH")) if p)
    proc = subprocess.Popen([sys.executable, str(here / "zygote.py"), address, str(os.getpid())], env=dict(os.environ),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(folder / "zygote.log", "w"))
    # Not waited for here: a Python started before it listens (after its imports, a few seconds) waits
    # for it while ADDRESS.starting names a live server (sitecustomize.py), and runs fresh otherwise.
    Path(address + ".starting").write_text(str(proc.pid))
    os.environ[ADDRESS_VARIABLE] = address
    return proc


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
