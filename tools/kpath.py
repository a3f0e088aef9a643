#!/usr/bin/env python3
"""Traces one of kbench's kernel fast paths instruction by instruction under QEMU and prints where its
instructions go: each run of consecutive instructions in one function, with its length and the running
total (docs/PERFORMANCE.md shows such anatomies and says how to read them).

    tools/kpath.py [--build-root build] [--board rpi4] [--path null|yield|switch|roundtrip]
                   [--skip 3] [--instructions]

It boots the board's test image (kernel8-test.img, which carries kbench) with one core and
    -accel tcg,one-insn-per-tb=on -d exec,nochain
so QEMU logs the address of every instruction it runs, and reads that log through a pipe. A sample is
what kbench measures: the instructions between its two reads of the instruction counter around the
path (the `mrs ..., pmevcntr0_el0` pairs of the benchmark's function in kbench.elf). The first `--skip`
samples are passed over (the first round trip includes the peer's start); the next one is printed.
Addresses are named with `nm` of kernel-test.elf (kernel, upper half) and kbench.elf (EL0).
--instructions also prints each instruction (objdump). The total is kbench's figure plus the two
instructions of the counter read that kbench subtracts as overhead.

Needs qemu-system-aarch64 and the cross binutils (aarch64-linux-gnu-nm, -objdump) the build uses.
Exit status 0 when a sample was traced.
"""
import argparse
import bisect
import os
import re
import subprocess
import sys
import tempfile
import threading

MACHINES = {"rpi4": "raspi4b", "rpi3": "raspi3b"}
# Which benchmark function holds the counter reads around each path, and which pair of them it is.
PATHS = {
    "null": ("null_syscall", 0),  # cap_info on an invalid slot
    "yield": ("null_syscall", 1),  # yield with nobody else ready
    "switch": ("context_switch", 0),  # yield between two tasks: one sample is two switches
    "roundtrip": ("ping_pong", 0),  # signal -> wait -> signal -> wait, the same priority
}
KERNEL_BASE = 0xFFFF000000000000
TRACE = re.compile(r"Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(nm, elf):
    out = subprocess.run([nm, "-n", "-C", elf], capture_output=True, text=True, check=True).stdout
    addresses, names = [], []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW":
            addresses.append(int(parts[0], 16))
            names.append(parts[2])
    return addresses, names


def name_of(table, pc):
    addresses, names = table
    i = bisect.bisect_right(addresses, pc) - 1
    return names[i] if i >= 0 else "?"


def disassembly(objdump, elf):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], capture_output=True, text=True,
                         check=True).stdout
    lines = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if m:
            lines[int(m.group(1), 16)] = re.sub(r"\s*<[^>]*>", "", m.group(2))
    return lines


def markers(objdump, elf, function, pair):
    """The addresses of the pair'th two counter reads in `function` (its name, demangled, contains it)."""
    out = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", elf], capture_output=True, text=True,
                         check=True).stdout
    reads, inside = [], False
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if head:
            inside = re.search(r"(^|::)" + re.escape(function) + r"\(", head.group(1)) is not None
            continue
        if inside and "pmevcntr0_el0" in line and "mrs" in line:
            reads.append(int(line.split(":")[0], 16))
    if len(reads) < 2 * pair + 2:
        sys.exit(f"kpath: {elf} has no counter reads #{2 * pair}/#{2 * pair + 1} in {function}")
    return reads[2 * pair], reads[2 * pair + 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-root", default="build")
    ap.add_argument("--board", default="rpi4", choices=sorted(MACHINES))
    ap.add_argument("--path", default="null", choices=sorted(PATHS))
    ap.add_argument("--skip", type=int, default=3)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cross", default="aarch64-linux-gnu-")
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()

    board = os.path.join(a.build_root, a.board)
    kernel_elf = os.path.join(board, "kernel-test.elf")
    user_elf = os.path.join(board, "user", "bin", "kbench.elf")
    image = os.path.join(board, "kernel8-test.img")
    for f in (kernel_elf, user_elf, image):
        if not os.path.exists(f):
            sys.exit(f"kpath: {f} is missing (build the {a.board} tree first)")
    nm, objdump = a.cross + "nm", a.cross + "objdump"
    start, end = markers(objdump, user_elf, *PATHS[a.path])
    kernel_names, user_names = symbols(nm, kernel_elf), symbols(nm, user_elf)

    workdir = tempfile.mkdtemp(prefix="kpath-")
    fifo = os.path.join(workdir, "trace")
    os.mkfifo(fifo)
    # Enough iterations that the skipped samples and the traced one happen; the run is stopped then.
    iters = a.skip + 4
    qemu = subprocess.Popen(
        [a.qemu, "-M", MACHINES[a.board], "-kernel", image, "-display", "none", "-monitor", "none",
         "-serial", "file:" + os.path.join(workdir, "console.log"), "-semihosting",
         "-accel", "tcg,one-insn-per-tb=on", "-icount", "shift=0,align=off,sleep=off",
         "-d", "exec,nochain", "-D", fifo, "-append", f"test=user:kbench pmu=el0 iters={iters} cores=1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Opening the pipe waits for QEMU to open its end: should QEMU end first (it failed, or ran to the
    # end), open the write end once so that the read side sees the end of the log instead of waiting.
    opened = threading.Event()

    def unblock_reader():
        qemu.wait()
        while not opened.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError:  # the reader is not waiting yet (or any more)
                opened.wait(0.05)

    threading.Thread(target=unblock_reader, daemon=True).start()
    watchdog = threading.Timer(a.timeout, qemu.kill)
    watchdog.start()
    start_tag = f"/{start:016x}/"  # how the start address appears in a log line (the PC field)
    sample, samples = None, 0
    try:
        with open(fifo) as log:
            opened.set()
            for line in log:
                if sample is None:
                    # Outside a sample only its start matters: a substring test, not a parse (the
                    # boot alone logs millions of lines).
                    if start_tag in line:
                        sample = []
                    continue
                m = TRACE.match(line)
                if not m:
                    continue
                pc = int(m.group(1), 16)
                if pc == end:
                    samples += 1
                    if samples > a.skip:
                        break
                    sample = None
                else:
                    sample.append(pc)
    finally:
        watchdog.cancel()
        qemu.kill()
        qemu.wait()
        os.unlink(fifo)
    if sample is None or samples <= a.skip:
        console = os.path.join(workdir, "console.log")
        where = f"its console: {console}" if os.path.exists(console) else f"QEMU exited with {qemu.returncode}"
        sys.exit(f"kpath: the run ended after {samples} of {a.skip + 1} samples ({where})")

    code = {}
    if a.instructions:
        code.update(disassembly(objdump, kernel_elf))
        code.update(disassembly(objdump, user_elf))
    runs = []  # [where, count, addresses]
    for pc in sample:
        kernel = pc >= KERNEL_BASE
        where = ("K " if kernel else "U ") + name_of(kernel_names if kernel else user_names, pc)
        if runs and runs[-1][0] == where:
            runs[-1][1] += 1
            runs[-1][2].append(pc)
        else:
            runs.append([where, 1, [pc]])
    print(f"kpath: {a.path} on {a.board}, sample {a.skip + 1} (K: kernel, U: EL0)")
    total = 0
    for where, count, addresses in runs:
        total += count
        print(f"{count:5d} {total:6d}  {where}")
        if a.instructions:
            for pc in addresses:
                print(f"                {pc:x}  {code.get(pc, '?')}")
    print(f"total {total} instructions")
    for f in os.listdir(workdir):
        os.unlink(os.path.join(workdir, f))
    os.rmdir(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
