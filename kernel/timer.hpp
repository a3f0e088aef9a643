// The kernel's periodic tick on the EL1 physical generic timer.
#pragma once

#include <cstdint>

namespace bramble::timer {

// Starts ticking at `hz` through the board's timer interrupt line. False if the line could not be
// attached.
bool start(std::uint32_t hz);
void stop();

[[nodiscard]] std::uint64_t ticks();     // interrupts handled since start
[[nodiscard]] std::uint64_t frequency(); // CNTFRQ_EL0
[[nodiscard]] std::uint64_t counter();   // CNTPCT_EL0
[[nodiscard]] std::uint64_t period();    // counter ticks per tick

// Called on every tick (after the count is updated), from interrupt context; null for none.
using TickHook = void (*)(std::uint64_t tick);
void set_tick_hook(TickHook hook);

} // namespace bramble::timer
