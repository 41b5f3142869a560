"""`kata dev`, for instructors: `new` writes every file of a new exercise, `check` proves in seconds
that its files agree (reading them only: no model, no torch), `verify` grades one exercise's stub,
solution, wrong versions and alternatives (the proof the project's meta-tests give for all of them)."""

from __future__ import annotations

import contextlib
import io
import json
import keyword
import re
import tempfile
import time
from pathlib import Path
from string import Template

from rich.cells import cell_len

from kata import i18n
from kata.cli import dev_templates as T
from kata.cli import devcheck
from kata.cli.ui import find_exercise
from kata.core.errors import KataError
from kata.course import manifest, pristine
from kata.course.manifest import ROOT
from kata.grading import run as grading
from kata.i18n import listed, t

ROW = re.compile(r"^\| (\d\d) \| `exercises/")  # a row of the exercise tables in README.md / README.zh.md


def cmd_dev(args) -> int:
    return {"new": cmd_new, "check": cmd_check, "verify": cmd_verify}[args.dev_command](args)


def _clear_caches() -> None:
    for cached in (manifest.exercises, i18n.catalog, i18n.titles):
        cached.cache_clear()


# --- new ----------------------------------------------------------------------------------------


def _refusal(exercise_id: str, functions: list[str]) -> str | None:
    if not devcheck.ID.match(exercise_id):
        return t("{id!r} is not an exercise id: write NN_name (two digits, an underscore, lowercase letters)", id=exercise_id)
    taken = {e.number: e.id for e in manifest.exercises()}
    if exercise_id in taken.values() or int(exercise_id[:2]) in taken:
        return t("{num} is taken by {other}; choose a free number", num=exercise_id[:2], other=taken[int(exercise_id[:2])])
    if exercise_id.split("_", 1)[1].startswith("test"):
        return t("the name must not start with 'test' (its module would be collected as a test file)")
    for path in (ROOT / "exercises" / exercise_id, ROOT / "solutions" / exercise_id):
        if path.exists():
            return t("{path} already exists", path=devcheck.rel(path))
    bad = [f for f in functions if not f.isidentifier() or keyword.iskeyword(f) or f.startswith("test")]
    if not functions or bad or len(set(functions)) != len(functions):
        return t("--functions {functions!r}: give Python names, each once, none starting with 'test'",
                 functions=",".join(functions))
    return None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _append(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8")
    _write(path, old + ("" if old.endswith("\n") else "\n") + text)


def _add_row(path: Path, number: int, row: str) -> bool:
    """Insert ``row`` into the exercise table of ``path``, in the order of the numbers."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
    rows = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := ROW.match(line))]
    if not rows:
        return False
    at = max((i + 1 for i, n in rows if n < number), default=rows[0][0])
    lines.insert(at, row + "\n")
    _write(path, "".join(lines))
    return True


def _steps(step: Template, values: dict, functions: list[str], then: str) -> str:
    """One lesson section per function, in the order of the stub; the last one sends to `kata check`."""
    return "".join(step.substitute(values, fn=fn, step=n, then=then if n == len(functions) else "")
                   for n, fn in enumerate(functions, 1))


def cmd_new(args) -> int:
    exercise_id, functions = args.exercise, [f.strip() for f in args.functions.split(",") if f.strip()]
    refusal = _refusal(exercise_id, functions)
    if refusal:
        raise KataError(t("dev new: {refusal}; nothing was written", refusal=refusal))
    name, num = exercise_id.split("_", 1)[1], exercise_id[:2]
    module = f"{name}.py"
    title, title_zh = args.title or "FILL IN: the title", args.title_zh or "待填写（FILL IN）：标题"
    v = {"id": exercise_id, "num": num, "module": module, "title": title, "title_zh": title_zh}
    tests = {fn: f"test_{fn}_gives_the_right_answer" for fn in functions}
    ex_dir, folder = ROOT / "exercises" / exercise_id, f"exercises/{exercise_id}"
    zh_dir = i18n.LOCALE_DIR / "zh"
    mistake = ROOT / "tests" / "mistakes" / exercise_id / f"{functions[0]}_mistake.py"
    alternative = ROOT / "tests" / "alternatives" / exercise_id / "another_way.py"

    _write(ex_dir / module, T.STUB.substitute(v) + "".join(
        T.STUB_FUNCTION.substitute(fn=fn, todo=devcheck.todo_message(exercise_id, fn, n)) for n, fn in enumerate(functions, 1)))
    _write(ex_dir / f"test_{name}.py", T.TESTS.substitute(v) + "\n\n".join(
        T.TEST_FUNCTION.substitute(fn=fn, step=n, test=tests[fn], mistake=T.MISTAKE_TEXT.substitute(fn=fn))
        for n, fn in enumerate(functions, 1)))
    _write(ROOT / "solutions" / exercise_id / module,
           T.SOLUTION.substitute(v) + "".join(T.SOLUTION_FUNCTION.substitute(fn=fn) for fn in functions))
    _write(ex_dir / "README.md", T.LESSON.substitute(v, steps=_steps(
        T.LESSON_STEP, v, functions, f", then `kata check {num}` for the whole exercise (`kata hint {num}` gives one hint at a time)")))
    _write(ex_dir / "README.zh.md", T.LESSON_ZH.substitute(v, steps=_steps(
        T.LESSON_STEP_ZH, v, functions, f"，然后用 `kata check {num}` 检查整个练习（`kata hint {num}` 一次给一条提示）")))
    _write(mistake, T.MISTAKE.substitute(v, fn=functions[0]))
    _write(alternative, T.ALTERNATIVE.substitute(v, fn=functions[0]))
    _write(zh_dir / f"{exercise_id}.toml", T.CATALOG.substitute(v) + "".join(
        f"{json.dumps(T.MISTAKE_TEXT.substitute(fn=fn))} = {json.dumps(T.MISTAKE_TEXT_ZH.substitute(fn=fn), ensure_ascii=False)}\n"
        for fn in functions))
    _append(zh_dir / "titles.toml", f"\n# {exercise_id}\n" + "".join(
        f"{tests[fn]} = {json.dumps(T.TITLE_ZH.substitute(fn=fn), ensure_ascii=False)}\n" for fn in functions))
    _append(ROOT / "kata" / "manifest.toml", T.MANIFEST.substitute(
        v, title_toml=json.dumps(title, ensure_ascii=False), title_zh_toml=json.dumps(title_zh, ensure_ascii=False),
        functions_toml=", ".join(json.dumps(fn) for fn in functions)) + "".join(T.HINTS.substitute(fn=fn) for fn in functions))
    rows = {readme: _add_row(ROOT / readme, int(num), template.substitute(v, cell=cell)) for readme, template, cell in (
        ("README.md", T.README_ROW, ", ".join(f"`{fn}`" for fn in functions)),
        ("README.zh.md", T.README_ROW_ZH, "、".join(f"`{fn}`" for fn in functions)))}
    _clear_caches()
    pristine.write_archive()

    todo = [
        (f"kata/manifest.toml [{exercise_id}]", t("title, title_zh, timeout; two or three rungs of hints per function "
         "(the idea, the API or shapes, a skeleton with ____), never a line of the solution")),
        (f"{folder}/{module}", t("each function's signature and docstring (its contract); keep each raise as it is")),
        (f"solutions/{exercise_id}/{module}", t("the reference solution, with the same signatures")),
        (f"{folder}/test_{name}.py", t("the checks: `expected` computed live, a fail(call, got, expected, t(mistake)) per "
         "likely mistake, more tests per function as needed; keep @pytest.mark.task(...)")),
        (f"kata/locale/zh/{exercise_id}.toml", t("the Chinese of every t(...) template the tests use")),
        ("kata/locale/zh/titles.toml", t("a Chinese title per graded test (rename them with the tests)")),
        (f"{folder}/README.md, README.zh.md", t("the lesson (see the lessons' style): a section per function with "
         "**Predict:**/**Check:**, the appendix; no line of the solution")),
        (devcheck.rel(mistake), t("a realistic wrong version, its CAUGHT_BY text; rename it after the mistake; add more")),
        (devcheck.rel(alternative), t("another correct way to write it (another API, another loop)")),
        ("README.md, README.zh.md", t("the table row's last column") if all(rows.values()) else
         t("add a row to the exercise table: {readmes} had none", readmes=listed(r for r, done in rows.items() if not done))),
    ]
    print(t("Wrote {id} ({functions}) and recorded its stub and tests in kata/shipped.zip.", id=exercise_id,
            functions=listed(functions)) + "\n")
    print(t("Fill in, file by file (every place says FILL IN):"))
    for path, what in todo:
        print(f"  {path}\n      {what}")
    print("\n" + t("Then: `python -m kata.course.pristine` after changing the stub or the tests, `kata dev check {num}` "
                   "(seconds), `kata dev verify {num}` (grades it).", num=num))
    return 0


# --- check --------------------------------------------------------------------------------------


def placeholders(exercise: manifest.Exercise) -> list[str]:
    """Files of the exercise that still say FILL IN, where `kata dev new` left something to write."""
    paths = [exercise.module_path(), exercise.module_path(solutions=True), exercise.lesson,
             exercise.folder() / "README.zh.md", *devcheck.test_files(exercise), *devcheck.mistakes(exercise.id),
             *devcheck.mistakes(exercise.id, "alternatives"), i18n.LOCALE_DIR / "zh" / f"{exercise.id}.toml"]
    found = [devcheck.rel(p) for p in paths if p.is_file() and "FILL IN" in p.read_text(encoding="utf-8")]
    if "FILL IN" in " ".join([exercise.title, exercise.title_zh, *(h.en for h in exercise.hints)]):
        found.append("kata/manifest.toml")
    for readme in ("README.md", "README.zh.md"):
        text = (ROOT / readme).read_text(encoding="utf-8") if (ROOT / readme).is_file() else ""
        if any(f"`exercises/{exercise.id}`" in line and "FILL IN" in line for line in text.splitlines()):
            found.append(readme)
    return found


def cmd_check(args) -> int:
    start = time.perf_counter()
    exercise = find_exercise(args.exercise) if args.exercise else None
    found = devcheck.problems(exercise)
    what = exercise.id if exercise else t("{n} exercises and the harness", n=len(manifest.exercises()))
    for problem in found:
        print(problem)
    left = {e.id: p for e in ([exercise] if exercise else manifest.exercises()) if (p := placeholders(e))}
    for exercise_id, files in left.items():
        print(t("note: {id} still says FILL IN in {files}", id=exercise_id, files=listed(files)))
    took = f"{time.perf_counter() - start:.1f}"
    if found:
        print(t("{n} problem(s) in {what} ({took} s).", n=len(found), what=what, took=took))
        return 1
    print(t("{what}: manifest, files, catalogs, titles, hints, stub TODOs, wrong versions, alternatives, "
            "shipped record and README tables agree ({took} s).", what=what, took=took))
    return 0


# --- verify -------------------------------------------------------------------------------------


def _grade(exercise, model: str, impl=None, task=None, solutions=False) -> grading.Report:
    """The exercise's graded tests in this process (the model stays loaded between runs), output kept."""
    args = grading.pytest_args(f"exercises/{exercise.id}", solutions=solutions, task=task, style=grading.QUIET_STYLE)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        report = grading.run_in_process(args, impl_file=impl, model=model, lang="en", warm_model=True)
    report.output = out.getvalue()
    return report


def _ran(report: grading.Report) -> set[str]:
    return {r.nodeid.split("/")[-1].split("[")[0] for r in report.results}


def _first_failure(report: grading.Report) -> str:
    failed = [r for r in report.results if not r.passed]
    return f"{failed[0].nodeid}: {failed[0].message}" if failed else report.output[-600:]


def verify(exercise: manifest.Exercise, model: str = "tiny") -> list[tuple[str, str, bool, str]]:
    """(what, result, holds, detail) for every claim `kata dev verify` proves."""
    rows, defined = [], devcheck.graded_test_names(exercise)
    stub_rel = devcheck.rel(exercise.module_path())
    with tempfile.TemporaryDirectory(prefix="kata-verify-") as tmp:
        try:
            stub = Path(tmp) / exercise.module
            stub.write_bytes(pristine.shipped_content(stub_rel))
            run = _grade(exercise, model, impl=stub)
            todo = [r for r in run.results if not r.passed and r.when == "call" and r.message.startswith("TODO:")]
            rows.append((t("the shipped stub fails every graded test"),
                         t("{n}/{total} fail with its TODO", n=len(todo), total=len(run.results)),
                         bool(run.results) and len(todo) == len(run.results) and _ran(run) == defined,
                         _first_failure(run) if len(todo) != len(run.results) else ""))
        except pristine.PristineError as error:
            rows.append((t("the shipped stub fails every graded test"), t("not recorded"), False,
                         t("{error}: run `python -m kata.course.pristine`", error=error)))
    run = _grade(exercise, model, solutions=True)
    tasks = {r.task for r in run.results}
    rows.append((t("the solution passes"), t("{n}/{total} pass", n=run.passed, total=len(run.results)),
                 run.all_passed and _ran(run) == defined and tasks == set(exercise.functions),
                 "" if run.all_passed else _first_failure(run)))
    for path in devcheck.mistakes(exercise.id):
        wanted, defines = devcheck.caught_by(path) or "", devcheck.replaced_functions(path, exercise.functions)
        run = _grade(exercise, model, impl=path, task=defines[0] if len(defines) == 1 else None)
        failed = [r for r in run.results if not r.passed]
        said = bool(wanted) and any(wanted in r.message for r in failed)
        result = t("{n} fail, naming {text!r}", n=len(failed), text=wanted) if said else t("{n} fail", n=len(failed))
        rows.append((t("wrong version {name}", name=path.name), result, said and len(defines) == 1,
                     "" if said else t("no failure says {text!r}: {failure}", text=wanted, failure=_first_failure(run))))
    for path in devcheck.mistakes(exercise.id, "alternatives"):
        run = _grade(exercise, model, impl=path)
        rows.append((t("alternative {name}", name=path.name), t("{n}/{total} pass", n=run.passed, total=len(run.results)),
                     run.all_passed, "" if run.all_passed else _first_failure(run)))
    left = placeholders(exercise)
    rows.append((t("nothing left to fill in"), t("FILL IN in {files}", files=listed(left)) if left else t("none"),
                 not left, ""))
    return rows


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def cmd_verify(args) -> int:
    exercise, start = find_exercise(args.exercise), time.perf_counter()
    rows = verify(exercise, args.model)
    width = max(cell_len(what) for what, *_ in rows)  # in terminal cells: a Chinese character takes two
    marks = {True: t("ok"), False: t("FAIL")}
    mark_width = max(cell_len(mark) for mark in marks.values())
    print(t("kata dev verify {id} (model: {model})", id=exercise.id, model=args.model))
    for what, result, holds, detail in rows:
        print(f"  {_pad(marks[holds], mark_width)}  {_pad(what, width)}  {result}")
        if detail:
            print("        " + detail.strip().replace("\n", "\n        ")[:1200])
    held = all(holds for _, _, holds, _ in rows)
    took = f"{time.perf_counter() - start:.0f}"
    print(t("all hold ({took} s)", took=took) if held else t("not all hold ({took} s)", took=took))
    return 0 if held else 1
