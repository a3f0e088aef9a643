// Small wrappers around AArch64 system instructions the kernel core uses.
#pragma once

#include <cstdint>

namespace bramble::arch {

inline void enable_irqs() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void disable_irqs() { asm volatile("msr daifset, #2" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }

[[nodiscard]] inline std::uint32_t current_el() {
  std::uint64_t v;
  asm volatile("mrs %0, CurrentEL" : "=r"(v));
  return static_cast<std::uint32_t>((v >> 2) & 3);
}

inline void set_vector_base(const void* table) {
  asm volatile("msr vbar_el1, %0; isb" ::"r"(table) : "memory");
}

[[noreturn]] inline void halt() {
  disable_irqs();
  for (;;) asm volatile("wfe");
}

} // namespace bramble::arch
