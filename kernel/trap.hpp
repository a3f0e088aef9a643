// The generic kernel's side of an exception: what the architecture code calls once it has decoded
// an exception from the vectors. The policy lives here, not in kernel/arch: a system call is handled
// and the scheduler picks who runs next; a fault at EL0 kills the faulting task alone; an exception
// the kernel did not expect halts the machine. The arch code never calls the scheduler, the system
// calls or the test harness itself.
#pragma once

#include <cstdint>

#include "kernel/abi/boot_info.hpp"
#include "kernel/arch/context.hpp"

namespace bramble::trap {

// Each function for an exception from EL0 gets the running task's frame and returns the frame to
// resume at EL0: the same task's, or another's after a switch (sched::exit_to_user).
//
// An interrupt taken from EL0 or from the kernel's idle loop.
arch::ExceptionFrame& interrupt_from_user(arch::ExceptionFrame& frame);
void interrupt_in_kernel();
// The running task's first FP/SIMD instruction since it got the CPU (trapped: lazy FP): load its FP
// state and run the instruction again.
arch::ExceptionFrame& fp_first_use(arch::ExceptionFrame& frame);
// A synchronous exception at EL0 that is not a system call: the running task is killed with `reason`;
// `what` names the exception class, `address` is the faulting address for an abort (else 0).
arch::ExceptionFrame& user_fault(arch::ExceptionFrame& frame, abi::FaultReason reason, const char* what,
                                 const char* how, std::uint64_t address);
// An exception the kernel did not expect at EL1: the report was printed; halt.
[[noreturn]] void kernel_fault();

} // namespace bramble::trap

// The system call from the vectors (kernel/arch/aarch64/vectors.S, entry 8): the entry saved x0-x18,
// x30, ELR and SPSR into the running task's frame, and x19-x29 and SP_EL0 are still the task's in the
// registers. It calls the call number's own entry (kernel/syscall/syscall.cpp, built from
// syscall::enter, kernel/syscall/entry.hpp), which takes the kernel lock, handles the call and answers with the frame's
// address, in whose low bits (a frame is 16-byte aligned) it says what next:
//   kSyscallDone    the lock is released; nothing is pending: the entry resumes the same task from
//                   the registers it saved;
//   kSyscallFinish  the lock is held; the way back has work (a switch, a reap, a tick's round robin):
//                   the entry stores x19-x29 and SP_EL0 into the frame, so that it is whole before any
//                   other core can load the task, then calls trap_system_call_finish;
//   kSyscallGone    the lock is held; the task ended (in this call, or stopped by another core while
//                   this one waited for the lock): its frame is not touched again, as its record may
//                   be freed; trap_system_call_finish runs the next task.
// trap_system_call_finish does exit_to_user's work, releases the lock and returns the frame to resume
// in full (the same task's, or another's).
inline constexpr std::uintptr_t kSyscallDone = 0;
inline constexpr std::uintptr_t kSyscallFinish = 1;
inline constexpr std::uintptr_t kSyscallGone = 2;
inline constexpr std::uintptr_t kSyscallExitMask = 3;
static_assert(alignof(bramble::arch::ExceptionFrame) > kSyscallExitMask, "the answer's bits are the frame's low bits");
// An entry whose ticket for the kernel lock (`ticket`) was not served at once goes here: it waits for
// the lock, then handles the call the general way (syscall::handle) and answers as the entries do.
extern "C" std::uintptr_t trap_system_call_contended(bramble::arch::ExceptionFrame* frame, std::uint32_t ticket);
extern "C" bramble::arch::ExceptionFrame* trap_system_call_finish(bramble::arch::ExceptionFrame* frame);
