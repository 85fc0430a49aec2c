"""The house: data flows one way through kg/, so its imports form no cycle and no module grows past a screenful or eight.

Imports are read from the source (every ``import`` statement, at the top or inside a
function), so a cycle hidden behind a lazy import counts too.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.cache import imported_modules

PACKAGE = Path(__file__).resolve().parents[1] / "kg"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, modules: set[str]) -> set[str]:
    """The kg modules that ``path`` imports, read by the walk the cache version uses (``kg.cache``)."""
    name = module_name(path)
    return {m for m in imported_modules(path, name) if m in modules and m != name}


def import_graph() -> nx.DiGraph:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for path in paths:
        graph.add_edges_from((module_name(path), target) for target in imported(path, modules))
    return graph


def unit(module: str) -> str:
    """The top-level part of kg a module belongs to (kg.pipeline.orgs -> kg.pipeline)."""
    return ".".join(module.split(".")[:2])


@pytest.fixture(scope="module")
def kg_imports() -> nx.DiGraph:
    """The import graph of kg's modules, read once for the tests below."""
    return import_graph()


@pytest.fixture(scope="module")
def unit_imports(kg_imports: nx.DiGraph) -> nx.DiGraph:
    """The same graph between kg's top-level parts (a package or a module)."""
    units = nx.DiGraph()
    units.add_edges_from((unit(a), unit(b)) for a, b in kg_imports.edges if unit(a) != unit(b))
    return units


def test_the_modules_of_kg_import_each_other_without_a_cycle(kg_imports: nx.DiGraph) -> None:
    cycles = list(nx.simple_cycles(kg_imports))
    assert cycles == [], f"import cycles: {cycles}"


def test_the_packages_of_kg_import_each_other_without_a_cycle(unit_imports: nx.DiGraph) -> None:
    cycles = list(nx.simple_cycles(unit_imports))
    assert cycles == [], f"package-level import cycles (one imports a module of the other and back): {cycles}"


@pytest.mark.parametrize(("source", "target"), [
    ("kg.pipeline", "kg.ner"),  # the component wraps the model; the model knows nothing of the rules
    ("kg.view", "kg.files"),  # the view writes through the file helpers, not through export
    ("kg.export", "kg.view"),
])
def test_layers_import_downward(unit_imports: nx.DiGraph, source: str, target: str) -> None:
    assert unit_imports.has_edge(source, target) and not nx.has_path(unit_imports, target, source)


def test_a_cycle_is_found_when_there_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "kg"
    fake.mkdir()
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "a.py").write_text("from .b import thing\n", encoding="utf-8")
    (fake / "b.py").write_text("def f():\n    from kg import a  # a lazy import still counts\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    assert [sorted(c) for c in nx.simple_cycles(import_graph())] == [["kg.a", "kg.b"]]


def test_no_module_of_kg_is_longer_than_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
