"""One path for grading: the arguments of a graded run, running it, and its typed report.

Everything that grades goes through here: ``kata check`` (a fresh interpreter), ``kata watch``'s
warm worker (``pytest.main`` in a process that keeps the model loaded), notebooks, and the
project's own tests. The pytest plugin writes the report (``KATA_REPORT=path``); ``Report``
reads it back. Its shape is a contract, pinned by a golden file in ``tests/``: bump
``REPORT_VERSION`` when it changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kata.manifest import ROOT

REPORT_VERSION = 2  # 2: each failure's explanation id and its message in both languages
# With KATA_PROGRESS=1 the plugin prints one line per finished graded test, for a live status:
# "llm-kata progress 3/15 passed <label>".
PROGRESS_LINE = "llm-kata progress"

# Variables that choose what is graded: a run sets them explicitly, never inherits them.
SELECTION_VARIABLES = ("KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT")


@dataclass(frozen=True)
class TestResult:
    nodeid: str  # exercises/03_logits/test_logits.py::test_encode_...[english]
    exercise: str  # 03_logits
    task: str | None  # the exercise function the test checks
    outcome: str  # passed | failed
    when: str  # call, or setup when a fixture failed
    message: str  # what the learner is shown on a failure ("" when passed)
    # Which explanation the failure gives, whatever values fill it in: two failures with the same
    # id are one mistake, explained once ("" when passed). See ``explanation_id``.
    explanation: str = ""
    messages: dict[str, str] = field(default_factory=dict)  # the message in each language ({} when passed)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def message_in(self, lang: str) -> str:
        return self.messages.get(lang) or self.message

    @property
    def label(self) -> str:
        """'encode: gives a batch of one ...[english]' for people."""
        return self.label_in("en")

    def label_in(self, lang: str) -> str:
        from kata.i18n import test_title

        name, _, params = self.nodeid.split("::", 1)[-1].partition("[")
        test = test_title(name, lang) + (f"[{params}" if params else "")
        return f"{self.task}{'：' if lang == 'zh' else ': '}{test}" if self.task else test


@dataclass
class Report:
    solutions: bool = False
    model: str | None = None  # where the model came from, in words
    results: list[TestResult] = field(default_factory=list)
    version: int = REPORT_VERSION
    exit_code: int | None = None  # pytest's, filled in by the runner (not part of the file)
    output: str = ""  # what pytest printed, where the runner captured it (not part of the file)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and self.passed == len(self.results) and self.exit_code in (0, None)

    def outcomes(self) -> dict[str, str]:
        return {r.nodeid: r.outcome for r in self.results}

    def to_json(self) -> str:
        data = {"version": self.version, "solutions": self.solutions, "model": self.model,
                "results": [asdict(r) for r in self.results]}
        return json.dumps(data, indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        data = json.loads(text)
        if data.get("version") != REPORT_VERSION:
            raise ValueError(f"a grading report of version {data.get('version')}, expected {REPORT_VERSION}")
        return cls(solutions=data["solutions"], model=data["model"],
                   results=[TestResult(**r) for r in data["results"]])

    @classmethod
    def read(cls, path: Path) -> Report:
        """The report a run left at ``path``; an empty one if the run ended before writing it."""
        return cls.from_json(path.read_text(encoding="utf-8")) if path.exists() else cls()


def explanation_id(kind: str, template: str | None = None) -> str:
    """``kind`` (todo, hang, mistake, raised, or a test's name) and a short digest of the message
    template: stable across runs and languages, the same for every value that fills it in."""
    if not template:
        return kind
    return f"{kind}:{hashlib.sha1(template.encode('utf-8')).hexdigest()[:10]}"


def in_function_order(results, functions) -> list[TestResult]:
    """``results`` in the order of the exercise's functions, then in the order the tests ran."""
    order = {name: i for i, name in enumerate(functions)}
    return sorted(results, key=lambda r: order.get(r.task, len(order)))


def grouped(results: list[TestResult], functions) -> list[list[TestResult]]:
    """Failures grouped by explanation, in the order of the exercise's functions (then the tests'
    order): each group is one distinct mistake, its first result the one to explain in full."""
    groups: dict[str, list[TestResult]] = {}
    for r in in_function_order((r for r in results if not r.passed), functions):
        groups.setdefault(r.explanation or r.nodeid, []).append(r)
    return list(groups.values())


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


def write_report(report: Report) -> None:
    """Called by the pytest plugin at the end of a run: KATA_REPORT=path asks for the file."""
    target = os.environ.get("KATA_REPORT")
    if target:
        Path(target).write_text(report.to_json(), encoding="utf-8")
