// The cores: arch::kMaxCores, core_id(), the per-CPU data pointer (set_cpu_data, cpu_data), starting
// a secondary core into the kernel (start_secondary, finish_secondary_mmu) or parking it for good
// (park_secondaries), send_event().
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/smp.hpp"
#else
#error "kernel/arch: no implementation of smp.hpp for this architecture"
#endif
