"""The ordered list of exercises (``manifest.toml``) and where each one's files live."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]  # the repository: kata/course/manifest.py
EXERCISES_DIR = ROOT / "exercises"
SOLUTIONS_DIR = ROOT / "solutions"


@dataclass(frozen=True)
class Hint:
    en: str
    zh: str


@dataclass(frozen=True)
class Exercise:
    id: str  # "03_logits"
    title: str
    title_zh: str
    module: str  # "logits.py"
    functions: tuple[str, ...]
    timeout: int
    # Per function, hints that climb one rung at a time: the idea, then the API or the shapes, then
    # a skeleton with blanks. Never the solution's line: that is what `kata solution` is for.
    function_hints: tuple[tuple[str, tuple[Hint, ...]], ...]

    def hints_by_function(self) -> dict[str, tuple[Hint, ...]]:
        return dict(self.function_hints)

    def hints_for(self, function: str) -> tuple[Hint, ...]:
        return self.hints_by_function().get(function, ())

    @property
    def hints(self) -> tuple[Hint, ...]:
        """Every rung, in the order of the functions."""
        return tuple(h for _, rungs in self.function_hints for h in rungs)

    @property
    def number(self) -> int:
        return int(self.id.split("_", 1)[0])

    @property
    def name(self) -> str:
        return self.id.split("_", 1)[1]

    def folder(self, solutions: bool = False) -> Path:
        return (SOLUTIONS_DIR if solutions else EXERCISES_DIR) / self.id

    def module_path(self, solutions: bool = False) -> Path:
        return self.folder(solutions) / self.module

    @property
    def lesson(self) -> Path:
        return self.folder() / "README.md"

    def lesson_in(self, lang: str) -> Path:
        """The lesson in the learner's language (README.zh.md for Chinese)."""
        return self.folder() / ("README.zh.md" if lang == "zh" else "README.md")


@lru_cache(maxsize=1)
def exercises() -> tuple[Exercise, ...]:
    data = tomllib.loads((Path(__file__).parents[1] / "manifest.toml").read_text(encoding="utf-8"))
    return tuple(
        Exercise(
            id=e["id"],
            title=e["title"],
            title_zh=e["title_zh"],
            module=e["module"],
            functions=tuple(e["functions"]),
            timeout=int(e["timeout"]),
            function_hints=_hints(e),
        )
        for e in sorted(data["exercise"], key=lambda e: e["id"])  # the numbers give the order
    )


def _hints(entry: dict) -> tuple[tuple[str, tuple[Hint, ...]], ...]:
    """``[exercise.hints]`` maps each function to its rungs, listed in the order of the functions."""
    hints = entry.get("hints", {})
    if isinstance(hints, list):  # an older manifest: one list for the whole exercise
        return (("", tuple(Hint(**h) for h in hints)),)
    order = {name: i for i, name in enumerate(entry["functions"])}
    return tuple((name, tuple(Hint(**h) for h in rungs))
                 for name, rungs in sorted(hints.items(), key=lambda item: order.get(item[0], len(order))))


def find(key: str) -> Exercise:
    """Accept ``3``, ``03``, ``03_logits`` or ``logits``; raise KeyError listing valid ids."""
    key = key.strip().rstrip("/").split("/")[-1]
    for exercise in exercises():
        if key in (exercise.id, exercise.name) or (key.isdigit() and int(key) == exercise.number):
            return exercise
    valid = ", ".join(e.id for e in exercises())
    raise KeyError(f"no exercise {key!r}; the exercises are: {valid}")


def for_test_file(path: Path) -> Exercise | None:
    """The exercise a graded test file belongs to (its folder is ``exercises/NN_name``)."""
    try:
        return find(Path(path).resolve().parent.name)
    except KeyError:
        return None
