// System calls: decode (kernel/cap/syscall_decode.hpp: every argument and capability checked), then
// the kernel's own checks, then invoke. Results go back in x0 (status) and x1..x3.
#pragma once

#include <array>
#include <cstdint>

#include "kernel/abi/syscalls.hpp"
#include "kernel/arch/context.hpp"

namespace bramble::ktask {
class Task;
}

namespace bramble::syscall {

namespace detail {
// One handler per declared call number (nullptr for the others): it decodes (every argument and
// capability checked), invokes and writes its results into the frame. Written only by
// set_invariant_check_interval, at boot.
using Handler = void (*)(arch::ExceptionFrame& frame, ktask::Task& self);
extern std::array<Handler, abi::kSyscallLimit> g_handlers;
// A number the ABI does not declare: the caller is killed (BadSyscall).
void bad_syscall(arch::ExceptionFrame& frame, ktask::Task& self);
} // namespace detail

// An `svc` from `self`, the current task (the caller looked it up already). May block or end the task
// (the scheduler then switches). A bounds test and a load find the call's handler. The vectors do not
// come this way: they call the number's own entry, with the handler inlined (syscall.cpp); this is
// the general form, for an entry that had to wait for the kernel lock (trap_system_call_contended).
inline void handle(arch::ExceptionFrame& frame, ktask::Task& self) {
  const std::uint64_t number = arch::syscall_number(frame);
  const detail::Handler handler = number < abi::kSyscallLimit ? detail::g_handlers[number] : nullptr;
  if (handler == nullptr) [[unlikely]]
    detail::bad_syscall(frame, self);
  else
    handler(frame, self);
}

// Test runs: check every capability table's invariants (kernel/cap/invariants.hpp) after every
// `interval` system calls (0: never); a violation is a kernel panic. Set at boot, before any task runs.
void set_invariant_check_interval(std::uint64_t interval);

} // namespace bramble::syscall
