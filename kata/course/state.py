"""The learner's progress: a small JSON file in the repository (``.kata/state.json``).

It only records what the last graded runs found and how many hints were shown; deleting it is
safe (the next ``kata check`` rebuilds what matters).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kata.course.manifest import ROOT

STATE_DIR = ROOT / ".kata"
DONE, FAILING, NOT_STARTED = "done", "failing", "not started"


def state_file() -> Path:
    return Path(os.environ.get("KATA_STATE", STATE_DIR / "state.json"))


def load() -> dict:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # missing or damaged: start afresh rather than fail


def save(data: dict) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # never a half-written state file


def status(exercise_id: str, data: dict | None = None) -> str:
    record = (data if data is not None else load()).get("exercises", {}).get(exercise_id)
    return record["status"] if record else NOT_STARTED


def record_result(exercise_id: str, passed: int, total: int, solutions: bool = False,
                  stuck_on: str | None = None) -> None:
    """``stuck_on``: the first function whose tests fail (where `kata hint` helps next)."""
    if solutions:
        return  # grading the reference solutions says nothing about the learner's progress
    data = load()
    record = {
        "status": DONE if total and passed == total else FAILING,
        "passed": passed,
        "total": total,
        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if stuck_on:
        record["stuck_on"] = stuck_on
    data.setdefault("exercises", {})[exercise_id] = record
    save(data)


def result(exercise_id: str) -> dict | None:
    """The exercise's last recorded result (status, passed, total, at), or None."""
    return load().get("exercises", {}).get(exercise_id)


def put_result(exercise_id: str, record: dict | None) -> None:
    """Put back a result saved earlier (``kata restore``); None: the exercise has no result."""
    data = load()
    results = data.setdefault("exercises", {})
    if record is None:
        if results.pop(exercise_id, None) is None:
            return
    else:
        results[exercise_id] = record
    save(data)


def forget_result(exercise_id: str) -> None:
    """The exercise's file changed outside a check (reset): its last result no longer holds."""
    put_result(exercise_id, None)


def next_hint_index(exercise_id: str, function: str) -> int:
    """How many hints for this function were shown before (so the index of the next rung)."""
    shown = load().get("hints", {}).get(exercise_id, {})
    return shown.get(function, 0) if isinstance(shown, dict) else 0  # an older state counted per exercise


def hint_shown(exercise_id: str, function: str, count: int) -> None:
    data = load()
    shown = data.setdefault("hints", {}).get(exercise_id)
    shown = shown if isinstance(shown, dict) else {}
    shown[function] = count
    data["hints"][exercise_id] = shown
    save(data)
