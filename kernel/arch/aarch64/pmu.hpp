// The performance monitors (PMUv3, ARM ARM D12/D13): the cycle counter and the instructions-retired
// event, for benchmark runs. Off unless the kernel command line says pmu=el0 (QEMU -append; a test or
// benchmark run): then the counters run from early boot and EL0 may read them (PMUSERENR_EL0), as may
// it read the virtual counter CNTVCT_EL0 (CNTKCTL_EL1.EL0VCTEN). A normal boot leaves EL0 no access.
#pragma once

#include <cstdint>

namespace bramble::pmu {

// Starts PMCCNTR_EL0 and event counter 0 = INST_RETIRED (0x08), counting at EL0 and EL1.
void start_counters();
// Lets EL0 read the counters and CNTVCT_EL0.
void allow_el0_access();
[[nodiscard]] bool running();
[[nodiscard]] std::uint64_t cycles();
[[nodiscard]] std::uint64_t instructions(); // event counter 0 (32-bit in PMUv3 for v8.0)

} // namespace bramble::pmu
