// System calls: decode (kernel/cap/syscall_decode.hpp: every argument and capability checked), then
// the kernel's own checks, then invoke. Results go back in x0 (status) and x1..x3.
#pragma once

#include "kernel/arch/context.hpp"

namespace bramble::ktask {
class Task;
}

namespace bramble::syscall {

// An `svc` from `self`, the current task (the caller looked it up already). May block or end the task
// (the scheduler then switches).
void handle(arch::ExceptionFrame& frame, ktask::Task& self);

// Test runs: check every capability table's invariants (kernel/cap/invariants.hpp) after every
// `interval` system calls (0: never); a violation is a kernel panic.
void set_invariant_check_interval(std::uint64_t interval);

// Counters for the boot log and tests.
[[nodiscard]] std::uint64_t calls_handled();

} // namespace bramble::syscall
