"""What every exercise must have, checked by reading files only (no model, no torch, no grading run).
`kata dev check` and the project's meta-tests (test_graded_meta, test_lessons, test_locale) both call
these, so each rule is written once. A check returns ``Problem``s: where, what is wrong, the fix.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

from kata import i18n
from kata.course import pristine
from kata.course.manifest import ROOT, Exercise, exercises

ID = re.compile(r"^\d\d_[a-z][a-z0-9_]*$")  # 10_example
SHORTEST = 20  # shorter solution lines (`return ids`, `model.eval()`) say nothing a lesson should hide


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}\n    fix: {self.fix}"


def rel(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else str(path)


def todo_message(exercise_id: str, function: str, step: int) -> str:
    """The stub's NotImplementedError (a graded run tells it from the manifest, never from this text)."""
    return f"{exercise_id}: implement {function}() — see exercises/{exercise_id}/README.md, step {step}"


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
            if isinstance(n, ast.FunctionDef) and n.name in functions]


def mistakes(exercise_id: str, kind: str = "mistakes") -> list[Path]:
    """The wrong versions of an exercise (kind="alternatives": its other correct versions)."""
    return sorted((ROOT / "tests" / kind / exercise_id).glob("*.py"))


# --- the checks ---------------------------------------------------------------------------------


def manifest_problems() -> list[Problem]:
    found, numbers = [], {}
    for e in exercises():
        where = f"kata/manifest.toml [{e.id}]"
        if not ID.match(e.id):
            found.append(Problem(where, "the id is not NN_name", "use two digits, an underscore, lowercase letters"))
        if e.number in numbers:
            found.append(Problem(where, f"number {e.number:02d} is also {numbers[e.number]}", "give it a free number"))
        numbers[e.number] = e.id
        if (not e.functions or len(set(e.functions)) != len(e.functions) or not all(f.isidentifier() for f in e.functions)
                or not e.module.endswith(".py") or e.timeout <= 0 or not e.title or not e.title_zh):
            found.append(Problem(where, "functions, module, timeout, title or title_zh is wrong or empty",
                                 "functions: each once, a Python name; module = \"name.py\"; timeout > 0; both titles"))
    return found


def file_problems(exercise: Exercise) -> list[Problem]:
    found = [Problem(rel(path), "is missing", "create it (`kata dev new` writes every file of a new exercise)")
             for path in (exercise.module_path(), exercise.module_path(solutions=True), exercise.lesson,
                          exercise.folder() / "README.zh.md", i18n.LOCALE_DIR / "zh" / f"{exercise.id}.toml")
             if not path.is_file()]
    if exercise.folder().is_dir() and not test_files(exercise):
        found.append(Problem(rel(exercise.folder()), "has no graded tests (test_*.py)", "write its graded tests"))
    return found


def _defined(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module(body=[])
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def stub_problems(exercise: Exercise) -> list[Problem]:
    """Every function in the stub and the solution; each stub function raises the course's TODO."""
    found, stub, solution = [], _defined(exercise.module_path()), _defined(exercise.module_path(solutions=True))
    for step, name in enumerate(exercise.functions, 1):
        if name not in solution:
            found.append(Problem(rel(exercise.module_path(solutions=True)), f"has no {name}()", f"define {name}()"))
        where, wanted = f"{rel(exercise.module_path())}: {name}()", todo_message(exercise.id, name, step)
        if name not in stub:
            found.append(Problem(where, "is missing", f"define it, raising NotImplementedError({wanted!r})"))
            continue
        raises = [s for s in stub[name].body if isinstance(s, ast.Raise)]
        if not raises or "NotImplementedError" not in ast.unparse(raises[0]):
            found.append(Problem(where, "does not raise NotImplementedError", f"raise NotImplementedError({wanted!r})"))
            continue
        args = getattr(raises[0].exc, "args", [])
        said = args[0].value if args and isinstance(args[0], ast.Constant) else ast.unparse(raises[0])
        if said != wanted:
            found.append(Problem(where, f"its TODO says {said!r}", f"say exactly {wanted!r} (step = its place in functions)"))
    return found


def test_problems(exercise: Exercise) -> list[Problem]:
    """Every graded test names a function of the exercise (@pytest.mark.task), and every function has one."""
    found, tasks = [], set()
    for path in test_files(exercise):
        for node in test_functions(path):
            task = task_of(node)
            tasks.add(task)
            if task not in exercise.functions:
                found.append(Problem(f"{rel(path)}::{node.name}", f"its task is {task!r}",
                                     f"mark it @pytest.mark.task(NAME), NAME one of {list(exercise.functions)}"))
    for name in exercise.functions:
        if test_files(exercise) and name not in tasks:
            found.append(Problem(rel(exercise.folder()), f"no graded test for {name}()",
                                 f"write a test marked @pytest.mark.task({name!r})"))
    return found


def catalog_problems(paths) -> list[Problem]:
    """Every t("...") template in ``paths`` has its Chinese in kata/locale/zh/, with the same blanks."""
    catalog, found = i18n.catalog(), []
    for path in paths:
        for line, template in templates(path):
            where = f"{rel(path)}:{line}"
            if template not in catalog:
                found.append(Problem(where, f"no Chinese for {template[:70]!r}",
                                     "add it to [messages] in kata/locale/zh/<exercise>.toml (harness.toml for kata/)"))
            elif blanks(catalog[template]) != blanks(template):
                found.append(Problem(where, f"blanks {sorted(blanks(template))} vs {sorted(blanks(catalog[template]))} "
                                     f"in the Chinese of {template[:50]!r}", "give the Chinese the same {blanks}"))
    return found


def title_problems(names: set[str], stale: bool = False) -> list[Problem]:
    """Every graded test in ``names`` has a Chinese title; with ``stale``, no title outlives its test."""
    titles, where = i18n.titles(), "kata/locale/zh/titles.toml"
    found = [Problem(where, f"no Chinese title for {name}", f'add {name} = "函数名 ……" under [titles]')
             for name in sorted(names - set(titles))]
    if stale:
        found += [Problem(where, f"a title for {name}, a test that no longer exists", "remove it")
                  for name in sorted(set(titles) - names)]
    return found


def hint_problems(exercise: Exercise) -> list[Problem]:
    by_function, where = exercise.hints_by_function(), f"kata/manifest.toml [{exercise.id}.hints]"
    found = [Problem(where, f"hints for {name!r}, not a function of the exercise", "name a function, or remove them")
             for name in sorted(set(by_function) - set(exercise.functions))]
    return found + [Problem(where, f"{name}: {len(by_function.get(name, ()))} rung(s) of hints",
                            f'at least two: {name} = [{{ en = "the idea", zh = "思路" }}, {{ en = "the API or shapes", zh = "…" }}]')
                    for name in exercise.functions if len(by_function.get(name, ())) < 2]


def leak_problems(exercise: Exercise) -> list[Problem]:
    """No lesson and no hint hands out a code line of the reference solution."""
    lines = solution_lines(exercise)  # none in a solution of short lines: nothing to leak
    texts = {rel(path): path.read_text(encoding="utf-8") for path in (exercise.lesson, exercise.folder() / "README.zh.md")
             if path.is_file()}
    for function, rungs in exercise.hints_by_function().items():
        for n, hint in enumerate(rungs, 1):
            texts[f"hint {n} of {function}"] = hint.en + "\n" + hint.zh
    return [Problem(name, f"shows a line of the solution: {line}", "describe it in words, math and shapes instead")
            for name, text in texts.items() for line in lines if line in normalised(text)]


def lesson_command_problems(exercise: Exercise) -> list[Problem]:
    """`pytest exercises/NN --task NAME` in a lesson grades a function of that exercise (a `-k` that
    matches no test would select nothing, and read as a pass)."""
    found = []
    for path in (exercise.lesson, exercise.folder() / "README.zh.md"):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if re.search(r"pytest exercises/\S+ -k ", text):
            found.append(Problem(rel(path), "a command selects tests with -k", "use --task NAME"))
        for folder, task in re.findall(r"pytest (exercises/\d\d_\w+) --task (\w+)", text):
            if folder != f"exercises/{exercise.id}" or task not in exercise.functions:
                found.append(Problem(rel(path), f"`pytest {folder} --task {task}` grades nothing of {exercise.id}",
                                     f"write pytest exercises/{exercise.id} --task NAME, NAME one of {list(exercise.functions)}"))
    return found


def mistake_problems(exercise: Exercise) -> list[Problem]:
    folder = f"tests/mistakes/{exercise.id}/"
    found = [] if mistakes(exercise.id) else [Problem(folder, "no wrong versions", "add one (see tests/mistakes/README.md)")]
    for path in mistakes(exercise.id):
        if not caught_by(path):
            found.append(Problem(rel(path), "no CAUGHT_BY = '...' string", "say which text the failure message must contain"))
        defined = replaced_functions(path, exercise.functions)
        if len(defined) != 1:
            found.append(Problem(rel(path), f"redefines {defined}", "redefine exactly one function of the exercise"))
    return found


def alternative_problems(exercise: Exercise) -> list[Problem]:
    return [] if mistakes(exercise.id, "alternatives") else [
        Problem(f"tests/alternatives/{exercise.id}/", "no correct alternative", "add another correct way to write it")]


def record_problems(exercise: Exercise | None = None) -> list[Problem]:
    """kata/shipped.zip holds the stubs and graded tests as they are now."""
    try:
        shipped = pristine.shipped_record()
    except pristine.PristineError as error:
        return [Problem("kata/shipped.zip", str(error), "run `python -m kata.course.pristine`")]
    current = pristine.current_record()
    prefix = f"exercises/{exercise.id}/" if exercise else ""
    changed = sorted(r for r in set(shipped) | set(current) if r.startswith(prefix) and shipped.get(r) != current.get(r))
    return [Problem("kata/shipped.zip", f"{r} is not as recorded", "run `python -m kata.course.pristine`") for r in changed]


def readme_problems(exercise: Exercise) -> list[Problem]:
    """One row of the exercise tables in README.md and README.zh.md lists the exercise's functions."""
    found = []
    for name in ("README.md", "README.zh.md"):
        text = (ROOT / name).read_text(encoding="utf-8") if (ROOT / name).is_file() else ""
        cells = re.findall(rf"^\| {exercise.id[:2]} \| `exercises/{exercise.id}` \| (.*?) \|", text, re.M)
        if [sorted(re.findall(r"`(\w+)`", cell)) for cell in cells] != [sorted(exercise.functions)]:
            found.append(Problem(name, f"the exercise table's row for {exercise.id} is {cells or 'missing'}",
                                 f"one row | {exercise.id[:2]} | `exercises/{exercise.id}` | FUNCTIONS | ... | naming "
                                 f"{list(exercise.functions)}, each in backticks"))
    return found


def exercise_problems(exercise: Exercise) -> list[Problem]:
    found = file_problems(exercise)
    if found:  # the rest reads these files
        return found
    tests = test_files(exercise)
    return [*stub_problems(exercise), *test_problems(exercise), *catalog_problems(tests),
            *title_problems({n.name for path in tests for n in test_functions(path)}), *hint_problems(exercise),
            *leak_problems(exercise), *lesson_command_problems(exercise), *mistake_problems(exercise),
            *alternative_problems(exercise), *record_problems(exercise), *readme_problems(exercise)]


def problems(exercise: Exercise | None = None) -> list[Problem]:
    """Everything for one exercise, or for the whole course (plus the harness's own templates)."""
    if exercise is not None:
        return exercise_problems(exercise)
    harness = sorted((ROOT / "kata").rglob("*.py"))
    return list(dict.fromkeys([*manifest_problems(), *(p for e in exercises() for p in exercise_problems(e)),
                               *catalog_problems(harness), *title_problems(all_test_names(), stale=True),
                               *record_problems()]))  # each problem once, though two checks may find it

