#!/usr/bin/env python3
"""Test of tools/bench_chart.py (CTest bench.chart): draws the chart from the small fixture inputs in
tests/tools/bench_chart_fixture and checks the SVG, then checks that broken inputs are refused.

    bench_chart_test.py --chart tools/bench_chart.py --fixture tests/tools/bench_chart_fixture --work DIR

Checks, each of which fails the test on its own:
  - the script exits 0 and writes DIR/bench.svg, which parses as SVG (XML with an <svg> root);
  - the SVG's text holds every expected label: the four rings and the ping-pong floor, the four kernel
    figures, both seL4 figures and the caveat that they are published cycles on other hardware;
  - the SVG's text holds figures taken from the fixture (so the chart drew the input, not constants),
    for both boards;
  - an input without a required figure, and one that is not the expected format, make the script exit
    1 with a message naming the problem, and write no SVG.
Prints `N passed, N failed` and exits 1 if any check failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

LABELS = [
    "bramble-element", "bramble-batch", "boost-spsc", "moodycamel-rwq", "raw-pingpong",
    "null syscall", "yield", "context switch", "signal->wait round trip",
    "seL4 null syscall", "seL4 Call",
    "published cycles on other hardware, not a like-for-like comparison",
    "Bramble on QEMU rpi4 (instructions)", "Bramble on QEMU rpi3 (instructions)",
]
# Figures of the fixture: ring medians, rpi4 and rpi3 kernel medians (the fixture's rpi3 rows are the
# rpi4 ones plus 2), and seL4's published values.
FIGURES = ["97.7", "1098.0", "92.4", "134.4", "85.2", "166", "168", "493", "495", "1631", "1633", "132",
           "266-289"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")


def run_chart(chart, ring, kernel, out):
    return subprocess.run([sys.executable, chart, "--ring", ring, "--kernel", kernel, "--output", out],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def svg_text(path):
    root = ET.parse(path).getroot()
    tag_ok = root.tag.endswith("svg")
    texts = [t for el in root.iter() if el.tag.endswith("text") for t in el.itertext()]
    return tag_ok, " | ".join(" ".join(t.split()) for t in texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chart", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    c = Checks()
    ring = os.path.join(args.fixture, "ring.csv")
    kernel = os.path.join(args.fixture, "kernel.json")

    out = os.path.join(args.work, "bench.svg")
    p = run_chart(args.chart, ring, kernel, out)
    c.check(p.returncode == 0, f"chart script exit {p.returncode}: {p.stderr.strip()}")
    c.check(os.path.isfile(out), f"{out} was not written")
    if os.path.isfile(out):
        try:
            is_svg, text = svg_text(out)
        except ET.ParseError as e:
            is_svg, text = False, ""
            print(f"{out}: not XML: {e}")
        c.check(is_svg, f"{out}: the root element is not <svg>")
        for label in LABELS:
            c.check(label in text, f"label '{label}' not in the SVG's text")
        for figure in FIGURES:
            c.check(figure in text, f"figure '{figure}' from the fixture not in the SVG's text")

    # A ring CSV that lacks boost's throughput: refused, by name, and nothing written.
    missing = os.path.join(args.work, "ring-missing.csv")
    with open(ring) as src, open(missing, "w") as dst:
        dst.writelines(line for line in src if not line.startswith("throughput,boost-spsc,"))
    out2 = os.path.join(args.work, "missing.svg")
    p = run_chart(args.chart, missing, kernel, out2)
    c.check(p.returncode == 1, f"missing figure: exit {p.returncode}, want 1")
    c.check("boost-spsc" in p.stderr, f"missing figure: message does not name it: {p.stderr.strip()}")
    c.check(not os.path.exists(out2), "missing figure: an SVG was written anyway")

    # kbench's human table instead of its JSON: refused, and nothing written.
    table = os.path.join(args.work, "kernel-table.txt")
    with open(table, "w") as f:
        f.write("kbench: QEMU -icount shift=0\nnull-syscall cap_info-invalid-slot instructions 166\n")
    out3 = os.path.join(args.work, "table.svg")
    p = run_chart(args.chart, ring, table, out3)
    c.check(p.returncode == 1, f"wrong format: exit {p.returncode}, want 1")
    c.check("not JSON" in p.stderr, f"wrong format: unexpected message: {p.stderr.strip()}")
    c.check(not os.path.exists(out3), "wrong format: an SVG was written anyway")

    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
