// The kernel's periodic tick on the EL1 physical generic timer: every core has its own timer and
// interrupt (a private line), started by start() on core 0 and start_this_core() on the others.
#pragma once

#include <cstdint>

namespace bramble::timer {

// Starts ticking at `hz` through the board's timer interrupt line. False if the line could not be
// attached.
bool start(std::uint32_t hz);
// A secondary core, after start() ran on core 0: its own timer at the same rate, its line enabled.
bool start_this_core();
void stop();   // this core's
void resume(); // this core's, after stop(), at the rate start() set

[[nodiscard]] std::uint64_t ticks();     // core 0's interrupts handled since start (the uptime clock)
[[nodiscard]] std::uint64_t frequency(); // CNTFRQ_EL0
[[nodiscard]] std::uint64_t counter();   // CNTPCT_EL0
[[nodiscard]] std::uint64_t period();    // counter ticks per tick

// Called on every tick of every core (after the count is updated), from interrupt context on that
// core; null for none.
using TickHook = void (*)(std::uint64_t tick);
void set_tick_hook(TickHook hook);

} // namespace bramble::timer
