"""Is this environment inside the versions the course declares? Said at once, in plain words.

The declared ranges are read from ``pyproject.toml`` (one source of truth); the installed
versions from package metadata, so nothing heavy is imported. An older transformers is the
usual case (a hosted notebook or a lab image with one preinstalled: ``pip install`` sees an
old requirement satisfied and keeps it), and it breaks the course in ways that look like the
learner's mistakes, so the test run stops before it starts.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys

from packaging.requirements import Requirement
from packaging.version import Version

from kata.course.manifest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CHECKED = ("torch", "transformers")


def declared() -> dict[str, Requirement]:
    """The course's requirements on the packages whose API it depends on."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [Requirement(r) for r in data["project"]["dependencies"]]
    return {r.name: r for r in requirements if r.name in CHECKED}


def installed(name: str) -> Version | None:
    try:
        # "2.13.0+cpu" -> 2.13.0: a local build tag does not change the API.
        return Version(re.sub(r"\+.*$", "", importlib.metadata.version(name)))
    except importlib.metadata.PackageNotFoundError:
        return None


def outside(found=installed) -> list[tuple[str, Requirement, Version | None]]:
    """(name, requirement, installed version or None) for each package outside its declared range."""
    wrong = []
    for name, requirement in declared().items():
        version = found(name)
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append((name, requirement, version))
    return wrong


def problems(found=installed) -> list[str]:
    """One sentence per package outside the declared range, with the command that fixes it."""
    said = []
    for name, requirement, version in outside(found):
        fix = f'pip install --upgrade "{name}{requirement.specifier}"'
        if version is None:
            said.append(f"{name} is not installed; the course needs {name}{requirement.specifier}. Fix: {fix}")
        else:
            said.append(f"{name} {version} is installed, but the course needs {name}{requirement.specifier} "
                        f"(its API changed between versions). Fix: {fix}")
    return said


def ensure_in_notebook(found=installed, run=None) -> bool:
    """First cell of a course notebook (a hosted one: torch preinstalled, an older transformers, no
    terminal): upgrade what is outside the declared range, in this kernel's Python. True when all is
    in range; False after an upgrade, which a fresh kernel must load (restart, then run again)."""
    import subprocess

    wrong = outside(found)
    if not wrong:
        print("llm-kata: torch and transformers are within the versions the course runs on.")
        return True
    specs = [f"{name}{requirement.specifier}" for name, requirement, _ in wrong]
    print("llm-kata: upgrading " + ", ".join(specs) + " ...")
    (run or subprocess.run)([sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", *specs], check=True)
    print("Done. Restart the kernel (Colab: Runtime > Restart session), then run the notebook again: the new "
          "versions load only in a fresh kernel.")
    return False
