// The kernel's TlbOps: real TLB and cache maintenance instructions (AArch64 only; host tests use a
// recorder). The one file in mm/ that is architecture-specific.
//
// ARM ARM DDI 0487 K.a: C5.5 (TLBI operand: ASID in [63:48], VA[55:12] in [43:0]); D8.16 (TLB
// maintenance, IS = broadcast to the Inner Shareable domain, so other cores see it once SMP comes);
// D8.2.6 / "Ordering and completion of TLB maintenance instructions": a DSB after TLBI waits for
// completion, an ISB then resynchronizes this core's instruction stream. DC CVAC (C5.3) cleans a
// table line to the point of coherency, so a table walker that does not snoop the caches (walks made
// with the MMU off, or non-cacheable walks) sees it too; with cacheable walks it is harmless.
#pragma once

#include "mm/table_ops.hpp"

#if defined(__aarch64__)

namespace bramble::mm {

class Aarch64TlbOps final : public TlbOps {
public:
  void table_written(const void* table, ktl::size_t bytes) override {
    const ktl::uintptr_t line = dcache_line_size();
    ktl::uintptr_t at = reinterpret_cast<ktl::uintptr_t>(table) & ~(line - 1);
    const ktl::uintptr_t end = reinterpret_cast<ktl::uintptr_t>(table) + bytes;
    for (; at < end; at += line)
      asm volatile("dc cvac, %0" ::"r"(at) : "memory");
    // Complete the stores and cleans before any later TLBI or table-walk-dependent access.
    asm volatile("dsb ishst" ::: "memory");
  }

  void invalidate_va(VirtAddr va, ktl::uint16_t asid, bool last_level) override {
    const ktl::uint64_t operand = (ktl::uint64_t{asid} << 48) | ((va >> 12) & 0x0000'0FFF'FFFF'FFFF);
    if (last_level)
      asm volatile("tlbi vale1is, %0" ::"r"(operand) : "memory");
    else
      asm volatile("tlbi vae1is, %0" ::"r"(operand) : "memory");
  }

  void invalidate_asid(ktl::uint16_t asid) override {
    asm volatile("tlbi aside1is, %0" ::"r"(ktl::uint64_t{asid} << 48) : "memory");
  }

  void invalidate_all() override { asm volatile("tlbi vmalle1is" ::: "memory"); }

  void sync() override { asm volatile("dsb ish\n\tisb" ::: "memory"); }

private:
  // CTR_EL0.DminLine [19:16]: log2 of the smallest data cache line, in 4-byte words (D19.2).
  static ktl::uintptr_t dcache_line_size() {
    ktl::uint64_t ctr;
    asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return ktl::uintptr_t{4} << ((ctr >> 16) & 0xF);
  }
};

// Switch the user address space: the ASID in the value keeps other spaces' TLB entries apart, so no
// TLB flush (D8.15 "Translation Lookaside Buffers", ASIDs).
inline void write_ttbr0_el1(ktl::uint64_t value) { asm volatile("msr ttbr0_el1, %0\n\tisb" ::"r"(value) : "memory"); }

} // namespace bramble::mm

#endif // defined(__aarch64__)
