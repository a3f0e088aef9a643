// A task's user-mode context: arch::ExceptionFrame (the registers an exception saves), arch::FpState,
// the system-call convention (syscall_number, syscall_argument, set_syscall_result), a new task's
// first entry (prepare_user_entry), what a fault report names (fault_pc, fault_syndrome), and the
// assembly entry points fp_save, fp_restore and enter_user.
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/context.hpp"
#else
#error "kernel/arch: no implementation of context.hpp for this architecture"
#endif
