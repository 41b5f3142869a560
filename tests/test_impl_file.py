"""Say honestly which code is graded: KATA_IMPL_FILE is honoured (or refused) everywhere, and every
header and message names the file actually graded."""

from __future__ import annotations

import json

from graded_runs import ROOT, graded, kata

SOLUTION_03 = ROOT / "solutions" / "03_logits" / "logits.py"
SOLUTION_04 = ROOT / "solutions" / "04_decode" / "decode.py"


def test_kata_check_grades_the_file_kata_impl_file_names_and_says_so(tmp_path):
    state = tmp_path / "state.json"
    run = kata("check", "03", env={"KATA_IMPL_FILE": str(SOLUTION_03), "KATA_STATE": str(state)})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "solutions/03_logits/logits.py (named by KATA_IMPL_FILE)" in run.stdout
    assert "all 10 graded tests pass" in run.stdout
    recorded = json.loads(state.read_text(encoding="utf-8")) if state.exists() else {}
    assert "03_logits" not in recorded.get("exercises", {}), "another file's result is not the learner's progress"


def test_kata_check_refuses_two_choices_of_what_to_grade(tmp_path):
    run = kata("check", "03", "--solutions", env={"KATA_IMPL_FILE": str(SOLUTION_03), "KATA_STATE": str(tmp_path / "s.json")})
    assert run.returncode != 0 and "use one of them" in run.stdout + run.stderr


def test_the_pytest_header_names_the_file_graded():
    run = graded("exercises/03_logits", "--task", "encode", env={"KATA_IMPL_FILE": str(SOLUTION_03)})
    assert "llm-kata: grading solutions/03_logits/logits.py (KATA_IMPL_FILE)" in run.output
    assert "your code (exercises/)" not in run.output and run.all_passed


def test_solutions_and_kata_impl_file_together_are_an_error():
    run = graded("exercises/03_logits", "--solutions", env={"KATA_IMPL_FILE": str(SOLUTION_03)})
    assert run.exit_code == 4 and "use one of them" in run.output, run.output[-1500:]


def test_a_file_of_another_exercise_is_named_as_such_not_reset():
    run = graded("exercises/03_logits", "--task", "encode", env={"KATA_IMPL_FILE": str(SOLUTION_04)})
    messages = "\n".join(r.message for r in run.results if not r.passed)
    assert run.results and not run.all_passed
    assert "holds the functions of 04_decode, not of 03_logits" in messages, messages
    assert "kata reset" not in messages
    assert "`encode` in solutions/04_decode/decode.py" in run.output  # the summary's next step names it too
