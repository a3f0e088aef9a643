// Builds small ELF64 AArch64 executables in memory for the loader tests: a valid default (text RX,
// rodata R, data+bss RW, each on its own page, like user/runtime/user.ld) that a test bends in one
// place to hit exactly one check. Field offsets follow the gABI Elf64_Ehdr / Elf64_Phdr layouts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bramble::loader::test {

inline constexpr std::uint32_t kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3, kPtNote = 4, kPtTls = 7;
inline constexpr std::uint32_t kPtGnuStack = 0x6474e551;
inline constexpr std::uint32_t kPfX = 1, kPfW = 2, kPfR = 4;
inline constexpr std::uint64_t kUserBase = 0x1000;
inline constexpr std::uint64_t kUserTop = std::uint64_t{1} << 39;

struct Phdr {
  std::uint32_t type = kPtLoad;
  std::uint32_t flags = kPfR;
  std::uint64_t offset = 0;
  std::uint64_t vaddr = 0;
  std::uint64_t filesz = 0;
  std::uint64_t memsz = 0;
  std::uint64_t align = 0x1000;
};

inline void put(std::vector<std::uint8_t>& out, std::size_t at, std::uint64_t value, std::size_t bytes) {
  if (out.size() < at + bytes) out.resize(at + bytes);
  for (std::size_t i = 0; i < bytes; ++i)
    out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// A recognisable byte for every file position, so tests can tell which file byte landed where.
inline std::uint8_t pattern(std::size_t position) { return static_cast<std::uint8_t>((position * 7 + 1) & 0xff); }

struct ElfBuilder {
  std::uint8_t ident_class = 2, ident_data = 1, ident_version = 1;
  std::uint16_t type = 2, machine = 183;
  std::uint32_t version = 1;
  std::uint64_t entry = 0x400000;
  std::uint64_t phoff = 64;
  std::uint16_t ehsize = 64, phentsize = 56;
  int phnum = -1; // -1: the number of phdrs
  std::vector<Phdr> phdrs{
      {kPtLoad, kPfR | kPfX, 0x1000, 0x400000, 0x100, 0x100},
      {kPtLoad, kPfR, 0x2000, 0x401000, 0x80, 0x80},
      {kPtLoad, kPfR | kPfW, 0x3000, 0x402000, 0x40, 0x2000},
  };

  [[nodiscard]] std::vector<std::uint8_t> build() const {
    std::vector<std::uint8_t> out(64, 0);
    // Payload first (pattern bytes over every file range a PT_LOAD names that is reasonably small),
    // then the headers on top.
    for (const Phdr& p : phdrs) {
      if (p.filesz > (1u << 20) || p.offset > (1u << 20)) continue;
      const std::size_t end = static_cast<std::size_t>(p.offset + p.filesz);
      if (out.size() < end) out.resize(end);
      for (std::size_t i = static_cast<std::size_t>(p.offset); i < end; ++i)
        out[i] = pattern(i);
    }
    out[0] = 0x7f;
    out[1] = 'E';
    out[2] = 'L';
    out[3] = 'F';
    out[4] = ident_class;
    out[5] = ident_data;
    out[6] = ident_version;
    put(out, 16, type, 2);
    put(out, 18, machine, 2);
    put(out, 20, version, 4);
    put(out, 24, entry, 8);
    put(out, 32, phoff, 8);
    put(out, 52, ehsize, 2);
    put(out, 54, phentsize, 2);
    put(out, 56, phnum < 0 ? phdrs.size() : static_cast<std::uint64_t>(phnum), 2);
    if (phoff < (1u << 20)) {
      for (std::size_t i = 0; i < phdrs.size(); ++i) {
        const Phdr& p = phdrs[i];
        const std::size_t at = static_cast<std::size_t>(phoff) + i * 56;
        put(out, at + 0, p.type, 4);
        put(out, at + 4, p.flags, 4);
        put(out, at + 8, p.offset, 8);
        put(out, at + 16, p.vaddr, 8);
        put(out, at + 24, p.vaddr, 8); // p_paddr: unused, conventionally equal to p_vaddr
        put(out, at + 32, p.filesz, 8);
        put(out, at + 40, p.memsz, 8);
        put(out, at + 48, p.align, 8);
      }
    }
    return out;
  }
};

} // namespace bramble::loader::test
