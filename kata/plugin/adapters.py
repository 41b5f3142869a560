"""The one indirection between graded tests and the code under test (as CS336's adapters.py).

Graded tests never import a learner module. They ask for the ``impl`` fixture, which comes
from here: the learner's ``exercises/NN_name/module.py`` by default, the reference
``solutions/NN_name/module.py`` with ``--solutions`` (or ``KATA_SOLUTIONS=1``), or any file
named by ``KATA_IMPL_FILE`` (how ``kata check --notebook`` grades code taken from a notebook).
The session (kata.plugin.session.KataSession) says which; nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path

from kata.course.manifest import ROOT, Exercise
from kata.i18n import t


class ImplementationError(Exception):
    """The learner's module cannot be used at all (syntax error, import error, missing name)."""


def implementation_path(exercise: Exercise, solutions: bool, impl_file: Path | None = None) -> Path:
    if impl_file:
        return Path(impl_file).resolve()
    return exercise.module_path(solutions)


def selection_problem(solutions: bool, impl_file: Path | None) -> str | None:
    """Two choices of what to grade at once: say so rather than grade one and name the other."""
    if solutions and impl_file:
        return t("--solutions (or KATA_SOLUTIONS=1) and KATA_IMPL_FILE={file} both choose the code to grade; "
                 "use one of them.", file=impl_file)
    return None


def graded_code(solutions: bool, impl_file: Path | None = None) -> str:
    """What a run grades, in words, for the header of a test run."""
    if impl_file:
        return t("{file} (KATA_IMPL_FILE)", file=relative(Path(impl_file)))
    return t("reference solutions (solutions/)") if solutions else t("your code (exercises/)")


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class Implementation:
    """A loaded module whose missing functions fail with a message a learner understands."""

    def __init__(self, module, exercise: Exercise, path: Path, chosen: bool = False):
        self._module = module
        self._exercise = exercise
        self._path = path
        self._chosen = chosen  # a file named by KATA_IMPL_FILE, not the exercise's own

    def __getattr__(self, name: str):
        try:
            return getattr(self._module, name)
        except AttributeError:
            where, listed, ex = relative(self._path), ", ".join(self._exercise.functions), self._exercise.id
            if self._chosen:
                raise ImplementationError(_not_this_exercise(self._module, self._exercise, where, name)) from None
            raise ImplementationError(t("{where} has no function `{name}`. The tests call the functions named in the exercise ({listed}); did you rename or delete it? `kata reset {ex}` restores the original file after backing yours up.", where=where, name=name, listed=listed, ex=ex)) from None


def _not_this_exercise(module, exercise: Exercise, where: str, name: str) -> str:
    """KATA_IMPL_FILE names a file without this exercise's functions: name the mismatch (a reset of
    the exercise would replace an innocent file)."""
    from kata.course.manifest import exercises

    defined = {k for k, v in vars(module).items() if callable(v)}
    other = next((e.id for e in exercises() if e.id != exercise.id and set(e.functions) <= defined), None)
    if other:
        return t("KATA_IMPL_FILE names {where}, which holds the functions of {other}, not of {ex}: this run grades "
                 "{ex}, whose tests call `{name}`. Point KATA_IMPL_FILE at a file of {ex}, or grade {other}.",
                 where=where, other=other, ex=exercise.id, name=name)
    return t("KATA_IMPL_FILE names {where}, which has no function `{name}`: the tests of {ex} call {listed}.",
             where=where, name=name, ex=exercise.id, listed=", ".join(exercise.functions))


_loaded: dict[Path, Implementation | ImplementationError] = {}


def forget_loaded() -> None:
    """Import every module under test afresh next time (a long-lived process, after a save)."""
    for name in [m for m in sys.modules if m.startswith("kata_under_test.")]:
        del sys.modules[name]
    _loaded.clear()


def load_implementation(exercise: Exercise, solutions: bool, impl_file: Path | None = None) -> Implementation:
    """Import the module under test once per session; a broken file fails each test clearly."""
    return _load_once(exercise, implementation_path(exercise, solutions, impl_file), chosen=impl_file is not None)


def _load_once(exercise: Exercise, path: Path, chosen: bool = False) -> Implementation:
    if path not in _loaded:
        _loaded[path] = _import(exercise, path, chosen)
    result = _loaded[path]
    if isinstance(result, ImplementationError):
        raise result
    return result


def _import(exercise: Exercise, path: Path, chosen: bool):
    if not path.is_file():
        return ImplementationError(t("{relative} does not exist; `kata reset {id}` restores it.", relative=relative(path), id=exercise.id))
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    name = f"kata_under_test.{exercise.id}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        text = (error.text or "").rstrip()
        return ImplementationError(t("{relative} has a syntax error on line {lineno}: {msg}\n    {text}", relative=relative(path), lineno=error.lineno, msg=error.msg, text=text))
    except BaseException as error:  # noqa: BLE001 - any failure at import is the learner's to see
        where = traceback.extract_tb(error.__traceback__)[-1]
        problem = f"{type(error).__name__}: {error}"
        return ImplementationError(t("importing {relative} failed: {problem} (line {lineno}). Code at the top level of the file runs on import; keep it inside the functions.", relative=relative(path), problem=problem, lineno=where.lineno))
    sys.modules[name] = module
    return Implementation(module, exercise, path, chosen)


def reference_functions(exercise_id: str) -> dict:
    """The reference solution's public names, for test doubles that change just one function."""
    from kata.course.manifest import find

    exercise = find(exercise_id)
    reference = _load_once(exercise, exercise.module_path(solutions=True))
    return {k: v for k, v in vars(reference._module).items() if not k.startswith("__")}
