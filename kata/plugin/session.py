"""What the two halves of the course's pytest plugin share: the session's state and which tests are graded.

``kata.plugin.hooks`` loads the model and runs the graded tests; ``kata.plugin.output`` tells
the learner what happened. Both are registered by the root ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kata.core.report import Report, TestResult, explanation_id
from kata.course import manifest

TIME_LIMIT = pytest.StashKey[float]()  # each graded test's time limit, in seconds

class KataSession:
    """The course's pytest plugin object for one session: what is graded, on which model, the results
    so far, and where its typed events and report go.

    ``kata check`` starts pytest in a fresh interpreter, so the object is built there from the
    environment (``from_environment``); ``kata watch``'s worker and the project's tests build it
    themselves and hand it to ``pytest.main(args, plugins=[session])``, which leaves the
    environment alone.
    """

    def __init__(self, *, solutions: bool = False, impl_file: str | Path | None = None, model: str | None = None,
                 lang: str | None = None, report_path: str | Path | None = None,
                 events: str | Path | Callable[[dict], None] | None = None, warm_model: bool = False):
        self.solutions = solutions
        self.impl_file = Path(impl_file).resolve() if impl_file else None
        self.model_spec = model  # None: --model, else KATA_MODEL, else auto (kata.model.resolve.requested_spec)
        self.lang = lang
        self.previous_lang: str | None = None  # the caller's, while an in-process run speaks ``lang``
        self.report_path = Path(report_path) if report_path else None
        self.events = events
        self.warm_model = warm_model
        self.resolved = None  # kata.model.resolve.ResolvedModel, once resolved
        self.loaded = None  # (model, tokenizer, device)
        self.guard = None  # kata.model.guard.ModelGuard, once the model is loaded
        self.results: list[TestResult] = []
        self.timed_out: set[tuple] = set()  # (exercise, task) whose test hit its time limit
        self.graded_total = 0
        self.clock = time.monotonic()  # when the last graded result came (at first: the session's start)
        self.report: Report | None = None  # the typed report, once the session has finished

    @classmethod
    def from_environment(cls) -> KataSession:
        """A session as `pytest exercises/...` from a terminal (or `kata check`) asks for it."""
        env = os.environ
        return cls(solutions=env.get("KATA_SOLUTIONS", "").lower() in ("1", "true", "yes"),
                   impl_file=env.get("KATA_IMPL_FILE") or None, report_path=env.get("KATA_REPORT") or None,
                   events=env.get("KATA_EVENTS") or None)

    def emit(self, event: str, **data) -> None:
        """One typed event (a JSON object) to whoever follows the run: a callback, or a JSON-lines file."""
        record = {"event": event, **data}
        if callable(self.events):
            self.events(record)
        elif self.events:
            with open(self.events, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self) -> None:
        self.report = Report(solutions=self.solutions, model=self.resolved.source if self.resolved else None,
                             results=list(self.results))
        if self.report_path:
            self.report_path.write_text(self.report.to_json(), encoding="utf-8")


SESSION = pytest.StashKey[KataSession]()


def state_of(config) -> KataSession:
    return config.stash[SESSION]


def is_graded(item) -> bool:
    return Path(item.path).resolve().is_relative_to(manifest.EXERCISES_DIR)


def task_of(item) -> str | None:
    marker = item.get_closest_marker("task")
    return marker.args[0] if marker and marker.args else None


def hang_explanation(item) -> str:
    """The explanation id of a test that hung, and of the tests of its function not run after it."""
    return explanation_id(f"hang:{task_of(item) or item.originalname}")
