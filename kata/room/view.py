"""What the instructor's page draws, from the store: the grid, the explanations most learners hit now."""

from __future__ import annotations

import time

from kata.room import explain
from kata.room.store import FAILING, Store


def room_view(store: Store, exercises, lang: str) -> dict:
    """What the page draws: the grid, the explanations most learners hit now, the room's code."""
    now = time.time()
    by_learner: dict[int, dict] = {}
    for cell in store.cells():
        by_learner.setdefault(cell["learner"], {})[cell["exercise"]] = cell
    learners, common = [], {}
    for learner in store.learners():
        cells = by_learner.get(learner["id"], {})
        row = {}
        for exercise, cell in cells.items():
            row[exercise] = {"status": cell["status"], "passed": cell["passed"], "total": cell["total"],
                             "hints": cell["hints"], "failing": cell["failing"],
                             "stuck": round(now - cell["stuck_since"]) if cell["stuck_since"] else None}
            if cell["status"] == FAILING:
                for explanation in cell["explanations"]:
                    entry = common.setdefault(explanation, {"learners": set(), "exercises": set()})
                    entry["learners"].add(learner["name"])
                    entry["exercises"].add(exercise)
        latest = max(cells.values(), key=lambda c: c["at"])["exercise"] if cells else None
        learners.append({"id": learner["id"], "name": learner["name"], "cells": row, "current": latest,
                         "last_seen": round(now - learner["last_seen"]) if learner["last_seen"] else None})
    ranked = sorted(common.items(), key=lambda item: (-len(item[1]["learners"]), item[0]))[:12]
    return {
        "code": store.code,
        "address": store.meta("address"),  # where learners join, as `kata room serve` printed it
        "lang": lang,
        "exercises": [{"id": e.id, "title": e.title_zh if lang == "zh" else e.title}
                      for e in exercises],
        "learners": learners,
        "common": [{"id": key, "text": explain.short(explain.describe(key, lang)), "full": explain.describe(key, lang),
                    "count": len(entry["learners"]), "names": sorted(entry["learners"]),
                    "exercises": sorted(entry["exercises"])} for key, entry in ranked],
        "records": store.record_count(),
    }
