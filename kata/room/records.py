"""The record a learner's graded run adds to the room, and the rules both sides check it against.

A record holds ids and counts only: the exercise, passed/total, the failing functions, the ids of the
explanations shown (kata.core.report.explanation_id) and hints used. Never a rendered message: those
can quote the learner's code or text.
"""

from __future__ import annotations

import math
import re
import time
import uuid

from kata.core.report import in_function_order

MAX_LIST = 20  # failing functions or explanation ids in one record
MAX_BATCH = 50  # records in one post
MAX_BODY = 512 * 1024  # bytes in one post: MAX_BATCH of the largest records fit
SOURCES = ("check", "watch", "notebook")

_EXERCISE = re.compile(r"^[0-9]{2}_[a-z0-9_]{1,40}$")
_FUNCTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,79}$")
_EXPLANATION = re.compile(r"^[A-Za-z0-9_:./\-\[\]]{1,200}$")
_RECORD_ID = re.compile(r"^[0-9a-f]{32}$")


def make(exercise: str, results, functions, hints: int, source: str = "check") -> dict:
    """The record of one graded run: ``results`` are the report's TestResults, ``functions`` the
    exercise's in order (the failing ones are listed in that order, explanations one per mistake)."""
    failures = in_function_order([r for r in results if not r.passed], functions)
    failing = list(dict.fromkeys(r.task for r in failures if r.task))
    explanations = list(dict.fromkeys(_portable(r.explanation) for r in failures if r.explanation))
    return {
        "id": uuid.uuid4().hex,
        "exercise": exercise,
        "passed": sum(r.passed for r in results),
        "total": len(results),
        "failing": failing[:MAX_LIST],
        "explanations": explanations[:MAX_LIST],
        "hints": min(int(hints), 10_000),
        "source": source,
        "at": round(time.time(), 3),
    }


def _portable(explanation: str) -> str:
    """``raised:TypeError:<path>:<line>`` names the learner's file by its path, which can hold their user
    name or a Windows drive: the record keeps the file's name only."""
    if not explanation.startswith("raised:"):
        return explanation
    _, error, rest = explanation.split(":", 2)
    where, _, line = rest.rpartition(":")
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", re.split(r"[/\\]", where)[-1])  # a notebook's name may hold spaces
    return f"raised:{error}:{name}:{line}"


def checked(record, exercises: set[str] | None = None) -> dict:
    """``record`` if it follows the rules (ValueError naming the first broken one otherwise), with
    only the known fields; ``exercises``: the ids the room knows (None: any well-formed id)."""
    if not isinstance(record, dict):
        raise ValueError("a record is a JSON object")

    def field(name, kind):
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{name}: expected {kind.__name__ if isinstance(kind, type) else 'a number'}")
        return value

    rid, exercise = field("id", str), field("exercise", str)
    if not _RECORD_ID.fullmatch(rid):
        raise ValueError("id: 32 hexadecimal digits")
    if not _EXERCISE.fullmatch(exercise) or (exercises is not None and exercise not in exercises):
        raise ValueError("exercise: not an exercise of this course")
    passed, total, hints = field("passed", int), field("total", int), field("hints", int)
    if not 0 <= passed <= total <= 10_000 or not 0 <= hints <= 10_000:
        raise ValueError("passed, total, hints: 0 <= passed <= total <= 10000, 0 <= hints <= 10000")
    lists = {}
    for name, pattern in (("failing", _FUNCTION), ("explanations", _EXPLANATION)):
        items = field(name, list)
        if len(items) > MAX_LIST or not all(isinstance(i, str) and pattern.fullmatch(i) for i in items):
            raise ValueError(f"{name}: at most {MAX_LIST} ids of the allowed characters")
        lists[name] = list(dict.fromkeys(items))
    source = field("source", str)
    if source not in SOURCES:
        raise ValueError(f"source: one of {', '.join(SOURCES)}")
    at = seconds(field("at", (int, float)))
    if at is None or at < 0:
        raise ValueError("at: seconds since the epoch")
    return {"id": rid, "exercise": exercise, "passed": passed, "total": total, **lists, "hints": hints,
            "source": source, "at": at}


def seconds(value) -> float | None:
    """``value`` as a finite float of at most 1e11 (a time in seconds), or None: JSON allows
    Infinity, NaN and integers too large for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) and abs(value) <= 1e11 else None


def checked_name(name) -> str:
    """A learner's display name: 1 to 40 printable characters, spaces inside collapsed."""
    if not isinstance(name, str):
        raise ValueError("name: text")
    name = " ".join(name.split())
    if not 1 <= len(name) <= 40 or not name.isprintable():
        raise ValueError("name: 1 to 40 printable characters")
    return name
