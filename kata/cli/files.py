"""`kata list`, `hint`, `solution`, `reset` and `restore`: progress, help, and the learner's files."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from kata.cli.ui import console, find_exercise, first_not_done, title_of
from kata.core.errors import KataError
from kata.course import manifest, pristine, state
from kata.course.manifest import ROOT, Exercise
from kata.i18n import language, pick, t
from kata.plugin.adapters import relative


def cmd_list(args) -> int:
    data = state.load()
    if getattr(args, "json", False):
        # print, not the console: no colour codes and no wrapping, whatever the terminal.
        print(json.dumps(progress(data), indent=1, ensure_ascii=False))
        return 0
    table = Table(title=t("llm-kata: how a transformer LLM really runs"), title_justify="left", show_edge=False)
    for column in (t("exercise"), t("title"), t("status")):
        table.add_column(column)
    table.add_column(t("your file"), overflow="fold")
    style = {state.DONE: "green", state.FAILING: "red", state.NOT_STARTED: "dim"}
    done = 0
    for exercise in manifest.exercises():
        status = state.status(exercise.id, data)
        done += status == state.DONE
        title = title_of(exercise)
        record = data.get("exercises", {}).get(exercise.id, {})
        shown = {state.DONE: t("done"), state.FAILING: t("failing"), state.NOT_STARTED: t("not started")}[status] + (f" ({record['passed']}/{record['total']})" if status == state.FAILING else "")
        table.add_row(exercise.id, title, f"[{style[status]}]{shown}[/]", relative(exercise.module_path()))
    console.print(table)
    total = len(manifest.exercises())
    console.print(t("{done}/{total} exercises done", done=done, total=total))
    if done == total:
        console.print(f"[green]{t('All exercises pass. Well done!')}[/]")
    else:
        nxt = first_not_done()
        console.print(t("Next: {id}: edit {file}, lesson {lesson}, then `kata check {id}`.", id=nxt.id, file=relative(nxt.module_path()), lesson=relative(nxt.lesson_in(language()))))
    return 0


def progress(data: dict) -> dict:
    """Every exercise's status for a program (`kata list --json`); passed and total are None until graded."""
    rows = []
    for exercise in manifest.exercises():
        record = data.get("exercises", {}).get(exercise.id, {})
        rows.append({"id": exercise.id, "title": exercise.title, "title_zh": exercise.title_zh,
                     "status": state.status(exercise.id, data), "passed": record.get("passed"),
                     "total": record.get("total"), "file": Path(relative(exercise.module_path())).as_posix(),
                     "lesson": Path(relative(exercise.lesson_in(language()))).as_posix()})
    return {"exercises": rows, "done": sum(row["status"] == state.DONE for row in rows), "total": len(rows)}


def stuck_on(exercise: Exercise) -> str:
    """The function the learner needs help with: the first that failed in the last check, else the first."""
    record = state.result(exercise.id) or {}
    name = record.get("stuck_on")
    return name if name in exercise.functions else exercise.functions[0]


def show_hint(exercise: Exercise, function: str | None = None) -> None:
    """The next rung of hints for one function: the idea first, then the API or shapes, then a skeleton."""
    function = function or stuck_on(exercise)
    rungs = exercise.hints_for(function) or exercise.hints_for("")
    index = state.next_hint_index(exercise.id, function)
    if index >= len(rungs):
        console.print(t("That was the last hint for {function}() in {id}. The lesson is {lesson}; `kata hint {id} --function NAME` gives another function's hints.", id=exercise.id, function=function, lesson=relative(exercise.lesson_in(language()))))
        for n, hint in enumerate(rungs, 1):
            console.print(f"  {n}. {escape(pick(hint.en, hint.zh))}")
        return
    hint = rungs[index]
    console.print(f"[bold]{t('Hint {n}/{total} for {function}() in {id}:', n=index + 1, total=len(rungs), id=exercise.id, function=function)}[/]")
    console.print("  " + escape(pick(hint.en, hint.zh)))
    state.hint_shown(exercise.id, function, index + 1)


def cmd_hint(args) -> int:
    exercise = find_exercise(args.exercise)
    function = getattr(args, "function", None)
    if function and function not in exercise.functions:
        raise KataError(t("{id} has no function {function}; its functions are {functions}", function=function, id=exercise.id, functions=", ".join(exercise.functions)))
    show_hint(exercise, function)
    return 0


def cmd_solution(args) -> int:
    from rich.syntax import Syntax

    exercise = find_exercise(args.exercise)
    if state.status(exercise.id) != state.DONE and not args.force:
        console.print(f"[yellow]{t('{id} is not done yet: the solution opens once `kata check {id}` passes (instructors: --force).', id=exercise.id)}[/]")
        return 1
    path = exercise.module_path(solutions=True)
    if getattr(args, "apply", False):
        return apply_solution(exercise)
    console.print(f"[bold]{relative(path)}[/]")
    # word_wrap: a long line wraps in a narrow terminal instead of being cut off.
    console.print(Syntax(path.read_text(encoding="utf-8"), "python", line_numbers=True, word_wrap=True))
    return 0


def apply_solution(exercise: Exercise) -> int:
    """Copy the reference over the learner's file (a demo), saved first as reset saves it, with its
    result: `kata restore` brings both back."""
    module, reference = exercise.module_path(), exercise.module_path(solutions=True)
    content = reference.read_bytes()  # read first: never back up and then fail
    saved = backup(module, exercise, state.result(exercise.id)) if module.exists() else None
    module.write_bytes(content)
    state.forget_result(exercise.id)  # changed outside a check: the last result no longer holds
    console.print(t("Copied {solution} over {file}; `kata check {id}` grades it.", solution=relative(reference), file=relative(module), id=exercise.id))
    if saved:
        console.print(t("Your version is saved at {backup}; `kata restore {id}` brings it back, with its status.", backup=relative(saved), id=exercise.id))
    return 0


def backups_folder(exercise: Exercise) -> Path:
    return state.STATE_DIR / "backups" / exercise.id


def backup(path: Path, exercise: Exercise, record: dict | None = None) -> Path:
    """Save ``path`` under .kata/backups/; ``record``, the exercise's result for this file, beside it."""
    folder = backups_folder(exercise)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while target.exists():
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
        n += 1
    target.write_bytes(path.read_bytes())
    if record is not None:
        _record_file(target).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return target


def _record_file(saved: Path) -> Path:
    return saved.with_name(saved.name + ".json")  # logits-20250101-120000.py.json


def saved_record(saved: Path) -> dict | None:
    """The result the backed-up file had when it was saved (None: none, or unreadable)."""
    try:
        record = json.loads(_record_file(saved).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("status") in (state.DONE, state.FAILING) else None


def cmd_reset(args) -> int:
    exercise = find_exercise(args.exercise)
    if args.tests:
        files = [f for f in pristine.shipped_record() if f.startswith(f"exercises/{exercise.id}/test_")]
    else:
        files = [relative(exercise.module_path())]
    if not args.yes:
        if not sys.stdin.isatty():
            raise KataError(t("reset replaces {files}; run it with --yes to confirm", files=", ".join(files)))
        if input(t("Replace {file} with the original stub? Your version is saved first. [y/N] ", file=", ".join(files))).strip().lower() not in ("y", "yes", "是"):
            console.print(t("Nothing changed."))
            return 1
    record = None if args.tests else state.result(exercise.id)  # restore gives it back with the file
    for rel in files:
        content = pristine.shipped_content(rel)  # fetch first: never back up and then fail
        path = ROOT / rel
        saved = backup(path, exercise, record) if path.exists() else None
        path.write_bytes(content)
        if saved:
            console.print(t("Restored {file}. Your version is saved at {backup} (`kata restore {id}` brings it back).", file=rel, backup=relative(saved), id=exercise.id))
    if not args.tests:
        state.forget_result(exercise.id)  # the stub fails again: the exercise is not done any more
    return 0


def cmd_restore(args) -> int:
    """Bring back the newest backup that reset made, with the result it had (the current file is
    backed up first, with its own)."""
    exercise = find_exercise(args.exercise)
    module = exercise.module_path()
    saved = sorted(backups_folder(exercise).glob(f"{module.stem}-*{module.suffix}"), key=lambda p: p.stat().st_mtime)
    if not saved:
        raise KataError(t("there is no backup of {id} to restore (`kata reset {id}` makes one)", id=exercise.id))
    newest = saved[-1]
    record = saved_record(newest)
    current = backup(module, exercise, state.result(exercise.id)) if module.exists() else None
    module.write_bytes(newest.read_bytes())
    newest.unlink()  # restored: the next restore goes one further back
    _record_file(newest).unlink(missing_ok=True)
    console.print(t("Restored {file} from {backup}.", file=relative(module), backup=relative(newest)))
    if current:
        console.print(t("The file it replaced is saved at {backup}.", backup=relative(current)))
    state.put_result(exercise.id, record)  # the status this file had; none if it was never graded
    return 0
