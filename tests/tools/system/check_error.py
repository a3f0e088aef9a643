#!/usr/bin/env python3
"""Runs tools/system/bramble_system.py on one bad description and passes only if the tool refuses it
with the message the fixture's first line expects, at the right line:

    # expect: <line>: <message>

The tool must exit with status 1 and print `<path>:<line>: <message>`, path as the tool names files
in the repository (relative to it). The board is rpi4 and the programs that exist are the
production system's, so fixtures can name a missing device or program.

    check_error.py FIXTURE [--tool PATH]
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
PROGRAMS = ["root", "producer", "consumer", "uart_driver", "console"]


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("fixture")
    parser.add_argument("--tool", default=os.path.join(ROOT, "tools", "system", "bramble_system.py"))
    args = parser.parse_args(argv)

    with open(args.fixture, encoding="utf-8") as f:
        first = f.readline().strip()
    prefix = "# expect: "
    if not first.startswith(prefix):
        print(f"{args.fixture}:1: the first line must be '# expect: <line>: <message>'")
        return 1
    shown = os.path.relpath(os.path.abspath(args.fixture), ROOT).replace(os.sep, "/")
    expected = f"{shown}:{first[len(prefix):]}"

    command = [sys.executable, args.tool, args.fixture, "--board", "rpi4"]
    for p in PROGRAMS:
        command += ["--program", p]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    errors = result.stderr.splitlines()
    print(f"$ {' '.join(command)}\nexit status {result.returncode}\n{result.stderr}{result.stdout}", end="")
    if result.returncode != 1:
        print(f"FAIL: expected exit status 1 (a refused description), got {result.returncode}")
        return 1
    if expected not in errors:
        print(f"FAIL: expected the line\n  {expected}")
        return 1
    print("ok: refused with the expected message")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
