"""The package's layers, checked on its import graph: no cycle, nothing imports a layer above.

The order (docs/DESIGN.md, "Layers"): each package may import only packages of lower layers
(and its own modules); `__main__` modules are entry points and may import the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import outcome_matcher

ROOT = Path(outcome_matcher.__file__).parent
LAYERS: tuple[tuple[str, ...], ...] = (
    ("config", "errors"),
    ("schemas", "artifacts"),
    ("text", "fileio", "levels", "i18n"),
    ("frameworks", "catalogues", "encoders"),
    ("retrieval",),
    ("store",),
    ("services",),
    ("review",),
    ("learning",),
    ("reports", "batch", "microquals"),
    ("evaluation", "adaptation"),
    ("api",),
    ("web",),
    ("app",),
    ("cli",),
)
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}
TOP_LEVEL_MODULES = {"__init__", "config", "errors", "schemas"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every outcome_matcher module a file imports, at module level or inside functions.

    `from outcome_matcher.x import y` depends on the module x.y when y is a module, else on x.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_local(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = _local(node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules}


def _local(name: str) -> str:
    if name == "outcome_matcher":
        return ""
    return name.removeprefix("outcome_matcher.") if name.startswith("outcome_matcher.") else "-"


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in ROOT.rglob("*.py")}
    return {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}


def _package(module: str) -> str:
    return module.split(".")[0]


def test_every_package_has_a_layer_and_the_top_level_holds_only_the_faces() -> None:
    top = {p.stem for p in ROOT.glob("*.py")}
    assert top <= TOP_LEVEL_MODULES, f"loose top-level modules: {sorted(top - TOP_LEVEL_MODULES)}"
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - set(LAYER_OF) == set(), "give each package a layer in LAYERS and DESIGN.md"


def test_no_import_reaches_a_higher_or_sibling_layer() -> None:
    wrong = []
    for module, imported in _graph().items():
        if module.endswith("__main__"):
            continue  # entry points (python -m ...) call the CLI
        source = _package(module)
        for target in imported:
            if _package(target) == source or source == "__init__":
                continue
            if LAYER_OF[_package(target)] >= LAYER_OF[source]:
                wrong.append(f"{module} -> {target}")
    assert wrong == [], "imports against the layer order:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)
