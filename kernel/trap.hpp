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
// An svc from EL0: handle it for the running task (if any), then return to EL0 (maybe another task).
arch::ExceptionFrame& system_call(arch::ExceptionFrame& frame);
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

// system_call() as the exception vectors call it (kernel/arch/aarch64/vectors.S): an svc from AArch64
// EL0 goes straight here, without exception_dispatch. Returns the frame to resume.
extern "C" bramble::arch::ExceptionFrame* trap_system_call(bramble::arch::ExceptionFrame* frame);
