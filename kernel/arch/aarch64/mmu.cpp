#include "kernel/arch/aarch64/mmu.hpp"

#include "kernel/arch/aarch64/boot/sysregs.h"
#include "kernel/arch/aarch64/memory_layout.hpp"
#include "mm/descriptor.hpp"

extern "C" void mmu_replace_ttbr1(std::uint64_t ttbr1); // mmu_switch.S

namespace bramble::arch {

// Boot (start.S) programs the MMU from sysregs.h before any C++ runs; the page-table library encodes
// the same values. They must agree.
static_assert(mm::kMairEl1 == MAIR_EL1_VALUE, "boot/sysregs.h and mm/descriptor.hpp disagree on MAIR_EL1");
static_assert(mm::tcr_el1(0) == TCR_EL1_NO_IPS, "boot/sysregs.h and mm/descriptor.hpp disagree on TCR_EL1");
static_assert(mm::kKernelHalfBase == kKernelVirtualBase, "the linear map is the kernel half's base");

void switch_kernel_tables(std::uint64_t ttbr1, std::uint64_t user_ttbr0) {
  const auto replace =
      reinterpret_cast<void (*)(std::uint64_t)>(virt_to_phys(reinterpret_cast<const void*>(&mmu_replace_ttbr1)));
  replace(ttbr1);
  write_ttbr0(user_ttbr0);
  asm volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
}

void enable_write_implies_never_execute() {
  std::uint64_t sctlr;
  asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
  sctlr |= SCTLR_EL1_WXN;
  asm volatile("msr sctlr_el1, %0\n\tisb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" ::"r"(sctlr) : "memory");
}

unsigned asid_bits() {
  std::uint64_t tcr;
  asm volatile("mrs %0, tcr_el1" : "=r"(tcr));
  return (tcr & mm::kTcrAs16BitAsids) != 0 ? 16 : 8;
}

} // namespace bramble::arch
