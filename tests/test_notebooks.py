"""Notebooks: generated ones validate, grading a notebook works, the tour runs in a real kernel."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from graded_runs import kata, shipped_copy
from kata.cli import notebooks, tour
from kata.course import manifest

EXERCISES = manifest.exercises()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course as shipped (the learner running these tests may have worked in exercises/)."""
    return shipped_copy(tmp_path_factory.mktemp("shipped") / "course")


@pytest.fixture
def shipped(course, monkeypatch):
    """Notebooks written in this process start from the shipped stubs, not from the learner's files
    (finished, half done or not parsable: `kata notebook` starts from whatever is there)."""
    monkeypatch.setattr(manifest, "EXERCISES_DIR", course / "exercises")
    return course


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_generated_notebook_is_valid_and_has_one_solution_cell_per_function(exercise, shipped, tmp_path):
    path = notebooks.write(exercise, tmp_path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if notebooks.SOLUTION_TAG in c.metadata.get("tags", [])]
    sources = "\n".join(c.source for c in tagged)
    for function in exercise.functions:
        assert sum(f"def {function}(" in c.source or f"class {function}" in c.source for c in tagged) == 1, function
    assert "NotImplementedError" in sources
    assert "ensure_in_notebook()" in nb.cells[2].source and "course_model()" in nb.cells[3].source
    assert f"grade({exercise.id!r}" in nb.cells[-1].source


def fill(path, exercise, source: str) -> None:
    """Put `source` into the notebook's solution cells, as a learner would (all in the first cell)."""
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if notebooks.SOLUTION_TAG in c.metadata.get("tags", [])]
    tagged[0].source = source
    for cell in tagged[1:]:
        cell.source = ""
    nbformat.write(nb, path)



def test_grading_a_notebook_fails_untouched_then_passes_and_counts_as_progress(course, tmp_path):
    exercise = manifest.find("03")
    state = {"KATA_STATE": str(tmp_path / "state.json")}
    written = kata("notebook", "3", "--out", str(tmp_path), cwd=course, env=state)
    assert written.returncode == 0, written.stdout
    path = tmp_path / "03_logits.ipynb"
    untouched = kata("check", "3", "--notebook", str(path), cwd=course, env=state)
    assert untouched.returncode == 1
    assert "TODO: 03_logits: implement encode()" in untouched.stdout
    assert "0/10 graded tests pass" in untouched.stdout

    fill(path, exercise, exercise.module_path(solutions=True).read_text() + "\n%time 1 + 1\n")
    solved = kata("check", "3", "--notebook", str(path), cwd=course, env=state)
    assert solved.returncode == 0, solved.stdout
    assert "all 10 graded tests pass" in solved.stdout
    # A learner who works only in Jupyter makes progress, and unlocks the solution, like anyone else.
    assert "1/" in kata("list", cwd=course, env=state).stdout
    assert "def encode" in kata("solution", "3", cwd=course, env=state).stdout


def test_a_notebook_with_work_in_it_is_not_overwritten_without_force(shipped, tmp_path):
    exercise = manifest.find("03")
    path = notebooks.write(exercise, tmp_path)
    notebooks.write(exercise, tmp_path)  # untouched: regenerating is fine
    fill(path, exercise, "def encode(tokenizer, text, device):\n    return 42\n")
    with pytest.raises(notebooks.NotebookError, match="--force"):
        notebooks.write(exercise, tmp_path)
    result = kata("notebook", "3", "--out", str(tmp_path), cwd=shipped)
    assert result.returncode == 2 and "--force" in result.stdout
    assert "return 42" in path.read_text()
    notebooks.write(exercise, tmp_path, force=True)
    assert "return 42" not in path.read_text()


def test_bad_notebook_paths_get_one_sentence(course, tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    for target, expected in ((tmp_path / "missing.ipynb", "there is no notebook"),
                             (tmp_path / "broken.ipynb", "not a readable notebook")):
        result = kata("check", "3", "--notebook", str(target), cwd=course)
        assert result.returncode == 2 and expected in result.stdout
        assert "Traceback" not in result.stdout + result.stderr


def test_the_committed_tour_is_up_to_date_with_its_generator():
    assert tour.TOUR.read_text(encoding="utf-8") == tour.render(), "run `python -m kata.cli.tour`"


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
    assert "'speedup'" in outputs
    assert elapsed < 120, f"the tour took {elapsed:.0f} s"


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_relative_link_in_a_generated_notebook_resolves_from_its_folder(exercise, shipped, tmp_path):
    import re

    out = tmp_path / "elsewhere" / "nb"
    path = notebooks.write(exercise, out)
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    links = re.findall(r"\]\((?!https?:|#)([^)\s]+)\)", text)
    assert any(link.endswith("README.zh.md") for link in links)
    broken = [link for link in links if not (out / link.split("#")[0]).exists()]
    assert not broken, f"links that lead nowhere from {out}: {broken}"
