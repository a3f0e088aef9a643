// A task's user-mode context on AArch64: the saved register frame (exception_frame.hpp), the FP/SIMD
// state, the calling convention generic code reads through (system-call number and arguments, the
// reply, a new task's first entry), and the assembly that saves, loads and enters it (context.S).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel/arch/aarch64/exception_frame.hpp"

namespace bramble::arch {

// q0-q31, FPCR, FPSR (saved and restored by fp_save/fp_restore in context.S).
struct alignas(16) FpState {
  std::uint64_t q[64];
  std::uint64_t fpcr;
  std::uint64_t fpsr;
};
static_assert(sizeof(FpState) == 528);

// Lazy FP/SIMD: CPACR_EL1.FPEN (ARM ARM D17.2.30) either traps EL0's FP/SIMD instructions (0b01:
// EC 0x07 at the first one; EL1 may still use the registers, so fp_save/fp_restore work either way)
// or lets them run (0b11). The write takes effect at the next context synchronization, the eret.
inline void fp_trap_el0() { asm volatile("msr cpacr_el1, %0" ::"r"(std::uint64_t{1} << 20) : "memory"); }
inline void fp_open_el0() { asm volatile("msr cpacr_el1, %0" ::"r"(std::uint64_t{3} << 20) : "memory"); }

// The system-call convention (docs/syscalls.md): the number in x8, up to six arguments in x0-x5; the
// status comes back in x0 and up to three results in x1-x3.
[[nodiscard]] inline std::uint64_t syscall_number(const ExceptionFrame& frame) { return frame.x[8]; }
[[nodiscard]] inline std::uint64_t syscall_argument(const ExceptionFrame& frame, std::size_t i) { return frame.x[i]; }
inline void set_syscall_result(ExceptionFrame& frame, std::uint64_t status, std::uint64_t r0, std::uint64_t r1,
                               std::uint64_t r2) {
  frame.x[0] = status;
  frame.x[1] = r0;
  frame.x[2] = r1;
  frame.x[3] = r2;
}
// A failed call's results: the status and three zeros. Two stores from the zero register: written in
// C, the compiler shares one pair of stores among a handler's success and failure paths and loads the
// zeros into registers first.
inline void set_syscall_error(ExceptionFrame& frame, std::uint64_t status) {
  asm volatile("stp %1, xzr, [%0]\n\tstp xzr, xzr, [%0, #16]" ::"r"(&frame.x[0]), "r"(status) : "memory");
}

// A new task's first entry: at `entry`, EL0 with interrupts unmasked, its stack at `stack_top` and
// `argument` in x0 (the runtime's _start receives it as its first argument).
inline void prepare_user_entry(ExceptionFrame& frame, std::uintptr_t entry, std::uintptr_t stack_top,
                               std::uint64_t argument) {
  frame = ExceptionFrame{};
  frame.x[0] = argument;
  frame.elr = entry;
  frame.sp_el0 = stack_top;
  frame.spsr = 0; // EL0t, DAIF clear
}

// What a fault report names: where the task was (ELR) and the syndrome (ESR).
[[nodiscard]] inline std::uint64_t fault_pc(const ExceptionFrame& frame) { return frame.elr; }
[[nodiscard]] inline std::uint64_t fault_syndrome(const ExceptionFrame& frame) { return frame.esr; }

} // namespace bramble::arch

// context.S.
extern "C" {
void fp_save(bramble::arch::FpState* state);
void fp_restore(const bramble::arch::FpState* state);
// Returns to EL0 through `frame`, a task's own record (vectors.S: at EL0, SP_EL1 is the end of the
// running task's frame, so its next exception saves its registers there).
[[noreturn]] void enter_user(const bramble::arch::ExceptionFrame* frame);
}
static_assert(bramble::arch::kExceptionFrameSize == 288, "vectors.S saves and loads 288-byte frames");
