"""The package's layout: no module imports another that imports it back, however indirectly.

Imports inside functions count too: they hide a cycle from Python at import
time, not from a reader who has to learn the modules in some order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each kg module and the kg modules it imports, anywhere in its text."""
    modules = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                # "from . import app" names a module; "from .store import open_store" a name in one
                targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                           for alias in node.names]
            else:
                continue
            imported |= {target for target in targets if target in modules and target != name}
        graph[name] = imported
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it (the first repeated at the end), or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node):
        state[node] = "open"
        trail.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return trail[trail.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        trail.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_of_kg_imports_itself_back():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_sees_a_cycle_through_an_import_inside_a_function(tmp_path):
    package = tmp_path / "kg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("def thing():\n    from . import c\n")
    (package / "c.py").write_text("import kg.a\n")
    assert find_cycle(import_graph(package)) == ["kg.a", "kg.b", "kg.c", "kg.a"]


@pytest.mark.parametrize("module", ["kg.cli", "kg.web"])
def test_the_library_does_not_import_the_command_line_or_the_web_pages(module):
    graph = import_graph()
    library = [name for name in graph if not name.startswith(("kg.cli", "kg.web"))]
    offenders = sorted(name for name in library if any(t == module or t.startswith(module + ".") for t in graph[name]))
    assert offenders == []


def test_docs_modules_names_every_module_of_kg():
    text = (PACKAGE.parent / "docs" / "modules.md").read_text(encoding="utf-8")
    listed = {name for name in import_graph() if not name.startswith(("kg.cli", "kg.web")) and name != "kg"}
    assert sorted(name for name in listed if f"`kg/{name.removeprefix('kg.').replace('.', '/')}.py`" not in text) == []


def test_only_the_workspace_and_the_command_line_read_the_environment():
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name == "kg.workspace" or name.startswith("kg.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv") \
                    and isinstance(node.value, ast.Name) and node.value.id == "os":
                readers.append(f"{name}:{node.lineno}")
    assert readers == []
