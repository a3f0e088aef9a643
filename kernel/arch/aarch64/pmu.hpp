// The performance monitors (PMUv3, ARM ARM D12/D13): the cycle counter and the instructions-retired
// event, for benchmark runs. Off unless the kernel command line says pmu=el0 (QEMU -append; a test or
// benchmark run): then the counters run from early boot and EL0 may read them, never write or stop
// them (PMUSERENR_EL0.CR and ER, not EN). A normal boot leaves EL0 no PMU access. (The generic
// timer's virtual count CNTVCT_EL0 is another matter: EL0 may read it on every boot, see
// arch::allow_el0_virtual_count().)
#pragma once

#include <cstdint>

namespace bramble::pmu {

// Starts PMCCNTR_EL0 and event counter 0 = INST_RETIRED (0x08), counting at EL0 and EL1.
void start_counters();
// Lets EL0 read the PMU counters and nothing more (PMUSERENR_EL0.CR, ER; see pmu.cpp for why not EN).
void allow_el0_access();
[[nodiscard]] bool running();
[[nodiscard]] std::uint64_t cycles();
[[nodiscard]] std::uint64_t instructions(); // event counter 0 (32-bit in PMUv3 for v8.0)

} // namespace bramble::pmu
