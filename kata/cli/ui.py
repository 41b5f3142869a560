"""What every `kata` command shares: the console, the messages' language, finding an exercise,
and showing a grading report."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from kata.core.errors import KataError
from kata.course import manifest, state
from kata.course.manifest import Exercise
from kata.grading import run as grading
from kata.grading.run import Report
from kata.i18n import language, pick, t

# soft_wrap: a long line is never broken by us (a terminal folds it on screen; a log, a notebook or
# a pipe keeps paths and test ids whole). Without a terminal, tables get a wide page instead of 80
# columns, for the same reason.
_in_a_terminal = sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))
console = Console(highlight=False, soft_wrap=True, width=None if _in_a_terminal else 200)


def find_exercise(key: str | None) -> Exercise:
    if key is None:
        return first_not_done()
    try:
        return manifest.find(key)
    except KeyError:
        valid = ", ".join(e.id for e in manifest.exercises())
        raise KataError(t("no exercise {key!r}; the exercises are: {valid}", key=key, valid=valid)) from None


def first_not_done() -> Exercise:
    data = state.load()
    for exercise in manifest.exercises():
        if state.status(exercise.id, data) != state.DONE:
            return exercise
    return manifest.exercises()[-1]


def show_results(report: Report, functions: list[str], show_all: bool = False) -> int:
    """Each test's outcome, in the order of the exercise's functions; each distinct mistake
    explained in full once, its other failing tests named on one line under it (``show_all``:
    every failure in full). Returns how many distinct mistakes there are."""
    groups = grading.grouped(report.results, functions)
    group_of = {id(r): group for group in groups for r in group}
    for r in grading.in_function_order(report.results, functions):
        if r.passed:
            console.print(f"  [green]✓[/] {escape(label_of(r))}")
            continue
        group = group_of[id(r)]
        if r is not group[0] and not show_all:
            continue  # named under the first test of its group
        console.print(f"  [red]✗[/] {escape(label_of(r))}")
        console.print("      " + escape(r.message_in(language()).strip()).replace("\n", "\n      "))
        if len(group) > 1 and not show_all:
            others = "; ".join(label_of(other) for other in group[1:])
            console.print(f"  [red]✗[/] [dim]{escape(t('the same mistake, explained above, also fails: {tests}', tests=others))}[/]")
    return len(groups)


def label_of(result) -> str:
    """A test's title for people, in the learner's language."""
    return result.label_in(language())


def title_of(exercise: Exercise) -> str:
    return pick(exercise.title, exercise.title_zh)
