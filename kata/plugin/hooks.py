"""The pytest side of the course: options, the shared model fixtures, and learner-facing output.

Registered by the root ``conftest.py``. Graded tests are the ``test_*.py`` files inside
``exercises/NN_name/``; everything here that changes output or adds limits touches only them.
"""

from __future__ import annotations

import contextlib
import os
import time

import pytest

from kata import i18n
from kata.core import deadline
from kata.course import manifest, versions
from kata.i18n import t
from kata.model import resolve as models
from kata.plugin import adapters
from kata.plugin.session import SESSION, TIME_LIMIT, KataSession, hang_explanation, is_graded, state_of, task_of


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
    config.addinivalue_line("markers", "task(name, uses=()): the exercise function a graded test checks, and the "
                            "exercise's other functions it is built from (when one of them already failed its own test, "
                            "this failure is reported as that mistake)")
    config.addinivalue_line("markers", "graded: a learner-facing test inside exercises/")
    # The plugin object a caller handed to pytest.main, else one built from the environment.
    state = next((p for p in config.pluginmanager.get_plugins() if isinstance(p, KataSession)), None)
    state = state or KataSession.from_environment()
    state.solutions = state.solutions or config.getoption("--solutions")
    state.model_spec = models.requested_spec(config.getoption("--model") or state.model_spec)
    config.stash[SESSION] = state
    if state.lang:
        state.previous_lang = i18n.choose_language(state.lang)
    two_choices = adapters.selection_problem(state.solutions, state.impl_file)
    if two_choices:
        raise pytest.UsageError(two_choices)
    outside = versions.problems()
    if outside and os.environ.get("KATA_SKIP_VERSION_CHECK") != "1":
        raise pytest.UsageError("this environment is outside the versions the course runs on:\n  - "
                                + "\n  - ".join(outside) + "\n(KATA_SKIP_VERSION_CHECK=1 runs anyway, at your own risk.)")
    try:  # before the test modules import torch: fail fast, or let the probe overlap the import
        models.check_available_early(state.model_spec)
    except models.ModelUnavailable as error:
        raise pytest.UsageError(str(error)) from None


def pytest_collection_modifyitems(config, items):
    only_task = config.getoption("--task")
    if only_task:  # graded tests of other functions are left out, as with -k
        keep = [i for i in items if not is_graded(i) or task_of(i) == only_task]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
    for item in items:
        if not is_graded(item):
            continue
        item.add_marker(pytest.mark.graded)
    items[:] = sorted(items, key=_course_order)  # stable: tests of one function keep their file order


def _course_order(item) -> tuple:
    """Graded tests run exercise by exercise, in the order of each exercise's functions (so a test of
    several functions runs after the tests of the pieces it uses); other tests keep their place."""
    exercise = manifest.for_test_file(item.path) if is_graded(item) else None
    if exercise is None:
        return (0, "", 0)
    task = task_of(item)
    return (1, exercise.id, exercise.functions.index(task) if task in exercise.functions else len(exercise.functions))


def pytest_unconfigure(config):
    state = config.stash.get(SESSION, None)
    if state is not None and state.lang:  # an in-process run chose its language: give the caller theirs back
        i18n.choose_language(state.previous_lang)


def _set_time_limits(items, standin: bool) -> None:
    """Each graded test's limit, once the model is known: seconds on the stand-in, minutes on Qwen.
    pytest-timeout's ``timeout`` marker is the one setting; a test file's own marker wins."""
    for item in items:
        exercise = manifest.for_test_file(item.path) if is_graded(item) else None
        if exercise and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(deadline.limit_for(exercise.timeout, standin)))


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a hook of pytest-timeout, a dependency of the course
def pytest_timeout_set_timer(item, settings):
    """pytest-timeout asks for a graded test's timer: the course's deadline takes it (it raises a
    GradedTestTimeout inside the test on every OS, where pytest-timeout would end the whole process
    on Windows). Once a test of an exercise has hung, its other tests get a tenth of the limit: the
    same hang, reached through another function, costs little, not all of it again."""
    if not is_graded(item):
        return None  # pytest-timeout's own timer
    limit = float(settings.timeout)
    if manifest.for_test_file(item.path) in {exercise for exercise, _task in state_of(item.config).timed_out}:
        limit = min(limit, max(deadline.AFTER_A_HANG_S, limit / 10))
    item.stash[TIME_LIMIT] = limit  # armed around the test's call (pytest_runtest_call below)
    return True


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_cancel_timer(item):
    return True if is_graded(item) else None  # the deadline ended with the test's call


def pytest_report_header(config):
    state = state_of(config)
    return [t("llm-kata: grading {what}; model: {model}", what=adapters.graded_code(state.solutions, state.impl_file), model=state.model_spec)]


def _needs_model(items) -> bool:
    return any({"model", "tokenizer", "model_id", "kata_model"} & set(getattr(i, "fixturenames", ())) for i in items)


def pytest_collection_finish(session):
    """Resolve (and build or download) the model before any test runs, outside test time limits."""
    state = state_of(session.config)
    state.graded_total = sum(is_graded(i) for i in session.items)
    if not _needs_model(session.items):
        _set_time_limits(session.items, standin=False)
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter else print

    def say(line: str) -> None:  # on the terminal, and as an event for kata check to show
        write(line if line.startswith("llm-kata") else f"llm-kata: {line}")
        state.emit("model", text=line)
    capture = session.config.pluginmanager.get_plugin("capturemanager")
    try:
        # Output is not captured here, so a first download shows its progress bars as it goes.
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            state.resolved = models.resolve(state.model_spec, log=say)
    except models.ModelUnavailable as error:
        raise pytest.UsageError(str(error)) from None
    _set_time_limits(session.items, standin=state.resolved.is_standin)
    start = time.perf_counter()
    model = _load(state)[0]
    say(t("llm-kata model: {model}, loaded in {s:.1f} s", model=state.resolved.describe(model), s=time.perf_counter() - start))
    if state.resolved.note:
        say(t("llm-kata note: {note}", note=state.resolved.note))


# `kata watch` grades in one long-lived process (kata.grading.worker, whose sessions ask for warm_model):
# there the model is loaded once and reused by every session. The guard restores it after any
# test that changed it.
_warm: dict[str, tuple] = {}


def _load(state: KataSession):
    from kata.model.guard import ModelGuard  # imports torch: only once a model is needed

    key = str(state.resolved.path)
    keep_model_warm = state.warm_model
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
    if not is_graded(item):
        return (yield)
    state = state_of(item.config)
    guard = state.guard
    stuck = (manifest.for_test_file(item.path), task_of(item))
    if stuck in state.timed_out:  # one hanging function costs one time limit, not one per test
        not_run = pytest.fail.Exception(t("not run: an earlier test of `{task}` did not finish within its time limit. Fix that one first (a loop that never stops?); this test runs again on the next check.", task=stuck[1]), pytrace=False)
        not_run.kata_explanation = hang_explanation(item)  # one hang, explained once
        raise not_run
    limit = item.stash.get(TIME_LIMIT, None)  # set by pytest_timeout_set_timer
    failure = None
    try:
        with deadline.deadline(limit) if limit else contextlib.nullcontext():
            return (yield)
    except BaseException as error:
        failure = error
        raise
    finally:
        changes = guard.after_test() if guard else []  # also puts back what the library itself set
        if changes:
            guard.restore()
            listed = "\n  - " + "\n  - ".join(changes)
            damage = t("your code changed the shared model, which every test uses:{listed}\nIt has been restored for the next tests. Work on copies (tensor.clone(), copy.deepcopy) and pass options as arguments instead of editing the model.", listed=listed)
            if failure is None:
                pytest.fail(damage, pytrace=False)
            if isinstance(failure, pytest.fail.Exception):  # the test's own verdict, then what the guard saw
                failure.msg = f"{failure.msg}\n{damage}"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def kata_model(request):
    state = state_of(request.config)
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
    return str(state_of(request.config).resolved.path)


@pytest.fixture
def impl(request):
    """The module under test for the exercise this test file belongs to."""
    exercise = manifest.for_test_file(request.path)
    if exercise is None:
        raise RuntimeError(f"{request.path} is not inside an exercise folder listed in kata/manifest.toml")
    try:
        state = state_of(request.config)
        return adapters.load_implementation(exercise, state.solutions, state.impl_file)
    except adapters.ImplementationError as error:
        problem = str(error)
    # Outside the except block: the failure stands alone, without "During handling of the above...".
    pytest.fail(problem, pytrace=False)
