#include "kernel/arch/aarch64/pmu.hpp"

namespace bramble::pmu {
namespace {
bool g_running = false;
}

void start_counters() {
  // Measured setup (PLATFORM.md): clear enables, interrupts and overflows; count everything at
  // EL0 and EL1 (PMCCFILTR_EL0 = 0, PMEVTYPER0 = INST_RETIRED 0x08 with P = U = 0); PMCR_EL0 = E | P |
  // C | LC (0x47: enable, reset event counters, reset the cycle counter, 64-bit cycle counter);
  // PMCNTENSET = cycle counter (bit 31) and counter 0.
  const std::uint64_t all = ~std::uint64_t{0};
  asm volatile("msr pmcntenclr_el0, %0" ::"r"(all));
  asm volatile("msr pmintenclr_el1, %0" ::"r"(all));
  asm volatile("msr pmovsclr_el0, %0" ::"r"(all));
  asm volatile("msr pmccfiltr_el0, xzr");
  asm volatile("msr pmselr_el0, xzr\n\tisb\n\tmsr pmxevtyper_el0, %0" ::"r"(std::uint64_t{0x08}));
  asm volatile("msr pmcr_el0, %0" ::"r"(std::uint64_t{0x47}));
  asm volatile("msr pmcntenset_el0, %0\n\tisb" ::"r"(std::uint64_t{0x8000'0001}));
  g_running = true;
}

void allow_el0_access() {
  // PMUSERENR_EL0: EN (bit 0), CR (bit 2, cycle counter read), ER (bit 3, event counter read).
  // (CNTVCT_EL0 is readable at EL0 on every boot: arch::allow_el0_virtual_count() in kernel_main.)
  asm volatile("msr pmuserenr_el0, %0\n\tisb" ::"r"(std::uint64_t{0xd}));
}

bool running() { return g_running; }

std::uint64_t cycles() {
  std::uint64_t v;
  asm volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v));
  return v;
}

std::uint64_t instructions() {
  std::uint64_t v;
  asm volatile("isb\n\tmrs %0, pmevcntr0_el0" : "=r"(v));
  return v;
}

} // namespace bramble::pmu
