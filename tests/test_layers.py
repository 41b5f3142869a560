"""The harness in layers: each subpackage of kata/ imports only the ones the table allows.

cli -> grading -> plugin -> testkit, model -> course -> core -> i18n; cli -> room -> course. A module may import its own
package. The old flat names (kata.checks, kata.pristine, ...) are aliases of the new modules.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from test_structure import KATA, kata_imports

from kata import _moved

ALLOWED = {
    "i18n": set(),
    "core": {"i18n"},
    "course": {"i18n", "core"},
    "model": {"course", "i18n", "core"},
    "testkit": {"course", "i18n", "core"},
    "plugin": {"testkit", "model", "course", "i18n", "core"},
    "grading": {"plugin", "testkit", "model", "course", "i18n", "core"},
    "room": {"course", "i18n", "core"},
    "cli": {"grading", "plugin", "testkit", "model", "room", "course", "i18n", "core"},
}


def _package_of(path: Path) -> str:
    parts = path.relative_to(KATA).parts
    return parts[0] if len(parts) > 1 else ""


def _modules():
    return sorted(p for p in KATA.rglob("*.py") if _package_of(p))


def test_every_module_sits_in_a_known_layer():
    flat = sorted(p.name for p in KATA.glob("*.py") if p.name not in ("__init__.py", "__main__.py", "_moved.py"))
    assert not flat, f"modules directly in kata/ (put them in a layer): {flat}"
    assert {_package_of(p) for p in _modules()} == set(ALLOWED), "a subpackage without a row in ALLOWED"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(KATA)))
def test_imports_flow_one_way(path):
    package = _package_of(path)
    for name in kata_imports(path):  # 'cli.check', the old flat names already resolved
        target = name.split(".")[0]
        assert target == package or target in ALLOWED[package], (
            f"kata/{path.relative_to(KATA)} ({package}) imports kata.{name} ({target}); "
            f"{package} may import only {sorted(ALLOWED[package]) or 'nothing from kata'}")


def test_old_names_are_the_new_modules():
    for old, new in _moved.MOVED.items():
        assert importlib.import_module(f"kata.{old}") is importlib.import_module(f"kata.{new}"), old


def test_old_module_paths_still_run_with_dash_m():
    out = subprocess.run([sys.executable, "-m", "kata.standin"], capture_output=True, text=True, cwd=KATA.parent)
    assert "usage: python -m kata.model.standin build" in out.stdout + out.stderr


def test_the_layers_in_figures(capsys):
    """Modules per package (printed with -s; the README's layout table is drawn from it)."""
    counts = {}
    for path in _modules():
        counts.setdefault(_package_of(path), []).append(path)
    for package in ALLOWED:
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in counts[package])
        print(f"{package:8} {len(counts[package]):2} modules {lines:5} lines")
    assert all(counts.get(p) for p in ALLOWED)
