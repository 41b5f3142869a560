"""A warm grading process for `kata watch`: torch, transformers and the model stay loaded.

A fresh `pytest` pays a few seconds of imports before the first test runs; in watch mode that is
paid once. The worker runs each check with ``pytest.main`` in its own main thread (so time
limits still work), re-importing the learner's file every time. Anything unexpected (the worker
crashes, stops answering) makes the caller fall back to a fresh process for that check.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

from kata.course.manifest import ROOT
from kata.grading.run import Report

WORKER_LOG = ROOT / ".kata" / "worker.log"


def _serve(connection, model: str | None, lang: str) -> None:
    """The worker's loop: one request (an exercise folder) in, one grading report out."""
    log = open(WORKER_LOG, "a", buffering=1, encoding="utf-8")
    os.dup2(log.fileno(), 1)  # pytest's own output, and anything learner code prints
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    from kata.grading import run as grading
    from kata.plugin import adapters

    while True:
        try:
            folder = connection.recv()
        except EOFError:
            return
        adapters.forget_loaded()  # the learner saved a new version: import it again
        report = grading.run_in_process(grading.pytest_args(folder), model=model, lang=lang, warm_model=True)
        connection.send(report)


class Worker:
    def __init__(self, model: str | None = None, lang: str = "en"):
        self.model, self.lang = model, lang
        self._start()

    def _start(self) -> None:
        (ROOT / ".kata").mkdir(exist_ok=True)
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.model, self.lang), daemon=True, name="kata-worker")
        self.process.start()

    def check(self, folder: Path, timeout: float, cancel: threading.Event | None = None) -> Report | None:
        """The grading report, or None if the worker could not answer or ``cancel`` was set (a check
        that is cancelled ends the worker: the next check starts a fresh one)."""
        if not self.process.is_alive():  # learner code ended the last one: start afresh
            self._start()
        try:
            self.connection.send(str(folder))
            deadline = time.monotonic() + timeout
            while not self.connection.poll(0.2):
                if (cancel and cancel.is_set()) or time.monotonic() > deadline or not self.process.is_alive():
                    self.stop()
                    return None
            answer = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            return None
        answer.output = f"(pytest's output is in {WORKER_LOG.relative_to(ROOT)})"
        return answer

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
