"""Every correct version in tests/alternatives/ passes every graded test of its exercise.

tests/mistakes/ holds wrong versions the tests must catch; these are the other side: different
but legitimate ways to write an exercise (another API, another loop, another stop check). A
graded test that fails one of them is too narrow, and it is the test that has to change.
Each file is graded with ALL its exercise's tests, not just those of the functions it redefines:
a function written another way must also work with the rest of the exercise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graded_runs import ROOT, graded_in_process

ALTERNATIVES = sorted((ROOT / "tests" / "alternatives").glob("*/*.py"))


def test_there_are_alternatives_for_every_exercise_folder():
    exercises = {p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and p.name[:2].isdigit()}
    covered = {p.parent.name for p in ALTERNATIVES}
    assert exercises <= covered, f"no correct alternative in tests/alternatives/ for {sorted(exercises - covered)}"


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=[f"{p.parent.name}/{p.stem}" for p in ALTERNATIVES])
def test_the_graded_tests_pass_a_correct_alternative(alternative: Path):
    exercise = alternative.parent.name
    run = graded_in_process(f"exercises/{exercise}", impl_file=alternative)
    assert run.results, f"no graded test of {exercise} ran for {alternative.name}"
    failed = [r for r in run.results if not r.passed]
    report = "\n\n".join(f"{r.nodeid}\n{r.message}" for r in failed)
    assert not failed, f"{exercise}/{alternative.name} is correct, but {len(failed)} graded test(s) fail:\n\n{report}"
    assert run.exit_code in (0, None), f"pytest exited with {run.exit_code} on {alternative.name}:\n{run.output[-2000:]}"
