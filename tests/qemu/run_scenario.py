#!/usr/bin/env python3
"""Runs one Bramble kernel scenario under QEMU and judges it.

The kernel selects its scenario from the semihosting command line (-append "test=<name>") and ends
QEMU with an exit code through semihosting. A run passes only if QEMU exits in time with the
expected code AND every --expect pattern appears in the console output, in order, AND no --reject
pattern appears. The console is echoed as it arrives, so `ctest -V` or running this script by hand
shows it.

Patterns are matched line by line (a match never spans two lines; `^` and `$` are a line's start and
end, and a line keeps its '\n'). The kernel starts every line a task prints with "[<task>] " and
never starts one of its own with '[' (docs/syscalls.md, debug_write), so a pattern that claims a
kernel line (it starts with `kernel:`, anchored or not) is satisfied only by a line that starts with
`kernel:`: no task can fake the kernel's verdict lines.

Example (by hand):
  tests/qemu/run_scenario.py --machine raspi4b --image build/rpi4/kernel8-test.img --scenario timer \
      --expect 'tick 5'
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time


# A pattern that starts with "kernel:" (after an optional ^) claims a line the kernel printed.
_KERNEL_CLAIM = re.compile(r"^\^?kernel:")


def claims_kernel_line(pattern):
    return bool(_KERNEL_CLAIM.match(pattern))


def console_text(raw):
    """The console as text: UTF-8 (bad bytes replaced), the UART's CR LF as LF."""
    return raw.decode("utf-8", "replace").replace("\r\n", "\n")


class Matcher:
    """One --expect/--reject pattern, matched within single lines of the console text."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.regex = re.compile(pattern, re.MULTILINE)
        self.kernel = claims_kernel_line(pattern)

    def search(self, text, position=0):
        """The first match at or after `position` that lies within one line (and, for a kernel
        claim, starts that line, which starts with "kernel:"), or None."""
        while position <= len(text):
            # A quick search over the rest finds the first line that can hold a match.
            candidate = self.regex.search(text, position)
            if candidate is None:
                return None
            line_start = text.rfind("\n", 0, candidate.start()) + 1
            newline = text.find("\n", candidate.start())
            line_end = len(text) if newline < 0 else newline + 1
            if self.kernel:
                if position <= line_start and text.startswith("kernel:", line_start):
                    m = self.regex.match(text, line_start, line_end)
                    if m:
                        return m
            else:
                m = self.regex.search(text, max(position, line_start), line_end)
                if m:
                    return m
            if line_end >= len(text):
                return None
            position = line_end
        return None


def missing_in_order(matchers, text, first_only=False):
    """The --expect verdict: (pattern, offset searched from) for each pattern not found after the
    previous one's match; an empty list when all appeared in order."""
    missing = []
    position = 0
    for matcher in matchers:
        m = matcher.search(text, position)
        if m is None:
            missing.append((matcher, position))
            if first_only:
                break
        else:
            position = m.end()
    return missing


def rejected(matchers, text):
    """The --reject patterns that appear."""
    return [m.pattern for m in matchers if m.search(text) is not None]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--qemu", default="qemu-system-aarch64")
    p.add_argument("--machine", required=True, help="raspi4b or raspi3b")
    p.add_argument("--image", required=True, help="kernel8.img (or another -kernel file)")
    p.add_argument("--scenario", help="scenario name, passed as test=<name>")
    p.add_argument("--append", default="", help="extra -append text")
    p.add_argument("--dtb", help="pass this DTB with -dtb")
    p.add_argument("--sd", help="SD-card image (-drive if=sd)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before the run counts as hung")
    p.add_argument("--expect-exit", type=int, default=0, help="expected exit code")
    p.add_argument("--expect", action="append", default=[], help="regex that must appear (in order)")
    p.add_argument("--reject", action="append", default=[], help="regex that must not appear")
    p.add_argument("--send-after", nargs=2, action="append", default=[], metavar=("REGEX", "TEXT"),
                   help="when REGEX has appeared, type TEXT into the serial port (\\r, \\n escapes)")
    p.add_argument("--send-delay", type=float, default=0.0,
                   help="seconds to wait before typing each --send-after text (a person does not answer a "
                        "prompt within microseconds; lower-priority tasks run in between)")
    p.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument")
    p.add_argument("--quiet", action="store_true", help="do not echo the console")
    p.add_argument("--no-semihosting", action="store_true",
                   help="run as on hardware: no semihosting, so no scenario and no exit code")
    p.add_argument("--until-expected", action="store_true",
                   help="stop QEMU and pass as soon as every --expect has appeared in order and every "
                        "--send-after was sent (a kernel that serves for ever, driven like a person would)")
    p.add_argument("--expect-running", action="store_true",
                   help="pass only if QEMU is still running at the timeout (a kernel that must not stop)")
    return p.parse_args()


def main():
    a = parse_args()
    if not os.path.exists(a.image):
        print(f"run_scenario: image not found: {a.image} (build the kernel first)", file=sys.stderr)
        return 2
    append = " ".join(x for x in (f"test={a.scenario}" if a.scenario else "", a.append) if x)
    cmd = [a.qemu, "-M", a.machine, "-kernel", a.image, "-display", "none", "-monitor", "none",
           "-serial", "stdio"]
    if not a.no_semihosting:
        cmd.append("-semihosting")
    if append:
        cmd += ["-append", append]
    if a.dtb:
        cmd += ["-dtb", a.dtb]
    if a.sd:
        cmd += ["-drive", f"file={a.sd},if=sd,format=raw"]
    cmd += a.qemu_arg
    print("run_scenario: " + " ".join(f"'{c}'" if " " in c else c for c in cmd), flush=True)

    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    pending_sends = [(re.compile(r), t.encode().decode("unicode_escape").encode()) for r, t in a.send_after]
    deadline = time.monotonic() + a.timeout
    timed_out = False
    all_seen = False
    expects = [Matcher(x) for x in a.expect]
    rejects = [Matcher(x) for x in a.reject]

    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 0.2))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
            if not a.quiet:
                sys.stdout.write(chunk.decode("utf-8", "replace"))
                sys.stdout.flush()
            text = output.decode("utf-8", "replace")
            while pending_sends and pending_sends[0][0].search(text):
                _, data = pending_sends.pop(0)
                if a.send_delay > 0:
                    time.sleep(a.send_delay)
                proc.stdin.write(data)
                proc.stdin.flush()
            if a.until_expected and not pending_sends and not missing_in_order(expects, console_text(output), first_only=True):
                all_seen = True
                break
        elif proc.poll() is not None:
            break
    if timed_out or all_seen:
        proc.kill()
    code = proc.wait()
    rest = proc.stdout.read() or b""
    output += rest
    if rest and not a.quiet:
        sys.stdout.write(rest.decode("utf-8", "replace"))
    text = console_text(output)

    failures = []
    if all_seen:
        pass  # stopped on purpose: everything expected was there
    elif a.expect_running:
        if not timed_out:
            failures.append(f"QEMU stopped (exit code {code}) but the kernel should have kept running")
    elif timed_out:
        failures.append(f"QEMU did not exit within {a.timeout:.0f} s (hung kernel or missing exit)")
    elif code != a.expect_exit:
        failures.append(f"exit code {code}, expected {a.expect_exit}")
    for matcher, position in missing_in_order(expects, text):
        kind = " as a kernel line" if matcher.kernel else ""
        failures.append(f"expected output not found{kind} (after offset {position}): {matcher.pattern!r}")
    for pattern in rejected(rejects, text):
        failures.append(f"rejected output present: {pattern!r}")
    if pending_sends:
        failures.append("input never sent: " + ", ".join(r.pattern for r, _ in pending_sends))
    print()
    if failures:
        for f in failures:
            print(f"run_scenario: FAIL: {f}")
        return 1
    how = ("stopped once everything expected appeared" if all_seen
           else "still running at the timeout, as expected" if a.expect_running else f"exit {code}")
    print("run_scenario: PASS (" + how + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
