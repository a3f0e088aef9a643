#!/usr/bin/env python3
"""Reads a Bramble system description (TOML, docs/system-description.md), checks it, and writes what
the build needs from it.

    bramble_system.py DESCRIPTION [--board NAME] [--programs-file FILE] [--program NAME ...]
                      [--header FILE] [--cmake FILE] [--dot FILE]

A description names the components the root task starts (program, priority, core, table size, memory
quota, devices) and the only channels the broker may set up between them. The tool

  * checks it, and on the first problems prints `file:line: what is wrong (what to do)` for each and
    exits with status 1 (2 for a command-line or I/O problem);
  * --header: writes the C++ header the root task compiles (broker::kSystemComponents,
    broker::kSystemRules, a k<Name> index constant per component): constexpr tables, so the root
    task carries no parser and a bad description stops the build, not the boot;
  * --cmake: writes a CMake file setting BRAMBLE_SYSTEM_NAME and BRAMBLE_SYSTEM_PROGRAMS (the
    programs the description names, for the kernel image to embed);
  * --dot: writes the system as a Graphviz graph ("-" for standard output).

--board checks devices against board/<NAME>/board.hpp; --programs-file (one name a line) and
--program say which programs exist. Without them those checks are skipped. Output files are
rewritten only when their text changes, so an unchanged description rebuilds nothing.

Python 3.11 standard library only (tomllib).
"""

import argparse
import os
import re
import sys
import tomllib

# Facts of the kernel ABI and the broker this tool checks against (the source each comes from).
MAX_PRIORITY = 31  # kernel/abi/syscalls.hpp kMaxPriority
MIN_SLOTS = 2  # kernel/abi/syscalls.hpp kMinTaskSlots
MAX_SLOTS = 65535  # broker::ComponentSpec::slots is 16 bits
CORES = 4  # Raspberry Pi 3 and 4: cores 0..3
MAX_COMPONENTS = 32  # broker/channel_broker.hpp kMaxComponents (fault badges use bits 0..31)
NAME_LENGTH = 23  # user/channel/startup.hpp kComponentNameLength, less the terminating zero
PAGE = 4096  # abi::kPageSize
SLOT_BYTES = 64  # cap::kCapabilitySize
TASK_RECORD = PAGE  # abi::kTaskRecordCharge
USER_STACK = 64 * 1024  # abi::kUserStackSize
RECORDS_PER_PAGE = 15  # abi::kRecordsPerObjectPage
INDEX_WIDTH = 8  # ipc::DefaultIndex on AArch64

DEFAULT_MEMORY = 1024 * 1024  # a component's quota when the description gives none
DEFAULT_MESSAGES = 1_000_000  # what the root puts on startup pages when [system] gives no messages

# The ring shapes user/protocol defines: a channel may name one (`protocol`), and the generated
# header then checks at compile time that the description's numbers are that shape's.
PROTOCOL_HEADERS = {
    "components::kElementSpec": "user/protocol/message.hpp",
    "components::kRecordSpec": "user/protocol/message.hpp",
    "components::kStressSpec": "user/protocol/stress.hpp",
    "console::kByteSpec": "user/protocol/console.hpp",
}

SYSTEM_KEYS = {"name", "description", "messages"}
COMPONENT_KEYS = {"name", "program", "priority", "core", "slots", "memory", "devices", "irqs", "start",
                  "live", "restart", "restart_budget", "restart_backoff_ms", "restart_window_ms"}
CHANNEL_KEYS = {"name", "producer", "consumer", "kind", "element_size", "capacity", "mode", "max_bytes",
                "protocol", "start"}
KINDS = ("element", "record")
MODES = {"centralized": "Centralized", "self-service": "SelfService"}
# Restart policies (broker/manifest.hpp RestartPolicy) and their limits.
RESTARTS = {"never": "Never", "on-failure": "OnFailure", "always": "Always"}
DEFAULT_RESTART_BUDGET = 5
MAX_RESTART_BUDGET = 1000
DEFAULT_RESTART_BACKOFF_MS = 10
MAX_RESTART_BACKOFF_MS = 60_000  # also the most a doubled back-off grows to
MAX_RESTART_WINDOW_MS = 24 * 3600 * 1000
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")

SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class DescriptionError(Exception):
    """The description is wrong: exit status 1."""


class UsageError(Exception):
    """A file cannot be read or the command line names something that is not there: exit status 2."""


# --- where things are in the text (tomllib gives values, not line numbers) ---------------------------

TABLE_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"'-]+)\s*\]\]?")
KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


class Lines:
    """Line numbers of the tables and keys of a description, found by scanning its text."""

    def __init__(self, text):
        self.tables = {}  # ("system", 0) / ("component", i) / ("channel", i) -> line of its header
        self.keys = {}  # (table, index, key) -> line of the key
        counts = {}
        current = None
        in_string = False
        for number, line in enumerate(text.splitlines(), start=1):
            # A multi-line string's lines are not keys; the description has none, but be safe.
            if line.count('"""') % 2 == 1:
                in_string = not in_string
                continue
            if in_string:
                continue
            header = TABLE_HEADER.match(line)
            if header:
                name = header.group(2).strip("\"'")
                index = counts.get(name, 0) if header.group(1) == "[[" else 0
                counts[name] = index + 1
                current = (name, index)
                self.tables.setdefault(current, number)
                continue
            key = KEY_LINE.match(line)
            if key and current is not None:
                self.keys.setdefault((current[0], current[1], key.group(1).strip('"')), number)
            elif key:
                self.keys.setdefault(("", 0, key.group(1).strip('"')), number)

    def of(self, table, index, key=None):
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.tables.get((table, index), 1)


# --- facts from the source tree --------------------------------------------------------------------

DEVICE_ENTRY = re.compile(r'\{\s*"([^"]+)"\s*,[^,{}]+,[^,{}]+,\s*([^{}]+?)\s*\}')


def board_devices(board, root):
    """{device name: True if it has an interrupt line} from board/<board>/board.hpp's kDevices."""
    path = os.path.join(root, "board", board, "board.hpp")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise UsageError(f"--board {board}: cannot read {path}: {e.strerror}")
    table = re.search(r"kDevices\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not table:
        raise UsageError(f"{path}: no kDevices[] table (what devices does board '{board}' have?)")
    return {m.group(1): "kNoDeviceIrq" not in m.group(2) for m in DEVICE_ENTRY.finditer(table.group(1))}


# --- ring geometry and the memory estimate (ipc/include/bramble/ipc/layout.hpp, kernel/abi) ----------

def round_up(n, unit):
    return (n + unit - 1) // unit * unit


def ring_total_size(element_size, capacity):
    """ring_geometry(spec).total_size for the page granule: header, two control pages, the data."""
    return 3 * PAGE + round_up(element_size * capacity, PAGE)


def allocation_charge(size):
    """abi::allocation_charge: whole pages, rounded up to a power of two."""
    pages = max(1, (size + PAGE - 1) // PAGE)
    block = 1
    while block < pages:
        block <<= 1
    return block * PAGE


def record_charge(records):
    return (records + RECORDS_PER_PAGE - 1) // RECORDS_PER_PAGE * PAGE


def memory_needed(component, channels):
    """A conservative estimate of the quota a component needs (docs/system-description.md):
    the task record, the capability table, the stack, three translation-table pages, and, for every
    channel rule it is a party of, the whole ring (allocated as one block) and six kernel records
    (four mappings, a notification, a registry entry); plus the records of its startup and report
    page mappings. Rules are alternatives the broker may grant, but all may be granted at once."""
    mine = [c for c in channels if component["name"] in (c["producer"], c["consumer"])]
    need = TASK_RECORD + allocation_charge(component["slots"] * SLOT_BYTES) + USER_STACK + 3 * PAGE
    need += sum(allocation_charge(c["total_size"]) for c in mine)
    need += record_charge(2 + 6 * len(mine))
    return need


def kib(n):
    return f"{n // 1024} KiB" if n % 1024 == 0 else f"{n} bytes"


# --- reading and checking ---------------------------------------------------------------------------

class Checker:
    def __init__(self, path, text):
        self.path = path
        self.lines = Lines(text)
        self.errors = []

    def error(self, line, message):
        self.errors.append((line, f"{self.path}:{line}: {message}"))

    def fail_if_errors(self):
        if self.errors:
            self.errors.sort(key=lambda e: e[0])
            raise DescriptionError("\n".join(message for _, message in self.errors))


def check_keys(ck, table, index, entry, known, what):
    for key in entry:
        if key not in known:
            ck.error(ck.lines.of(table, index, key),
                     f"{what}: unknown key '{key}' (known: {', '.join(sorted(known))})")


def integer(ck, table, index, entry, key, what, default=None, low=None, high=None, hint=""):
    """entry[key] as an int in [low, high], or default; records an error and returns None if not."""
    line = ck.lines.of(table, index, key)
    if key not in entry:
        if default is None:
            ck.error(line, f"{what}: '{key}' is missing{hint}")
        return default
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, int):
        ck.error(line, f"{what}: {key} must be an integer, not {value!r}")
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        ck.error(line, f"{what}: {key} {value} is out of range (use {low}..{high})")
        return None
    return value


def string(ck, table, index, entry, key, what, required=True):
    line = ck.lines.of(table, index, key)
    if key not in entry:
        if required:
            ck.error(line, f"{what}: '{key}' is missing")
        return None
    if not isinstance(entry[key], str):
        ck.error(line, f"{what}: {key} must be a string, not {entry[key]!r}")
        return None
    return entry[key]


def names(ck, table, index, entry, key, what):
    if key not in entry:
        return []
    value = entry[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ck.error(ck.lines.of(table, index, key), f"{what}: {key} must be a list of names, like [\"uart0\"]")
        return []
    return value


def boolean(ck, table, index, entry, key, what, default):
    if key not in entry:
        return default
    if not isinstance(entry[key], bool):
        ck.error(ck.lines.of(table, index, key), f"{what}: {key} must be true or false, not {entry[key]!r}")
        return default
    return entry[key]


def constant_name(name):
    """'bench-tx' -> 'kBenchTx': the index constant the root task uses."""
    return "k" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def next_power_of_two(n):
    p = 1
    while p < n:
        p <<= 1
    return p


def display_path(path, root):
    """The path messages name: relative to the repository when the file is in it."""
    full = os.path.abspath(path)
    if full.startswith(os.path.abspath(root) + os.sep):
        return os.path.relpath(full, root).replace(os.sep, "/")
    return path


def check_component(ck, i, entry, programs, devices, board, by_name, constants):
    """One [[component]], checked: its fields as a dict (None for a field in error)."""
    header = ck.lines.of("component", i)
    name = entry.get("name")
    what = f"component '{name}'" if isinstance(name, str) else f"component #{i + 1}"
    check_keys(ck, "component", i, entry, COMPONENT_KEYS, what)
    name = string(ck, "component", i, entry, "name", what)
    if name is not None:
        line = ck.lines.of("component", i, "name")
        if not NAME.match(name) or len(name) > NAME_LENGTH:
            ck.error(line, f"{what}: the name must be 1..{NAME_LENGTH} lower case letters, digits, '-' "
                           "and '_', starting with a letter")
        elif name in by_name:
            ck.error(line, f"duplicate component '{name}' (first defined at line {by_name[name]['line']}): "
                           "rename one of them")
        elif constant_name(name) in constants:
            ck.error(line, f"{what}: gives the same index constant {constant_name(name)} as component "
                           f"'{constants[constant_name(name)]}': rename one of them")
    program = string(ck, "component", i, entry, "program", what)
    if program is not None and programs is not None and program not in programs:
        ck.error(ck.lines.of("component", i, "program"),
                 f"{what}: program '{program}' does not exist (programs: {', '.join(sorted(programs))})")
    priority = integer(ck, "component", i, entry, "priority", what, low=0, high=MAX_PRIORITY)
    core = integer(ck, "component", i, entry, "core", what, default=-1, low=0, high=CORES - 1)
    slots = integer(ck, "component", i, entry, "slots", what, low=MIN_SLOTS, high=MAX_SLOTS,
                    hint=" (the capability-table size, e.g. slots = 64)")
    memory = integer(ck, "component", i, entry, "memory", what, default=DEFAULT_MEMORY, low=PAGE,
                     high=2**63 - 1)
    component_devices = names(ck, "component", i, entry, "devices", what)
    irqs = names(ck, "component", i, entry, "irqs", what)
    if devices is not None:
        for d in component_devices + irqs:
            if d not in devices:
                key = "devices" if d in component_devices else "irqs"
                ck.error(ck.lines.of("component", i, key),
                         f"{what}: board '{board}' has no device '{d}' (it has: {', '.join(sorted(devices))})")
        for d in irqs:
            if d in devices and not devices[d]:
                ck.error(ck.lines.of("component", i, "irqs"),
                         f"{what}: device '{d}' has no interrupt line on board '{board}' (remove it from irqs)")
    start = boolean(ck, "component", i, entry, "start", what, True)
    live = boolean(ck, "component", i, entry, "live", what, False)
    restart = string(ck, "component", i, entry, "restart", what, required=False) or "never"
    if restart not in RESTARTS:
        ck.error(ck.lines.of("component", i, "restart"),
                 f"{what}: restart '{restart}' is not one of {', '.join(RESTARTS)}")
        restart = "never"
    limits = ("restart_budget", "restart_backoff_ms", "restart_window_ms")
    if restart == "never":
        for key in limits:
            if key in entry:
                ck.error(ck.lines.of("component", i, key),
                         f"{what}: {key} without a restart policy (add restart = \"on-failure\" or \"always\")")
    budget = integer(ck, "component", i, entry, "restart_budget", what, default=DEFAULT_RESTART_BUDGET, low=1,
                     high=MAX_RESTART_BUDGET)
    backoff = integer(ck, "component", i, entry, "restart_backoff_ms", what, default=DEFAULT_RESTART_BACKOFF_MS,
                      low=0, high=MAX_RESTART_BACKOFF_MS)
    window = integer(ck, "component", i, entry, "restart_window_ms", what, default=0, low=0,
                     high=MAX_RESTART_WINDOW_MS)
    c = {"name": name, "program": program, "priority": priority, "core": core, "slots": slots,
         "memory": memory, "memory_given": "memory" in entry, "devices": component_devices, "irqs": irqs,
         "start": start, "live": live, "restart": restart, "restart_budget": budget or 0,
         "restart_backoff_ms": backoff or 0, "restart_window_ms": window or 0, "line": header}
    return c


def check_channel(ck, i, entry, by_name, seen):
    """One [[channel]], checked: its fields as a dict (None for a field in error). `seen` maps the
    rules met so far to their lines, to refuse a duplicate."""
    header = ck.lines.of("channel", i)
    label = entry.get("name")
    if not isinstance(label, str):
        label = f"{entry.get('producer', '?')}->{entry.get('consumer', '?')}"
    what = f"channel '{label}'"
    check_keys(ck, "channel", i, entry, CHANNEL_KEYS, what)
    ends = []
    for key in ("producer", "consumer"):
        end = string(ck, "channel", i, entry, key, what)
        if end is not None and end not in by_name:
            ck.error(ck.lines.of("channel", i, key),
                     f"{what}: {key} '{end}' is not a component (components: {', '.join(by_name)})")
        ends.append(end)
    if ends[0] is not None and ends[0] == ends[1]:
        ck.error(ck.lines.of("channel", i, "consumer"), f"{what}: producer and consumer are both '{ends[0]}'")
    kind = string(ck, "channel", i, entry, "kind", what)
    if kind is not None and kind not in KINDS:
        ck.error(ck.lines.of("channel", i, "kind"), f"{what}: kind '{kind}' is not one of {', '.join(KINDS)}")
        kind = None
    if kind == "record":
        element_size = integer(ck, "channel", i, entry, "element_size", what, default=1)
        if element_size is not None and element_size != 1:
            ck.error(ck.lines.of("channel", i, "element_size"),
                     f"{what}: a record ring's element_size is 1 (its capacity counts bytes), not {element_size}")
            element_size = None
    elif kind == "element":
        element_size = integer(ck, "channel", i, entry, "element_size", what,
                               hint=" (bytes per slot of an element ring)")
        if element_size == 0:
            ck.error(ck.lines.of("channel", i, "element_size"),
                     f"{what}: element_size is 0 (give the size in bytes of one slot)")
            element_size = None
        elif element_size is not None and not 0 < element_size < 2**32:
            ck.error(ck.lines.of("channel", i, "element_size"),
                     f"{what}: element_size {element_size} is out of range (use 1..{2**32 - 1})")
            element_size = None
    else:
        element_size = None  # the kind is wrong or missing: said already
    capacity = integer(ck, "channel", i, entry, "capacity", what,
                       hint=" (slots of an element ring, bytes of a record ring)")
    cap_line = ck.lines.of("channel", i, "capacity")
    if capacity is not None:
        if capacity <= 0:
            ck.error(cap_line, f"{what}: capacity {capacity} must be positive")
            capacity = None
        elif capacity & (capacity - 1):
            ck.error(cap_line, f"{what}: capacity {capacity} is not a power of two "
                               f"(use {next_power_of_two(capacity)})")
            capacity = None
        elif kind == "record" and capacity < 32:
            ck.error(cap_line, f"{what}: a record ring needs a capacity of at least 32 bytes, not {capacity}")
            capacity = None
        elif capacity > 2 ** (INDEX_WIDTH * 8 - 1):
            ck.error(cap_line, f"{what}: capacity {capacity} is larger than a ring index allows")
            capacity = None
    mode = string(ck, "channel", i, entry, "mode", what)
    if mode is not None and mode not in MODES:
        ck.error(ck.lines.of("channel", i, "mode"),
                 f"{what}: mode '{mode}' is not one of {', '.join(MODES)}")
        mode = None
    protocol = string(ck, "channel", i, entry, "protocol", what, required=False)
    if protocol is not None and protocol not in PROTOCOL_HEADERS:
        ck.error(ck.lines.of("channel", i, "protocol"),
                 f"{what}: protocol '{protocol}' is not a ring shape of user/protocol "
                 f"(known: {', '.join(PROTOCOL_HEADERS)})")
        protocol = None
    total = ring_total_size(element_size, capacity) if element_size and capacity else None
    max_bytes = integer(ck, "channel", i, entry, "max_bytes", what, default=total or 0, low=0, high=2**63 - 1)
    if total is not None and max_bytes is not None and max_bytes < total:
        ck.error(ck.lines.of("channel", i, "max_bytes"),
                 f"{what}: max_bytes {max_bytes} is smaller than the ring ({total} bytes: three pages of "
                 f"header and control and {kind} data), so the broker would refuse it (use at least {total})")
    start = boolean(ck, "channel", i, entry, "start", what, True)
    c = {"name": label, "named": isinstance(entry.get("name"), str), "producer": ends[0], "consumer": ends[1],
         "kind": kind, "element_size": element_size, "capacity": capacity, "mode": mode, "max_bytes": max_bytes,
         "protocol": protocol, "total_size": total, "start": start, "line": header}
    shape = (ends[0], ends[1], kind, element_size, capacity, mode)
    if None not in shape:
        if shape in seen:
            ck.error(header, f"{what}: the same rule as the channel at line {seen[shape]} (remove one)")
        seen.setdefault(shape, header)
    return c


def load(path, board=None, programs=None, root=SOURCE_ROOT):
    """The checked system: {"name", "components": [...], "channels": [...]}, or DescriptionError."""
    shown = display_path(path, root)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise UsageError(f"{shown}: cannot read: {e.strerror}")
    text = raw.decode("utf-8", errors="replace")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = where.group(1) if where else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise DescriptionError(f"{shown}:{line}: not valid TOML: {message}")

    ck = Checker(shown, text)
    devices = board_devices(board, root) if board else None

    for key in doc:
        if key not in ("system", "component", "channel"):
            ck.error(ck.lines.of("", 0, key) if ("", 0, key) in ck.lines.keys else ck.lines.of(key, 0),
                     f"unknown table '{key}' (a description has [system], [[component]] and [[channel]])")
    system = doc.get("system")
    if not isinstance(system, dict):
        ck.error(1, "no [system] table (give it at least: name = \"...\")")
        system = {}
    check_keys(ck, "system", 0, system, SYSTEM_KEYS, "[system]")
    system_name = string(ck, "system", 0, system, "name", "[system]")
    if system_name is not None and not NAME.match(system_name):
        ck.error(ck.lines.of("system", 0, "name"),
                 f"[system]: name '{system_name}' must be lower case letters, digits, '-' and '_'")

    messages = integer(ck, "system", 0, system, "messages", "[system]", default=DEFAULT_MESSAGES, low=1,
                       high=2**63 - 1)

    raw_components = doc.get("component", [])
    raw_channels = doc.get("channel", [])
    if not isinstance(raw_components, list) or not isinstance(raw_channels, list) or \
            not all(isinstance(e, dict) for e in raw_components + raw_channels):
        ck.error(1, "component and channel are arrays of tables: write [[component]] and [[channel]]")
        ck.fail_if_errors()

    components = []
    by_name = {}
    constants = {}
    for i, entry in enumerate(raw_components):
        c = check_component(ck, i, entry, programs, devices, board, by_name, constants)
        components.append(c)
        if c["name"] is not None and c["name"] not in by_name:
            by_name[c["name"]] = c
            constants.setdefault(constant_name(c["name"]), c["name"])
    if not components:
        ck.error(1, "no [[component]]: a system has at least one")
    if len(components) > MAX_COMPONENTS:
        ck.error(components[MAX_COMPONENTS]["line"],
                 f"too many components: the broker keeps at most {MAX_COMPONENTS} (this is number "
                 f"{MAX_COMPONENTS + 1})")

    channels = []
    seen = {}
    for i, entry in enumerate(raw_channels):
        channels.append(check_channel(ck, i, entry, by_name, seen))
    ck.fail_if_errors()

    for c in components:
        need = memory_needed(c, channels)
        if c["memory"] < need:
            if c["memory_given"]:
                line = ck.lines.of("component", components.index(c), "memory")
                ck.error(line, f"component '{c['name']}': memory {c['memory']} ({kib(c['memory'])}) is less than its "
                               f"table, stack and channels need ({need} bytes; use at least {need})")
            else:
                ck.error(c["line"], f"component '{c['name']}': its channels and table need {need} bytes, more than "
                                    f"the default quota of {kib(DEFAULT_MEMORY)} (add memory = {need} or more)")
    ck.fail_if_errors()
    return {"name": system_name, "path": shown, "messages": messages, "components": components,
            "channels": channels}


# --- outputs -----------------------------------------------------------------------------------------

def cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def header_text(system):
    path = system["path"].replace(os.sep, "/")
    includes = sorted({PROTOCOL_HEADERS[c["protocol"]] for c in system["channels"] if c["protocol"]})
    out = [
        f"// Generated by tools/system/bramble_system.py from {path}: do not edit.",
        f"// The system '{system['name']}': the components the root task starts and the only channels the",
        "// broker will set up between them (Policy refuses everything else).",
        "//",
        "// Generated constexpr tables rather than a description parsed at boot: the root task carries no",
        "// parser and no text, and a wrong description stops the build (the tool's checks, then the",
        "// static_asserts below) instead of a boot.",
        "#pragma once",
        "",
        "#include <cstddef>",
        "#include <cstdint>",
        "",
        '#include "broker/manifest.hpp"',
    ]
    out += [f'#include "{h}"' for h in includes]
    out += ["", "namespace bramble::broker {", "",
            f"inline constexpr const char kSystemName[] = {cpp_string(system['name'])};",
            "// What the root task puts on every startup page as `messages` (scenario option messages=N wins).",
            f"inline constexpr std::uint64_t kSystemMessages = {system['messages']};", ""]
    for c in system["components"]:
        for key in ("devices", "irqs"):
            if c[key]:
                array = constant_name(c["name"]) + key.capitalize()
                out.append(f"inline constexpr const char* {array}[] = {{{', '.join(cpp_string(d) for d in c[key])}}};")
    out.append("inline constexpr ComponentSpec kSystemComponents[] = {")
    for i, c in enumerate(system["components"]):
        core = "kAnyCore" if c["core"] < 0 else str(c["core"])
        devices = constant_name(c["name"]) + "Devices" if c["devices"] else "{}"
        irqs = constant_name(c["name"]) + "Irqs" if c["irqs"] else "{}"
        # start, live and the restart policy only when they are not the defaults (true, false, never).
        flags = ""
        if not c["start"] or c["live"] or c["restart"] != "never":
            flags = f", {str(c['start']).lower()}, {str(c['live']).lower()}"
        if c["restart"] != "never":
            flags += (f", Restart{{RestartPolicy::{RESTARTS[c['restart']]}, {c['restart_budget']}, "
                      f"{c['restart_backoff_ms']}, {c['restart_window_ms']}}}")
        out.append(f"    {{{cpp_string(c['name'])}, {cpp_string(c['program'])}, {c['priority']}, {c['slots']}, {core}, "
                   f"{c['memory']}, {devices}, {irqs}{flags}}}, // {i}: line {c['line']}")
    out.append("};")
    for i, c in enumerate(system["components"]):
        out.append(f"inline constexpr std::size_t {constant_name(c['name'])} = {i};")
    out += ["", "inline constexpr ChannelRule kSystemRules[] = {"]
    for c in system["channels"]:
        kind = "ipc::RingKind::Element" if c["kind"] == "element" else "ipc::RingKind::Record"
        out.append(f"    {{{cpp_string(c['producer'])}, {cpp_string(c['consumer'])}, SetupMode::{MODES[c['mode']]}, "
                   f"described_ring({kind}, {c['element_size']}, {c['capacity']}), {c['max_bytes']}"
                   f"{'' if c['start'] else ', false'}}}, "
                   f"// {c['name']}: line {c['line']}")
    out.append("};")
    checks = [(i, c) for i, c in enumerate(system["channels"]) if c["protocol"]]
    if checks:
        out += ["", "// The shapes the programs are written for: the description must say the same."]
    for i, c in checks:
        message = (f"{path}:{c['line']}: channel '{c['name']}': kind, element_size and capacity are not "
                   f"{c['protocol']} (user/protocol)")
        out.append(f"static_assert(same_shape(kSystemRules[{i}].spec, {c['protocol']}),")
        out.append(f"              {cpp_string(message)});")
    out += ["", "} // namespace bramble::broker", ""]
    return "\n".join(out)


def cmake_text(system):
    programs = []
    for c in system["components"]:
        if c["program"] not in programs:
            programs.append(c["program"])
    return (f"# Generated by tools/system/bramble_system.py from {system['path']}: do not edit.\n"
            f"set(BRAMBLE_SYSTEM_NAME {system['name']})\n"
            f"set(BRAMBLE_SYSTEM_PROGRAMS {' '.join(programs)})\n")


def dot_id(s):
    return '"' + s.replace('"', '\\"') + '"'


def size_text(n):
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} B"


def dot_text(system):
    out = [f"digraph {dot_id(system['name'])} {{",
           "  rankdir=LR;",
           "  node [shape=box, style=rounded, fontname=\"Helvetica\"];",
           "  edge [fontname=\"Helvetica\", fontsize=10];"]
    for c in system["components"]:
        core = "any core" if c["core"] < 0 else f"core {c['core']}"
        extra = ""
        if c["devices"] or c["irqs"]:
            extra = "\\ndevices: " + ", ".join(c["devices"] + [f"irq {d}" for d in c["irqs"]])
        if c["restart"] != "never":
            extra += f"\\nrestart {c['restart']}, budget {c['restart_budget']}"
        out.append(f"  {dot_id(c['name'])} [label=\"{c['name']}\\n{c['program']}\\n"
                   f"priority {c['priority']}, {core}{extra}\"];")
    for c in system["channels"]:
        if c["kind"] == "element":
            shape = f"element {c['element_size']} B x {c['capacity']}"
        else:
            shape = f"record {size_text(c['capacity'])}"
        if c["named"]:
            shape = f"{c['name']}: {shape}"
        style = "solid" if c["mode"] == "centralized" else "dashed"
        out.append(f"  {dot_id(c['producer'])} -> {dot_id(c['consumer'])} [label=\"{shape}\\n"
                   f"ring {size_text(c['total_size'])}, {c['mode']}\", style={style}];")
    out.append("}")
    return "\n".join(out) + "\n"


def write_if_changed(path, text):
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    parser = argparse.ArgumentParser(description="Check a Bramble system description and generate from it.")
    parser.add_argument("description", help="the .toml file")
    parser.add_argument("--board", help="check devices against board/<BOARD>/board.hpp")
    parser.add_argument("--source-root", default=SOURCE_ROOT, help="the repository (default: this tool's)")
    parser.add_argument("--programs-file", help="the programs that exist, one name a line")
    parser.add_argument("--program", action="append", default=[], help="a program that exists (repeatable)")
    parser.add_argument("--header", help="write the C++ header here")
    parser.add_argument("--cmake", help="write the CMake program list here")
    parser.add_argument("--dot", help="write the Graphviz graph here ('-': standard output)")
    args = parser.parse_args(argv)

    programs = None
    if args.programs_file or args.program:
        programs = set(args.program)
        if args.programs_file:
            try:
                with open(args.programs_file, encoding="utf-8") as f:
                    programs |= {line.strip() for line in f if line.strip()}
            except OSError as e:
                print(f"bramble_system: cannot read {args.programs_file}: {e.strerror}", file=sys.stderr)
                return 2
    try:
        system = load(args.description, board=args.board, programs=programs, root=args.source_root)
    except DescriptionError as e:
        print(e, file=sys.stderr)
        return 1
    except UsageError as e:
        print(f"bramble_system: {e}", file=sys.stderr)
        return 2
    if args.header:
        write_if_changed(args.header, header_text(system))
    if args.cmake:
        write_if_changed(args.cmake, cmake_text(system))
    if args.dot:
        write_if_changed(args.dot, dot_text(system))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
