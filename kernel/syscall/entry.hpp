// A system call from the vectors' entry to the way back (kernel/arch/aarch64/vectors.S, entry 8; the
// answer's protocol is in kernel/trap.hpp): the kernel lock, the running task, the call,
// the exit's fast-path test and the release. One function per call number is instantiated from this
// (kernel/syscall/syscall.cpp, the table the entry indexes with x8), so each call's handler is
// inlined into its own entry, without a dispatch step or a second call.
#pragma once

#include <cstdint>

#include "kernel/arch/context.hpp"
#include "kernel/smp.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/trap.hpp"

namespace bramble::syscall {

// The lock is taken with `ticket`, and not counted in Cpu::lock_depth (kernel/smp.hpp says why that
// is sound): the running task, the call, the exit test, the release. Every call this makes on the way
// (besides the handler's own) is a tail call, so that an entry whose handler calls nothing needs no
// stack frame and saves no register.
template <typename Call>
[[gnu::always_inline]] inline std::uintptr_t enter_locked(arch::ExceptionFrame* frame, smp::Cpu& me,
                                                          std::uint32_t ticket, Call call) {
  const auto answer = [frame](std::uintptr_t next) { return reinterpret_cast<std::uintptr_t>(frame) | next; };
  sched::detail::Core& k = sched::core_of(me);
  ktask::Task* task = k.current;
  if (task == nullptr) [[unlikely]]
    return answer(kSyscallGone); // stopped by another core while this one waited for the lock
  call(*frame, *task, k);
  if (!sched::exit_pending(k)) [[likely]] {
    std::uint32_t next = 0;
    if (smp::release_uncounted(ticket, next)) [[unlikely]]
      return smp::detail::wake_sleeper_and_return(next, answer(kSyscallDone));
    return answer(kSyscallDone);
  }
  // The running task is still this frame's, or nobody's once it ended (only this core loads a task here).
  return answer(k.current != nullptr ? kSyscallFinish : kSyscallGone);
}

// Runs `call(frame, task, core)` for the running task (`core`: this core's scheduling state) and
// answers as kernel/trap.hpp says: the frame's address with kSyscallDone (lock released),
// kSyscallFinish or kSyscallGone (lock held) in its low bits. The per-CPU pointer is read once (the
// kernel does not move between cores inside an exception, so `me` stays this core's). The entry from
// EL0 holds no kernel lock, so the lock is taken and released without the nesting count. A ticket not
// served at once goes to trap_system_call_contended (a tail call), which waits and handles the call
// the general way.
template <typename Call> [[gnu::always_inline]] inline std::uintptr_t enter(arch::ExceptionFrame* frame, Call call) {
  smp::Cpu& me = smp::this_cpu();
  const std::uint32_t ticket = smp::detail::g_kernel_lock.take_ticket();
  if (!smp::detail::g_kernel_lock.served(ticket)) [[unlikely]]
    return trap_system_call_contended(frame, ticket);
  return enter_locked(frame, me, ticket, call);
}

} // namespace bramble::syscall
