"""Run the graded tests the way a learner or instructor does, and read back every result.

The kata plugin writes one record per graded test to the file named by KATA_REPORT; these
helpers run pytest with that set and return the records, plus the text pytest printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class GradedRun:
    exit_code: int
    results: list[dict]
    output: str

    def outcomes(self) -> dict[str, str]:
        return {r["nodeid"]: r["outcome"] for r in self.results}


def run_subprocess(*args: str, env: dict | None = None, timeout: float = 600) -> GradedRun:
    """pytest in a fresh interpreter, as `pytest exercises/...` from a terminal."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        full_env = {k: v for k, v in os.environ.items() if k not in ("KATA_SOLUTIONS", "KATA_IMPL_FILE")}
        full_env.update({"KATA_MODEL": "tiny", **(env or {}), "KATA_REPORT": str(report)})
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
        )
        results = json.loads(report.read_text())["results"] if report.exists() else []
        return GradedRun(proc.returncode, results, proc.stdout + proc.stderr)


def run_in_process(*args: str, monkeypatch, env: dict | None = None) -> GradedRun:
    """pytest.main inside this process: shares the imported torch, so it costs only the tests."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        monkeypatch.setenv("KATA_MODEL", "tiny")
        monkeypatch.delenv("KATA_SOLUTIONS", raising=False)
        monkeypatch.delenv("KATA_IMPL_FILE", raising=False)
        for key, value in {**(env or {}), "KATA_REPORT": str(report)}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(ROOT)
        code = pytest.main(["-p", "no:cacheprovider", "-q", "--tb=line", *args])
        results = json.loads(report.read_text())["results"] if report.exists() else []
        return GradedRun(int(code), results, "")
