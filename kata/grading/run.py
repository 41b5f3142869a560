"""One path for grading: the arguments of a graded run, running it, and reading its typed report.

Everything that grades goes through here: ``kata check`` (a fresh interpreter), ``kata watch``'s
warm worker (``pytest.main`` in a process that keeps the model loaded), notebooks, and the
project's own tests. The report's types are in kata.core.report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from kata.core.report import (  # noqa: F401  (re-exported: callers read the report's types here too)
    REPORT_VERSION,
    Report,
    TestResult,
    explanation_id,
    grouped,
    in_function_order,
)
from kata.course.manifest import ROOT

# Variables that choose what is graded: a run sets them explicitly, never inherits them.
SELECTION_VARIABLES = ("KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT", "KATA_EVENTS")


# --- the arguments of a graded run ----------------------------------------------------------------

# Learner-facing output: short tracebacks, no colour codes (the CLI re-prints the lines it shows).
LEARNER_STYLE = ("-q", "--no-header", "-rN", "--tb=short", "--color=no")
QUIET_STYLE = ("-q", "--tb=line", "--color=no")


def pytest_args(target: str | Path | list, *, solutions: bool = False, model: str | None = None,
                task: str | None = None, style: tuple[str, ...] = LEARNER_STYLE, extra: tuple[str, ...] = ()) -> list[str]:
    """The one place a graded pytest command line is written; ``target``: a folder or file, or a list of them
    (graded in that order)."""
    targets = [str(x) for x in target] if isinstance(target, list) else [str(target)]
    args = [*targets, "-p", "no:cacheprovider", *style]  # pyproject.toml's addopts apply too
    if solutions:
        args.append("--solutions")
    if model:
        args += ["--model", model]
    if task:
        args += ["--task", task]
    return [*args, *extra]


def run_environment(impl_file: str | Path | None = None, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without inherited selections, plus what this run asks for."""
    result = {k: v for k, v in os.environ.items() if k not in SELECTION_VARIABLES}
    if impl_file:
        result["KATA_IMPL_FILE"] = str(Path(impl_file).resolve())
    result.update(env or {})
    return result


@contextmanager
def _run_files() -> Iterator[tuple[Path, Path]]:
    """Where a fresh interpreter's run writes its report and its events."""
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        yield Path(tmp) / "report.json", Path(tmp) / "events.jsonl"


# --- running it ------------------------------------------------------------------------------------


def run_subprocess(args: list[str], *, impl_file=None, env: Mapping[str, str] | None = None,
                   on_event: Callable[[dict], None] | None = None, timeout: float | None = None,
                   cwd: Path = ROOT, cancel: threading.Event | None = None) -> Report:
    """pytest in a fresh interpreter, as `pytest exercises/...` from a terminal.

    ``on_event`` gets the run's typed events as they come (kata.plugin.session.KataSession.emit:
    the model being built or fetched, each finished graded test); stderr is shown as it comes (a
    first download's progress bars). Setting ``cancel`` ends the run (kata watch, on a save).
    """
    with _run_files() as (report_path, events_path):
        full_env = {**run_environment(impl_file, env), "KATA_REPORT": str(report_path)}
        if on_event is not None:
            full_env["KATA_EVENTS"] = str(events_path)
        command = [sys.executable, "-m", "pytest", *args]
        proc = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8")
        out: list[str] = []
        errors: list[str] = []
        readers = [threading.Thread(target=_keep, args=(proc.stdout, out), daemon=True),
                   threading.Thread(target=_echo if on_event else _keep, args=(proc.stderr, errors), daemon=True)]
        for reader in readers:
            reader.start()
        if cancel is not None:
            threading.Thread(target=_kill_when_set, args=(proc, cancel), daemon=True).start()
        events = _Events(events_path, on_event)
        try:
            code = _wait(proc, timeout, events.follow)
        finally:
            if proc.poll() is None:
                proc.kill()
        for reader in readers:
            reader.join(5)
        events.follow()  # the last ones
        report = Report.read(report_path)
    report.exit_code, report.output = code, "".join(out) + "".join(errors)
    return report


def _wait(proc: subprocess.Popen, timeout: float | None, between: Callable[[], None]) -> int:
    """The exit code, calling ``between`` every tenth of a second until then."""
    deadline = time.monotonic() + timeout if timeout else None
    while proc.poll() is None:
        between()
        if deadline and time.monotonic() > deadline:
            proc.kill()
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.1)
    return proc.returncode


class _Events:
    """The events a run writes to its JSON-lines file, each handed over once, complete lines only."""

    def __init__(self, path: Path, on_event: Callable[[dict], None] | None):
        self.path, self.on_event, self.offset = path, on_event, 0

    def follow(self) -> None:
        if self.on_event is None or not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as stream:
            stream.seek(self.offset)
            while (line := stream.readline()).endswith("\n"):
                self.offset = stream.tell()
                self.on_event(json.loads(line))


def _kill_when_set(proc: subprocess.Popen, cancel: threading.Event) -> None:
    while proc.poll() is None:
        if cancel.wait(0.2):
            proc.kill()
            return


def _keep(stream, kept: list[str]) -> None:
    for chunk in iter(lambda: stream.read(4096), ""):
        kept.append(chunk)


def _echo(stream, kept: list[str]) -> None:
    """Show stderr as it comes (a download's progress bars) and keep it (a usage error to report)."""
    for chunk in iter(lambda: stream.read(256), ""):
        sys.stderr.write(chunk)
        sys.stderr.flush()
        kept.append(chunk)


def run_in_process(args: list[str], *, impl_file=None, model: str | None = None, lang: str | None = None,
                   warm_model: bool = False, on_event: Callable[[dict], None] | None = None) -> Report:
    """``pytest.main`` in this process: it shares the imported torch (and, in ``kata watch``'s
    worker, the loaded model), so a run costs only its tests. What it grades is handed to the
    plugin as an object (kata.plugin.session.KataSession); the environment is left alone."""
    import pytest

    from kata.plugin.session import KataSession

    session = KataSession(impl_file=impl_file, model=model, lang=lang, warm_model=warm_model, events=on_event)
    cwd = os.getcwd()
    os.chdir(ROOT)  # the arguments are paths inside the course
    try:
        code = pytest.main(list(args), plugins=[session])
    finally:
        os.chdir(cwd)
    report = session.report or Report()
    report.exit_code = int(code)
    return report
