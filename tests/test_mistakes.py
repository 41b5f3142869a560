"""Every likely wrong version in tests/mistakes/ is caught, with a message that names it.

Each wrong version replaces one function of its exercise, so it is graded against that
function's tests only (``--task``): the test that must catch it, and nothing that cannot. Grading
stops at the first failure when that failure names the mistake (`kata dev verify` grades them all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from english import english_sentences
from graded_runs import ROOT, graded_in_process
from kata.cli import devcheck
from kata.course import manifest

MISTAKES = sorted((ROOT / "tests" / "mistakes").glob("*/*.py"))


def caught_by(path: Path) -> str:
    expected = devcheck.caught_by(path)
    assert expected, f"{path} has no CAUGHT_BY = '...' string"
    return expected


def replaced_function(path: Path) -> str:
    """The one exercise function the wrong version defines anew."""
    defined = devcheck.replaced_functions(path, manifest.find(path.parent.name).functions)
    assert len(defined) == 1, f"{path.name} must replace exactly one function of {path.parent.name}, not {defined}"
    return defined[0]


def test_there_are_mistakes_for_every_exercise_folder():
    exercises = {p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and p.name[:2].isdigit()}
    covered = {p.parent.name for p in MISTAKES}
    assert exercises <= covered, f"no wrong versions in tests/mistakes/ for {sorted(exercises - covered)}"


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{p.parent.name}/{p.stem}" for p in MISTAKES])
def test_the_graded_tests_catch_and_name_the_mistake(mistake):
    expected_text = caught_by(mistake)
    task = replaced_function(mistake)
    folder = f"exercises/{mistake.parent.name}"
    # Most wrong versions are named by the first test that fails them: stop there, and grade every test of the
    # function only when that first failure does not name it (the proof is the same: caught, and named).
    run = graded_in_process(folder, impl_file=mistake, task=task, stop_at_first_failure=True)
    if not any(expected_text in r.message for r in run.results if not r.passed):
        run = graded_in_process(folder, impl_file=mistake, task=task)
    failed = [r for r in run.results if not r.passed]
    assert run.results, f"no graded test of {task} ran for {mistake.name}"
    assert failed, f"{mistake.parent.name}/{mistake.name}: every graded test of {task} passed on this wrong version"
    messages = "\n".join(r.message for r in failed)
    assert expected_text in messages, (
        f"{mistake.name} fails, but no failure message says {expected_text!r}. Messages:\n{messages}"
    )
    # The same failures as a learner who chose Chinese reads them (rendered from this run's record).
    untranslated = {s for r in failed for s in english_sentences(r.messages.get("zh", ""))}
    assert not untranslated, (
        f"{mistake.name}: English left in the Chinese failure report: {sorted(untranslated)}\n"
        + "\n".join(r.messages.get("zh", "") for r in failed)
    )
