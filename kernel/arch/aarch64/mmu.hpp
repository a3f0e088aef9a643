// The MMU's instructions on AArch64: TlbOps with real TLB and cache maintenance (the host tests of mm/
// use a recorder instead), the translation-table base registers, SCTLR_EL1.WXN, the ASID width and
// instruction-cache synchronization. The page-table format itself is mm/descriptor.hpp (pure
// encoding, host-tested); everything here executes system instructions.
//
// ARM ARM DDI 0487 K.a: C5.5 (TLBI operand: ASID in [63:48], VA[55:12] in [43:0]); D8.16 (TLB
// maintenance, IS = broadcast to the Inner Shareable domain, so other cores see it once SMP comes);
// D8.2.6 / "Ordering and completion of TLB maintenance instructions": a DSB after TLBI waits for
// completion, an ISB then resynchronizes this core's instruction stream. DC CVAC (C5.3) cleans a
// table line to the point of coherency, so a table walker that does not snoop the caches (walks made
// with the MMU off, or non-cacheable walks) sees it too; with cacheable walks it is harmless.
#pragma once

#include <cstdint>

#include "mm/table_ops.hpp"

namespace bramble::arch {

class TlbOps final : public mm::TlbOps {
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

  void invalidate_va(mm::VirtAddr va, ktl::uint16_t asid, bool last_level) override {
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
inline void write_ttbr0(std::uint64_t value) { asm volatile("msr ttbr0_el1, %0\n\tisb" ::"r"(value) : "memory"); }
[[nodiscard]] inline std::uint64_t read_ttbr0() {
  std::uint64_t value;
  asm volatile("mrs %0, ttbr0_el1" : "=r"(value));
  return value;
}

// Replaces the boot tables in TTBR1_EL1 by the kernel's final ones (through the identity map, see
// mmu_switch.S), puts `user_ttbr0` in TTBR0_EL1 (dropping the identity map) and flushes this core's TLB.
void switch_kernel_tables(std::uint64_t ttbr1, std::uint64_t user_ttbr0);
// SCTLR_EL1.WXN: from now on every writable mapping is also execute-never.
void enable_write_implies_never_execute();
// 16 when boot could turn 16-bit ASIDs on (kernel/arch/aarch64/boot/start.S sets TCR_EL1.AS only then), else 8.
[[nodiscard]] unsigned asid_bits();
// Freshly written code pages: make instruction fetch on every core see them (ARM ARM D7.5.9: clean the
// data cache to the point of unification, invalidate the instruction caches, inner shareable).
inline void sync_instruction_fetch() { asm volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory"); }

} // namespace bramble::arch
