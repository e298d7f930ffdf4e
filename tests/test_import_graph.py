"""The modules of evalkit import one another without a cycle (function-level imports included; imports
only for type annotations, under ``if TYPE_CHECKING:``, never run and are left out).

A cycle hides behind function-level imports until someone moves one to the top of a file; then the
package fails to import. Every stage should depend only on the stages and shared modules below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import evalkit

PACKAGE_ROOT = Path(evalkit.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each evalkit module -> the evalkit modules it imports anywhere in its source."""
    paths = {module_name(p): p for p in PACKAGE_ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # "from evalkit.a import b" names module evalkit.a.b when there is one, else evalkit.a
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    deps.add(child if child in paths else node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        deps -= _type_checking_imports(tree, paths)
        graph[name] = {d for d in deps if d in paths and d != name}
    return graph


def _type_checking_imports(tree: ast.Module, paths: dict[str, Path]) -> set[str]:
    """Modules imported only under ``if TYPE_CHECKING:`` (annotations: never imported at run time)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    found.update(f"{inner.module}.{a.name}" if f"{inner.module}.{a.name}" in paths else inner.module for a in inner.names)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a list of modules (the first repeated at the end), or ``None``."""
    done: set[str] = set()
    for root in sorted(graph):
        path: list[str] = []
        stack = [(root, iter(sorted(graph[root])))]
        path.append(root)
        while stack:
            node, deps = stack[-1]
            dep = next(deps, None)
            if dep is None:
                stack.pop()
                path.pop()
                done.add(node)
            elif dep in path:
                return path[path.index(dep) :] + [dep]
            elif dep not in done:
                stack.append((dep, iter(sorted(graph[dep]))))
                path.append(dep)
    return None


def test_find_cycle_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_evalkit_imports_form_no_cycle():
    assert find_cycle(import_graph()) is None


def test_the_glossary_is_below_the_lexicon():
    graph = import_graph()
    assert "evalkit.glossary" in graph["evalkit.align.lexicon"]
    assert not any(dep.startswith("evalkit.align") for dep in graph["evalkit.glossary"])
