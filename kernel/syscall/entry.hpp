// A system call from the vectors' entry to the way back (kernel/arch/aarch64/vectors.S, entry 8; the
// protocol is trap_system_call's in kernel/trap.hpp): the kernel lock, the running task, the call,
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

// Runs `call(frame, task)` for the running task and answers as trap_system_call does: the frame's
// address with kSyscallDone (lock released), kSyscallFinish or kSyscallGone (lock held) in its low
// bits. The per-CPU pointer is read once (the kernel does not move between cores inside an exception,
// so `me` stays this core's). The entry from EL0 holds no kernel lock, so the lock is taken and
// released without the nesting count's tests.
template <typename Call> [[gnu::always_inline]] inline std::uintptr_t enter(arch::ExceptionFrame* frame, Call call) {
  const auto answer = [frame](std::uintptr_t next) { return reinterpret_cast<std::uintptr_t>(frame) | next; };
  smp::Cpu& me = smp::this_cpu();
  smp::lock_kernel_from_user(me);
  sched::detail::Core& k = sched::core_of(me);
  ktask::Task* task = k.current;
  if (task == nullptr) [[unlikely]]
    return answer(kSyscallGone); // stopped by another core while this one waited for the lock
  call(*frame, *task);
  if (!sched::exit_pending(k)) [[likely]] {
    smp::unlock_kernel_to_user(me);
    return answer(kSyscallDone);
  }
  // The running task is still this frame's, or nobody's once it ended (only this core loads a task here).
  return answer(k.current != nullptr ? kSyscallFinish : kSyscallGone);
}

} // namespace bramble::syscall
