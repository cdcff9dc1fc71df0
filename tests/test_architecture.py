"""The layering rule of ARCHITECTURE.md, enforced: each stage imports only from itself and the
stages before it, the module graph has no cycles, and only the ledger package sees the cache.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from builders import REPO

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dealledger"

# Lower number = earlier stage. Stages of equal rank may not import each other.
STAGES = {
    "domain": 0,
    "load": 1,
    "rules": 2,
    "ledger": 3,
    "authoring": 3,
    "valuation": 4,
    "reports": 5,
    "render": 6,
    "cli": 7,
}
TOP_LEVEL = {"__init__": 0, "__main__": 8}
CACHE_MODULES = {"ledger.cache", "ledger.cache_codec"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def _imports(name: str) -> list[tuple[str, bool]]:
    """(imported module, whether only under TYPE_CHECKING) for each import of `name`."""
    tree = ast.parse(MODULES[name].read_text())
    typing_only = _type_checking_nodes(tree)
    package = name.split(".") if _is_package(name) else name.split(".")[:-1]
    if name == "__init__":
        package = []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.startswith("dealledger"):
                target = node.module.removeprefix("dealledger").lstrip(".")
            else:
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}".strip(".")
                hit = candidate if candidate in MODULES else (target or "__init__")
                found.append((hit, id(node) in typing_only))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dealledger."):
                    found.append((alias.name.removeprefix("dealledger."), id(node) in typing_only))
    return [(module, typing) for module, typing in found if module != name]


def _stage(name: str) -> tuple[str, int]:
    head = name.split(".")[0]
    if head in STAGES:
        return head, STAGES[head]
    return head, TOP_LEVEL[head]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_later_stage(name: str) -> None:
    stage, rank = _stage(name)
    wrong = []
    for imported, _ in _imports(name):
        other, other_rank = _stage(imported)
        if other == stage or imported == "__init__":
            continue
        if other_rank >= rank:
            wrong.append(f"{imported} ({other}, stage {other_rank})")
    assert not wrong, f"{name} (stage {rank}) imports {wrong}"


def test_no_import_cycles() -> None:
    graph = {
        name: {imported for imported, typing in _imports(name) if not typing} for name in MODULES
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_only_the_ledger_package_uses_the_cache() -> None:
    users = sorted(
        name
        for name in MODULES
        if name not in CACHE_MODULES
        and any(imported in CACHE_MODULES for imported, _ in _imports(name))
    )
    # the package itself re-exports `close_caches`, for the CLI to call when a command ends
    assert all(name == "ledger" or name.startswith("ledger.") for name in users), users


def test_few_modules_outside_the_stage_packages() -> None:
    loose = [name for name in MODULES if "." not in name and name not in STAGES]
    assert len(loose) <= 6, loose


def test_every_stage_package_is_listed() -> None:
    packages = {name for name in MODULES if "." not in name and _is_package(name)}
    assert packages - {"__init__"} <= set(STAGES), packages - set(STAGES)


def test_architecture_md_lists_every_module_and_no_other() -> None:
    """ARCHITECTURE.md says where everything lives: each package's list names its modules."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed: set[tuple[str, str]] = set()
    package = None
    for line in text.splitlines():
        heading = re.match(r"\*\*(\w+)/\*\*", line)
        if heading:
            package = heading.group(1)
        elif package and line.startswith("- "):
            listed |= {(package, name) for name in re.findall(r"`(\w+\.py)`", line.split(" — ")[0])}
        elif line.startswith("#"):
            package = None
    source = REPO / "src" / "dealledger"
    actual = {
        (path.parent.name, path.name)
        for path in source.glob("*/*.py")
        if path.name != "__init__.py"
    }
    assert sorted(actual - listed) == [], "modules ARCHITECTURE.md does not list"
    assert sorted(listed - actual) == [], "modules ARCHITECTURE.md lists that do not exist"
