#!/usr/bin/env python3
"""Runs Bramble's kernel benchmark (broker/bench, the EL0 program `kbench`) under QEMU on raspi4b and
raspi3b with deterministic instruction counting, and prints one table (or CSV lines).

Each board boots its test image (kernel8-test.img, which carries kbench) with
    -icount shift=0,align=off,sleep=off -semihosting -append "test=user:kbench pmu=el0 iters=N"
so PMCCNTR_EL0 and INST_RETIRED count exactly and identically run to run (docs/PERFORMANCE.md says
what such figures mean). The program prints `kbench row benchmark,implementation,metric,median,min,max,unit,n`
lines (the console shows them as `[kbench] kbench row ...`); the kernel prints the boot cost. This
script adds derived figures (syscalls per message, messages/s at a nominal clock) and checks that the
run ended with exit code 0.

    tools/kbench.py [--build-root build] [--boards rpi4,rpi3] [--iters 1000] [--csv] [--quick]
                    [--json FILE] [--no-one-core]

Each board runs twice: with every core online (the default boot), then with cores=1, whose kernel
fast-path figures are added as `<implementation>-1-core` rows (--no-one-core skips that run).

--csv prints `benchmark,implementation,metric,value,unit` lines (value = median; min/max as metrics
with suffixes _min/_max; implementation gets `@<board>`). --json FILE also writes every row to FILE
(the table or the CSV lines still go to standard output), for tools/bench_chart.py:
    {"tool": "kbench", "iters": N, "counting": "...",
     "boards": {"rpi4": {"machine": "raspi4b", "exit": 0, "ok": true,
                         "rows": [{"benchmark", "implementation", "metric", "median", "min", "max",
                                   "unit", "n"}, ...]}, ...}}
Exit status: 0 iff every board's run passed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

MACHINES = {"rpi4": "raspi4b", "rpi3": "raspi3b"}
# Nominal clock for messages/s: the Pi 4's Cortex-A72 at 1.5 GHz, assuming one instruction per cycle
# (QEMU counts instructions, not cycles; see docs/PERFORMANCE.md).
NOMINAL_HZ = 1.5e9
# The rows come from the program (the kernel prefixes a task's lines with "[kbench] "), the boot figure
# from the kernel itself: only a line that starts with "kernel:" is the kernel's (docs/syscalls.md,
# debug_write), so the program cannot fake it.
ROW = re.compile(r"^\[kbench\] kbench row ([^,]+),([^,]+),([^,]+),(\d+),(\d+),(\d+),([^,]+),(\d+)\s*$")
BOOT = re.compile(r"^kernel: root task ready after (\d+) instructions \((\d+) cycles\)")
LOCK = re.compile(r"^kernel: kernel lock taken and released in (\d+) instructions")


def run_board(args, board, cores=None):
    image = f"{args.build_root}/{board}/kernel8-test.img"
    append = f"test=user:kbench pmu=el0 iters={args.iters}" + (f" cores={cores}" if cores else "")
    cmd = [args.qemu, "-M", MACHINES[board], "-kernel", image, "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-semihosting", "-icount", "shift=0,align=off,sleep=off",
           "-append", append]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=args.timeout, text=True)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return [], out, None
    rows = []
    for line in p.stdout.splitlines():
        m = ROW.match(line)
        if m:
            b, impl, metric, med, lo, hi, unit, n = m.groups()
            rows.append((b, impl, metric, int(med), int(lo), int(hi), unit, int(n)))
        m = BOOT.match(line)
        if m:
            rows.append(("boot", "entry-to-root-ready", "instructions", int(m.group(1)), int(m.group(1)),
                         int(m.group(1)), "instructions", 1))
            rows.append(("boot", "entry-to-root-ready", "cycles", int(m.group(2)), int(m.group(2)),
                         int(m.group(2)), "cycles", 1))
        m = LOCK.match(line)
        if m:
            v = int(m.group(1))
            rows.append(("kernel-lock", "uncontended-take-release", "instructions", v, v, v, "instructions", 1))
    return rows + derived(rows), p.stdout, p.returncode


# The figures repeated with one core online (cores=1), as "<implementation>-1-core" rows beside the
# default run's (all cores online): the difference is what the other cores cost a kernel entry on
# this one (the kernel lock, the per-CPU lookups), since every task of these figures runs on core 0.
ONE_CORE = {("null-syscall", "cap_info-invalid-slot"), ("null-syscall", "yield-alone"),
            ("context-switch", "yield-between-2-tasks"), ("signal-wait-roundtrip", "same-priority"),
            ("signal-wait-roundtrip", "peer-lower-priority")}


def one_core_rows(rows):
    return [(b, f"{impl}-1-core") + tuple(rest) for b, impl, *rest in rows if (b, impl) in ONE_CORE]


def derived(rows):
    out = []
    for b, impl, metric, med, lo, hi, unit, n in rows:
        if b == "stream" and metric == "instructions-per-1000-messages":
            # Fewer instructions per message means more messages/s: min and max swap.
            rate = lambda v: int(NOMINAL_HZ * 1000 / v) if v else 0
            out.append((b, impl, "messages-per-s@1.5GHz,IPC1", rate(med), rate(hi), rate(lo), "msg/s", n))
            out.append((b, impl, "instructions-per-message", med / 1000, lo / 1000, hi / 1000, "instructions", n))
        if b == "stream" and metric == "syscalls-per-1000000-messages":
            out.append((b, impl, "syscalls-per-message", med / 1e6, lo / 1e6, hi / 1e6, "syscalls", n))
    return out


def fmt(v):
    if isinstance(v, float):
        return f"{v:.4f}" if v < 10 else f"{v:.1f}"
    return str(v)


FIELDS = ("benchmark", "implementation", "metric", "median", "min", "max", "unit", "n")


def write_json(args, boards, results, exits):
    doc = {
        "tool": "kbench",
        "iters": args.iters,
        "counting": "QEMU -icount shift=0: exact instruction counts, cycles = instructions",
        "boards": {
            board: {"machine": MACHINES[board], "exit": exits[board], "ok": exits[board] == 0,
                    "rows": [dict(zip(FIELDS, r)) for r in results[board]]}
            for board in boards
        },
    }
    folder = os.path.dirname(args.json)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-root", default="build")
    ap.add_argument("--boards", default="rpi4,rpi3")
    ap.add_argument("--iters", type=int, default=1000)
    ap.add_argument("--quick", action="store_true", help="a few iterations (smoke run)")
    ap.add_argument("--csv", action="store_true")
    ap.add_argument("--json", metavar="FILE", help="also write every row as JSON to FILE")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--verbose", action="store_true", help="echo the console")
    ap.add_argument("--no-one-core", dest="one_core", action="store_false",
                    help="skip the second run with cores=1 (the -1-core rows)")
    args = ap.parse_args()
    if args.quick:
        args.iters = 10
    boards = [b for b in args.boards.split(",") if b]
    results = {}
    exits = {}
    ok = True
    for board in boards:
        rows, console, rc = run_board(args, board)
        if args.verbose or rc != 0:
            sys.stderr.write(console)
        if rc != 0:
            ok = False
            print(f"kbench: {board}: run failed (exit {rc})", file=sys.stderr)
        if args.one_core and rc == 0:
            single, console, rc = run_board(args, board, cores=1)
            if args.verbose or rc != 0:
                sys.stderr.write(console)
            if rc != 0:
                ok = False
                print(f"kbench: {board}: run with cores=1 failed (exit {rc})", file=sys.stderr)
            rows += one_core_rows(single)
        results[board] = rows
        exits[board] = rc
    if args.json:
        write_json(args, boards, results, exits)
    keys = []
    for board in boards:
        for r in results[board]:
            if r[:3] not in keys:
                keys.append(r[:3])
    lookup = {(board, r[:3]): r for board in boards for r in results[board]}
    if args.csv:
        for board in boards:
            for b, impl, metric, med, lo, hi, unit, n in results[board]:
                print(f"{b},{impl}@{board},{metric},{fmt(med)},{unit}")
                print(f"{b},{impl}@{board},{metric}_min,{fmt(lo)},{unit}")
                print(f"{b},{impl}@{board},{metric}_max,{fmt(hi)},{unit}")
    else:
        print(f"kbench: QEMU -icount shift=0 (exact instruction counts; cycles = instructions), {args.iters} iterations")
        head = f"{'benchmark':<22} {'implementation':<24} {'metric':<31}"
        for board in boards:
            head += f" {board + ' median':>14} {'min':>12} {'max':>12}"
        print(head + "  unit          n")
        for k in keys:
            line = f"{k[0]:<22} {k[1]:<24} {k[2]:<31}"
            unit, n = "", ""
            for board in boards:
                r = lookup.get((board, k))
                if r is None:
                    line += f" {'-':>14} {'-':>12} {'-':>12}"
                else:
                    line += f" {fmt(r[3]):>14} {fmt(r[4]):>12} {fmt(r[5]):>12}"
                    unit, n = r[6], r[7]
            print(f"{line}  {unit:<12} {n}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
