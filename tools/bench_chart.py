#!/usr/bin/env python3
"""Draws the figures of `make -f Makefile.qemu bench` as one SVG chart with two panels.

    tools/bench_chart.py --ring RING.csv --kernel KERNEL.json [--output build/bench.svg] [--board rpi4]

RING.csv is what `ring_bench --csv` prints (or `ring_bench --csv-file RING.csv` writes): lines of
`benchmark,implementation,metric,value,unit` with metric median, min or max. KERNEL.json is what
`tools/kbench.py --json KERNEL.json` writes: per board, the rows of the kbench program.

Left panel, host rings: throughput (Mitems/s) and round-trip latency (ns) of Bramble's ring beside
boost::lockfree::spsc_queue, moodycamel::ReaderWriterQueue and the raw cache-line ping-pong, each bar
the median with a min-max whisker. Right panel, kernel: null syscall, yield, context switch and the
signal->wait round trip in instructions (QEMU -icount) per board, beside seL4's published Cortex-A53
cycle counts, which are labelled as what they are: published cycles on other hardware, not a
like-for-like comparison.

Needs matplotlib (Debian's python3-matplotlib, which tools/install-deps.sh installs) and draws with the
Agg backend, so no display is needed. Debian's package belongs to /usr/bin/python3: when the python3
on PATH is another one without matplotlib, the script runs itself again with /usr/bin/python3.
Text is kept as SVG text (not paths) so the labels can be searched. Exit status 0 iff the chart was
written; 1 with a message when an input is missing or malformed.
"""
import argparse
import csv
import json
import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3"

try:
    import matplotlib
except ImportError:
    if (os.path.exists(SYSTEM_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)
            and not os.environ.get("BRAMBLE_CHART_REEXEC")):
        os.environ["BRAMBLE_CHART_REEXEC"] = "1"
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("bench_chart: matplotlib not found: install Debian's python3-matplotlib (tools/install-deps.sh)")

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable labels
matplotlib.rcParams["svg.hashsalt"] = "bramble"  # stable ids: the same input gives the same file
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

RING_THROUGHPUT = ["bramble-element", "bramble-batch", "boost-spsc", "moodycamel-rwq"]
RING_LATENCY = ["bramble-element", "boost-spsc", "moodycamel-rwq", "raw-pingpong"]

# (label on the chart, kbench benchmark, kbench implementation): the instruction rows drawn.
KERNEL_FIGURES = [
    ("null syscall", "null-syscall", "cap_info-invalid-slot"),
    ("yield", "null-syscall", "yield-alone"),
    ("context switch", "context-switch", "yield-between-2-tasks"),
    ("signal->wait round trip", "signal-wait-roundtrip", "same-priority"),
]
# seL4's published figures for the Cortex-A53 (sel4bench): cycles, low and high end of the range.
SEL4_A53 = [
    ("seL4 null syscall", 132, 132),
    ("seL4 Call", 266, 289),
]
CAVEAT = "published cycles on other hardware, not a like-for-like comparison"

BRAMBLE_COLOUR = "#2a7a3b"
PEER_COLOUR = "#4a6fa5"
FLOOR_COLOUR = "#9a9a9a"
SEL4_COLOUR = "#c9a227"
BOARD_COLOURS = ["#2a7a3b", "#7fbf7f", "#1d4f27", "#b3dfb3"]


class InputError(Exception):
    pass


def read_ring(path):
    """{(benchmark, implementation): {"median": v, "min": v, "max": v, "unit": u}} from ring_bench's CSV."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    need = {"benchmark", "implementation", "metric", "value", "unit"}
    if not rows or not need.issubset(rows[0].keys()):
        raise InputError(f"{path}: not ring_bench CSV (want a header {','.join(sorted(need))})")
    figures = {}
    for n, r in enumerate(rows, start=2):
        try:
            value = float(r["value"])
        except (TypeError, ValueError):
            raise InputError(f"{path}:{n}: value '{r['value']}' is not a number")
        entry = figures.setdefault((r["benchmark"], r["implementation"]), {"unit": r["unit"]})
        entry[r["metric"]] = value
    for name in RING_THROUGHPUT:
        if "median" not in figures.get(("throughput", name), {}):
            raise InputError(f"{path}: no throughput median for {name}")
    for name in RING_LATENCY:
        if "median" not in figures.get(("latency", name), {}):
            raise InputError(f"{path}: no latency median for {name}")
    return figures


def read_kernel(path):
    """(boards, {board: {(benchmark, implementation, metric): row}}) from kbench.py's JSON."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON ({e})")
    boards = doc.get("boards") if isinstance(doc, dict) else None
    if not isinstance(boards, dict) or not boards:
        raise InputError(f"{path}: no 'boards' object (write it with tools/kbench.py --json)")
    table = {}
    for board, result in boards.items():
        rows = {}
        for r in result.get("rows", []):
            rows[(r["benchmark"], r["implementation"], r["metric"])] = r
        for label, bench, impl in KERNEL_FIGURES:
            if (bench, impl, "instructions") not in rows:
                raise InputError(f"{path}: board {board} has no {bench}/{impl} instructions row ({label})")
        table[board] = rows
    return list(boards.keys()), table, doc


def whisker(entry):
    """Distances from the median down to the min and up to the max (0 where missing)."""
    med = entry["median"]
    return max(med - entry.get("min", med), 0), max(entry.get("max", med) - med, 0)


def ring_colour(name):
    if name.startswith("bramble"):
        return BRAMBLE_COLOUR
    if name == "raw-pingpong":
        return FLOOR_COLOUR
    return PEER_COLOUR


def draw_ring_axis(ax, figures, benchmark, names, title, unit_label):
    entries = [figures[(benchmark, n)] for n in names]
    medians = [e["median"] for e in entries]
    lows, highs = zip(*(whisker(e) for e in entries))
    ys = range(len(names))
    bars = ax.barh(ys, medians, xerr=[lows, highs], color=[ring_colour(n) for n in names], capsize=3,
                   error_kw={"elinewidth": 0.8, "ecolor": "#333333"})
    if "raw-pingpong" in names:
        bars[names.index("raw-pingpong")].set_hatch("//")
    ax.set_yticks(list(ys))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(unit_label)
    top = max(m + h for m, h in zip(medians, highs))
    ax.set_xlim(0, top * 1.25)
    for y, m, h in zip(ys, medians, highs):
        ax.text(m + h, y, f"  {m:.1f}", va="center", ha="left", fontsize=8)


def draw_ring_panel(fig, spec, figures):
    inner = spec.subgridspec(2, 1, hspace=0.55)
    thr = fig.add_subplot(inner[0])
    lat = fig.add_subplot(inner[1])
    draw_ring_axis(thr, figures, "throughput", RING_THROUGHPUT,
                   "Host rings: throughput, 8-byte items (higher is better)", "Mitems/s (median, min-max)")
    thr.set_xscale("symlog", linthresh=10)
    thr.set_xlim(0, max(figures[("throughput", n)].get("max", 0) for n in RING_THROUGHPUT) * 3)
    draw_ring_axis(lat, figures, "latency", RING_LATENCY,
                   "Host rings: round trip (lower is better; raw-pingpong = floor)", "ns (median, min-max)")
    return thr, lat


def draw_kernel_panel(ax, boards, table):
    n_boards = len(boards)
    group = n_boards + 0.8
    width = 0.8
    ticks, labels = [], []
    for i, (label, bench, impl) in enumerate(KERNEL_FIGURES):
        x0 = i * group
        for j, board in enumerate(boards):
            r = table[board][(bench, impl, "instructions")]
            x = x0 + j * width
            ax.bar(x, r["median"], width=width, color=BOARD_COLOURS[j % len(BOARD_COLOURS)],
                   label=f"Bramble on QEMU {board} (instructions)" if i == 0 else None)
            ax.text(x, r["median"], f"{r['median']:g}", ha="center", va="bottom", fontsize=7, rotation=90)
        ticks.append(x0 + (n_boards - 1) * width / 2)
        labels.append(label)
    base = len(KERNEL_FIGURES) * group + 0.6
    for k, (label, low, high) in enumerate(SEL4_A53):
        x = base + k * (width + 0.6)
        ax.bar(x, low, width=width, color=SEL4_COLOUR, hatch="xx", edgecolor="#6b5410",
               label=f"seL4 on Cortex-A53: {CAVEAT}" if k == 0 else None)
        if high > low:
            ax.errorbar(x, (low + high) / 2, yerr=(high - low) / 2, color="#333333", capsize=3, elinewidth=0.8)
        ax.text(x, high, f"{low}" if low == high else f"{low}-{high}", ha="center", va="bottom", fontsize=7,
                rotation=90)
        ticks.append(x)
        labels.append(label + "\n(published cycles)")
    ax.axvline(base - 0.9, color="#888888", linestyle=":", linewidth=1)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("instructions (Bramble, QEMU -icount) / cycles (seL4)")
    ax.set_title("Kernel paths (kbench) beside seL4's published figures", fontsize=10)
    top = max(table[b][(bench, impl, "instructions")]["median"] for b in boards for _, bench, impl in KERNEL_FIGURES)
    ax.set_ylim(0, max(top, max(h for _, _, h in SEL4_A53)) * 1.3)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    # The caveat once more, over the seL4 bars themselves, broken into short lines.
    ax.text(base + (width + 0.6) / 2, max(h for _, _, h in SEL4_A53) * 2.2,
            "seL4 bars:\npublished cycles\non other hardware,\nnot a like-for-like\ncomparison", ha="center",
            va="bottom", fontsize=7, style="italic")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ring", required=True, help="ring_bench CSV")
    ap.add_argument("--kernel", required=True, help="kbench.py JSON")
    ap.add_argument("--output", "-o", default="build/bench.svg")
    args = ap.parse_args()
    try:
        ring = read_ring(args.ring)
        boards, table, doc = read_kernel(args.kernel)
    except InputError as e:
        print(f"bench_chart: {e}", file=sys.stderr)
        return 1

    fig = plt.figure(figsize=(14, 6.5))
    outer = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.1], wspace=0.35)
    draw_ring_panel(fig, outer[0], ring)
    draw_kernel_panel(fig.add_subplot(outer[1]), boards, table)
    iters = doc.get("iters")
    fig.suptitle("Bramble benchmarks: host SPSC rings (ring_bench) and kernel paths (kbench"
                 + (f", {iters} iterations" if iters else "") + ")", fontsize=12)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.2)
    out_dir = os.path.dirname(args.output)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    # SVG unless the name says otherwise (a .png is handy for a quick look).
    fmt = "png" if args.output.endswith(".png") else "svg"
    fig.savefig(args.output, format=fmt, metadata={"Date": None} if fmt == "svg" else None, dpi=110)
    plt.close(fig)
    print(f"bench_chart: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
