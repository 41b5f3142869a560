"""An environment outside the declared versions is named at once, with the command that fixes it."""

from __future__ import annotations

import os

from packaging.version import Version

from graded_runs import graded, kata
from kata.course import versions

# Installed into a fresh interpreter through sitecustomize: the metadata of an older transformers,
# as a hosted notebook with one preinstalled would report it.
OLD_TRANSFORMERS = """
import importlib.metadata as metadata
_real = metadata.version
metadata.version = lambda name: "5.17.0" if name == "transformers" else _real(name)
"""


def test_the_declared_floors_are_the_versions_the_course_uses():
    declared = versions.declared()
    assert not declared["transformers"].specifier.contains("5.23.0")  # `cache=` arrived in 5.24
    assert declared["transformers"].specifier.contains("5.24.0")
    assert not declared["transformers"].specifier.contains("6.0.0")
    assert declared["torch"].specifier.contains("2.6.0") and not declared["torch"].specifier.contains("2.5.1")


def test_each_package_outside_its_range_is_named_with_its_fix():
    said = versions.problems(lambda name: Version("5.17.0") if name == "transformers" else Version("2.13.0"))
    assert len(said) == 1
    assert "transformers 5.17.0 is installed" in said[0] and 'pip install --upgrade "transformers' in said[0]
    assert versions.problems(lambda name: None)[0].startswith("torch is not installed")
    assert versions.problems() == []  # this environment is inside the range


def old_transformers(tmp_path) -> dict:
    (tmp_path / "sitecustomize.py").write_text(OLD_TRANSFORMERS, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}


def test_a_test_run_stops_at_once_on_an_old_transformers(tmp_path):
    run = graded("exercises/03_logits", "--solutions", env=old_transformers(tmp_path), timeout=120)
    assert run.exit_code != 0 and not run.results
    assert "outside the versions the course runs on" in run.output
    assert "transformers 5.17.0 is installed" in run.output and "pip install --upgrade" in run.output
    assert "Traceback" not in run.output


def test_doctor_names_the_version_and_the_fix(tmp_path):
    result = kata("doctor", env={**old_transformers(tmp_path), "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0
    assert "transformers 5.17.0" in result.stdout and "pip install --upgrade" in result.stdout


def test_a_notebook_upgrades_an_old_transformers_in_its_own_kernel_then_asks_for_a_restart(capsys):
    commands = []
    old = lambda name: Version("5.17.0") if name == "transformers" else Version("2.11.0")  # noqa: E731
    assert versions.ensure_in_notebook(found=old, run=lambda cmd, check: commands.append(cmd)) is False
    (command,) = commands
    assert command[1:5] == ["-m", "pip", "install", "--quiet"] and "transformers<6,>=5.24" in command
    assert "torch" not in " ".join(command)  # torch 2.11 is inside the range: left alone
    assert "Restart the kernel" in capsys.readouterr().out
    assert versions.ensure_in_notebook(run=lambda *a, **k: commands.append("again")) is True
    assert commands == [command]


def test_generated_notebooks_check_the_versions_before_loading_the_model():
    from kata.cli import notebooks
    from kata.course import manifest

    nb = notebooks.build(manifest.find("03"), "03_logits.ipynb")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "ensure_in_notebook()" in code[0] and "course_model()" in code[1]
