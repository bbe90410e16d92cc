#!/usr/bin/env python3
"""Module dependency cycles inside a crate, read from its `crate::` and `super::` paths.

    scripts/module_cycles.py SRC... [--known scripts/known_module_cycles.txt]

A module depends on another when its file names a path into it (`use crate::hub::Hub`,
`crate::store::Store::open(..)`, `super::limits::Rate`), seen from their nearest common
parent (`a::x` using `b::y` is `a` using `b`). A parent and its own submodules may refer
to each other (that is how a module is split into files); any other loop is a cycle. Prints each cycle (a strongly connected group of modules) and
exits 1 when one is not in the known list, so no new cycle lands while the known ones
are taken apart. A known cycle that is gone is reported too, so the list only shrinks.
"""

import re
import sys
from pathlib import Path

PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\}", re.S)
COMMENT = re.compile(r"//[^\n]*")


def module_of(root: Path, file: Path) -> tuple[str, ...]:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("lib", "main", "mod"):
        parts.pop()
    return tuple(parts)


def resolve(kind: str, rest: str, here: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(name for name in rest.split("::") if name)
    if kind == "crate":
        return names
    # `super` in a.rs or a/mod.rs is a's parent; leading `super`s climb further.
    base = here[:-1]
    while names and names[0] == "super":
        base, names = base[:-1], names[1:]
    return base + names


def longest_module(path: tuple[str, ...], modules: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    for length in range(len(path), 0, -1):
        if path[:length] in modules:
            return path[:length]
    return None


def related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return a[: len(b)] == b or b[: len(a)] == a


def edges(root: Path) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    files = {module_of(root, file): file for file in root.rglob("*.rs")}
    modules = set(files)
    graph: dict[tuple[str, ...], set[tuple[str, ...]]] = {module: set() for module in modules}
    for here, file in files.items():
        text = COMMENT.sub("", file.read_text())
        targets = [resolve(kind, rest, here) for kind, rest in PATH.findall(text)]
        # `use crate::a::{b, c::d}`: each item of the group is a path below the prefix.
        for kind, prefix, group in USE_GROUP.findall(text):
            base = resolve(kind, prefix, here)
            for item in re.findall(r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*", group):
                targets.append(base + tuple(item.split("::")))
        for target in targets:
            module = longest_module(target, modules)
            if module is None or related(module, here):
                continue
            # Seen from their nearest common parent: `a::x` using `b::y` is `a` using `b`,
            # so a loop through a submodule is still the parent's loop.
            common = 0
            while module[common] == here[common]:
                common += 1
            source, dest = here[: common + 1], module[: common + 1]
            graph.setdefault(source, set()).add(dest)
            graph.setdefault(dest, set())
    return graph


def cycles(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict = {}
    low: dict = {}
    stack: list = []
    on_stack: set = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for next_node in sorted(graph[node]):
            if next_node not in index:
                visit(next_node)
                low[node] = min(low[node], low[next_node])
            elif next_node in on_stack:
                low[node] = min(low[node], index[next_node])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted("::".join(m) or "crate" for m in group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    known: set[str] = set()
    if "--known" in args:
        at = args.index("--known")
        known_file = Path(args[at + 1])
        args = args[:at] + args[at + 2 :]
        known = {
            line.strip()
            for line in known_file.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        }
    found = {
        f"{root}: {' '.join(group)}" for root in args for group in cycles(edges(Path(root)))
    }
    new = sorted(found - known)
    gone = sorted(known - found)
    for group in sorted(found & known):
        print(f"known cycle: {group}")
    for group in gone:
        print(f"gone (remove it from the known list): {group}")
    for group in new:
        print(f"NEW CYCLE: {group}")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
