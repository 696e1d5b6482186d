"""The apps form layers that import one way (issue 12): each app imports only the apps at or
below it in LAYERS, no two apps import each other, and no module takes a private name (one
starting with ``_``) from another app. Read from the source with ``ast``: imports at module
level and inside functions alike. Migrations and tests are left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Bottom to top. An app may import the apps before it, never one after it.
LAYERS = (
    "core",
    "directory",
    "notifications",
    "consent",
    "cases",
    "audit",
    # Avvikelser: a process beside SIP and placement, which it reaches only through
    # cases.registry.ReportableCases (below them, so that it cannot import them).
    "deviations",
    "sipflow",
    "placement",
    "overview",
    "api",
    "config",
)


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the absolute dotted name imported from
    names: tuple[str, ...]  # the names taken from it (empty for ``import module``)

    @property
    def app(self) -> str:
        return self.path.relative_to(ROOT).parts[0]

    @property
    def target(self) -> str:
        return self.module.split(".")[0]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def app_files() -> list[Path]:
    files = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" not in parts and "tests" not in parts:
                files.append(path)
    return files


def module_name(path: Path) -> tuple[str, ...]:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def package_of(path: Path) -> tuple[str, ...]:
    module = module_name(path)
    return module if path.name == "__init__.py" else module[:-1]


def is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def file_imports(path: Path) -> tuple[list[Import], list[tuple[int, str]]]:
    """The imports of one file, and its uses of a private attribute of a module it imported
    from another app (``services._helper``), as (line, dotted name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imports: list[Import] = []
    modules: dict[str, str] = {}  # local name -> dotted module of another app's module
    own_app = path.relative_to(ROOT).parts[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.append(Import(path, node.lineno, alias.name, ()))
                if alias.asname:
                    modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = package_of(path)[: len(package_of(path)) - (node.level - 1)]
                module = ".".join([*package, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names = tuple(alias.name for alias in node.names)
            imports.append(Import(path, node.lineno, module, names))
            for alias in node.names:
                if is_module(f"{module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
    foreign = {
        local: dotted for local, dotted in modules.items() if dotted.split(".")[0] != own_app
    }
    private_uses = [
        (node.lineno, f"{foreign[node.value.id]}.{node.attr}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in foreign
        and is_private(node.attr)
    ]
    return imports, private_uses


def app_imports() -> tuple[list[Import], list[str]]:
    """Every import of one app by another, and every private attribute use across apps."""
    found, private_uses = [], []
    for path in app_files():
        imports, uses = file_imports(path)
        app = path.relative_to(ROOT).parts[0]
        found += [item for item in imports if item.target in LAYERS and item.target != app]
        where = path.relative_to(ROOT)
        private_uses += [f"{where}:{line} uses {name}" for line, name in uses]
    return found, private_uses


def edges(imports: list[Import]) -> dict[str, list[Import]]:
    by_edge: dict[str, list[Import]] = defaultdict(list)
    for item in imports:
        by_edge[f"{item.app} -> {item.target}"].append(item)
    return by_edge


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each app that lies on one (as a path that returns to its start)."""
    found, seen = [], set()
    for start in sorted(graph):
        stack = [(start, [start])]
        visited = set()
        while stack:
            app, trail = stack.pop()
            for following in sorted(graph.get(app, ())):
                if following == start:
                    cycle = [*trail, start]
                    key = frozenset(trail)
                    if key not in seen:
                        seen.add(key)
                        found.append(cycle)
                elif following not in visited:
                    visited.add(following)
                    stack.append((following, [*trail, following]))
    return found


def describe(by_edge: dict[str, list[Import]], edge: str) -> str:
    places = ", ".join(item.where for item in by_edge[edge])
    return f"{edge} ({places})"


def test_every_app_of_the_layers_is_a_package():
    assert [app for app in LAYERS if not (ROOT / app / "__init__.py").exists()] == []


def test_no_import_cycle_between_apps():
    imports, _uses = app_imports()
    by_edge = edges(imports)
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in by_edge:
        importer, imported = edge.split(" -> ")
        graph[importer].add(imported)
    problems = [
        " / ".join(describe(by_edge, f"{a} -> {b}") for a, b in pairwise(cycle))
        for cycle in cycles(graph)
    ]
    assert problems == [], "Import cycles between apps:\n" + "\n".join(problems)


def test_apps_import_only_the_layers_below():
    imports, _uses = app_imports()
    by_edge = edges(imports)
    upward = [
        describe(by_edge, edge)
        for edge in sorted(by_edge)
        if LAYERS.index(edge.split(" -> ")[1]) > LAYERS.index(edge.split(" -> ")[0])
    ]
    assert upward == [], "Imports of a higher layer:\n" + "\n".join(upward)


def test_no_app_takes_a_private_name_of_another():
    imports, private_uses = app_imports()
    taken = [
        f"{item.where} imports {item.module}.{name}"
        for item in imports
        for name in item.names
        if is_private(name)
    ]
    private_modules = [
        f"{item.where} imports the private module {item.module}"
        for item in imports
        if any(is_private(part) for part in item.module.split("."))
    ]
    problems = taken + private_modules + private_uses
    assert problems == [], "Private names used across apps:\n" + "\n".join(problems)
