// The generic timer as EL0 reads it: CNTVCT_EL0 and CNTFRQ_EL0, readable on every boot because the
// kernel sets CNTKCTL_EL1.EL0VCTEN (without it both reads trap and the task is killed). The kernel's
// own clock reads the same count (CNTVOFF_EL2 is 0), so task_info's cpu_time, cpu_info's busy_time
// and BootInfo.timer_frequency are in these units.
#pragma once

#include <cstdint>

namespace bramble::user {

// The ISB keeps the read from being taken early, before the work it brackets (ARM ARM D11: counter
// reads are not ordered by themselves).
[[nodiscard]] inline std::uint64_t virtual_count() {
  std::uint64_t v;
  asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
  return v;
}

[[nodiscard]] inline std::uint64_t counter_frequency() {
  std::uint64_t v;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
  return v;
}

} // namespace bramble::user
