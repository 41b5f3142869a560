"""A kata, not a transcript: no lesson and no hint hands out a line of the reference solution.

Every code line of the solution (whitespace normalised; `def` lines, imports, docstrings, comments
and lines under 20 characters skipped) must appear in neither the exercise's lessons nor its hints.
"""

from __future__ import annotations

import ast
import re

import pytest

from kata import manifest

EXERCISES = manifest.exercises()
SHORTEST = 20  # shorter lines (`return ids`, `model.eval()`) say nothing a lesson should hide


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines(exercise) -> list[str]:
    """The solution's code lines worth hiding, normalised."""
    source = exercise.module_path(solutions=True).read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skip.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            skip.add(node.lineno)
            body = node.body[0] if node.body else None
            if isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant):
                skip.update(range(body.lineno, body.end_lineno + 1))  # the docstring: the contract, not the answer
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skip.update(range(node.lineno, node.end_lineno + 1))
    kept = []
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("#", 1)[0].strip()
        code = re.sub(r"^(return|yield|yield from)\s+", "", code)  # the expression is the answer, not the keyword
        if number in skip or not code or code.startswith(("def ", "@")) or len(code) < SHORTEST:
            continue
        kept.append(normalised(code))
    return kept


def what_the_learner_reads(exercise) -> dict[str, str]:
    texts = {path.name: path.read_text(encoding="utf-8") for path in
             (exercise.folder() / "README.md", exercise.folder() / "README.zh.md")}
    for function, rungs in exercise.hints_by_function().items():
        for n, hint in enumerate(rungs, 1):
            texts[f"hint {function} {n} (en)"] = hint.en
            texts[f"hint {function} {n} (zh)"] = hint.zh
    return {name: normalised(text) for name, text in texts.items()}


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_no_lesson_or_hint_holds_a_line_of_the_solution(exercise):
    lines = solution_lines(exercise)
    assert lines, f"found no code lines in the solution of {exercise.id}"
    found = [f"{name}: {line}" for name, text in what_the_learner_reads(exercise).items() for line in lines if line in text]
    assert not found, f"{exercise.id} hands out solution lines:\n" + "\n".join(found)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_function_has_hints_that_climb(exercise):
    by_function = exercise.hints_by_function()
    assert set(by_function) == set(exercise.functions), (
        f"{exercise.id}: hints in kata/manifest.toml for {sorted(by_function)}, functions {list(exercise.functions)}")
    few = [name for name, rungs in by_function.items() if len(rungs) < 2]
    assert not few, f"{exercise.id}: fewer than two rungs of hints for {few}"


def test_the_tour_hands_out_no_line_of_any_solution():
    from kata import tour

    text = normalised("\n".join(code for _, code in tour.STEPS))
    found = [f"{e.id}: {line}" for e in EXERCISES for line in solution_lines(e) if line in text]
    assert not found, "the tour notebook shows solution lines:\n" + "\n".join(found)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_command_a_lesson_gives_selects_graded_tests(exercise):
    """`pytest exercises/NN --task NAME` in a lesson names a function of that exercise (a `-k` that
    matches no test name would select nothing, and read as a pass)."""
    for path in (exercise.folder() / "README.md", exercise.folder() / "README.zh.md"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pytest exercises/\S+ -k ", text), f"{path.name}: use --task NAME, not -k"
        for folder, task in re.findall(r"pytest (exercises/\d\d_\w+) --task (\w+)", text):
            assert folder == f"exercises/{exercise.id}", f"{path.name} grades {folder} from {exercise.id}'s lesson"
            assert task in exercise.functions, f"{path.name}: --task {task} is not a function of {exercise.id}"
