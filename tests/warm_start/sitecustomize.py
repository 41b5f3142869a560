"""In every Python the project's tests start: a `python -m pytest` (or `-m kata`, or multiprocessing's
spawned worker) hands itself to the warm parent.

See zygote.py beside this file. This process stays the one its starter knows: it forwards the
signals it is sent (Ctrl+C, terminate) to the forked child, and exits with the child's status; if
it is killed outright, the server sees its connection close and kills the child. Whenever the
server is absent, refuses, or anything goes wrong before the child starts, this Python simply
carries on as the fresh interpreter it is.
"""

import os
import sys


def _open_descriptors() -> list[int]:
    """0, 1, 2 and any other descriptor this process was given (multiprocessing passes pipes)."""
    listed = sorted(int(name) for name in os.listdir("/proc/self/fd"))
    open_now = []
    for fd in listed:
        try:
            os.fstat(fd)
        except OSError:  # the listing's own descriptor, closed by now
            continue
        open_now.append(fd)
    return open_now


def _connect(address: str):
    """A connection to the server; while it is still importing (its pid in ADDRESS.starting, alive),
    wait for it rather than pay those same imports here."""
    import socket
    import time

    deadline = time.monotonic() + 30
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(address)
            return conn
        except OSError:
            conn.close()
            try:
                with open(address + ".starting") as f:
                    os.kill(int(f.read()), 0)
            except (OSError, ValueError):
                raise ConnectionError("no warm parent") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _hand_over() -> None:
    address = os.environ.get("KATA_TEST_ZYGOTE")
    argv = getattr(sys, "orig_argv", None)
    if not address or not argv or not {"-m", "-c"} & set(argv[1:3]):
        return
    import json
    import signal
    import socket

    try:
        fds = _open_descriptors()
        if fds[:3] != [0, 1, 2] or len(fds) > 64:
            return
        conn = _connect(address)
        header = json.dumps({"argv": argv[1:], "cwd": os.getcwd(), "env": dict(os.environ), "fds": fds,
                             "pgid": os.getpgid(0), "executable": sys.executable}).encode() + b"\n"
        socket.send_fds(conn, [header], fds)
        reader = conn.makefile("rb")
        answer = json.loads(reader.readline())
    except (OSError, ValueError):
        return
    if answer.get("run") != "forked":
        return
    pid = answer["pid"]

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    line = reader.readline()  # the child's exit status, once it ends
    status = json.loads(line)["status"] if line else 1
    if status < 0:  # killed by a signal: so are we, as the caller would see it from a fresh process
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


_hand_over()
