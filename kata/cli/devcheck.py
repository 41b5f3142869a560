"""What every exercise must have, checked by reading files only (no model, no torch, no grading run).
`kata dev check` and the project's meta-tests (test_graded_meta, test_lessons, test_locale) both call
these, so each rule is written once. A check returns ``Problem``s: where, what is wrong, the fix, the
last two in the chosen language (English templates through t(), their Chinese in kata/locale/zh/dev.toml).
The readers the checks use live in kata.cli.devcheck_files and are named here too, as `kata dev` and
the meta-tests call them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from kata import i18n
from kata.cli.devcheck_files import (
    all_test_names,
    blanks,
    caught_by,
    graded_test_names,  # noqa: F401 (`kata dev verify` reads it here)
    mistakes,
    normalised,
    rel,
    replaced_functions,
    solution_lines,
    task_of,
    templates,
    test_files,
    test_functions,
    todo_message,
)
from kata.course import pristine
from kata.course.manifest import ROOT, Exercise, exercises
from kata.i18n import t

ID = re.compile(r"^\d\d_[a-z][a-z0-9_]*$")  # 10_example


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return t("{where}: {what}\n    fix: {fix}", where=self.where, what=self.what, fix=self.fix)


# --- the checks ---------------------------------------------------------------------------------


def manifest_problems() -> list[Problem]:
    found, numbers = [], {}
    for e in exercises():
        where = f"kata/manifest.toml [{e.id}]"
        if not ID.match(e.id):
            found.append(Problem(where, t("the id is not NN_name"), t("use two digits, an underscore, lowercase letters")))
        if e.number in numbers:
            found.append(Problem(where, t("number {number} is also {other}", number=f"{e.number:02d}", other=numbers[e.number]),
                                 t("give it a free number")))
        numbers[e.number] = e.id
        if (not e.functions or len(set(e.functions)) != len(e.functions) or not all(f.isidentifier() for f in e.functions)
                or not e.module.endswith(".py") or e.timeout <= 0 or not e.title or not e.title_zh):
            found.append(Problem(where, t("functions, module, timeout, title or title_zh is wrong or empty"),
                                 t('functions: each once, a Python name; module = "name.py"; timeout > 0; both titles')))
    return found


def file_problems(exercise: Exercise) -> list[Problem]:
    found = [Problem(rel(path), t("is missing"), t("create it (`kata dev new` writes every file of a new exercise)"))
             for path in (exercise.module_path(), exercise.module_path(solutions=True), exercise.lesson,
                          exercise.folder() / "README.zh.md", i18n.LOCALE_DIR / "zh" / f"{exercise.id}.toml")
             if not path.is_file()]
    if exercise.folder().is_dir() and not test_files(exercise):
        found.append(Problem(rel(exercise.folder()), t("has no graded tests (test_*.py)"), t("write its graded tests")))
    for path in test_files(exercise):  # pytest imports test files by their name: two of one name cannot both run
        for other in (e for e in exercises() if e.id != exercise.id and (e.folder() / path.name).is_file()):
            found.append(Problem(rel(path), t("has the name of a graded test file of {other}: pytest cannot collect both",
                                               other=other.id),
                                 t("rename it after this exercise, e.g. test_{name}", name=f"{exercise.id[3:]}_{path.name[5:]}")))
    return found


def _defined(path: Path) -> dict[str, ast.FunctionDef | ast.ClassDef]:
    """The functions and classes a file defines at its top level (an exercise's "functions" may be classes)."""
    tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module(body=[])
    return {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def _first_raises(node: ast.FunctionDef | ast.ClassDef) -> list[ast.Raise | None]:
    """The first raise of a stub function, or of each method of a stub class."""
    bodies = [m.body for m in node.body if isinstance(m, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else [node.body]
    return [next((s for s in body if isinstance(s, ast.Raise)), None) for body in bodies] or [None]


def stub_problems(exercise: Exercise) -> list[Problem]:
    """Every function in the stub and the solution; each stub function raises the course's TODO."""
    found, stub, solution = [], _defined(exercise.module_path()), _defined(exercise.module_path(solutions=True))
    for step, name in enumerate(exercise.functions, 1):
        if name not in solution:
            found.append(Problem(rel(exercise.module_path(solutions=True)), t("has no {name}()", name=name),
                                 t("define {name}()", name=name)))
        where, wanted = f"{rel(exercise.module_path())}: {name}()", todo_message(exercise.id, name, step)
        if name not in stub:
            found.append(Problem(where, t("is missing"), t("define it, raising NotImplementedError({todo!r})", todo=wanted)))
            continue
        raises = _first_raises(stub[name])
        if not all(raises) or any("NotImplementedError" not in ast.unparse(r) for r in raises):
            found.append(Problem(where, t("does not raise NotImplementedError"),
                                 t("raise NotImplementedError({todo!r})", todo=wanted)))
            continue
        said = [a[0].value if (a := getattr(r.exc, "args", [])) and isinstance(a[0], ast.Constant) else ast.unparse(r)
                for r in raises]
        if said := next((x for x in said if x != wanted), None):
            found.append(Problem(where, t("its TODO says {said!r}", said=said),
                                 t("say exactly {todo!r} (step = its place in functions)", todo=wanted)))
    return found


def test_problems(exercise: Exercise) -> list[Problem]:
    """Every graded test names a function of the exercise (@pytest.mark.task), and every function has one."""
    found, tasks = [], set()
    for path in test_files(exercise):
        for node in test_functions(path):
            task = task_of(node)
            tasks.add(task)
            if task not in exercise.functions:
                found.append(Problem(f"{rel(path)}::{node.name}", t("its task is {task!r}", task=task),
                                     t("mark it @pytest.mark.task(NAME), NAME one of {functions}",
                                       functions=list(exercise.functions))))
    for name in exercise.functions:
        if test_files(exercise) and name not in tasks:
            found.append(Problem(rel(exercise.folder()), t("no graded test for {name}()", name=name),
                                 t("write a test marked @pytest.mark.task({name!r})", name=name)))
    return found


def catalog_problems(paths) -> list[Problem]:
    """Every t("...") template in ``paths`` has its Chinese in kata/locale/zh/, with the same blanks."""
    catalog, found = i18n.catalog(), []
    for path in paths:
        for line, template in templates(path):
            where = f"{rel(path)}:{line}"
            if template not in catalog:
                found.append(Problem(where, t("no Chinese for {text!r}", text=template[:70]),
                                     t("add it to [messages] in kata/locale/zh/<exercise>.toml (for kata/: harness.toml, "
                                       "cli.toml or dev.toml)")))
            elif blanks(catalog[template]) != blanks(template):
                found.append(Problem(where, t("blanks {english} vs {chinese} in the Chinese of {text!r}",
                                       english=sorted(blanks(template)), chinese=sorted(blanks(catalog[template])),
                                       text=template[:50]),
                                     t("give the Chinese the same blanks as the English")))
    return found


def title_problems(names: set[str], stale: bool = False) -> list[Problem]:
    """Every graded test in ``names`` has a Chinese title; with ``stale``, no title outlives its test."""
    titles, where = i18n.titles(), "kata/locale/zh/titles.toml"
    found = [Problem(where, t("no Chinese title for {name}", name=name),
                     t('add {name} = "函数名 ……" under [titles]', name=name))
             for name in sorted(names - set(titles))]
    if stale:
        found += [Problem(where, t("a title for {name}, a test that no longer exists", name=name), t("remove it"))
                  for name in sorted(set(titles) - names)]
    return found


def hint_problems(exercise: Exercise) -> list[Problem]:
    by_function, where = exercise.hints_by_function(), f"kata/manifest.toml [{exercise.id}.hints]"
    found = [Problem(where, t("hints for {name!r}, not a function of the exercise", name=name),
                     t("name a function, or remove them"))
             for name in sorted(set(by_function) - set(exercise.functions))]
    return found + [Problem(where, t("{name}: {n} rung(s) of hints", name=name, n=len(by_function.get(name, ()))),
                            t('at least two: {name} = [{{ en = "the idea", zh = "思路" }}, {{ en = "the API or shapes", zh = "…" }}]',
                              name=name))
                    for name in exercise.functions if len(by_function.get(name, ())) < 2]


def leak_problems(exercise: Exercise) -> list[Problem]:
    """No lesson and no hint hands out a code line of the reference solution."""
    lines = solution_lines(exercise)  # none in a solution of short lines: nothing to leak
    texts = {rel(path): path.read_text(encoding="utf-8") for path in (exercise.lesson, exercise.folder() / "README.zh.md")
             if path.is_file()}
    for function, rungs in exercise.hints_by_function().items():
        for n, hint in enumerate(rungs, 1):
            texts[t("hint {n} of {function}", n=n, function=function)] = hint.en + "\n" + hint.zh
    return [Problem(name, t("shows a line of the solution: {line}", line=line),
                    t("describe it in words, math and shapes instead"))
            for name, text in texts.items() for line in lines if line in normalised(text)]


def lesson_command_problems(exercise: Exercise) -> list[Problem]:
    """`pytest exercises/NN --task NAME` in a lesson grades a function of that exercise (a `-k` that
    matches no test would select nothing, and read as a pass)."""
    found = []
    for path in (exercise.lesson, exercise.folder() / "README.zh.md"):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if re.search(r"pytest exercises/\S+ -k ", text):
            found.append(Problem(rel(path), t("a command selects tests with -k"), t("use --task NAME")))
        for folder, task in re.findall(r"pytest (exercises/\d\d_\w+) --task (\w+)", text):
            if folder != f"exercises/{exercise.id}" or task not in exercise.functions:
                found.append(Problem(rel(path), t("`pytest {folder} --task {task}` grades nothing of {id}",
                                                       folder=folder, task=task, id=exercise.id),
                                     t("write pytest exercises/{id} --task NAME, NAME one of {functions}",
                                       id=exercise.id, functions=list(exercise.functions))))
    return found


def mistake_problems(exercise: Exercise) -> list[Problem]:
    folder = f"tests/mistakes/{exercise.id}/"
    found = [] if mistakes(exercise.id) else [Problem(folder, t("no wrong versions"), t("add one (see tests/mistakes/README.md)"))]
    for path in mistakes(exercise.id):
        if not caught_by(path):
            found.append(Problem(rel(path), t("no CAUGHT_BY = '...' string"),
                                 t("say which text the failure message must contain")))
        defined = replaced_functions(path, exercise.functions)
        if len(defined) != 1:
            found.append(Problem(rel(path), t("redefines {functions}", functions=defined),
                                 t("redefine exactly one function of the exercise")))
    return found


def alternative_problems(exercise: Exercise) -> list[Problem]:
    return [] if mistakes(exercise.id, "alternatives") else [
        Problem(f"tests/alternatives/{exercise.id}/", t("no correct alternative"), t("add another correct way to write it"))]


def record_problems(exercise: Exercise | None = None) -> list[Problem]:
    """kata/shipped.zip holds the stubs and graded tests as they are now."""
    try:
        shipped = pristine.shipped_record()
    except pristine.PristineError as error:
        return [Problem("kata/shipped.zip", str(error), t("run `python -m kata.course.pristine`"))]
    current = pristine.current_record()
    prefix = f"exercises/{exercise.id}/" if exercise else ""
    changed = sorted(r for r in set(shipped) | set(current) if r.startswith(prefix) and shipped.get(r) != current.get(r))
    return [Problem("kata/shipped.zip", t("{file} is not as recorded", file=r), t("run `python -m kata.course.pristine`"))
            for r in changed]


def readme_problems(exercise: Exercise) -> list[Problem]:
    """One row of the exercise tables in README.md and README.zh.md lists the exercise's functions."""
    found = []
    for name in ("README.md", "README.zh.md"):
        text = (ROOT / name).read_text(encoding="utf-8") if (ROOT / name).is_file() else ""
        cells = re.findall(rf"^\| {exercise.id[:2]} \| `exercises/{exercise.id}` \| (.*?) \|", text, re.M)
        if [sorted(re.findall(r"`(\w+)`", cell)) for cell in cells] != [sorted(exercise.functions)]:
            found.append(Problem(name, t("the exercise table's row for {id} is {cells}", id=exercise.id,
                                   cells=cells or t("missing")),
                                 t("one row | {num} | `exercises/{id}` | FUNCTIONS | ... | naming {functions}, each in backticks",
                                   num=exercise.id[:2], id=exercise.id, functions=list(exercise.functions))))
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

