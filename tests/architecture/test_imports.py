"""The code's structure: packages depend on each other one way, imports sit at the top (issue 14).

Built from the source with `ast`, so it needs no import of the app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"

pytestmark = pytest.mark.nodb


def _modules():
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"))


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return []


def package_graph() -> dict[str, set[str]]:
    """{app package: app packages it imports anywhere (module level or in functions)}."""
    graph: dict[str, set[str]] = {}
    for module, _path, tree in _modules():
        source = _package(module)
        graph.setdefault(source, set())
        for node in ast.walk(tree):
            for name in _imported(node):
                if name.startswith("app.") and name.count(".") >= 1:
                    target = _package(name)
                    if (
                        target != source
                        and (APP.parent / target.replace(".", "/")).exists()
                        or target != source
                        and (APP.parent / (target.replace(".", "/") + ".py")).exists()
                    ):
                        graph[source].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def function_level_imports() -> list[str]:
    """file:line of every import inside a function of app/ (other than TYPE_CHECKING)."""
    found = []
    for _module, path, tree in _modules():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return sorted(set(found))


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_packages_depend_on_each_other_one_way():
    cycle = find_cycle(package_graph())
    assert cycle is None, " → ".join(cycle or [])


def test_content_knows_nothing_of_the_web_app():
    assert package_graph()["app.content"] == set()


def test_no_function_level_imports():
    assert function_level_imports() == []
