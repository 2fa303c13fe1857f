"""The rooms of resque import downwards only, and no two modules import each other.

Floors, lowest first (README, "Where things live"): the ground floor holds the errors and the
pure rules, which everything may import; the warehouse reads and writes; pipelines and
spiders bring data in; reports read out; flows wire the steps; the command line parses and
prints. A module may import its own floor and the floors below, never one above.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

FLOORS = {
    "errors": 0,
    "matching": 0,
    "warehouse": 1,
    "pipelines": 2,
    "spiders": 3,
    "reports": 3,
    "flows": 4,
    "cli": 5,
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for top in FLOORS:
        paths = [ROOT / f"{top}.py"] if (ROOT / f"{top}.py").exists() else []
        paths += sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []
        for path in paths:
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "data" in parts:  # generator scripts of bundled tables, not the package's code
                continue
            name = ".".join(("resque", *parts)).removesuffix(".__init__")
            found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(tree: ast.Module, modules: set[str]) -> set[str]:
    """Every resque module `tree` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("resque"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("resque"))
    return names & modules


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(tree, set(modules)) - {name} for name, tree in modules.items()}


def _floor(module: str) -> int:
    return FLOORS[module.split(".")[1]]


def test_every_package_of_the_layout_has_a_floor(graph):
    assert {m.split(".")[1] for m in graph} == set(FLOORS)


def test_no_module_imports_a_floor_above_its_own(graph):
    upward = [
        f"{m} -> {d}" for m, deps in sorted(graph.items()) for d in deps if _floor(d) > _floor(m)
    ]
    assert upward == []


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return circles


def test_no_modules_import_each_other(graph):
    assert sorted(map(sorted, _circles(graph))) == []


def test_the_circle_check_sees_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_linkage_and_ranking_packages_stay_pure(graph):
    """Pure: they import nothing of resque but the ground floor (no database, no files)."""
    for module, deps in graph.items():
        if module.startswith(("resque.matching.linkage", "resque.matching.ranking")):
            assert {d for d in deps if _floor(d) > 0} == set(), module


# The generators' word lists (samples/vocabulary.py) and sample scripts: the rules that clean,
# merge and match records must not be built on the words the test data was drawn from.
GENERATORS_ONLY = "resque.samples"
NO_GENERATORS = ("pipelines", "warehouse", "matching")


def _imports_of(tree: ast.Module, package: str) -> list[str]:
    """The imports in `tree` that reach `package` or a module inside it."""
    parent, _, leaf = package.rpartition(".")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if f"{a.name}.".startswith(f"{package}.")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if node.level:  # relative, inside resque: `..samples` is resque.samples
                hit = module.split(".")[0] == leaf or (not module and leaf in names)
            else:
                hit = f"{module}.".startswith(f"{package}.") or (module == parent and leaf in names)
            if hit:
                found.append("." * node.level + module)
    return found


def test_pipelines_warehouse_and_matching_do_not_import_the_generators():
    offenders = [
        f"{name}: {imported}"
        for name, tree in _modules().items()
        if name.split(".")[1] in NO_GENERATORS
        for imported in _imports_of(tree, GENERATORS_ONLY)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "import resque.samples.vocabulary",
        "from resque.samples.vocabulary import SAMPLE_OCCUPATIONS",
        "from resque.samples import vocabulary",
        "from resque import samples",
        "def f():\n    from ..samples.vocabulary import GERMAN_LEVELS",
        "from .. import samples",
    ],
)
def test_the_generator_check_sees_an_import(source):
    assert _imports_of(ast.parse(source), GENERATORS_ONLY)


def test_the_generator_check_lets_other_imports_pass():
    source = (
        "import resque.samplesize\nfrom resque import sampling\n"
        "from resque.matching import x\nfrom ..samplesize import y"
    )
    assert _imports_of(ast.parse(source), GENERATORS_ONLY) == []
