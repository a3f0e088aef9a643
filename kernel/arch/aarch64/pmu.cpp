#include "kernel/arch/aarch64/pmu.hpp"

namespace bramble::pmu {
namespace {
bool g_running = false;
}

void start_counters() {
  // Clear enables, interrupts and overflows; count everything at EL0 and EL1 (PMCCFILTR_EL0 = 0,
  // PMEVTYPER0 = INST_RETIRED 0x08 with P = U = 0); PMCR_EL0 = E | P | C | LC (0x47: enable, reset
  // event counters, reset the cycle counter, 64-bit cycle counter); PMCNTENSET = cycle counter
  // (bit 31) and counter 0.
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
  // PMUSERENR_EL0 (ARM ARM D13.4, PMUSERENR_EL0) = CR | ER: EL0 may read, not steer, the counters.
  //   CR (bit 2): EL0 reads of PMCCNTR_EL0.
  //   ER (bit 3): EL0 reads of PMEVCNTR<n>_EL0 and PMXEVCNTR_EL0, and reads and writes of PMSELR_EL0.
  // EN (bit 0) stays 0: it would also let EL0 write PMCR_EL0 (reset or stop every counter),
  // PMCNTENSET/CLR_EL0, PMEVTYPER<n>_EL0, PMCCFILTR_EL0, PMOVSCLR/SET_EL0 and the counters themselves,
  // i.e. falsify the kernel's boot figures and every other task's measurement. With EN = 0 those
  // accesses trap to EL1 (EC 0x18), which kills the task. SW (bit 1) stays 0 as well: PMSWINC_EL0
  // writes are of no use to a reader. What ER leaves writable, PMSELR_EL0, selects the counter that
  // PMXEVTYPER_EL0/PMXEVCNTR_EL0 address and changes nothing that counts: the kernel writes it itself
  // right before its one PMXEVTYPER_EL0 write (start_counters, at boot, before any task runs) and
  // reads counter 0 as PMEVCNTR0_EL0, never through the selector. A task that relies on PMSELR_EL0
  // can be disturbed by another task that writes it, which a benchmark run (the only time pmu=el0 is
  // given) accepts, as it accepts that the counters count every task.
  // (CNTVCT_EL0 is readable at EL0 on every boot: arch::allow_el0_virtual_count() in kernel_main.)
  constexpr std::uint64_t kCr = std::uint64_t{1} << 2;
  constexpr std::uint64_t kEr = std::uint64_t{1} << 3;
  asm volatile("msr pmuserenr_el0, %0\n\tisb" ::"r"(kCr | kEr));
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
