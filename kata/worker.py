"""A warm grading process for `kata watch`: torch, transformers and the model stay loaded.

A fresh `pytest` pays a few seconds of imports before the first test runs; in watch mode that is
paid once. The worker runs each check with ``pytest.main`` in its own main thread (so time
limits still work), re-importing the learner's file every time. Anything unexpected (the worker
crashes, stops answering) makes the caller fall back to a fresh process for that check.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

from kata.manifest import ROOT


def _serve(connection, model: str | None) -> None:
    """The worker's loop: one request (an exercise folder) in, one list of results out."""
    log = open(ROOT / ".kata" / "worker.log", "a", buffering=1, encoding="utf-8")
    os.dup2(log.fileno(), 1)  # pytest's own output, and anything learner code prints
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    os.chdir(ROOT)
    if model:
        os.environ["KATA_MODEL"] = model
    os.environ.pop("KATA_IMPL_FILE", None)
    import pytest

    from kata import adapters, pytest_plugin

    pytest_plugin.keep_model_warm = True
    while True:
        try:
            folder = connection.recv()
        except EOFError:
            return
        for name in [m for m in sys.modules if m.startswith("kata_under_test.")]:
            del sys.modules[name]
        adapters._loaded.clear()  # the learner saved a new version: import it again
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            os.environ["KATA_REPORT"] = str(report)
            code = pytest.main([folder, "-q", "-p", "no:cacheprovider", "--tb=short", "--color=no"])
            results = json.loads(report.read_text(encoding="utf-8"))["results"] if report.exists() else []
        connection.send({"exit": int(code), "results": results})


class Worker:
    def __init__(self, model: str | None = None):
        self.model = model
        self._start()

    def _start(self) -> None:
        (ROOT / ".kata").mkdir(exist_ok=True)
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.model), daemon=True, name="kata-worker")
        self.process.start()

    def check(self, folder: Path, timeout: float) -> tuple[list[dict], int] | None:
        """(results, pytest's exit code), or None if the worker could not answer."""
        if not self.process.is_alive():  # learner code ended the last one: start afresh
            self._start()
        try:
            self.connection.send(str(folder))
            if not self.connection.poll(timeout):
                self.stop()
                return None
            answer = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            return None
        return answer["results"], answer["exit"]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
