"""`kata check` and `kata notebook`: grade an exercise (a file or a notebook's cells) and record it;
grade the whole course against the reference solutions."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from kata.cli.ui import console, find_exercise, show_results, title_of
from kata.core.errors import KataError
from kata.course import manifest, pristine, state
from kata.course.manifest import Exercise
from kata.grading import run as grading
from kata.i18n import language, listed, t
from kata.plugin.adapters import relative
from kata.room import outbox as room_outbox


def run_graded(exercise: Exercise, solutions=False, model=None, impl_file=None, cancel=None) -> grading.Report:
    """Run the exercise's graded tests in a fresh interpreter, showing how far it has got."""
    with console.status(t("Grading {id}: loading the model...", id=exercise.id)) as status:
        def follow(event: dict) -> None:  # the run's typed events (kata.plugin.session.KataSession.emit)
            if event["event"] == "result":
                label = event["label"].get(language(), event["label"]["en"])
                status.update(t("Grading {id}: {count} tests done (last: {label})", id=exercise.id,
                                count=f"{event['done']}/{event['total']}", label=escape(label)))
            elif event["event"] == "model":  # the model being built, fetched or loaded
                console.print(f"[dim]{escape(event['text'].rstrip())}[/]")

        args = grading.pytest_args(exercise.folder(), solutions=solutions, model=model)
        return grading.run_subprocess(args, impl_file=impl_file, on_event=follow, env={"KATA_LANG": language()}, cancel=cancel)


def check(exercise: Exercise, solutions=False, model=None, impl_file=None, worker=None, show_all=False,
          cancel: threading.Event | None = None, shown_as: str | None = None, record: bool = True,
          source: str = "check") -> bool | None:
    """Grade, show the results and record progress (a notebook's cells count as the learner's work).

    True or False: passed or not; None: ``cancel`` was set before the grading finished. ``source``:
    what graded (check, watch or notebook), told to the workshop room if this course joined one.
    """
    return checked(exercise, solutions, model, impl_file, worker, show_all, cancel, shown_as, record, source)[0]


def checked(exercise: Exercise, solutions=False, model=None, impl_file=None, worker=None, show_all=False,
            cancel: threading.Event | None = None, shown_as: str | None = None,
            record: bool = True, source: str = "check") -> tuple[bool | None, grading.Report | None]:
    """``check``, and the report it showed (None: cancelled)."""
    what = t("the reference solutions") if solutions else t("your code")
    if impl_file:
        what = shown_as or relative(Path(impl_file))
    edited = announce(exercise, what)
    report = worker.check(exercise.folder(), timeout=600, cancel=cancel) if worker else None
    if report is None and not (cancel and cancel.is_set()):
        report = run_graded(exercise, solutions, model, impl_file, cancel)
    if cancel and cancel.is_set():
        return None, None
    return shown(exercise, report, edited, show_all, record, solutions, source), report


def announce(exercise: Exercise, what: str) -> list[str]:
    """The line that says what is graded, and a warning for its graded test files that were edited (returned)."""
    console.print(f"[bold]{t('Checking {id} ({title}) against {what}...', id=exercise.id, title=title_of(exercise), what=what)}[/]")
    edited = [f for f in pristine.edited_test_files() if f.startswith(f"exercises/{exercise.id}/")]
    if edited:
        console.print(f"[yellow]{t('These graded test files differ from the shipped ones, so their results prove nothing: {files}. `kata reset {id} --tests` restores them.', files=', '.join(edited), id=exercise.id)}[/]")
    return edited


def shown(exercise: Exercise, report: grading.Report, edited: list[str], show_all=False, record=True,
          solutions=False, source: str = "check") -> bool:
    """One exercise's results shown (and recorded as progress when ``record``); True if all pass and no graded
    test file was ``edited``. Last, once all is shown and saved, the workshop room's record is queued."""
    if not report.results:
        console.print(f"[red]{t('The tests did not run:')}[/]")
        console.print(escape("\n".join(report.output.strip().splitlines()[-15:])))
        return False
    mistakes = show_results(report, exercise.functions, show_all)
    if mistakes > 1:
        console.print(f"[yellow]{t('{n} distinct problems, each explained once above.', n=mistakes)}[/]")
    passed, total = report.passed, len(report.results)
    all_passed = report.all_passed and not edited
    if record:
        groups = grading.grouped(report.results, exercise.functions)
        stuck_on = groups[0][0].task if groups else None
        state.record_result(exercise.id, passed, total, solutions=solutions, stuck_on=stuck_on)
    if all_passed:
        console.print(f"[green bold]{t('{id}: all {total} graded tests pass.', id=exercise.id, total=total)}[/]")
    else:
        console.print(f"[red bold]{t('{id}: {passed}/{total} graded tests pass.', id=exercise.id, passed=passed, total=total)}[/]")
        console.print(t("Lesson: {lesson}. Stuck? `kata hint {id}`.", lesson=relative(exercise.lesson_in(language())), id=exercise.id))
    if record and not solutions and not edited:  # edited graded tests prove nothing: not the room's business
        # Queued on disk and handed to a separate sender: no network on this path (kata.room.outbox).
        room_outbox.after_result(exercise.id, report.results, exercise.functions, source)
    return all_passed


def grade_course(exercises: list[Exercise], model=None) -> tuple[grading.Report, dict[str, float]]:
    """Every exercise's graded tests against the reference solutions in ONE fresh interpreter (the model
    loaded once, in the course's order); the seconds each exercise's tests took, from the run's events
    (the first exercise's include loading the model)."""
    seconds = dict.fromkeys((e.id for e in exercises), 0.0)
    with console.status(t("Grading the course: loading the model...")) as status:
        def follow(event: dict) -> None:
            if event["event"] == "result":  # its seconds: since the previous result, inside the run
                seconds[event["exercise"]] = seconds.get(event["exercise"], 0.0) + event["seconds"]
                label = event["label"].get(language(), event["label"]["en"])
                status.update(t("Grading the course: {count} tests done (last: {label})",
                                count=f"{event['done']}/{event['total']}", label=escape(label)))
            elif event["event"] == "model":
                console.print(f"[dim]{escape(event['text'].rstrip())}[/]")

        args = grading.pytest_args([e.folder() for e in exercises], solutions=True, model=model)
        report = grading.run_subprocess(args, on_event=follow, env={"KATA_LANG": language()})
    return report, seconds


def check_course(model=None, show_all=False) -> int:
    """Every exercise against the reference solutions, graded in one run, shown one after another, then a
    summary table; 0 only if all pass. Nothing is recorded: the solutions are not the learner's progress."""
    exercises = manifest.exercises()
    report, seconds = grade_course(exercises, model)
    rows, failed = [], []
    for exercise in exercises:
        edited = announce(exercise, t("the reference solutions"))
        results = [r for r in report.results if r.exercise == exercise.id]
        code = report.exit_code  # the run's; for this exercise alone, 1 ("some failed") only if one of its own did
        if code in (0, 1):
            code = 0 if all(r.passed for r in results) else 1
        mine = dataclasses.replace(report, results=results, exit_code=code)
        passed = shown(exercise, mine, edited, show_all, record=False)
        rows.append((exercise.id, f"{sum(r.passed for r in results)}/{len(results)}", f"{seconds[exercise.id]:.1f}",
                     passed))
        if not passed:
            failed.append(exercise.id)
        console.print()
    table = Table(title=t("The course against the reference solutions"), title_justify="left", show_edge=False)
    for n, column in enumerate((t("exercise"), t("passed"), t("seconds"))):
        table.add_column(column, justify="left" if n == 0 else "right")
    for exercise_id, count, took, passed in rows:
        table.add_row(exercise_id, f"[{'green' if passed else 'red'}]{count}[/]", took)
    console.print(table)
    if failed:
        console.print(f"[red bold]{t('{n} of {total} exercises fail against the reference solutions: {ids}.', n=len(failed), total=len(rows), ids=listed(failed))}[/]")
        return 1
    console.print(f"[green bold]{t('All {total} exercises pass against the reference solutions.', total=len(rows))}[/]")
    return 0


def cmd_check(args) -> int:
    impl_file, shown_as, counts = None, None, True
    chosen = os.environ.get("KATA_IMPL_FILE")  # the same variable pytest honours: grade that file, and say so
    if chosen and (args.notebook or args.solutions):
        raise KataError(t("KATA_IMPL_FILE={file} and {other} both choose the code to grade; use one of them (unset KATA_IMPL_FILE to grade your own file).", file=chosen, other="--notebook" if args.notebook else "--solutions"))
    if args.solutions and args.exercise is None and not args.notebook:
        return check_course(args.model, args.all)  # the reference has no "first not done": grade them all
    exercise = find_exercise(args.exercise)
    if args.notebook:
        from kata.cli import notebooks

        impl_file = notebooks.extract_to_module(Path(args.notebook), exercise)
        shown_as = relative(Path(args.notebook))
    elif chosen:
        impl_file, counts = Path(chosen), False  # someone else's file says nothing about this learner's progress
        shown_as = t("{file} (named by KATA_IMPL_FILE)", file=relative(Path(chosen).resolve()))
    passed = check(exercise, args.solutions, args.model, impl_file, show_all=args.all, shown_as=shown_as, record=counts,
                   source="notebook" if args.notebook else "check")
    return 0 if passed else 1


def cmd_notebook(args) -> int:
    from kata.cli import notebooks

    exercise = find_exercise(args.exercise)
    path = notebooks.write(exercise, Path(args.out) if args.out else None, force=args.force)
    console.print(t("Wrote {path}, starting from your current {file} (your work so far is in it). Open it in Jupyter; its last cell grades it (or `kata check {id} --notebook {path}`).", path=relative(path), id=exercise.id, file=relative(exercise.module_path())))
    return 0
