"""The package's layout: no module imports another that imports it back, however indirectly.

Imports inside functions count too: they hide a cycle from Python at import
time, not from a reader who has to learn the modules in some order. And every
public function says in type hints what it takes and gives (mypy, in .ci/run,
checks that the hints hold).
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


def unannotated(path: Path, package: Path = PACKAGE) -> list[str]:
    """The public functions and methods of a module (no leading underscore) that leave a parameter
    or the return without a type hint: ``name(parameter, ..., return)`` for each."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    functions = [(node.name, node, False) for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_")):
        functions += [(f"{cls.name}.{item.name}", item, True) for item in cls.body
                      if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found = []
    for name, function, is_method in functions:
        if name.rsplit(".", 1)[-1].startswith("_"):
            continue
        arguments = function.args
        parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
        if is_method and not is_static and parameters:
            parameters = parameters[1:]  # self or cls
        parameters += [star for star in (arguments.vararg, arguments.kwarg) if star is not None]
        missing = [p.arg for p in parameters if p.annotation is None] + (["return"] if function.returns is None else [])
        if missing:
            found.append(f"{module_name(path, package)}.{name}({', '.join(missing)})")
    return found


def test_every_public_function_of_kg_has_type_hints():
    """mypy checks what the hints say; this, that the public API has them (mypy's own switch would
    also demand them of every private helper)."""
    missing = [entry for path in sorted(PACKAGE.rglob("*.py")) if "static" not in path.parts
               for entry in unannotated(path)]
    assert missing == []


def test_the_hint_check_names_a_parameter_or_return_left_out(tmp_path):
    module = tmp_path / "kg" / "sample.py"
    module.parent.mkdir()
    module.write_text("def typed(a: int, *rest: str) -> int: ...\n"
                      "def loose(a, b: int): ...\n"
                      "def _private(a): ...\n"
                      "class Thing:\n"
                      "    def method(self, value) -> None: ...\n"
                      "    @staticmethod\n"
                      "    def make(value: int): ...\n"
                      "    def _hidden(self, x): ...\n")
    assert unannotated(module, module.parent) == ["kg.sample.loose(a, return)", "kg.sample.Thing.method(value)",
                                                  "kg.sample.Thing.make(return)"]


def test_every_name_the_benchmarks_and_tests_take_from_kg_is_there():
    """bench/ runs only by hand, so a name the library dropped would break a benchmark unseen:
    every `from kg... import name` in bench/ and tests/ names something the module has."""
    import importlib
    import importlib.util

    root = PACKAGE.parent
    missing = []
    for path in sorted([*(root / "bench").glob("*.py"), *(root / "tests").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "kg":
                module = importlib.import_module(node.module)
                missing += [f"{path.relative_to(root)}:{node.lineno}: {node.module}.{alias.name}"
                            for alias in node.names if not hasattr(module, alias.name)
                            and not (hasattr(module, "__path__")  # a package's module not imported yet
                                     and importlib.util.find_spec(f"{node.module}.{alias.name}"))]
    assert missing == []
