"""The layout rules the code keeps: short modules, small folders, no import cycles, and a core that
never imports Discord. Read from the source, so a change that breaks one fails here first."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("bot", "retrieval")
MAX_LINES = 350
MAX_MODULES = 12


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported: not inside functions or TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(inner, ast.Import):
                names.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names.add(inner.module)
                names.update(f"{inner.module}.{alias.name}" for alias in inner.names)
    return names


def test_no_module_is_longer_than_the_limit() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_folder_holds_more_modules_than_the_limit() -> None:
    per_folder: dict[Path, int] = defaultdict(int)
    for path in _modules().values():
        per_folder[path.parent] += 1
    crowded = {str(p.relative_to(REPO)): n for p, n in per_folder.items() if n > MAX_MODULES}
    assert not crowded, f"folders over {MAX_MODULES} modules: {crowded}"


def test_there_are_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: {m for m in _top_level_imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how packages expose them, not a cycle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    cycles = find_cycles(graph)
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_only_the_bot_imports_discord() -> None:
    offenders = [
        name
        for name, path in _modules().items()
        if not name.startswith("bot.discord")
        and any(m == "discord" or m.startswith("discord.") for m in _top_level_imports(path))
    ]
    assert not offenders, f"outside bot.discord, these import discord: {offenders}"
