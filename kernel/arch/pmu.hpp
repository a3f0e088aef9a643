// The performance counters benchmark runs read: bramble::pmu::start_counters(), allow_el0_access(),
// running(), cycles(), instructions().
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/pmu.hpp"
#else
#error "kernel/arch: no implementation of pmu.hpp for this architecture"
#endif
