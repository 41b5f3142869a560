"""The guard tells learner damage from what the library itself does to the shared objects.

transformers' text-generation pipeline sets ``tokenizer.padding_side = "left"`` in its
constructor. Building it on the shared tokenizer, as the notebook does, must pass; the setting
must still be put back after the test (batching in another exercise depends on it); and the same
edit made by the learner's own code must still be reported.
"""

from __future__ import annotations

import json
import os

import pytest

from graded_runs import graded
from kata.model import resolve as models
from kata.model.guard import ModelGuard


@pytest.fixture(scope="module")
def standin():
    resolved = models.resolve("tiny", log=lambda *a: None)
    model, tokenizer = models.load(resolved)
    return model, tokenizer, resolved.path


@pytest.fixture
def guard(standin):
    model, tokenizer, path = standin
    guard = ModelGuard(model, tokenizer, path)
    yield guard
    guard.restore()


def test_a_pipeline_built_on_the_shared_tokenizer_is_not_reported_and_its_setting_is_put_back(standin, guard):
    from transformers import pipeline

    model, tokenizer, _ = standin
    assert tokenizer.padding_side == "right"
    generator = pipeline("text-generation", model=model, tokenizer=tokenizer)
    generator("The capital of France is", max_new_tokens=2, do_sample=False)
    assert tokenizer.padding_side == "left"  # the library's doing
    assert guard.after_test() == []
    assert tokenizer.padding_side == "right"


def test_the_learners_own_padding_side_edit_is_still_reported(standin, guard):
    from transformers import pipeline

    model, tokenizer, _ = standin
    tokenizer.padding_side = "left"  # learner code, before the pipeline: the pipeline changes nothing
    pipeline("text-generation", model=model, tokenizer=tokenizer)
    assert guard.after_test() == ["the tokenizer was edited: padding_side"]
    guard.restore()
    assert tokenizer.padding_side == "right"


def test_other_edits_next_to_a_pipeline_are_still_reported(standin, guard):
    from transformers import pipeline

    model, tokenizer, _ = standin
    pipeline("text-generation", model=model, tokenizer=tokenizer)
    tokenizer.truncation_side = "left"
    assert guard.after_test() == ["the tokenizer was edited: truncation_side"]
    guard.restore()
    assert (tokenizer.padding_side, tokenizer.truncation_side) == ("right", "right")


# --- through pytest, as a learner runs it ------------------------------------------------------

NOTEBOOK = '''
from kata.plugin.adapters import reference_functions
from transformers import pipeline

globals().update(reference_functions("08_pipeline"))


def make_generator(model, tokenizer):
    generator = pipeline("text-generation", model=model, tokenizer=tokenizer)  # the notebook's line
    generator("Hello", max_new_tokens=2, do_sample=False)
    return generator
'''

LEARNER_EDIT = NOTEBOOK.replace("    generator = pipeline(", "    tokenizer.padding_side = \"left\"\n    generator = pipeline(")

# Records the shared tokenizer's padding_side after each test, once the guard has run.
PROBE = '''
import json, os

def pytest_runtest_teardown(item):
    from kata.plugin.session import state_of

    state = state_of(item.config)
    if state.loaded is not None:
        with open(os.environ["PADDING_PROBE"], "a", encoding="utf-8") as out:
            out.write(json.dumps(state.loaded[1].padding_side) + "\\n")
'''


def grade_make_generator(tmp_path, code):
    (tmp_path / "impl.py").write_text(code, encoding="utf-8")
    (tmp_path / "padding_probe.py").write_text(PROBE, encoding="utf-8")
    env = {"KATA_IMPL_FILE": str(tmp_path / "impl.py"), "PADDING_PROBE": str(tmp_path / "padding.jsonl"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    run = graded("-p", "padding_probe", "-q", "exercises/08_pipeline", "--task", "make_generator", env=env)
    padding = [json.loads(line) for line in (tmp_path / "padding.jsonl").read_text(encoding="utf-8").splitlines()]
    assert run.results and padding, run.output[-3000:]
    return run.results, padding, run.output


def test_a_graded_test_that_does_what_the_notebook_does_passes(tmp_path):
    results, padding, output = grade_make_generator(tmp_path, NOTEBOOK)
    assert {r.outcome for r in results} == {"passed"}, output[-3000:]
    assert set(padding) == {"right"}  # put back before the next test


def test_a_graded_test_whose_code_edits_the_tokenizer_fails_naming_it_and_the_edit_is_undone(tmp_path):
    results, padding, output = grade_make_generator(tmp_path, LEARNER_EDIT)
    assert {r.outcome for r in results} == {"failed"}, output[-3000:]
    assert all("the tokenizer was edited: padding_side" in r.message for r in results)
    assert set(padding) == {"right"}
