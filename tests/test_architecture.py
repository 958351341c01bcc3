"""The shape of the code: imports point one way, nothing imports in a cycle, modules stay small.

Data flows TOML text -> validated model -> scoring -> score card -> outputs; the import layers
below follow it. A module may import its own layer and the layers before it, never a later one.
Every import counts: at the top of a module, inside a function, or for type checking only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "integration_index"
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"

#: The import layers, first to last: each names top-level parts of the package.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"exceptions", "_model", "_version"}),
    frozenset({"_i18n"}),
    frozenset({"_scoring"}),
    frozenset({"_io"}),
    frozenset({"_analysis", "_vector"}),
    frozenset({"hookspecs", "_plugins"}),
    frozenset({"_batch", "_pool", "_reports", "_spreadsheet"}),
    frozenset({"_api", "model", "analysis", "testing", "_conformance", "__init__"}),
    frozenset({"_cli", "_web", "__main__"}),
)

#: Size limits: a module over this many lines wants splitting along a real seam.
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        yield ".".join(("integration_index", *parts)), path


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every integration_index module *path* imports, anywhere in the file, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("integration_index"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            if not base.startswith("integration_index"):
                continue
            for alias in node.names:
                # "from package import module" imports the module, not just a name.
                candidate = f"{base}.{alias.name}"
                yield (candidate if _is_module(candidate) else base), node.lineno


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative).is_dir()


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in _modules():
        graph[module] = {target for target, _ in _imports(module, path) if target != module}
    return graph


def test_every_module_belongs_to_a_layer() -> None:
    for module, _ in _modules():
        _layer(module)


def test_imports_point_from_later_layers_to_earlier_ones() -> None:
    wrong = []
    for module, path in _modules():
        for target, line in _imports(module, path):
            if target == "integration_index" and module != "integration_index":
                wrong.append(f"{path.name}:{line}: {module} imports the package facade")
            elif target != "integration_index" and _layer(target) > _layer(module):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {module} imports {target}")
    assert wrong == []


def test_no_import_cycles_not_even_lazy_ones() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a cycle of the design.
    edges = {
        module: {t for t in targets if not module.startswith(t + ".") and t in graph}
        for module, targets in graph.items()
    }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


#: The command line's help examples use the shipped example files, and so their frameworks' ids.
NAMES_FRAMEWORKS = frozenset({PACKAGE / "_cli" / "help_examples.py"})


def test_the_core_names_no_framework() -> None:
    """Framework specifics live in frameworks/ and plugins/, never in the core's code."""
    names = ("eurocities", "gfmd", "engagement")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for _, path in _modules()
        if path not in NAMES_FRAMEWORKS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("#")
        and any(name in line.lower() for name in names)
        and "examples/" not in line
        and '"""' not in line
    ]
    assert found == []


@pytest.mark.parametrize("root", [PACKAGE, PLUGINS], ids=["core", "plugins"])
def test_modules_and_functions_stay_small(root: Path) -> None:
    too_long = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(root)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: {length}")
    assert too_long == []
