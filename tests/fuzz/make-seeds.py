#!/usr/bin/env python3
"""Writes every fuzz target's seed corpus into tests/fuzz/corpus/<target>/.

The seeds are small, valid-looking starting points in each target's input format (described at the
top of each *_fuzz.cpp): libFuzzer mutates from there, so the seeds decide how quickly it reaches
deep states. Run it again after changing an input format; files named regress-* are inputs that once
found a bug and are kept as they are. The FDT seeds are compiled with dtc (device-tree-compiler).

    tests/fuzz/make-seeds.py            # rewrite the generated seeds
"""
import pathlib
import re
import shutil
import struct
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
ROOT = HERE.parent.parent


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(bytes(data))


def u8(v):
    return struct.pack("<B", v & 0xFF)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


# --- ring_layout: shape, size delta, header XOR mask, indices, then operations ------------------------
def ring_layout():
    def seed(shape, ops, delta=0, mask=b"", tail=0, head=0):
        mask = mask.ljust(64, b"\0")
        return u8(shape) + u16(delta) + mask + u64(tail) + u64(head) + u64(0) + u64(0) + bytes(ops)

    # Element rings (shapes 0-2): 0 push, 1 reserve n / commit k, 2 batch push n, 3 pop,
    # 4 peek n / release k, 5 batch pop n, 6 poke, 7 index jump, 8 re-open.
    stream = [0, 0, 0, 3, 1, 4, 3, 4, 3, 2, 2, 20, 5, 20, 0, 3, 0, 3, 1, 9, 9, 4, 9, 9, 5, 9]
    for shape in range(3):
        write("ring_layout", f"shape{shape}-stream", seed(shape, stream * 3))
        # Both indices just below the top of the index range (64- or 32-bit): the wrap is crossed.
        write("ring_layout", f"shape{shape}-index-wrap", seed(shape, stream * 3, tail=2**64 - 4, head=2**64 - 4))
    # Record rings (shapes 3-4): 0 push len (bit 7: publish later), 1 reserve len / commit k, 2 publish,
    # 3 pop into a buffer of n bytes, 4 peek (bit 6: keep it, bit 7: release later), 5 release.
    records = [0] + list(u16(5)) + [0] + list(u16(0)) + [0] + list(u16(20)) + [3] + list(u16(64)) + \
              [4, 4 | 0x40, 5] + [0x80] + list(u16(7)) + [2] + [1] + list(u16(12)) + list(u16(8)) + \
              [3] + list(u16(2)) + [3] + list(u16(64)) + [3] + list(u16(64))
    for shape in (3, 4):
        write("ring_layout", f"shape{shape}-records", seed(shape, records * 4))
        write("ring_layout", f"shape{shape}-index-wrap", seed(shape, records * 4, tail=2**64 - 8, head=2**64 - 8))
    # Refusals: a mapping one byte short, a corrupted magic, a hostile index jump mid-stream.
    write("ring_layout", "short-mapping", seed(0, [0, 3], delta=-1))
    write("ring_layout", "bad-magic", seed(3, [0, 3], mask=b"\x01"))
    write("ring_layout", "index-jump", seed(0, [0, 0, 7, 1] + list(u64(100)) + [3, 3, 0]))


# --- record_reader: shape, start, claimed bytes, action script, data region -------------------------
def record(payload, flags=0, length=None):
    length = len(payload) if length is None else length
    body = payload + b"\0" * (-len(payload) % 8)
    return u32(length) + u32(flags) + body


def record_reader():
    sizes = {0: 64, 1: 256, 2: 4096, 3: 64}

    def seed(shape, start, data, script, claimed=None):
        claimed = len(data) if claimed is None else claimed
        return u8(shape) + u64(start) + u32(claimed) + u16(len(script)) + bytes(script) + data

    # Actions: 0 peek twice, 1 release (bit 7: later), 2 | k << 2 pop into (8 k) bytes,
    # 3 | 0 << 2 publish 8 * u8 more bytes, 3 | 1 << 2 any tail, 3 | 2 << 2 poke a data byte,
    # 3 | 3 << 2 write a record header.
    pop_big = 2 | (20 << 2)
    for shape, n in sizes.items():
        data = record(b"hello") + record(b"") + record(b"twelve bytes")
        write("record_reader", f"shape{shape}-three", seed(shape, 0, data, [0, 1, pop_big, 2 | (1 << 2), pop_big]))
        # A padding record at the end of the ring, then a record at offset 0.
        start = n - 16
        wrapped = record(b"after the wrap")
        data = wrapped + b"\0" * (n - 16 - len(wrapped)) + record(b"", flags=1, length=8)
        write("record_reader", f"shape{shape}-padding",
              seed(shape, start, data, [0, 1, pop_big], claimed=16 + len(wrapped)))
        # The same near the top of the index range.
        write("record_reader", f"shape{shape}-index-wrap",
              seed(shape, 2**64 - 16, record(b"x") + record(b"y"), [pop_big, pop_big]))
        # The producer publishes more, rewrites a header, then claims an impossible tail.
        script = [3, 2, 0, 1, 15] + list(u16(2)) + list(u32(100)) + list(u32(0)) + [0, 7] + list(u64(2**40))
        write("record_reader", f"shape{shape}-hostile", seed(shape, 0, record(b"a") + record(b"b"), script, claimed=8))


# --- fdt: device trees compiled by dtc ---------------------------------------------------------------
PI_LIKE = """/dts-v1/;
/memreserve/ 0x0 0x1000;
/memreserve/ 0x3b400000 0x4c00000;
/ {
	#address-cells = <2>;
	#size-cells = <1>;
	model = "fuzz seed";
	chosen { bootargs = "console=ttyAMA0 bramble.test=fdt"; };
	memory@0 { device_type = "memory"; reg = <0x0 0x0 0x3b400000>, <0x1 0x0 0x80000000>; };
	memory@200000000 { device_type = "memory"; status = "disabled"; reg = <0x2 0x0 0x1000>; };
	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		fw@3b400000 { reg = <0x3b400000 0x4c00000>; status = "okay"; no-map; };
		cma { size = <0x4000000>; reusable; };
	};
	soc {
		#address-cells = <1>;
		#size-cells = <1>;
		serial@7e201000 { compatible = "arm,pl011"; reg = <0x7e201000 0x200>; status = "okay"; };
		gpio@7e200000 { reg = <0x7e200000 0xb4>; status = "disabled"; };
	};
};
"""


def fdt():
    dtc = shutil.which("dtc")
    if dtc is None:
        sys.exit("make-seeds: dtc (device-tree-compiler) is needed for the fdt seeds")
    sources = {p.stem: p.read_text() for p in sorted((ROOT / "tests/unit/fdt/dts").glob("*.dts"))}
    sources["pi_like"] = PI_LIKE
    folder = CORPUS / "fdt"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in sources.items():
        for version in (17, 16):
            out = folder / f"{name}-v{version}.dtb"
            subprocess.run([dtc, "-q", "-I", "dts", "-O", "dtb", "-V", str(version), "-o", str(out), "-"],
                           input=text.encode(), check=True)


# --- cap_ops: 8-byte steps ---------------------------------------------------------------------------
def cap_ops():
    COPY, MINT, INSERT, MOVE, DELETE, REVOKE, INSTALL, CLEAR = range(8)

    def step(op, src_table=0, dst_table=0, src=0, dst=0, rights=0, badge=(0, 0, 0)):
        return bytes([op, src_table | (dst_table << 2), src, dst, rights, *badge])

    install_all = b"".join(step(INSTALL, src=i) for i in range(6))  # objects 0-5 into slots 1-6 of table 0
    tree = (step(COPY, src=2, dst=7) + step(MINT, src=7, dst=8, rights=0x08, badge=(1 | (5 << 2), 0, 0)) +
            step(INSERT, 0, 1, src=2, dst=1, rights=0x18) + step(COPY, 1, 1, src=1, dst=2) +
            step(MOVE, 1, 2, src=2, dst=3) + step(REVOKE, src=2) + step(DELETE, src=7))
    write("cap_ops", "install-derive-revoke", install_all + tree)
    registry = (step(MINT, src=3, dst=7, rights=0x03, badge=(2, 0xAB, 8)) +
                step(MINT, src=7, dst=8, rights=0x01, badge=(2, 0xAB, 8)) +  # already badged
                step(INSERT, 0, 3, src=3, dst=5, rights=0x21) + step(CLEAR, 3))
    write("cap_ops", "registry-badges", install_all + registry)
    chain = install_all + b"".join(step(COPY, src=1 + (i % 2), dst=7) + step(MOVE, 0, 1 + (i % 3), src=7, dst=1 + i)
                                   for i in range(6))
    write("cap_ops", "copy-move-chain", chain + step(REVOKE, src=1) + step(DELETE, src=2) + step(INSTALL | 0x40, dst=7, src=4))


# --- syscall_decode: a syscall index and six argument tags per call ---------------------------------
# kSyscalls' order (the harness picks kSyscalls[n % count]), read from the header so that a call
# added there cannot shift the meaning of the seeds' indices unnoticed.
SYSCALLS = re.findall(r"^\s*X\((\w+), \d+,", (ROOT / "kernel/abi/syscalls.hpp").read_text(), re.MULTILINE)


def syscall_decode():
    def call(name, *args):
        tags = b""
        for a in args:
            tags += a if isinstance(a, bytes) else bytes([a])
        tags += b"\0" * (6 - len(args))
        return bytes([SYSCALLS.index(name)]) + tags

    page = lambda n: bytes([0x80 + n])            # n pages
    window = lambda k: bytes([0xC0, k])           # 0x9000_0000 + k * 0x800
    name = lambda top, low: bytes([0xE0, top, low])  # registry name top << 56 | low
    raw = lambda v: bytes([0xF0]) + v.to_bytes(8, "little")  # a raw u64
    # Caller slots: 1 quota, 2 frame, 3 task, 4 notification, 5 registry, 6 task-create authority,
    # 7 IRQ control, 8 IRQ handler; 9-11 are free.
    setup = (call("memory_allocate", 1, page(2)) + call("memory_map", 2, window(0), 3) +
             call("memory_map_into", 3, 2, window(2), 5) + call("memory_unmap", window(0)) +
             call("notification_create", 1) + call("signal", 4) + call("wait", 4) + call("poll", 4) +
             call("wait_timeout", 4, 100) + call("wait_timeout", 4, raw((1 << 58) + 1)) +
             call("debug_write", window(1), 16) + call("yield") + call("cap_info", 2))
    write("syscall_decode", "memory-and-notifications", setup)
    caps = (call("cap_mint", 4, 9, 0x08, 7) + call("cap_copy", 9, 10) + call("cap_move", 10, 11) +
            call("cap_insert_into", 3, 1, 4, 0x18, 0) + call("cap_revoke", 4) + call("cap_delete", 9) +
            call("cap_mint", 5, 9, 0x03, bytes([0xF0]) + (0xAB << 56 | 8).to_bytes(8, "little")))
    write("syscall_decode", "capabilities", caps)
    shmem = (call("memory_allocate", 1, page(1)) + call("cap_mint", 2, 9, 0x23, 0) +
             call("shmem_register", 5, name(0xAB, 1), 2, 4) + call("shmem_query", 5, name(0xAB, 1)) +
             call("task_create", 6, 1, 0, 4, 2, 4) + call("task_start", 3, 0) + call("task_status", 3) +
             call("task_exit", 0) + bytes([0xF0]) + (200).to_bytes(8, "little") + b"\0" * 6)
    write("syscall_decode", "shmem-and-tasks", shmem)
    irq = (call("irq_handler_create", 7, 30, 4) + call("irq_ack", 8) + call("device_frame_create", 7, 1) +
           call("irq_handler_create", 7, 153, 9) + call("irq_ack", 4))
    write("syscall_decode", "irq-and-devices", irq)


if __name__ == "__main__":
    for target, make in [("ring_layout", ring_layout), ("record_reader", record_reader), ("fdt", fdt),
                         ("cap_ops", cap_ops), ("syscall_decode", syscall_decode)]:
        folder = CORPUS / target
        if folder.exists():
            for f in folder.iterdir():
                if not f.name.startswith("regress-"):
                    f.unlink()
        make()
        print(f"{target}: {len(list(folder.iterdir()))} seeds")
