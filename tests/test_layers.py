"""One-way layers (jinzhou/layers.py, mirrored in docs/architecture.md): every app's Python files are parsed
with `ast`, the imports between apps form a graph, and the graph must have no cycle and no import upwards.

Relative imports stay inside their app. Imports under `if TYPE_CHECKING:` are left out: they name a type for
the reader and the type checker (core.access annotates `org.User`) and never run.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings

from jinzhou.layers import LAYERS, layer_of

ROOT = Path(settings.BASE_DIR)
APPS = [app for _name, layer in LAYERS for app in layer]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of the imports inside `if TYPE_CHECKING:` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {child.lineno for stmt in node.body for child in ast.walk(stmt) if hasattr(child, "lineno")}
    return lines


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app → {imported app → the files that import it}."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            skipped = _type_checking_only(tree)
            for node in ast.walk(tree):
                if getattr(node, "lineno", None) in skipped:
                    continue
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    target = module.split(".")[0]
                    if target in APPS and target != app:
                        graph[app][target].append(str(path.relative_to(ROOT)))
    return graph


def _cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app], stack[len(stack):] = "open", [app]
        for target in sorted(graph.get(app, {})):
            if state.get(target) == "open":
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        state[app] = "done"
        stack.pop()
        return None

    for app in APPS:
        if app not in state and (found := visit(app)):
            return found
    return None


def test_every_app_of_the_project_has_a_layer():
    ours = {config.name for config in django_apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert ours - set(APPS) == set(), "place the new app in jinzhou/layers.py LAYERS"
    assert len(APPS) == len(set(APPS))


def test_no_app_imports_a_higher_layer():
    layers = layer_of()
    upwards = [f"{app} ({LAYERS[layers[app]][0]}) imports {target} ({LAYERS[layers[target]][0]}) in {files[0]}"
               for app, targets in import_graph().items() for target, files in targets.items()
               if layers[target] > layers[app]]
    assert upwards == []


def test_no_import_cycle_between_apps():
    cycle = _cycle(import_graph())
    assert cycle is None, " → ".join(cycle)


def test_the_checker_sees_an_upward_import_and_a_cycle():
    """The rules can fail: a domain app importing progress, and two apps importing each other, are caught."""
    layers = layer_of()
    assert layers["progress"] > layers["clusters"]
    assert _cycle({"parks": {"clusters": ["x"]}, "clusters": {"parks": ["y"]}}) == ["clusters", "parks", "clusters"]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from org.models import User\n")
    assert _type_checking_only(tree) == {3}


def test_docs_architecture_shows_the_same_layer_table():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("<!-- layers -->")[1].split("<!-- /layers -->")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`" in line]
    shown = [(cells[1].strip(), tuple(re.findall(r"`(\w+)`", cells[2])))
             for cells in (row.split("|") for row in rows)]
    assert shown == [(name, apps) for name, apps in LAYERS]
