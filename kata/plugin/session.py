"""What the two halves of the course's pytest plugin share: the session's state and which tests are graded.

``kata.plugin.hooks`` loads the model and runs the graded tests; ``kata.plugin.output`` tells
the learner what happened. Both are registered by the root ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kata.core.report import TestResult, explanation_id
from kata.course import manifest

TIME_LIMIT = pytest.StashKey[float]()  # each graded test's time limit, in seconds

class SessionState:
    def __init__(self, solutions: bool, model_spec: str):
        self.solutions = solutions
        self.model_spec = model_spec
        self.resolved = None  # kata.model.resolve.ResolvedModel, once resolved
        self.loaded = None  # (model, tokenizer, device)
        self.guard = None  # kata.model.guard.ModelGuard, once the model is loaded
        self.results: list[TestResult] = []
        self.timed_out: set[tuple] = set()  # (exercise, task) whose test hit its time limit
        self.graded_total = 0


def state_of(config) -> SessionState:
    return config._kata


def is_graded(item) -> bool:
    return Path(item.path).resolve().is_relative_to(manifest.EXERCISES_DIR)


def task_of(item) -> str | None:
    marker = item.get_closest_marker("task")
    return marker.args[0] if marker and marker.args else None


def hang_explanation(item) -> str:
    """The explanation id of a test that hung, and of the tests of its function not run after it."""
    return explanation_id(f"hang:{task_of(item) or item.originalname}")
