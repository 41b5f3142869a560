"""Notebooks: generated ones validate, grading a notebook works, the tour runs in a real kernel."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from graded_runs import kata
from kata import manifest, notebooks, tour

EXERCISES = manifest.exercises()


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_generated_notebook_is_valid_and_has_one_solution_cell_per_function(exercise, tmp_path):
    path = notebooks.write(exercise, tmp_path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if notebooks.SOLUTION_TAG in c.metadata.get("tags", [])]
    sources = "\n".join(c.source for c in tagged)
    for function in exercise.functions:
        assert sum(f"def {function}(" in c.source for c in tagged) == 1, function
    assert "NotImplementedError" in sources
    assert "course_model()" in nb.cells[2].source
    assert f"grade({exercise.id!r}" in nb.cells[-1].source


def fill(path, exercise, source: str) -> None:
    """Put `source` into the notebook's solution cells, as a learner would (all in the first cell)."""
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if notebooks.SOLUTION_TAG in c.metadata.get("tags", [])]
    tagged[0].source = source
    for cell in tagged[1:]:
        cell.source = ""
    nbformat.write(nb, path)




def test_grading_a_notebook_fails_untouched_and_passes_with_the_solution(tmp_path):
    exercise = manifest.find("03")
    path = notebooks.write(exercise, tmp_path)
    untouched = kata("check", "3", "--notebook", str(path))
    assert untouched.returncode == 1
    assert "TODO: 03_logits: implement encode()" in untouched.stdout
    assert "0/10 graded tests pass" in untouched.stdout

    fill(path, exercise, exercise.module_path(solutions=True).read_text() + "\n%time 1 + 1\n")
    solved = kata("check", "3", "--notebook", str(path))
    assert solved.returncode == 0, solved.stdout
    assert "all 10 graded tests pass" in solved.stdout


def test_a_notebook_with_work_in_it_is_not_overwritten_without_force(tmp_path):
    exercise = manifest.find("03")
    path = notebooks.write(exercise, tmp_path)
    notebooks.write(exercise, tmp_path)  # untouched: regenerating is fine
    fill(path, exercise, "def encode(tokenizer, text, device):\n    return 42\n")
    with pytest.raises(notebooks.NotebookError, match="--force"):
        notebooks.write(exercise, tmp_path)
    result = kata("notebook", "3", "--out", str(tmp_path))
    assert result.returncode == 2 and "--force" in result.stdout
    assert "return 42" in path.read_text()
    notebooks.write(exercise, tmp_path, force=True)
    assert "return 42" not in path.read_text()


def test_bad_notebook_paths_get_one_sentence(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    for target, expected in ((tmp_path / "missing.ipynb", "there is no notebook"),
                             (tmp_path / "broken.ipynb", "not a readable notebook")):
        result = kata("check", "3", "--notebook", str(target))
        assert result.returncode == 2 and expected in result.stdout
        assert "Traceback" not in result.stdout + result.stderr


def test_the_committed_tour_is_up_to_date_with_its_generator():
    assert tour.TOUR.read_text(encoding="utf-8") == tour.render(), "run `python -m kata.tour`"


def test_the_tour_runs_end_to_end_in_a_real_kernel_on_the_standin(monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("KATA_MODEL", "tiny")
    nb = nbformat.read(tour.TOUR, as_version=4)
    start = time.monotonic()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tour.TOUR.parent)}}).execute()
    elapsed = time.monotonic() - start
    outputs = "\n".join(
        o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False)
        for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "error" not in {o.output_type for c in nb.cells if c.cell_type == "code" for o in c.outputs}
    assert "answer: 李白" in outputs
    assert "' Paris'" in outputs
    assert "same tokens: True" in outputs
    assert elapsed < 120, f"the tour took {elapsed:.0f} s"
