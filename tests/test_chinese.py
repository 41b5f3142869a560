"""A learner who chose Chinese reads Chinese wherever the course speaks: `kata check EX --all --lang zh`
shows no English sentence (code, quoted model text, ids, paths and numbers may stay as they are)."""

from __future__ import annotations

import pytest

from english import english_sentences
from graded_runs import kata, shipped_copy
from kata.course import manifest

EXERCISES = manifest.exercises()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course as shipped: every exercise's stub, whatever the learner has done."""
    return shipped_copy(tmp_path_factory.mktemp("zh") / "course")


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_kata_check_speaks_chinese_from_start_to_end(course, exercise, tmp_path):
    run = kata("check", exercise.id, "--all", "--lang", "zh", cwd=course, env={"KATA_STATE": str(tmp_path / "s.json")})
    assert run.returncode == 1 and "TODO" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    english = english_sentences(run.stdout)
    assert not english, f"English in `kata check {exercise.id} --all --lang zh`: {english}\n{run.stdout}"
    assert exercise.folder().name + "/README.zh.md" in run.stdout  # the lesson it points to is the Chinese one


def test_the_detector_finds_english_and_lets_code_through():
    assert english_sentences("可能的错误：the penalty looked only at the prompt") == ["the penalty looked only at the prompt"]
    assert english_sentences("调用 `model.generate(input_ids, do_sample=False)` 返回 ' Paris'，路径 exercises/03_logits/README.zh.md") == []
    assert english_sentences("你的代码抛出了 RuntimeError：The size of tensor a must match") == []
