"""One path for grading: the arguments of a graded run, running it, and reading its typed report.

Everything that grades goes through here: ``kata check`` (a fresh interpreter), ``kata watch``'s
warm worker (``pytest.main`` in a process that keeps the model loaded), notebooks, and the
project's own tests. The report's types are in kata.core.report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from kata.core.report import (  # noqa: F401  (re-exported: callers read the report's types here too)
    PROGRESS_LINE,
    REPORT_VERSION,
    Report,
    TestResult,
    explanation_id,
    grouped,
    in_function_order,
)
from kata.course.manifest import ROOT

# Variables that choose what is graded: a run sets them explicitly, never inherits them.
SELECTION_VARIABLES = ("KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT")


# --- the arguments of a graded run ----------------------------------------------------------------

# Learner-facing output: short tracebacks, no colour codes (the CLI re-prints the lines it shows).
LEARNER_STYLE = ("-q", "--no-header", "-rN", "--tb=short", "--color=no")
QUIET_STYLE = ("-q", "--tb=line", "--color=no")


def pytest_args(target: str | Path, *, solutions: bool = False, model: str | None = None,
                task: str | None = None, style: tuple[str, ...] = LEARNER_STYLE, extra: tuple[str, ...] = ()) -> list[str]:
    """The one place a graded pytest command line is written."""
    args = [str(target), "-p", "no:cacheprovider", *style]
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
def _report_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kata-report-") as tmp:
        yield Path(tmp) / "report.json"


# --- running it ------------------------------------------------------------------------------------


def run_subprocess(args: list[str], *, impl_file=None, env: Mapping[str, str] | None = None,
                   on_line: Callable[[str], None] | None = None, timeout: float | None = None,
                   cwd: Path = ROOT, cancel: threading.Event | None = None) -> Report:
    """pytest in a fresh interpreter, as `pytest exercises/...` from a terminal.

    ``on_line`` sees each line of pytest's output as it comes (stderr is shown as it comes too:
    a first download's progress bars). Setting ``cancel`` ends the run (kata watch, on a save).
    """
    with _report_file() as report_path:
        full_env = {**run_environment(impl_file, env), "KATA_REPORT": str(report_path)}
        command = [sys.executable, "-m", "pytest", *args]
        if on_line is None:
            proc = subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True,
                                  encoding="utf-8", timeout=timeout)
            code, output = proc.returncode, proc.stdout + proc.stderr
        else:
            proc = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, encoding="utf-8")
            errors: list[str] = []
            echo = threading.Thread(target=_echo, args=(proc.stderr, errors), daemon=True)
            echo.start()
            if cancel is not None:
                threading.Thread(target=_kill_when_set, args=(proc, cancel), daemon=True).start()
            lines = []
            for line in proc.stdout:
                lines.append(line)
                on_line(line)
            code = proc.wait(timeout)
            echo.join(5)
            output = "".join(lines) + "".join(errors)
        report = Report.read(report_path)
    report.exit_code, report.output = code, output
    return report


def _kill_when_set(proc: subprocess.Popen, cancel: threading.Event) -> None:
    while proc.poll() is None:
        if cancel.wait(0.2):
            proc.kill()
            return


def _echo(stream, kept: list[str]) -> None:
    """Show stderr as it comes (a download's progress bars) and keep it (a usage error to report)."""
    for chunk in iter(lambda: stream.read(256), ""):
        sys.stderr.write(chunk)
        sys.stderr.flush()
        kept.append(chunk)


def run_in_process(args: list[str], *, impl_file=None, env: Mapping[str, str] | None = None) -> Report:
    """``pytest.main`` in this process: it shares the imported torch (and, in ``kata watch``'s
    worker, the loaded model), so a run costs only its tests. The environment is restored after."""
    import pytest

    with _report_file() as report_path:
        wanted = {**run_environment(impl_file, env), "KATA_REPORT": str(report_path)}
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(wanted)
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            code = pytest.main(list(args))
        finally:
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(saved)
        report = Report.read(report_path)
    report.exit_code = int(code)
    return report
