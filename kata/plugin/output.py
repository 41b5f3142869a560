"""The learner-facing half of the course's pytest plugin: short failure messages, the summary
with the next step, a typed event per finished graded test, and the typed report (kata.core.report)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kata import i18n
from kata.core.deadline import GradedTestTimeout
from kata.core.report import TestResult, explanation_id
from kata.course import manifest
from kata.i18n import language, t
from kata.plugin import adapters
from kata.plugin.session import TIME_LIMIT, hang_explanation, is_graded, state_of, task_of


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Record the messages a graded test renders: they name its explanation and translate it."""
    if not is_graded(item):
        return (yield)
    i18n.start_recording()
    try:
        return (yield)
    finally:
        i18n.stop_recording()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not is_graded(item):
        return report
    explanation = ""
    if report.skipped:
        # A graded test must pass or fail: a skip (say, pytest.skip in learner code) would
        # look like progress without proving anything.
        report.outcome = "failed"
        report.longrepr = t("graded tests cannot be skipped: this test was skipped, so it counts as failed.")
        explanation = explanation_id("skipped")
    elif report.failed and call.excinfo is not None:
        friendly, explanation = _learner_facing(item, call.excinfo)
        if friendly:
            report.longrepr = friendly
        cause = _failed_piece(item) if call.when == "call" else None  # a setup failure (the file) is its own
        if cause is not None and not explanation.startswith(("hang:", "todo:")) and explanation != cause.explanation:
            # A test of several functions together fails because one of them does: say that, and
            # count it as that function's mistake, explained once.
            report.longrepr = t("this test uses `{task}`, which fails its own test above ({label}): fix `{task}` first; "
                                "this test runs again on the next check.", task=cause.task, label=cause.label_in(language()))
            explanation = cause.explanation
    if call.when == "call" or (report.failed and call.when == "setup"):
        state = state_of(item.config)
        message = report.longreprtext[-2000:] if report.failed else ""
        result = TestResult(
            nodeid=item.nodeid,
            exercise=Path(item.path).parent.name,
            task=task_of(item),
            outcome=report.outcome,
            when=call.when,
            message=message,
            explanation=explanation or (_explanation_of_message(item, message) if message else ""),
            messages=_in_every_language(message),
        )
        first = next((r for r in state.results if not r.passed and r.explanation == result.explanation), None)
        state.results.append(result)
        if first is not None:  # one mistake, explained once: pytest's own report names the first
            report.longrepr = t("the same mistake as {label} (explained above): {line}",
                                label=first.label_in(language()), line=message.strip().splitlines()[0] if message.strip() else "")
        now = time.monotonic()
        seconds, state.clock = now - state.clock, now  # this test's time, with whatever set it up
        state.emit("result", done=len(state.results), total=state.graded_total, outcome=result.outcome,
                   exercise=result.exercise, seconds=seconds,
                   label={lang: result.label_in(lang) for lang in i18n.LANGUAGES})
    return report


def _failed_piece(item) -> TestResult | None:
    """The first failed test of a function this test is built from (``task(..., uses=...)``), if any ran."""
    marker = item.get_closest_marker("task")
    uses = [name for name in (marker.kwargs.get("uses", ()) if marker else ()) if name != task_of(item)]
    if not uses:
        return None
    same_exercise = Path(item.path).parent.name
    return next((r for r in state_of(item.config).results
                 if not r.passed and r.task in uses and r.exercise == same_exercise), None)


def _explanation_of_message(item, message: str) -> str:
    template = i18n.template_of(message) or message.strip().splitlines()[0]
    return explanation_id(getattr(item, "originalname", item.name), template)


def _in_every_language(message: str) -> dict[str, str]:
    if not message:
        return {}
    calls = i18n.recorded()
    return {lang: i18n.translated(message, calls, lang) for lang in i18n.LANGUAGES}


def _learner_facing(item, excinfo) -> tuple[str | None, str]:
    """A short message for a failure that came from learner code, instead of a deep traceback,
    and the id of the explanation it gives (kata.core.report.explanation_id)."""
    exercise = manifest.for_test_file(item.path)
    if excinfo.errisinstance(NotImplementedError):  # named after the stub function that raised it
        function = _unwritten_function(item, exercise, excinfo)
        return f"TODO: {_todo(exercise, function, str(excinfo.value))}", explanation_id(f"todo:{function}")
    template = getattr(excinfo.value, "kata_template", None)
    if template:  # a graded check recognised the mistake (kata.testkit.checks.fail)
        return None, explanation_id("mistake", template)
    if getattr(excinfo.value, "kata_explanation", None):  # the harness's own failures name theirs
        return None, excinfo.value.kata_explanation
    impl = adapters.implementation_path(exercise, state_of(item.config).solutions, state_of(item.config).impl_file) if exercise else None
    frames = [e for e in excinfo.traceback if impl and Path(str(e.path)) == impl]
    where = ""
    if frames:
        line, statement = frames[-1].lineno + 1, str(frames[-1].statement).strip()
        where = t("\n  while running {relative}, line {line}: {statement}", relative=adapters.relative(impl), line=line, statement=statement)
    message = str(excinfo.value)
    if isinstance(excinfo.value, GradedTestTimeout):
        state_of(item.config).timed_out.add((exercise, task_of(item)))
        limit, whose = item.stash.get(TIME_LIMIT, "?"), exercise.id if exercise else "this exercise"
        return t("this test did not finish within {limit} s, the time limit of {whose}{where}\n  likely cause: a loop "
                 "that never stops (no stop at eos or at max_new_tokens?) or one that recomputes far more than it needs.",
                 limit=limit, whose=whose, where=where or t(".")), hang_explanation(item)
    if excinfo.errisinstance((AssertionError, pytest.fail.Exception)) or not frames:
        # The test's own message, or a failure outside learner code: pytest's output.
        return None, ""  # named from the message the report holds
    raised = explanation_id(f"raised:{excinfo.typename}:{adapters.relative(impl)}:{frames[-1].lineno + 1}")
    return t("your code raised {typename}: {message}{where}", typename=excinfo.typename, message=message, where=where), raised


# What is left to write, as a stub's NotImplementedError says it (kata dev new writes stubs with it).
TODO = "{exercise}: implement {function}() — see {folder}README.md, step {step}"


def _unwritten_function(item, exercise, excinfo) -> str:
    """The exercise function a NotImplementedError came from: the frame that raised it, or for a
    class's method its class (StaticKVCache.__init__ is StaticKVCache), else the test's task."""
    frame = excinfo.traceback[-1]
    functions = exercise.functions if exercise else []
    if frame.name in functions:
        return frame.name
    owner = frame.frame.f_locals.get("self", frame.frame.f_locals.get("cls"))
    owner = owner if isinstance(owner, type) else type(owner) if owner is not None else None
    if owner is not None and owner.__name__ in functions:
        return owner.__name__
    return task_of(item) or frame.name


def _todo(exercise, function: str, message: str) -> str:
    """What is left to write, told from the manifest (never parsed from the stub's text), with the
    lesson in the learner's language; a NotImplementedError that is not a stub's keeps its text."""
    if exercise is None or function not in exercise.functions:
        return message
    # The catalog names the lesson of each language (README.md, README.zh.md), so the report's two
    # renderings of this message each point to their own.
    return t(TODO, exercise=exercise.id, function=function,
             folder=f"exercises/{exercise.id}/", step=exercise.functions.index(function) + 1)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    state_of(session.config).finish()  # the typed report, whether or not a terminal shows the summary


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state = state_of(config)
    if not state.results:
        return
    failed = [r for r in state.results if not r.passed]
    by_exercise: dict[str, list[TestResult]] = {}
    for r in state.results:
        by_exercise.setdefault(r.exercise, []).append(r)
    terminalreporter.section("llm-kata")
    for exercise_id, results in by_exercise.items():
        passed = sum(r.passed for r in results)
        terminalreporter.write_line(t("{exercise_id}: {passed}/{len} graded tests pass", exercise_id=exercise_id, passed=passed, len=len(results)))
    if failed:
        first = failed[0]
        try:
            exercise = manifest.find(first.exercise)
        except KeyError:
            return
        where = adapters.relative(adapters.implementation_path(exercise, state.solutions, state.impl_file))
        lesson = adapters.relative(exercise.lesson_in(language()))
        task = t("`{task}` in {where}", task=first.task, where=where) if first.task else where
        terminalreporter.write_line(t("Next: {task}. Lesson: {lesson}. Stuck? `kata hint {id}`.", task=task,
                                      lesson=lesson, id=exercise.id))
    if state.resolved and state.resolved.note:
        terminalreporter.write_line(t("Note: {note}", note=state.resolved.note))
    from kata.course import pristine

    edited = [f for f in pristine.edited_test_files() if f.split("/")[1] in by_exercise]
    if edited:
        ids = sorted({f.split("/")[1] for f in edited})
        resets = " ".join(f"`kata reset {i} --tests`" for i in ids)
        terminalreporter.write_line(t("Warning: edited graded tests ({join}): these results prove nothing. {resets} restores the shipped ones.", join=', '.join(edited), resets=resets), yellow=True)
