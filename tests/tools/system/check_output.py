#!/usr/bin/env python3
"""Runs tools/system/bramble_system.py on a valid description and compares what it writes with the
expected files: the Graphviz text (--dot) and the generated C++ header (--header). Prints a unified
diff and fails on any difference. To accept a deliberate change, regenerate the expected files with
the tool and review the diff.

    check_output.py DESCRIPTION [--board NAME] [--dot EXPECTED] [--header EXPECTED] [--tool PATH]
"""

import argparse
import difflib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("description")
    parser.add_argument("--board", default="rpi4")
    parser.add_argument("--dot")
    parser.add_argument("--header")
    parser.add_argument("--tool", default=os.path.join(ROOT, "tools", "system", "bramble_system.py"))
    args = parser.parse_args(argv)

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {k: v for k, v in (("dot", args.dot), ("header", args.header)) if v}
        command = [sys.executable, args.tool, args.description, "--board", args.board]
        for kind in outputs:
            command += [f"--{kind}", os.path.join(tmp, kind)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print(f"FAIL: {' '.join(command)} exited with {result.returncode}\n{result.stderr}")
            return 1
        for kind, expected_path in outputs.items():
            with open(os.path.join(tmp, kind), encoding="utf-8") as f:
                got = f.read()
            with open(expected_path, encoding="utf-8") as f:
                expected = f.read()
            if got != expected:
                failed = True
                print(f"FAIL: --{kind} differs from {expected_path}:")
                sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                           expected_path, f"--{kind}"))
            else:
                print(f"ok: --{kind} is {expected_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
