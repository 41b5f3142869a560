"""The harness stays one a newcomer can hold in their head: imports flow one way, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

from graded_runs import ROOT

KATA = ROOT / "kata"
MAX_MODULE_LINES = 320
MAX_GRADED_TEST_LINES = 440  # "about 400": one exercise, read in one sitting


def module_name(path: Path) -> str:
    """'cli.check' for kata/cli/check.py, 'i18n' for kata/i18n/__init__.py."""
    parts = path.relative_to(KATA).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_of(dotted: str) -> str:
    """The module a dotted name inside kata names, through the aliases of the old flat names."""
    from kata import _moved

    first, _, rest = dotted.partition(".")
    first = _moved.MOVED.get(first, first)
    dotted = f"{first}.{rest}" if rest else first
    while dotted and not ((KATA / f"{dotted.replace('.', '/')}.py").exists() or (KATA / dotted.replace(".", "/")).is_dir()):
        dotted = dotted.rpartition(".")[0]
    return dotted


def kata_imports(path: Path) -> set[str]:
    """The kata modules ``path`` imports anywhere (top level or inside a function), as 'cli.check'."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "kata":
            package = node.module.partition(".")[2]
            for alias in node.names:
                found.add(_module_of(f"{package}.{alias.name}" if package else alias.name))
        elif isinstance(node, ast.Import):
            found |= {_module_of(a.name.partition(".")[2]) for a in node.names if a.name.startswith("kata.")}
    return found - {"", module_name(path) if path.is_relative_to(KATA) else ""}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): kata_imports(path) for path in KATA.rglob("*.py")
            if path.name not in ("__init__.py", "__main__.py", "_moved.py")}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*trail, nxt])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_kata_modules_import_each_other_without_a_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, f"an import cycle in kata/: {' -> '.join(cycle)}"


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_small_utilities_import_nothing_of_the_harness():
    graph = import_graph()
    for leaf in ("core.hfutil", "course.texts", "core.errors", "course.manifest", "core.deadline"):
        assert graph[leaf] == set(), f"kata.{leaf} should import no other kata module, imports {graph[leaf]}"


def test_no_harness_module_is_much_over_300_lines():
    long = {str(p.relative_to(KATA)): n for p in KATA.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by concern: {long}"


def test_no_graded_test_file_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "exercises").glob("*/test_*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_GRADED_TEST_LINES}
    assert not long, f"move shared probes to kata/testkit/probes.py, or split the file: {long}"


def test_graded_tests_take_the_courses_texts_from_kata_texts_not_the_standin():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "exercises").glob("*/test_*.py")
                 if "model.standin" in kata_imports(p)]
    assert not offenders, f"import prompts from kata.course.texts: {offenders}"
