"""No role comparison outside the permission layer: `core/access.py` decides what a role may do, and
`org/models.py` defines the role field. Everywhere else (views, services, selectors, admin, API,
templates) asks `access.may(user, action, …)` / `restrict(…)` or the `{% may %}` tag.

Python is read with `ast`: a comparison or a truth test on a user's role, staff or superuser flag or its
department (`user.department_id == pk`), a query of users by role, or the old role properties
(`edits_everything`, `sees_everything`, `can_write`, `is_planner`) is a finding. Templates are read with
regular expressions for the same. The detectors are tested on bad snippets first, so the sweep can fail.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {Path("core/access.py"), Path("org/models.py")}
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "static", ".git", "docs"}

ROLE_PROPERTIES = {"edits_everything", "sees_everything", "can_write", "is_planner"}
ROLE_FLAGS = {"role", "is_staff", "is_superuser"}
USER_QUERY_METHODS = {"filter", "exclude", "get"}
ROLE_KEYWORDS = {"role", "role__in", "is_staff", "is_superuser"}


def _is_user(node: ast.AST) -> bool:
    """`user`, `request.user`, `self.request.user`, `run.user` …"""
    return (isinstance(node, ast.Name) and node.id == "user") or (isinstance(node, ast.Attribute)
                                                                   and node.attr == "user")


def _mentions_role(node: ast.AST) -> bool:
    """An expression that reads a role, a staff/superuser flag, a `Role.X` constant or the user's department."""
    for inner in ast.walk(node):
        if not isinstance(inner, ast.Attribute):
            continue
        if inner.attr in ROLE_FLAGS:
            return True
        if isinstance(inner.value, ast.Attribute) and inner.value.attr == "Role":
            return True
        if inner.attr in ("department", "department_id") and _is_user(inner.value):
            return True
    return False


def _flag(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ROLE_FLAGS - {"role"}


def _tests_a_flag(node: ast.AST) -> bool:
    """`… and user.is_staff`, `not user.is_superuser`, `if user.is_staff:`."""
    if isinstance(node, ast.BoolOp):
        return any(_flag(value) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _flag(node.operand)
    return isinstance(node, ast.If | ast.IfExp | ast.While | ast.Assert) and _flag(node.test)


def python_findings(source: str) -> list[tuple[int, str]]:
    """(line, what) for every role comparison in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_PROPERTIES:
            found.append((node.lineno, f"role property .{node.attr}"))
        elif isinstance(node, ast.Compare) and any(_mentions_role(side) for side in (node.left, *node.comparators)):
            found.append((node.lineno, "comparison of a role, flag or the user's department"))
        elif _tests_a_flag(node):
            found.append((node.lineno, "truth test of a staff or superuser flag"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in USER_QUERY_METHODS
              and any(k.arg in ROLE_KEYWORDS for k in node.keywords)):
            found.append((node.lineno, "query of users by role or flag"))
    return found


TEMPLATE_PATTERNS = [
    re.compile(r"\buser\.(role|is_staff|is_superuser)\b"),
    re.compile(r"\.(edits_everything|sees_everything|can_write|is_planner)\b"),
    re.compile(r"\buser\.department(_id)?\s*(==|!=)|(==|!=)\s*user\.department(_id)?\b"),
]


def template_findings(text: str) -> list[tuple[int, str]]:
    return [(number, match.group(0)) for number, line in enumerate(text.splitlines(), 1)
            for pattern in TEMPLATE_PATTERNS if (match := pattern.search(line))]


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(path for path in ROOT.rglob("*") if path.suffix in suffixes and path.is_file()
                  and not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts[:-1]))


@pytest.mark.parametrize("snippet", [
    "if request.user.edits_everything: pass",
    "ok = user.role == User.Role.PLANNER",
    "ok = User.Role.EDITOR != user.role",
    "ok = request.user.is_active and request.user.is_staff",
    "ok = not user.is_superuser",
    "if user.is_staff: pass",
    "editors = User.objects.filter(role='editor', is_active=True)",
    "if user.department_id != pk: raise Http404",
])
def test_the_python_detector_finds_a_role_comparison(snippet):
    assert python_findings(snippet)


@pytest.mark.parametrize("snippet", [
    "ok = access.may(request.user, 'review', figure)",
    "users = User.objects.update_or_create(username='x', defaults={'role': role})",
    "details = {'role': instance.role, 'is_staff': instance.is_staff}",
    "same = figure.cluster.responsible_department_id == department.pk",
])
def test_the_python_detector_leaves_permission_questions_alone(snippet):
    assert not python_findings(snippet)


@pytest.mark.parametrize("snippet", [
    "{% if user.edits_everything %}", "{% if user.is_staff %}", "{% if user.role == 'planner' %}",
    "{% if user.sees_everything or user.department_id == s.department.pk %}",
])
def test_the_template_detector_finds_a_role_comparison(snippet):
    assert template_findings(snippet)


def test_the_template_detector_leaves_the_may_tag_and_role_names_alone():
    assert not template_findings('{% may "review" figure as ok %}{{ user.get_role_display }}{{ user.department }}')


def test_no_python_module_compares_roles_outside_the_permission_layer():
    findings = [f"{path.relative_to(ROOT)}:{line}: {what}"
                for path in _files((".py",)) if path.relative_to(ROOT) not in ALLOWED
                for line, what in python_findings(path.read_text(encoding="utf-8"))]
    assert findings == []


def test_no_template_compares_roles():
    findings = [f"{path.relative_to(ROOT)}:{line}: {what}" for path in _files((".html", ".txt"))
                for line, what in template_findings(path.read_text(encoding="utf-8"))]
    assert findings == []


def test_the_sweep_reads_the_apps_and_templates():
    # Guard against a sweep that passes because it reads nothing.
    python = {path.relative_to(ROOT) for path in _files((".py",))}
    templates = {path.relative_to(ROOT) for path in _files((".html",))}
    assert {Path("reporting/views.py"), Path("dashboards/department.py"), Path("core/admin.py")} <= python
    assert {Path("templates/base.html"), Path("templates/dashboards/city.html")} <= templates
