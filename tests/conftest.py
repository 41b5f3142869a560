"""How the project's own tests run.

- They read the course's English messages, whatever the developer's locale, and run on the offline
  stand-in unless told otherwise (no hub probe for the session's fixtures).
- Plain `pytest` spreads them over a few processes (pytest-xdist, in the dev extra): up to
  MAX_WORKERS, one per CPU, each with one torch thread, since two processes that each spin up
  torch threads on every core only slow each other down. `pytest -n 0` runs them in one process.
- The `python -m pytest` (and `python -m kata`) runs they start are forked from a warm parent that
  has imported torch and transformers once (tests/warm_start/zygote.py); KATA_TEST_FRESH=1 starts
  every one from scratch.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("KATA_LANG", "en")
os.environ.setdefault("KATA_MODEL", "tiny")

MAX_WORKERS = 4
_warm = {}  # session: this run's folder (made by the first process); server: this process's warm parent


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    numprocesses = getattr(config.option, "numprocesses", "absent")  # "absent": pytest-xdist is not installed
    nested = os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get("PYTEST_CURRENT_TEST")  # started by a test
    if numprocesses is None and not nested and not config.option.usepdb:
        config.option.numprocesses = "auto"


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown where it is not installed
def pytest_xdist_auto_num_workers(config):
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own reading of it
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cpus))


def pytest_configure(config):
    from warm_start import zygote

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # one torch thread here and in every process started from here
        os.environ["OMP_NUM_THREADS"] = "1"
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
    elif "KATA_TEST_WARM_FOLDER" not in os.environ:  # the session's folder: the workers' servers live under it
        os.environ["KATA_TEST_WARM_FOLDER"] = _warm["session"] = tempfile.mkdtemp(prefix="kata-zygote-")
    if worker or not getattr(config.option, "numprocesses", None):  # the process that runs tests
        folder = Path(tempfile.mkdtemp(prefix=f"{worker or 'main'}-", dir=os.environ["KATA_TEST_WARM_FOLDER"]))
        _warm["server"] = zygote.start(folder)


def pytest_terminal_summary(terminalreporter):
    if "session" in _warm:
        from warm_start import zygote

        terminalreporter.write_line(zygote.summary(Path(_warm["session"])))


def pytest_unconfigure(config):
    server = _warm.pop("server", None)
    if server is not None:
        server.kill()
        server.wait()
    if "session" in _warm:
        shutil.rmtree(_warm.pop("session"), ignore_errors=True)
