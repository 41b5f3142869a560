"""The harness stays one a newcomer can hold in their head: imports flow one way, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

from graded_runs import ROOT

KATA = ROOT / "kata"
MAX_MODULE_LINES = 320
MAX_GRADED_TEST_LINES = 440  # "about 400": one exercise, read in one sitting


def kata_imports(path: Path) -> set[str]:
    """The kata modules ``path`` imports anywhere (top level or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kata":
            if node.module == "kata":
                found |= {alias.name for alias in node.names if (KATA / f"{alias.name}.py").exists()}
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("kata.")}
    return found - {path.stem}


def import_graph() -> dict[str, set[str]]:
    return {path.stem: kata_imports(path) for path in KATA.glob("*.py") if path.stem != "__init__"}


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
    for leaf in ("hfutil", "texts", "errors", "manifest"):
        assert graph[leaf] == set(), f"kata/{leaf}.py should import no other kata module, imports {graph[leaf]}"


def test_no_harness_module_is_much_over_300_lines():
    long = {p.name: n for p in KATA.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by concern: {long}"


def test_no_graded_test_file_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "exercises").glob("*/test_*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_GRADED_TEST_LINES}
    assert not long, f"move shared probes to kata/probes.py, or split the file: {long}"


def test_graded_tests_take_the_courses_texts_from_kata_texts_not_the_standin():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "exercises").glob("*/test_*.py")
                 if "standin" in kata_imports(p)]
    assert not offenders, f"import prompts from kata.texts: {offenders}"
