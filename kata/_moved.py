"""The flat module names kata had before its subpackages, kept working.

Notebooks a learner already generated, wrong versions and graded tests written against the old names
(``from kata.checks import fail``, ``python -m kata.pristine``) get the very same module object as the
new name, so state such as i18n's recording is never split between two copies of a module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

MOVED = {
    "errors": "core.errors", "hfutil": "core.hfutil", "timeouts": "core.deadline",
    "manifest": "course.manifest", "texts": "course.texts", "state": "course.state",
    "pristine": "course.pristine", "versions": "course.versions",
    "models": "model.resolve", "modelscope": "model.modelscope", "guard": "model.guard",
    "standin": "model.standin", "standin_training": "model.standin_training",
    "standin_unknown": "model.standin_unknown",
    "checks": "testkit.checks", "probes": "testkit.probes", "tolerance": "testkit.tolerance",
    "watch_calls": "testkit.watch_calls", "locate": "testkit.locate",
    "adapters": "plugin.adapters", "pytest_plugin": "plugin.hooks", "pytest_report": "plugin.output",
    "pytest_session": "plugin.session",
    "worker": "grading.worker",
    "cmd_check": "cli.check", "cmd_dev": "cli.dev", "cmd_files": "cli.files", "cmd_setup": "cli.setup",
    "cmd_watch": "cli.watch", "ui": "cli.ui", "bench": "cli.bench", "tour": "cli.tour",
    "notebooks": "cli.notebooks", "devcheck": "cli.devcheck", "dev_templates": "cli.dev_templates",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        old = fullname.removeprefix("kata.")
        if fullname.startswith("kata.") and old in MOVED:
            new = importlib.util.find_spec("kata." + MOVED[old])
            return importlib.util.spec_from_loader(fullname, self, origin=new.origin)
        return None

    def create_module(self, spec):
        return importlib.import_module("kata." + MOVED[spec.name.removeprefix("kata.")])

    def exec_module(self, module):  # already executed under its new name
        pass

    def get_code(self, fullname):  # `python -m kata.pristine` runs the new module's code
        new = importlib.util.find_spec("kata." + MOVED[fullname.removeprefix("kata.")])
        return new.loader.get_code(new.name)


def install() -> None:
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
