"""A kata, not a transcript: no lesson and no hint hands out a line of the reference solution.

Every code line of the solution (whitespace normalised; `def` lines, imports, docstrings, comments
and lines under 20 characters skipped) must appear in neither the exercise's lessons nor its hints.
"""

from __future__ import annotations

import pytest

from kata.cli import devcheck
from kata.cli.devcheck import normalised, solution_lines
from kata.course import manifest

EXERCISES = manifest.exercises()


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_no_lesson_or_hint_holds_a_line_of_the_solution(exercise):
    assert solution_lines(exercise), f"found no code lines in the solution of {exercise.id}"
    found = devcheck.leak_problems(exercise)  # in either lesson or any hint, English or Chinese
    assert not found, f"{exercise.id} hands out solution lines:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_function_has_hints_that_climb(exercise):
    problems = devcheck.hint_problems(exercise)  # hints for exactly the exercise's functions, two rungs or more each
    assert not problems, "\n".join(map(str, problems))


def test_the_tour_hands_out_no_line_of_any_solution():
    from kata.cli import tour

    text = normalised("\n".join(code for _, code in tour.STEPS))
    found = [f"{e.id}: {line}" for e in EXERCISES for line in solution_lines(e) if line in text]
    assert not found, "the tour notebook shows solution lines:\n" + "\n".join(found)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_command_a_lesson_gives_selects_graded_tests(exercise):
    """`pytest exercises/NN --task NAME` in a lesson names a function of that exercise (a `-k` that
    matches no test name would select nothing, and read as a pass)."""
    problems = devcheck.lesson_command_problems(exercise)
    assert not problems, "\n".join(map(str, problems))
