// The one interface every interrupt controller offers; the board type picks the implementation
// (GIC-400 on the Pi 4, the BCM2836 local controller plus the legacy ARM controller on the Pi 3).
#pragma once

#include <concepts>
#include <cstdint>

namespace bramble::drivers {

// Returned by acknowledge() when no enabled interrupt is pending.
inline constexpr std::uint32_t kNoInterrupt = 0xFFFF'FFFF;

template <typename T>
concept IrqController = requires(const T c, std::uint32_t line) {
  c.init();                                 // all lines disabled, controller on
  { c.enable(line) } -> std::same_as<bool>; // false: no such line
  { c.disable(line) } -> std::same_as<bool>;
  { c.acknowledge() } -> std::same_as<std::uint32_t>; // highest-priority pending line or kNoInterrupt
  c.end_of_interrupt(line);
  { c.line_count() } -> std::same_as<std::uint32_t>;
};

} // namespace bramble::drivers
