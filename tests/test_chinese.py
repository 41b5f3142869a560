"""A learner who chose Chinese reads Chinese wherever the course speaks: `kata check EX --all --lang zh`
shows no English sentence (code, quoted model text, ids, paths and numbers may stay as they are).

One exercise is checked as a learner types it, in a fresh `kata` process; every exercise's stub is then graded
in ONE fresh run in Chinese and shown through the same functions `kata check` shows a result with
(kata.cli.check.announce and shown), so each exercise's whole report is read without a fresh interpreter each.
"""

from __future__ import annotations

import dataclasses

import pytest

from english import english_sentences
from graded_runs import graded, kata, shipped_copy
from kata.course import manifest
from kata.grading import pytest_args

EXERCISES = manifest.exercises()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course as shipped: every exercise's stub, whatever the learner has done."""
    return shipped_copy(tmp_path_factory.mktemp("zh") / "course")


def test_kata_check_speaks_chinese_from_start_to_end(course, tmp_path):
    exercise = EXERCISES[0]
    run = kata("check", exercise.id, "--all", "--lang", "zh", cwd=course, env={"KATA_STATE": str(tmp_path / "s.json")})
    assert run.returncode == 1 and "TODO" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    english = english_sentences(run.stdout)
    assert not english, f"English in `kata check {exercise.id} --all --lang zh`: {english}\n{run.stdout}"
    assert exercise.folder().name + "/README.zh.md" in run.stdout  # the lesson it points to is the Chinese one


@pytest.fixture(scope="module")
def stubs_graded_in_chinese(course):
    """Every exercise's untouched stub graded in one fresh run, as `kata check` grades, in Chinese."""
    args = pytest_args([course / "exercises" / e.id for e in EXERCISES])
    return graded(*args, env={"KATA_LANG": "zh"}, cwd=course)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_each_exercises_check_reads_in_chinese(stubs_graded_in_chinese, exercise, monkeypatch):
    from kata.cli import check
    from kata.i18n import choose_language, t

    report = stubs_graded_in_chinese
    mine = dataclasses.replace(report, results=[r for r in report.results if r.exercise == exercise.id], exit_code=1)
    assert mine.results, f"{exercise.id} was not graded:\n{report.output[-3000:]}"
    previous = choose_language("zh")
    try:
        with check.console.capture() as shown:
            check.announce(exercise, t("your code"))
            passed = check.shown(exercise, mine, [], show_all=True, record=False)
    finally:
        choose_language(previous)
    text = shown.get()
    assert passed is False and "TODO" in text, text[-2000:]
    english = english_sentences(text)
    assert not english, f"English in `kata check {exercise.id} --all --lang zh`: {english}\n{text}"
    assert exercise.folder().name + "/README.zh.md" in text  # the lesson it points to is the Chinese one


def test_the_detector_finds_english_and_lets_code_through():
    assert english_sentences("可能的错误：the penalty looked only at the prompt") == ["the penalty looked only at the prompt"]
    assert english_sentences("调用 `model.generate(input_ids, do_sample=False)` 返回 ' Paris'，路径 exercises/03_logits/README.zh.md") == []
    assert english_sentences("你的代码抛出了 RuntimeError：The size of tensor a must match") == []
