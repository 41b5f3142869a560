"""What an exercise's files say, read without running them (no model, no torch): its graded tests,
their t() templates, the solution's lines, its wrong versions. The rules in kata.cli.devcheck read
the files through these, as `kata dev` does.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from kata.course.manifest import ROOT, Exercise
from kata.plugin.output import TODO

SHORTEST = 20  # shorter solution lines (`return ids`, `model.eval()`) say nothing a lesson should hide


def rel(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else str(path)


def todo_message(exercise_id: str, function: str, step: int) -> str:
    """The stub's NotImplementedError: the sentence a graded run shows (told from the manifest, not parsed)."""
    return TODO.format(exercise=exercise_id, function=function, folder=f"exercises/{exercise_id}/", step=step)


def test_files(exercise: Exercise) -> list[Path]:
    return sorted(exercise.folder().glob("test_*.py"))


def test_functions(path: Path) -> list[ast.FunctionDef]:
    return [n for n in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def graded_test_names(exercise: Exercise) -> set[str]:
    """file::test for every test function of the exercise (parametrized ones counted once)."""
    return {f"{path.name}::{n.name}" for path in test_files(exercise) for n in test_functions(path)}


def all_test_names() -> set[str]:
    return {n.name for path in (ROOT / "exercises").glob("*/test_*.py") for n in test_functions(path)}


def task_of(node: ast.FunctionDef) -> str | None:
    """The name in the test's @pytest.mark.task("name"), if it has one."""
    for decorator in node.decorator_list:
        if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("mark.task") and decorator.args
                and isinstance(decorator.args[0], ast.Constant)):
            return decorator.args[0].value
    return None


def templates(path: Path) -> list[tuple[int, str]]:
    """(line, template) for every t("...") call with a literal template in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines(exercise: Exercise) -> list[str]:
    """The solution's code lines worth hiding, normalised (def lines, imports, docstrings, comments
    and lines under SHORTEST characters skipped; `return`/`yield` dropped: the expression is the answer)."""
    source = exercise.module_path(solutions=True).read_text(encoding="utf-8")
    skip = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skip.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            skip.add(node.lineno)
            body = node.body[0] if node.body else None
            if isinstance(body, ast.Expr) and isinstance(getattr(body, "value", None), ast.Constant):
                skip.update(range(body.lineno, body.end_lineno + 1))  # the docstring: the contract, not the answer
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skip.update(range(node.lineno, node.end_lineno + 1))
    codes = [(n, re.sub(r"^(return|yield|yield from)\s+", "", line.split("#", 1)[0].strip()))
             for n, line in enumerate(source.splitlines(), 1)]
    return [normalised(code) for n, code in codes
            if n not in skip and code and not code.startswith(("def ", "@")) and len(code) >= SHORTEST]


def caught_by(path: Path) -> str | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "CAUGHT_BY":
            return node.value.value if isinstance(node.value, ast.Constant) else None
    return None


def replaced_functions(path: Path, functions) -> list[str]:
    """The exercise functions a wrong version (or an alternative) defines anew."""
    return [n.name for n in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in functions]


def mistakes(exercise_id: str, kind: str = "mistakes") -> list[Path]:
    """The wrong versions of an exercise (kind="alternatives": its other correct versions)."""
    return sorted((ROOT / "tests" / kind / exercise_id).glob("*.py"))
