"""The pytest side of the course: options, the shared model fixtures, and learner-facing output.

Registered by the root ``conftest.py``. Graded tests are the ``test_*.py`` files inside
``exercises/NN_name/``; everything here that changes output or adds limits touches only them.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest

from kata import adapters, grading, manifest, models, timeouts

_TIME_LIMIT = pytest.StashKey[float]()

_GRADED_ROOT = manifest.EXERCISES_DIR


def pytest_addoption(parser):
    group = parser.getgroup("llm-kata")
    group.addoption(
        "--model",
        default=None,
        help="auto (default: real Qwen if cached or downloadable, else the offline stand-in), "
        "qwen, tiny, or a model directory. Also KATA_MODEL.",
    )
    group.addoption(
        "--solutions",
        action="store_true",
        default=False,
        help="grade the reference solutions instead of your exercises (instructors). Also KATA_SOLUTIONS=1.",
    )
    group.addoption(
        "--task",
        default=None,
        help="grade only the tests of one function of the exercise, e.g. --task greedy_generate.",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "task(name): the exercise function a graded test checks")
    config.addinivalue_line("markers", "graded: a learner-facing test inside exercises/")
    config._kata = _SessionState(
        solutions=adapters.solutions_requested(config.getoption("--solutions")),
        model_spec=models.requested_spec(config.getoption("--model")),
    )
    try:  # before the test modules import torch: fail fast, or let the probe overlap the import
        models.check_available_early(config._kata.model_spec)
    except models.ModelUnavailable as error:
        raise pytest.UsageError(str(error)) from None


class _SessionState:
    def __init__(self, solutions: bool, model_spec: str):
        self.solutions = solutions
        self.model_spec = model_spec
        self.resolved: models.ResolvedModel | None = None
        self.loaded = None  # (model, tokenizer, device)
        self.guard = None  # kata.guard.ModelGuard, once the model is loaded
        self.results: list[grading.TestResult] = []


def _state(config) -> _SessionState:
    return config._kata


def _is_graded(item) -> bool:
    return Path(item.path).resolve().is_relative_to(_GRADED_ROOT)


def pytest_collection_modifyitems(config, items):
    only_task = config.getoption("--task")
    if only_task:  # graded tests of other functions are left out, as with -k
        keep = [i for i in items if not _is_graded(i) or _task_of(i) == only_task]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
    for item in items:
        if not _is_graded(item):
            continue
        item.add_marker(pytest.mark.graded)
        exercise = manifest.for_test_file(item.path)
        if exercise and item.get_closest_marker("timeout") is None:
            # KATA_TIMEOUT overrides the manifest's limit (e.g. a slow machine, or the project's own tests).
            limit = float(os.environ.get("KATA_TIMEOUT") or exercise.timeout)
            item.stash[_TIME_LIMIT] = limit
            if timeouts.method() == "signal":
                item.add_marker(pytest.mark.timeout(limit))


def _task_of(item) -> str | None:
    marker = item.get_closest_marker("task")
    return marker.args[0] if marker and marker.args else None


def pytest_report_header(config):
    state = _state(config)
    what = "reference solutions (solutions/)" if state.solutions else "your code (exercises/)"
    return [f"llm-kata: grading {what}; model: {state.model_spec}"]


def _needs_model(items) -> bool:
    return any({"model", "tokenizer", "model_id", "kata_model"} & set(getattr(i, "fixturenames", ())) for i in items)


def pytest_collection_finish(session):
    """Resolve (and build or download) the model before any test runs, outside test time limits."""
    if not _needs_model(session.items):
        return
    state = _state(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter else print
    capture = session.config.pluginmanager.get_plugin("capturemanager")
    try:
        # Output is not captured here, so a first download shows its progress bars as it goes.
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            state.resolved = models.resolve(state.model_spec, log=say)
    except models.ModelUnavailable as error:
        raise pytest.UsageError(str(error)) from None
    start = time.perf_counter()
    model = _load(state)[0]
    say(f"llm-kata model: {state.resolved.describe(model)}, loaded in {time.perf_counter() - start:.1f} s")
    if state.resolved.note:
        say(f"llm-kata note: {state.resolved.note}")


# `kata watch` grades in one long-lived process (kata.worker, which sets KATA_WARM_MODEL=1):
# there the model is loaded once and reused by every session. The guard restores it after any
# test that changed it.
_warm: dict[str, tuple] = {}


def _load(state: _SessionState):
    from kata.guard import ModelGuard  # imports torch: only once a model is needed

    key = str(state.resolved.path)
    keep_model_warm = os.environ.get("KATA_WARM_MODEL") == "1"
    if keep_model_warm and key in _warm:
        model, tokenizer = _warm[key]
    else:
        model, tokenizer = models.load(state.resolved)
        if keep_model_warm:
            _warm[key] = (model, tokenizer)
    state.loaded = (model, tokenizer, next(model.parameters()).device)
    state.guard = ModelGuard(model, tokenizer, state.resolved.path)
    return state.loaded


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After each graded test, make sure learner code left the shared model as it found it."""
    if not _is_graded(item):
        return (yield)
    guard = _state(item.config).guard
    limit = item.stash.get(_TIME_LIMIT, None) if timeouts.method() == "async" else None
    try:
        with timeouts.deadline(limit) if limit else contextlib.nullcontext():
            return (yield)
    finally:
        changes = guard.changes() if guard else []
        if changes:
            guard.restore()
            pytest.fail(
                "your code changed the shared model, which every test uses:\n  - "
                + "\n  - ".join(changes)
                + "\nIt has been restored for the next tests. Work on copies (tensor.clone(), "
                "copy.deepcopy) and pass options as arguments instead of editing the model.",
                pytrace=False,
            )


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def kata_model(request):
    state = _state(request.config)
    if state.loaded is None:  # e.g. a test that asks for the model indirectly
        state.resolved = models.resolve(state.model_spec)
        _load(state)
    return state.loaded


@pytest.fixture(scope="session")
def model(kata_model):
    return kata_model[0]


@pytest.fixture(scope="session")
def tokenizer(kata_model):
    return kata_model[1]


@pytest.fixture(scope="session")
def device(kata_model):
    return kata_model[2]


@pytest.fixture(scope="session")
def model_id(request, kata_model):
    """What ``from_pretrained`` takes for the model in use: always a local directory."""
    return str(_state(request.config).resolved.path)


@pytest.fixture
def impl(request):
    """The module under test for the exercise this test file belongs to."""
    exercise = manifest.for_test_file(request.path)
    if exercise is None:
        raise RuntimeError(f"{request.path} is not inside an exercise folder listed in kata/manifest.toml")
    try:
        return adapters.load_implementation(exercise, _state(request.config).solutions)
    except adapters.ImplementationError as error:
        pytest.fail(str(error), pytrace=False)


# --- learner-facing reporting ---------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not _is_graded(item):
        return report
    if report.skipped:
        # A graded test must pass or fail: a skip (say, pytest.skip in learner code) would
        # look like progress without proving anything.
        report.outcome = "failed"
        report.longrepr = "graded tests cannot be skipped: this test was skipped, so it counts as failed."
    elif report.failed and call.excinfo is not None:
        friendly = _learner_facing(item, call.excinfo)
        if friendly:
            report.longrepr = friendly
    if call.when == "call" or (report.failed and call.when == "setup"):
        _state(item.config).results.append(grading.TestResult(
            nodeid=item.nodeid,
            exercise=Path(item.path).parent.name,
            task=_task_of(item),
            outcome=report.outcome,
            when=call.when,
            message=report.longreprtext[-2000:] if report.failed else "",
        ))
    return report


def _learner_facing(item, excinfo) -> str | None:
    """A short message for a failure that came from learner code, instead of a deep traceback."""
    if excinfo.errisinstance(NotImplementedError):
        return f"TODO: {excinfo.value}"
    exercise = manifest.for_test_file(item.path)
    impl = adapters.implementation_path(exercise, _state(item.config).solutions) if exercise else None
    frames = [e for e in excinfo.traceback if impl and Path(str(e.path)) == impl]
    where = ""
    if frames:
        where = f"\n  while running {adapters.relative(impl)}, line {frames[-1].lineno + 1}: {str(frames[-1].statement).strip()}"
    message = str(excinfo.value)
    if message.startswith("Timeout (>"):
        return (
            f"this test did not finish within {item.stash.get(_TIME_LIMIT, '?')} s, the time limit of "
            f"{exercise.id if exercise else 'this exercise'}{where or '.'}\n  likely cause: a loop that never "
            "stops (no stop at eos or at max_new_tokens?) or one that recomputes far more than it needs."
        )
    if excinfo.errisinstance((AssertionError, pytest.fail.Exception)) or not frames:
        return None  # the test's own message, or a failure outside learner code: pytest's output
    return f"your code raised {excinfo.typename}: {message}{where}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state = _state(config)
    if not state.results:
        return
    _write_report(state)
    failed = [r for r in state.results if not r.passed]
    by_exercise: dict[str, list[grading.TestResult]] = {}
    for r in state.results:
        by_exercise.setdefault(r.exercise, []).append(r)
    terminalreporter.section("llm-kata")
    for exercise_id, results in by_exercise.items():
        passed = sum(r.passed for r in results)
        terminalreporter.write_line(f"{exercise_id}: {passed}/{len(results)} graded tests pass")
    if failed:
        first = failed[0]
        try:
            exercise = manifest.find(first.exercise)
        except KeyError:
            return
        where = adapters.relative(exercise.module_path(state.solutions))
        task = f"`{first.task}` in " if first.task else ""
        terminalreporter.write_line(
            f"Next: {task}{where}. Lesson: {adapters.relative(exercise.lesson)}. "
            f"Stuck? `kata hint {exercise.id}`."
        )
    if state.resolved and state.resolved.note:
        terminalreporter.write_line(f"Note: {state.resolved.note}")
    from kata import pristine

    edited = [f for f in pristine.edited_test_files() if f.split("/")[1] in by_exercise]
    if edited:
        ids = sorted({f.split("/")[1] for f in edited})
        terminalreporter.write_line(
            f"Warning: edited graded tests ({', '.join(edited)}): these results prove nothing. "
            + " ".join(f"`kata reset {i} --tests`" for i in ids) + " restores the shipped ones.", yellow=True)


def _write_report(state: _SessionState) -> None:
    grading.write_report(grading.Report(
        solutions=state.solutions,
        model=state.resolved.source if state.resolved else None,
        results=list(state.results),
    ))
