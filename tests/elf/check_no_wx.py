#!/usr/bin/env python3
"""Fails when an ELF file has a PT_LOAD segment that is both writable and executable.

The kernel maps its image, and its loader maps EL0 programs, one set of permissions per page (W^X): a
segment whose flags say W and X at once means the link map and what the MMU enforces disagree, so
every ELF the build produces is checked here, by its program headers (no readelf needed).

  check_no_wx.py FILE_OR_DIR...   check the files (a directory: every *.elf in it); exit 1 on W+X
  check_no_wx.py --self-test      write a W+X ELF and a clean one, and check that only the first fails
"""
import pathlib
import struct
import sys
import tempfile

PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4


def flags_text(flags):
    return ("R" if flags & PF_R else " ") + ("W" if flags & PF_W else " ") + ("E" if flags & PF_X else " ")


def load_segments(path):
    """Yields (index, p_flags, p_vaddr) of each PT_LOAD segment; raises ValueError if not an ELF."""
    data = pathlib.Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or len(data) < 52:
        raise ValueError("not an ELF file")
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        phoff, = struct.unpack_from(endian + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(endian + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x2A)
    if phnum == 0:
        raise ValueError("no program headers")
    for i in range(phnum):
        at = phoff + i * phentsize
        if is64:
            p_type, p_flags, _, p_vaddr = struct.unpack_from(endian + "IIQQ", data, at)
        else:
            p_type, _, p_vaddr, _, _, _, p_flags = struct.unpack_from(endian + "IIIIIII", data, at)
        if p_type == PT_LOAD:
            yield i, p_flags, p_vaddr


def check(paths):
    """Returns the problems found, one line each, naming the file and the segment."""
    problems, checked = [], 0
    for path in paths:
        path = pathlib.Path(path)
        files = sorted(path.glob("*.elf")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(f"{path}: no *.elf files (is the build complete?)")
        for f in files:
            if not f.exists():
                problems.append(f"{f}: missing (build its preset first)")
                continue
            try:
                segments = list(load_segments(f))
            except ValueError as e:
                problems.append(f"{f}: {e}")
                continue
            checked += 1
            for index, flags, vaddr in segments:
                if flags & PF_W and flags & PF_X:
                    problems.append(f"{f}: LOAD segment {index} at {vaddr:#x} is {flags_text(flags)}: "
                                    "writable and executable")
    return problems, checked


def elf64(flags_list):
    """A minimal little-endian AArch64 ELF64 executable with one PT_LOAD per entry of flags_list."""
    header = struct.pack("<4sBBBB8xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 2, 183, 1, 0x400000, 64, 0, 0, 64, 56,
                         len(flags_list), 64, 0, 0)
    phdrs = b"".join(struct.pack("<IIQQQQQQ", PT_LOAD, f, 0, 0x400000 + i * 0x1000, 0x400000 + i * 0x1000, 0, 0x1000,
                                 0x1000) for i, f in enumerate(flags_list))
    return header + phdrs


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        bad = pathlib.Path(tmp, "wx.elf")
        good = pathlib.Path(tmp, "split.elf")
        bad.write_bytes(elf64([PF_R | PF_X, PF_R | PF_W | PF_X]))
        good.write_bytes(elf64([PF_R | PF_X, PF_R, PF_R | PF_W]))
        bad_problems, _ = check([bad])
        good_problems, _ = check([good])
        dir_problems, dir_checked = check([tmp])
    ok = (len(bad_problems) == 1 and "wx.elf: LOAD segment 1 at 0x401000 is RWE" in bad_problems[0]
          and not good_problems and dir_checked == 2 and len(dir_problems) == 1)
    print("self-test:", "passed" if ok else "FAILED", bad_problems, good_problems, dir_problems)
    return 0 if ok else 1


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if not argv:
        print(__doc__)
        return 2
    problems, checked = check(argv)
    for p in problems:
        print("FAIL", p)
    print(f"{checked} ELF files checked, {len(problems)} problems")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
