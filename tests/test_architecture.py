"""The import-layer contract: web and commands → domain → core → models, and no cycles.

Three checks: import-linter's layers contract (``.importlinter``); the domain and
core never reach for the request, the session, templates or redirects; and no
two modules of ``app`` import each other, even through others (grimp's graph,
imports inside functions included).
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
REQUEST_BOUND_PACKAGES = ("core", "models", "deadlines", "cases", "intake", "notify", "scoring",
                          "accounts", "org")
# What only the web layer may use: the request and what answers it.
REQUEST_BOUND_NAMES = frozenset({"request", "session", "g", "render_template",
                                 "render_template_string", "redirect", "url_for"})
FLASK_MODULES = frozenset({"flask", "flask.globals", "flask.templating", "flask.helpers"})
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def test_the_import_layers_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(REPO / ".importlinter"), "--no-cache"],
        cwd=REPO, capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(ANSI_STYLE.sub("", result.stdout + result.stderr), pytrace=False)


def request_bound_uses(source: str) -> list[str]:
    """The request-bound Flask names a module's source imports or reads, with their lines."""
    found = []
    flask_aliases = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in FLASK_MODULES:
            found += [f"l.{node.lineno}: from {node.module} import {alias.name}"
                      for alias in node.names if alias.name in REQUEST_BOUND_NAMES]
        elif isinstance(node, ast.Import):
            flask_aliases |= {alias.asname or alias.name for alias in node.names
                              if alias.name in FLASK_MODULES}
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and node.attr in REQUEST_BOUND_NAMES
                and isinstance(node.value, ast.Name) and node.value.id in flask_aliases):
            found.append(f"l.{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize(("source", "expected"), [
    ("from flask import current_app, request\n", ["l.1: from flask import request"]),
    ("def f():\n    from flask import render_template as r\n",
     ["l.2: from flask import render_template"]),
    ("import flask\n\nflask.session.clear()\n", ["l.3: flask.session"]),
    ("from flask import current_app\nfrom flask_babel import gettext\n", []),
])
def test_request_bound_uses_are_found(source, expected):
    assert request_bound_uses(source) == expected


def test_domain_and_core_do_not_use_the_request():
    found = {}
    for package in REQUEST_BOUND_PACKAGES:
        for path in sorted((REPO / "app" / package).rglob("*.py")):
            uses = request_bound_uses(path.read_text(encoding="utf-8"))
            if uses:
                found[str(path.relative_to(REPO))] = uses
    assert found == {}, "the request, templates and redirects belong to app/web"


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_import_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}, "f": {"g"},
             "g": {"f"}}
    assert sorted(import_cycles(graph)) == [["a", "b", "c"], ["f", "g"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_app_imports_itself_through_others():
    built = grimp.build_graph("app", cache_dir=None)
    graph = {module: built.find_modules_directly_imported_by(module) for module in built.modules}
    report = []
    for cycle in import_cycles(graph):
        members = set(cycle)
        lines = [
            f"  {importer} -> {imported} (l.{detail['line_number']})"
            for importer in cycle
            for imported in sorted(graph[importer] & members)
            for detail in built.get_import_details(importer=importer, imported=imported)
        ]
        report.append("\n".join([" <-> ".join(cycle), *lines]))
    assert report == [], "import cycles:\n" + "\n\n".join(report)
