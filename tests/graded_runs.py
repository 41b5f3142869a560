"""The project's tests grade through kata.grading.run, as the CLI does, on the offline stand-in.

``graded(...)`` runs pytest in a fresh interpreter (as a learner's terminal does);
``graded_in_process(...)`` runs it in this one (sharing the imported torch: it costs only the
tests). ``kata(...)`` runs the `kata` command in a folder, as a learner types it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kata.course import pristine
from kata.grading import run as grading
from kata.grading.run import QUIET_STYLE, Report

ROOT = Path(__file__).resolve().parent.parent
STANDIN = {"KATA_MODEL": "tiny", "KATA_LANG": "en"}  # the messages the tests read are the English ones
# What a copy of the course leaves behind: caches, progress, generated notebooks.
COPY_IGNORES = shutil.ignore_patterns(".git", ".kata", "__pycache__", "*.egg-info", ".pytest_cache", "notebooks",
                                      ".venv", "venv")


def shipped_copy(target: Path) -> Path:
    """A copy of the course at ``target`` with every stub and graded test as shipped, even where
    the person running these tests has already worked in their exercises."""
    shutil.copytree(ROOT, target, ignore=COPY_IGNORES)
    for rel in pristine.shipped_record():
        (target / rel).write_bytes(pristine.shipped_content(rel))
    return target


def graded(*args: str, env: dict | None = None, timeout: float = 600, cwd: Path = ROOT) -> Report:
    """pytest ARGS in a fresh interpreter on the stand-in; the report holds pytest's output."""
    return grading.run_subprocess(["-p", "no:cacheprovider", *args], env={**STANDIN, **(env or {})},
                                  timeout=timeout, cwd=cwd)


def graded_in_process(target: str, *, impl_file=None, task: str | None = None, lang: str = "en",
                      stop_at_first_failure: bool = False) -> Report:
    """The graded tests of ``target`` inside this process, on the stand-in (``stop_at_first_failure``: pytest -x)."""
    args = grading.pytest_args(target, task=task, style=QUIET_STYLE, extra=("-x",) if stop_at_first_failure else ())
    # The model stays loaded from one run to the next, as in `kata watch` (the guard restores it).
    return grading.run_in_process(args, impl_file=impl_file, model="tiny", lang=lang, warm_model=True)


def kata(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 600,
         stdin: str | None = None) -> subprocess.CompletedProcess:
    """The `kata` command, as a learner types it in ``cwd``, with a clean kata environment."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("KATA_STATE", "KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT", "KATA_LANG")}
    full_env.update({"KATA_MODEL": "tiny", "COLUMNS": "200", **(env or {})})  # the locale decides the language
    return subprocess.run([sys.executable, "-m", "kata", *args], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
