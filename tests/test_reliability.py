"""One learner bug costs one failing test with a helpful message, never the session.

Each case grades a deliberately broken module from tests/broken/ with the real graded tests of
03_logits, in a fresh pytest process, and reads back every result.
"""

from __future__ import annotations

import shutil
import time

import pytest

from graded_runs import ROOT, graded, shipped_copy
from kata.course import manifest

BROKEN = ROOT / "tests" / "broken"
LOGITS = "exercises/03_logits"


def grade(name: str, *args: str, **env):
    return graded(LOGITS, *args, env={"KATA_IMPL_FILE": str(BROKEN / name), **env})


def by_task(run) -> dict[str, set[str]]:
    tasks: dict[str, set[str]] = {}
    for r in run.results:
        tasks.setdefault(r.task, set()).add(r.outcome)
    return tasks


def test_a_hanging_function_fails_its_tests_at_the_time_limit_and_the_rest_carry_on():
    """pytest-timeout's timer hooks hand graded tests to the course's deadline, the same on every OS."""
    start = time.monotonic()
    run = grade("hangs.py", KATA_TIMEOUT="2")
    elapsed = time.monotonic() - start
    tasks = by_task(run)
    assert tasks["encode"] == {"failed"}
    assert tasks["hidden_states"] == tasks["to_logits"] == {"passed"}
    first, *rest = [r.message for r in run.results if r.task == "encode"]
    assert "did not finish within 2.0 s" in first and "loop that never stops" in first
    assert "tests/broken/hangs.py, line" in first  # where the learner's code was stuck
    # The other tests of the same function fail at once instead of each waiting for the limit.
    assert rest and all("an earlier test of `encode` did not finish" in m for m in rest)
    # A test of another function that reaches the same hang gets a short limit, not the whole one again.
    pipeline = next(r.message for r in run.results if "four_steps" in r.nodeid)
    assert "did not finish within" in pipeline
    assert elapsed < 60


def test_time_limits_fit_the_model_seconds_on_the_standin_minutes_on_qwen(monkeypatch):
    from kata.core import deadline as timeouts

    monkeypatch.delenv("KATA_TIMEOUT", raising=False)
    assert timeouts.limit_for(120, standin=True) == timeouts.STANDIN_LIMIT_S <= 10
    assert timeouts.limit_for(120, standin=False) == 120
    monkeypatch.setenv("KATA_TIMEOUT", "7")
    assert timeouts.limit_for(120, standin=False) == 7


def test_damage_to_the_shared_model_fails_that_test_and_is_repaired_for_the_next():
    run = grade("damages_model.py")
    tasks = by_task(run)
    assert tasks["hidden_states"] == {"failed"}
    # Tests that run after the damage, and do not call the broken function, see a pristine model.
    assert tasks["encode"] == tasks["to_logits"] == {"passed"}, run.output[-3000:]
    assert run.outcomes()[f"{LOGITS}/test_logits.py::test_last_token_logits_picks_the_last_position"] == "passed"
    message = next(r.message for r in run.results if r.task == "hidden_states")
    for change in ("training mode", "dtype was changed", "gradients were turned on", "generation_config was edited",
                   "has been restored"):
        assert change in message, f"{change!r} not in:\n{message}"


def test_damage_does_not_leak_into_the_next_exercise_folder(tmp_path):
    """The same session grades two folders: the second must see a pristine model."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".kata", "__pycache__", "*.egg-info"))
    shutil.copy(BROKEN / "damages_model.py", copy / LOGITS / "logits.py")
    following = [e for e in manifest.exercises() if e.number > 3][0]
    shutil.copy(following.module_path(solutions=True), copy / "exercises" / following.id / following.module)
    run = graded("-q", LOGITS, f"exercises/{following.id}", cwd=copy)
    following_results = [r for r in run.results if r.exercise == following.id]
    assert following_results and all(r.passed for r in following_results), run.output[-4000:]


def test_returning_nothing_is_explained():
    run = grade("returns_none.py")
    message = next(r.message for r in run.results if r.task == "hidden_states")
    assert "None (did the function forget to `return`?)" in message


def test_a_graded_test_cannot_be_skipped_or_xfailed_by_learner_code():
    run = grade("skips_and_xfails.py")
    tasks = by_task(run)
    assert tasks["encode"] == {"failed"} and tasks["to_logits"] == {"failed"}
    assert all("cannot be skipped" in r.message for r in run.results if r.task in ("encode", "to_logits"))
    assert "skipped" not in run.output.splitlines()[-1] and "xfailed" not in run.output.splitlines()[-1]


def test_an_exception_deep_in_torch_points_at_the_learners_line():
    run = grade("crashes_in_torch.py")
    message = next(r.message for r in run.results if r.task == "last_token_logits" and r.outcome == "failed")
    assert message.startswith("your code raised RuntimeError")
    assert "tests/broken/crashes_in_torch.py, line 8: return logits.view(3, -1, 7)[0, -1]" in message


@pytest.mark.parametrize("name, expected", [
    ("syntax_error.py", "has a syntax error on line 4"),
    ("fails_on_import.py", "Code at the top level of the file runs on import"),
])
def test_a_module_that_cannot_be_imported_fails_every_test_with_one_clear_message(name, expected):
    run = grade(name)
    assert run.results and all(r.outcome == "failed" for r in run.results)
    assert all(expected in r.message for r in run.results), run.results[0].message
    assert "INTERNALERROR" not in run.output


def test_no_stub_test_passes_skips_or_xfails_with_a_model_directory(tmp_path):
    """As the graded meta-tests do with --model tiny, with the stand-in given as a directory."""
    from kata.model import standin

    run = graded("exercises", "--model", str(standin.ensure_standin()), cwd=shipped_copy(tmp_path / "course"))
    assert run.results
    assert {r.outcome for r in run.results} == {"failed"}


def test_pytest_itself_warns_when_a_graded_test_file_was_edited(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".kata", "__pycache__", "*.egg-info"))
    test_file = copy / LOGITS / "test_logits.py"
    test_file.write_text(test_file.read_text().replace("def test_encode", "def _disabled_encode"))
    run = graded("-q", LOGITS, "--solutions", cwd=copy)
    assert "Warning: edited graded tests (exercises/03_logits/test_logits.py)" in run.output
    assert "`kata reset 03_logits --tests`" in run.output
