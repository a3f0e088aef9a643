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

// An svc from EL0: handle it for the running task (if any), then return to EL0 (maybe another task).
void system_call(arch::ExceptionFrame& frame);
// An interrupt taken from EL0 or from the kernel's idle loop.
void interrupt_from_user(arch::ExceptionFrame& frame);
void interrupt_in_kernel();
// The running task's first FP/SIMD instruction since it got the CPU (trapped: lazy FP): load its FP
// state and run the instruction again.
void fp_first_use(arch::ExceptionFrame& frame);
// A synchronous exception at EL0 that is not a system call: the running task is killed with `reason`;
// `what` names the exception class, `address` is the faulting address for an abort (else 0).
void user_fault(arch::ExceptionFrame& frame, abi::FaultReason reason, const char* what, const char* how,
                std::uint64_t address);
// An exception the kernel did not expect at EL1: the report was printed; halt.
[[noreturn]] void kernel_fault();

} // namespace bramble::trap
