// Cores 1-3 on AArch64: releasing them from the spin table into the kernel or parking them for good,
// the per-CPU data pointer (TPIDR_EL1) and the core number (MPIDR_EL1.Aff0 on BCM2711/BCM2837).
#pragma once

#include <cstdint>

namespace bramble::arch {

inline constexpr std::uint32_t kMaxCores = 4; // Cortex-A72 / A53 clusters of the Pi 4 and Pi 3

[[nodiscard]] inline std::uint32_t core_id() {
  std::uint64_t mpidr;
  asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
  return static_cast<std::uint32_t>(mpidr & 0xFF);
}

// TPIDR_EL1 holds this core's per-CPU record (the kernel never lets EL0 see it: EL0 has TPIDR_EL0).
inline void set_cpu_data(void* data) { asm volatile("msr tpidr_el1, %0" ::"r"(data) : "memory"); }
[[nodiscard]] inline void* cpu_data() {
  void* data;
  asm volatile("mrs %0, tpidr_el1" : "=r"(data));
  return data;
}

using SecondaryEntry = void (*)(std::uint32_t core);

// Sends core `core` (1..3), still in the spin table, to secondary_entry (boot/start.S): it comes up at
// EL1 with the MMU on (TTBR1 = `kernel_ttbr1`, this core's TCR_EL1), on `stack_top`, and calls
// entry(core) in the high half. Returns at once; the caller waits for the core to report.
void start_secondary(std::uint32_t core, SecondaryEntry entry, std::uintptr_t stack_top, std::uint64_t kernel_ttbr1);

// Sends every core in `mask` (bits 1-3) to sleep for good, and waits (bounded) until each checks in.
// Returns the mask of the cores that did.
std::uint32_t park_secondaries(std::uint32_t mask);

// A started secondary's first steps in C++: drop the identity map (TTBR0 = `user_ttbr0`), flush its
// TLB, writable-implies-never-execute as on core 0.
void finish_secondary_mmu(std::uint64_t user_ttbr0);

// Wakes cores waiting in WFE (the spin table polls with it).
inline void send_event() { asm volatile("dsb sy\n\tsev" ::: "memory"); }

} // namespace bramble::arch
