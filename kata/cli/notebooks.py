"""Work an exercise in Jupyter, and grade the notebook with the same tests as the .py file.

``kata notebook 03`` writes ``notebooks/03_logits.ipynb``: the lesson, a setup cell that loads
the course model as the tests do, one cell per function to implement (tagged ``kata:solution``),
and a grading cell. ``kata check 03 --notebook PATH`` extracts the tagged cells into a module and
grades it through ``KATA_IMPL_FILE``, so the messages are those of the .py exercise.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kata.core.errors import KataError
from kata.course.manifest import ROOT, Exercise
from kata.i18n import language, t

SOLUTION_TAG = "kata:solution"
NOTEBOOK_DIR = ROOT / "notebooks"
EXTRACT_DIR = ROOT / ".kata" / "notebook_impl"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


class NotebookError(KataError):
    pass


# --- in the notebook --------------------------------------------------------------------------


def course_model():
    """(model, tokenizer, device, model_id) loaded exactly as the graded tests load them."""
    import warnings

    from kata.model import resolve as models

    # Without ipywidgets, tqdm's notebook bars fall back to text with an "IProgress not found"
    # warning that reads like an error to a learner; the text bars are all we need.
    warnings.filterwarnings("ignore", message="IProgress not found")

    resolved = models.resolve()
    model, tokenizer = models.load(resolved)
    device = next(model.parameters()).device
    print(f"model: {resolved.describe(model)}")
    if resolved.note:
        print(f"note: {resolved.note}")
    return model, tokenizer, device, str(resolved.path)


def grade(exercise_id: str, notebook: str) -> bool:
    """Grade the saved notebook from inside it (save first: the file on disk is what is graded)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "kata", "check", exercise_id, "--notebook", str(Path(notebook).resolve())]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(proc.stdout + proc.stderr)
    return proc.returncode == 0


# --- writing a notebook -----------------------------------------------------------------------


def _stub_cells(exercise: Exercise) -> list[str]:
    """The stub split into its header (docstring, imports, constants) and one source per function."""
    source = exercise.module_path().read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    header, functions = [], []
    for node in tree.body:
        start = (node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno) - 1
        text = "\n".join(lines[start:node.end_lineno])
        if isinstance(node, ast.FunctionDef) or (isinstance(node, ast.ClassDef) and node.name in exercise.functions):
            functions.append(text)  # a class the learner writes gets its own cell too; one given stays in the header
        elif not (isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant)):
            header.append(text)  # imports and constants; the module docstring is the lesson's job
    return ["\n".join(header)] + functions


LINK = re.compile(r"\]\((?!https?:|#|/)([^)\s]+)\)")  # a relative link in markdown: ](README.zh.md)


def _lesson_for(exercise: Exercise, out_dir: Path) -> str:
    """The lesson in the learner's language, its relative links rewritten to work from the notebook's folder."""
    lesson = exercise.lesson_in(language()).read_text(encoding="utf-8")
    to_exercise = Path(os.path.relpath(exercise.folder(), out_dir)).as_posix()
    return LINK.sub(lambda m: f"]({to_exercise}/{m.group(1)})", lesson)


def build(exercise: Exercise, notebook_name: str, out_dir: Path = NOTEBOOK_DIR) -> nbformat.NotebookNode:
    lesson = _lesson_for(exercise, out_dir)
    other = "README.md" if language() == "zh" else "README.zh.md"
    other_link = Path(os.path.relpath(exercise.folder() / other, out_dir)).as_posix()
    other_name = "English lesson" if language() == "zh" else "中文课程"
    cells = [
        new_markdown_cell(lesson + f"\n\n*{other_name}: [{other_link}]({other_link})*"),
        new_markdown_cell("## Setup · 准备\nThe first cell checks this kernel's torch and transformers and, in a hosted "
                          "notebook with older ones, upgrades them (then restart and run again). The second loads the "
                          "course model the way the graded tests do (`KATA_MODEL`: auto, qwen, tiny or a directory).\n\n"
                          "第一个单元格检查当前内核的 torch 和 transformers；在预装了旧版本的托管 notebook 里会升级它们"
                          "（之后请重启内核再运行一遍）。第二个单元格按评分测试的方式加载课程模型。"),
        new_code_cell("from kata.course.versions import ensure_in_notebook\n\nensure_in_notebook()"),
        new_code_cell("from kata.cli.notebooks import course_model\n\nmodel, tokenizer, device, model_id = course_model()"),
        new_markdown_cell("## Your code · 你的代码\nFill in each function below, run its cell, try it on "
                          "`model` and `tokenizer`. Only the cells tagged `kata:solution` are graded."),
    ]
    for source in _stub_cells(exercise):
        cells.append(new_code_cell(source, metadata={"tags": [SOLUTION_TAG]}))
    cells += [
        new_markdown_cell("## Grade · 评分\nSave the notebook first (Ctrl+S / Cmd+S): grading reads the saved file. "
                          "先保存（Ctrl+S），评分读取的是保存后的文件。"),
        new_code_cell(f"from kata.cli.notebooks import grade\n\ngrade({exercise.id!r}, {notebook_name!r})"),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
                                             "kata": {"exercise": exercise.id}})
    nb.metadata["kata"]["generated"] = _fingerprint(nb)
    nbformat.validate(nb)
    return nb


def _fingerprint(nb) -> str:
    """A hash of the learner-editable cells, to tell a notebook the learner has worked in."""
    sources = [c.source for c in nb.cells if SOLUTION_TAG in c.get("metadata", {}).get("tags", [])]
    return hashlib.sha256("\n\0".join(sources).encode()).hexdigest()[:16]


def write(exercise: Exercise, out_dir: Path | None = None, force: bool = False) -> Path:
    out_dir = Path(out_dir or NOTEBOOK_DIR)
    target = out_dir / f"{exercise.id}.ipynb"
    if target.exists() and not force:
        existing = nbformat.read(target, as_version=4)
        if existing.metadata.get("kata", {}).get("generated") != _fingerprint(existing):
            raise NotebookError(t("{target} has your work in it; use --force to replace it (or --out another folder)",
                                  target=target))
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(exercise, target.name, out_dir), target)
    return target


# --- grading a notebook -----------------------------------------------------------------------


def extract_to_module(notebook: Path, exercise: Exercise) -> Path:
    """Write the notebook's kata:solution cells, in order, to a module the graded tests can import."""
    if not notebook.is_file():
        raise NotebookError(t("there is no notebook at {notebook}", notebook=notebook))
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises several kinds for a bad file
        raise NotebookError(t("{notebook} is not a readable notebook ({error})", notebook=notebook, error=error)) from None
    cells = [c for c in nb.cells if c.cell_type == "code" and SOLUTION_TAG in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise NotebookError(t("{notebook} has no cells tagged {tag!r}; `kata notebook {id}` writes one",
                              notebook=notebook, tag=SOLUTION_TAG, id=exercise.id))
    parts = [f'"""{exercise.id}, taken from the kata:solution cells of {notebook.name}."""\n']
    for number, cell in enumerate(cells, 1):
        # IPython magics and shell lines have no meaning in a module.
        body = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        parts.append(f"# --- kata:solution cell {number} ---\n{body}\n")
    EXTRACT_DIR.mkdir(parents=True, exist_ok=True)
    target = EXTRACT_DIR / f"{exercise.id}_{notebook.stem}.py"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
