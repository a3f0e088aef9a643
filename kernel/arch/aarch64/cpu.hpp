// Small wrappers around AArch64 system instructions the kernel core uses.
#pragma once

#include <cstdint>

namespace bramble::arch {

inline void enable_irqs() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void disable_irqs() { asm volatile("msr daifset, #2" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }
// A spin-wait's pause (YIELD: a hint to the core, and to an emulator running the cores in turn).
inline void spin_pause() { asm volatile("yield" ::: "memory"); }
// With IRQs masked: unmask them long enough for a pending one to be taken (the ISB makes the unmask
// take effect before the mask comes back), then mask them again.
inline void take_pending_irqs() { asm volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::: "memory"); }
// Masks IRQs and returns the previous DAIF, for restore_irqs().
[[nodiscard]] inline std::uint64_t save_and_disable_irqs() {
  std::uint64_t daif;
  asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
  return daif;
}
inline void restore_irqs(std::uint64_t daif) { asm volatile("msr daif, %0" ::"r"(daif) : "memory"); }

[[nodiscard]] inline std::uint32_t current_el() {
  std::uint64_t v;
  asm volatile("mrs %0, CurrentEL" : "=r"(v));
  return static_cast<std::uint32_t>((v >> 2) & 3);
}

// The generic timer's physical count, CNTPCT_EL0 (ARM ARM D11, the Generic Timer): the time base of
// the kernel's own tick (the EL1 physical timer). kernel/arch/aarch64/boot/start.S sets CNTVOFF_EL2 to 0, so it reads
// the same as the CNTVCT_EL0 that EL0 reads, and differences agree in any case. No ISB before the read: the CPU-time
// accounting that uses it wants one cheap read per context switch, and an early read by a few instructions only moves
// time between two tasks' totals.
[[nodiscard]] inline std::uint64_t physical_count() {
  std::uint64_t v;
  asm volatile("mrs %0, cntpct_el0" : "=r"(v));
  return v;
}

// CNTKCTL_EL1 (ARM ARM D11, register CNTKCTL_EL1): which parts of the generic timer EL0 may touch.
// Written whole, because its fields reset to UNKNOWN values on real hardware: only EL0VCTEN (bit 1:
// EL0 reads CNTVCT_EL0, and CNTFRQ_EL0) is set. EL0PCTEN (bit 0, the physical count), EL0VTEN and
// EL0PTEN (bits 8, 9: the timers' registers) and EVNTEN (bit 2: the event stream) stay 0, so the
// kernel's timer stays the kernel's.
inline constexpr std::uint64_t kCntkctlEl0Vcten = std::uint64_t{1} << 1;
inline void allow_el0_virtual_count() { asm volatile("msr cntkctl_el1, %0\n\tisb" ::"r"(kCntkctlEl0Vcten) : "memory"); }

// Barriers between memory and a device register, for messages that travel with an interrupt: stores
// to memory are visible to other cores before a later device write (an IPI) is (write_barrier), and a
// device read (acknowledging the IPI) completes before later memory reads (read_barrier). ARM ARM
// B2.3: a release or acquire orders memory accesses, not a Device access against them.
inline void write_barrier() { asm volatile("dmb ishst" ::: "memory"); }
inline void read_barrier() { asm volatile("dmb ish" ::: "memory"); }

inline void set_vector_base(const void* table) { asm volatile("msr vbar_el1, %0; isb" ::"r"(table) : "memory"); }

[[noreturn]] inline void halt() {
  disable_irqs();
  for (;;)
    asm volatile("wfe");
}

} // namespace bramble::arch
