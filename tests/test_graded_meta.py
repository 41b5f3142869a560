"""No false passes: every graded test fails on the untouched stubs and passes on the solutions.

Runs the graded tests exactly as a learner (``pytest exercises``) and an instructor
(``pytest exercises --solutions``) would, on the offline stand-in, and reads back every result.
"""

from __future__ import annotations

import pytest

from graded_runs import graded, shipped_copy
from kata.cli import devcheck
from kata.course import manifest

EXERCISES = manifest.exercises()


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory):
    """The stubs as shipped (a copy of the course), whatever the learner has done in exercises/."""
    return graded("exercises", cwd=shipped_copy(tmp_path_factory.mktemp("shipped") / "course"))


@pytest.fixture(scope="module")
def solution_run():
    return graded("exercises", "--solutions")


def ran_names(run, exercise) -> set[str]:
    return {r.nodeid.split("/")[-1].split("[")[0] for r in run.results if r.exercise == exercise.id}


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_exercise_has_its_files(exercise):
    problems = devcheck.file_problems(exercise)  # stub, solution, both lessons, its Chinese catalog, graded tests
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_the_stub_defines_every_function_and_each_raises_not_implemented(exercise):
    """Each raises the course's TODO word for word, naming the exercise, the function and its step."""
    problems = devcheck.stub_problems(exercise)
    assert not problems, "\n".join(map(str, problems))


def test_every_graded_test_fails_on_the_untouched_stubs(stub_run):
    assert stub_run.results, stub_run.output[-3000:]
    not_failed = {r.nodeid: r.outcome for r in stub_run.results if r.outcome != "failed"}
    assert not not_failed, f"graded tests that did not fail on the stubs: {not_failed}"
    errors = [r.nodeid for r in stub_run.results if r.when != "call"]
    assert not errors, f"graded tests that errored in setup instead of failing: {errors}"
    assert "error" not in stub_run.output.splitlines()[-1], stub_run.output[-3000:]


def test_every_stub_failure_is_a_todo_not_a_crash(stub_run):
    crashes = [r.nodeid for r in stub_run.results if not r.message.startswith("TODO:")]
    assert not crashes, f"these failed on the stub with something other than the stub's TODO: {crashes}"


def test_every_graded_test_passes_on_the_solutions(solution_run):
    assert solution_run.exit_code == 0, solution_run.output[-5000:]
    assert solution_run.results and all(r.outcome == "passed" for r in solution_run.results)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_no_graded_test_was_skipped_or_left_out(exercise, stub_run, solution_run):
    defined = devcheck.graded_test_names(exercise)
    assert defined, f"{exercise.id} defines no graded tests"
    assert ran_names(stub_run, exercise) == defined
    assert ran_names(solution_run, exercise) == defined


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_function_of_the_exercise_is_graded(exercise, solution_run):
    tasks = {r.task for r in solution_run.results if r.exercise == exercise.id}
    assert None not in tasks, f"a graded test of {exercise.id} has no @pytest.mark.task(...)"
    assert tasks <= set(exercise.functions), f"unknown task names: {tasks - set(exercise.functions)}"
    missing = set(exercise.functions) - tasks
    assert not missing, f"{exercise.id}: no graded test for {sorted(missing)}"


def test_the_record_of_shipped_files_is_current():
    problems = devcheck.record_problems()
    assert not problems, "a stub or graded test changed: run `python -m kata.course.pristine` and commit kata/shipped.zip\n" + (
        "\n".join(map(str, problems)))
