#!/usr/bin/env python3
"""Checks the dependency directions docs/architecture.md states, from the #include lines of every
C, C++ and assembly file under a source tree. Prints one line per violation (file:line: rule) and
exits 1 if there is any, 0 if there is none.

    tools/check_deps.py [--root DIR]
        Check the tree at DIR (default: the repository this script is in).
    tools/check_deps.py --root FIXTURE --expect TEXT [--expect TEXT ...]
        Self-test: succeed only if the check of FIXTURE fails and its report contains every TEXT
        (CTest test deps.self_test runs it on tests/tools/deps_fixture).

An include is resolved as the compiler would with this project's include paths: next to the including
file, then from the repository root (every target adds it), then ipc/include (the IPC library's public
headers) and board/<name>/ (the board's headers, found as "board.hpp"). Includes that resolve to no
file of the tree (the C++ library, doctest, libfdt) are not the project's and are ignored.

The rules (docs/architecture.md, "Dependency rules", says why):
  ipc-alone       ipc/ includes nothing of the project outside ipc/.
  lib-alone       lib/ includes nothing of the project outside lib/.
  abi-alone       kernel/abi/ includes nothing of the project outside kernel/abi/ and lib/.
  mm-alone        mm/ includes nothing of the project outside mm/ and lib/.
  host-testable   kernel/cap/, kernel/fdt/, kernel/loader/ include only themselves, kernel/abi/ and lib/.
  drivers         drivers/ includes nothing from board/, kernel/, mm/, user/ or broker/.
  kernel-down     kernel/ includes nothing from user/ or broker/.
  abi-only        user/ and broker/ include nothing of kernel/ but kernel/abi/.
  no-board-path   only board/ names a board's folder (board/rpi4/...); the rest includes "board.hpp".
  no-board-if     no preprocessor conditional outside board/ tests a board (#if BOARD, RPI4, BCM2711 ...).
  programs        a program's folder (PROGRAMS below) includes no other program's headers, and the
                  shared user-space libraries include no program's headers at all.
  arch-seam       only kernel/arch/ (and tests/kernel/, tests/unit/) includes kernel/arch/<architecture>/.
  no-test-in-kernel  kernel/ includes nothing from tests/ (scenarios are linked only into test images).
  folder-cycle    the top-level folders form no cycle (reported once per edge of each cycle found).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

SOURCE_SUFFIXES = {".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".inc", ".S", ".s"}
# Folders that are never part of the source tree (relative to the root).
SKIP_DIRS = {".git", "build", "tests/tools/deps_fixture"}

# Each program's own folder: what is in it is private to that program (or family of programs).
PROGRAMS = [
    "broker/root", "broker/bench",
    "user/components", "user/console", "user/hello", "tests/programs/*",
]
# Kernel folders the host tests compile as they are: no hardware, no other kernel folder.
HOST_TESTABLE = ["kernel/cap", "kernel/fdt", "kernel/loader"]
# User-space code every program may include.
SHARED_USER_LIBS = ["user/runtime", "user/lib", "user/channel", "user/protocol"]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
CONDITIONAL = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)")
BOARD_WORD = re.compile(r"\b\w*(BOARD|RPI[0-9]|RASPI|BCM2[0-9]{3})\w*\b", re.IGNORECASE)


def under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


# Folders that are part of another folder's program: the test image's root task is the root program
# with its test scenarios linked in.
PROGRAM_PARTS = {"tests/root": "broker/root"}


def program_of(path: str) -> str | None:
    for part, program in PROGRAM_PARTS.items():
        if under(path, part):
            return program
    for pattern in PROGRAMS:
        if pattern.endswith("/*"):
            base = pattern[:-2]
            if under(path, base):
                rest = path[len(base) + 1:].split("/")
                return base + "/" + rest[0] if len(rest) > 1 else None
        elif under(path, pattern):
            return pattern
    return None


def is_broker_library(path: str) -> bool:
    return path.startswith("broker/") and path.count("/") == 1


class Tree:
    def __init__(self, root: Path):
        self.root = root
        self.files: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir
            dirnames[:] = sorted(d for d in dirnames
                                 if (f"{rel_dir}/{d}" if rel_dir else d) not in SKIP_DIRS
                                 and not d.startswith("build"))
            for name in filenames:
                self.files.add(f"{rel_dir}/{name}" if rel_dir else name)
        self.boards = sorted({f.split("/")[1] for f in self.files if f.startswith("board/") and f.count("/") == 2})

    def sources(self) -> list[str]:
        return sorted(f for f in self.files if Path(f).suffix in SOURCE_SUFFIXES)

    def resolve(self, including: str, name: str) -> str | None:
        here = os.path.dirname(including)
        candidates = [os.path.normpath(os.path.join(here, name)).replace(os.sep, "/"), name,
                      "ipc/include/" + name]
        candidates += [f"board/{b}/{name}" for b in self.boards]
        for candidate in candidates:
            if candidate in self.files:
                return candidate
        return None


def check_include(src: str, written: str, target: str) -> list[tuple[str, str]]:
    """The rules one include (`written` as in the source, resolved to `target`) breaks: (rule, message)."""
    broken = []

    def rule(name: str, ok: bool, message: str) -> None:
        if not ok:
            broken.append((name, message))

    if under(src, "ipc"):
        rule("ipc-alone", under(target, "ipc"), "the IPC library includes only itself")
    if under(src, "lib"):
        rule("lib-alone", under(target, "lib"), "lib/ includes only itself")
    if under(src, "kernel/abi"):
        rule("abi-alone", under(target, "kernel/abi") or under(target, "lib"),
             "the syscall ABI includes only itself and lib/")
    host_testable = next((f for f in HOST_TESTABLE if under(src, f)), None)
    if host_testable is not None:
        rule("host-testable", any(under(target, f) for f in (host_testable, "kernel/abi", "lib")),
             f"{host_testable}/ is host-testable: it includes only itself, kernel/abi/ and lib/")
    if under(src, "mm"):
        rule("mm-alone", under(target, "mm") or under(target, "lib"), "mm/ includes only itself and lib/")
    if under(src, "drivers"):
        rule("drivers", not any(under(target, f) for f in ("board", "kernel", "mm", "user", "broker")),
             "a driver includes no board, kernel, mm or user-space header (it is given its addresses)")
    if under(src, "kernel/arch"):
        # The architecture reports exceptions to the generic kernel (kernel/trap.hpp) and prints; the
        # policy (scheduler, system calls, halting) is the generic kernel's, never arch's to call.
        allowed = ("kernel/arch", "kernel/abi", "kernel/trap.hpp", "kernel/log.hpp", "kernel/console.hpp")
        rule("arch-reports-up", not under(target, "kernel") or any(under(target, a) or target == a for a in allowed),
             "kernel/arch/ reaches the generic kernel only through kernel/trap.hpp (and the log)")
    if target.startswith("kernel/arch/") and target.count("/") >= 3:
        # kernel/arch/<architecture>/...: the architecture's own files. Generic code includes the
        # neutral headers in kernel/arch/ instead; the scenarios of tests/kernel/ (which execute CPU
        # instructions themselves) and the host tests of arch code may name it.
        arch_dir = "/".join(target.split("/")[:3])
        neutral_header = os.path.dirname(src) == "kernel/arch"
        rule("arch-seam", neutral_header or any(under(src, f) for f in (arch_dir, "tests/kernel", "tests/unit")),
             "generic code includes kernel/arch/<header>, never an architecture's own folder")
    if under(src, "kernel"):
        rule("no-test-in-kernel", not under(target, "tests"),
             "kernel/ includes nothing from tests/ (test scenarios are linked only into test images)")
    if under(src, "kernel"):
        rule("kernel-down", not (under(target, "user") or under(target, "broker")),
             "the kernel includes nothing from user/ or broker/")
    if under(src, "user") or under(src, "broker"):
        rule("abi-only", not under(target, "kernel") or under(target, "kernel/abi"),
             "user space reaches the kernel only through kernel/abi/")
    # The Board concept (board/board_concept.hpp) is every board's; a board's own folder is board/'s to
    # pick, and the host tests of the boards themselves (tests/unit/board) name each board on purpose.
    if not under(src, "board") and not under(src, "tests/unit/board"):
        picks_a_board = written.startswith("board/") and written.count("/") >= 2
        rule("no-board-path", not picks_a_board,
             "only board/ picks a board's files; include \"board.hpp\" through the include path")
    target_program = program_of(target)
    if target_program is not None:
        src_program = program_of(src)
        if src_program is not None and src_program != target_program:
            broken.append(("programs", f"program {src_program} includes {target_program}'s private header"))
        elif src_program is None and (any(under(src, lib) for lib in SHARED_USER_LIBS) or is_broker_library(src)):
            broken.append(("programs", f"a shared library includes program {target_program}'s header"))
    return broken


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one folder (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def check(root: Path) -> list[str]:
    tree = Tree(root)
    problems: list[str] = []
    edges: dict[str, set[str]] = {}
    first_edge: dict[tuple[str, str], str] = {}
    for src in tree.sources():
        try:
            lines = (root / src).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as e:
            problems.append(f"{src}: cannot read: {e}")
            continue
        for number, line in enumerate(lines, 1):
            conditional = CONDITIONAL.match(line)
            if conditional and not under(src, "board"):
                word = BOARD_WORD.search(conditional.group(2))
                if word:
                    problems.append(f"{src}:{number}: [no-board-if] '{word.group(0)}' in a conditional: "
                                    "board differences live in board/")
            m = INCLUDE.match(line)
            if not m:
                continue
            target = tree.resolve(src, m.group(2))
            if target is None:
                continue
            for rule, message in check_include(src, m.group(2), target):
                problems.append(f"{src}:{number}: [{rule}] includes {target}: {message}")
            a, b = src.split("/")[0], target.split("/")[0]
            if a != b and "/" in src and "/" in target:
                edges.setdefault(a, set()).add(b)
                first_edge.setdefault((a, b), f"{src}:{number}")
    for cycle in find_cycles(edges):
        members = set(cycle)
        for (a, b), where in sorted(first_edge.items()):
            if a in members and b in members:
                problems.append(f"{where}: [folder-cycle] {a}/ -> {b}/ is part of the cycle "
                                f"{' <-> '.join(cycle)} between top-level folders")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--expect", action="append", default=[],
                        help="self-test: the check must fail and report this text")
    args = parser.parse_args()
    problems = check(args.root.resolve())
    for p in problems:
        print(p)
    sys.stdout.flush()
    if args.expect:
        missing = [e for e in args.expect if not any(e in p for p in problems)]
        for e in missing:
            print(f"check_deps self-test: expected a violation containing '{e}', found none", file=sys.stderr)
        if not problems:
            print("check_deps self-test: the fixture passed the check; it must fail", file=sys.stderr)
        return 0 if problems and not missing else 1
    if problems:
        print(f"check_deps: {len(problems)} violation(s) of the rules in docs/architecture.md", file=sys.stderr)
        return 1
    print(f"check_deps: {len(Tree(args.root.resolve()).sources())} files, no violations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
