// System call stubs for user programs: svc #0 with the number in x8 and arguments in x0..x5; x0
// returns kSuccess or an abi::Error value and x1..x3 the results (the convention is declared once in
// kernel/abi/syscalls.hpp). The kernel preserves every other register, so only x0..x3 are outputs
// and only the registers a call uses are inputs.
//
// Register variables tied to asm operands are the documented GCC/clang way to pin operands to
// specific registers ("Specifying Registers for Local Variables", GCC manual 6.47.5.2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel/abi/syscalls.hpp"

namespace bramble::user {

struct SyscallResult {
  std::uint64_t status; // x0: abi::kSuccess or an abi::Error value
  std::uint64_t r1;     // x1..x3: results on success, 0 on error
  std::uint64_t r2;
  std::uint64_t r3;

  [[nodiscard]] constexpr bool ok() const { return status == abi::kSuccess; }
  [[nodiscard]] constexpr abi::Error error() const { return static_cast<abi::Error>(status); }
};

// "memory": a call may read or write user buffers (debug_write reads one), so the compiler must
// not keep memory contents in registers across it. The kernel ignores the argument registers a call
// does not use and writes x0..x3 on every return, so those a call does not read are outputs only
// (nothing is loaded into them before the svc).
#define BRAMBLE_SVC(...)                                                                                               \
  asm volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : "r"(x8)__VA_OPT__(, ) __VA_ARGS__ : "memory")

[[nodiscard]] inline SyscallResult syscall0(abi::Syscall number) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0");
  register std::uint64_t x1 asm("x1");
  register std::uint64_t x2 asm("x2");
  register std::uint64_t x3 asm("x3");
  asm volatile("svc #0" : "=r"(x0), "=r"(x1), "=r"(x2), "=r"(x3) : "r"(x8) : "memory");
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall1(abi::Syscall number, std::uint64_t a0) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1");
  register std::uint64_t x2 asm("x2");
  register std::uint64_t x3 asm("x3");
  asm volatile("svc #0" : "+r"(x0), "=r"(x1), "=r"(x2), "=r"(x3) : "r"(x8) : "memory");
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall2(abi::Syscall number, std::uint64_t a0, std::uint64_t a1) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2");
  register std::uint64_t x3 asm("x3");
  asm volatile("svc #0" : "+r"(x0), "+r"(x1), "=r"(x2), "=r"(x3) : "r"(x8) : "memory");
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall3(abi::Syscall number, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3");
  asm volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "=r"(x3) : "r"(x8) : "memory");
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall4(abi::Syscall number, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2,
                                            std::uint64_t a3) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  BRAMBLE_SVC();
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall5(abi::Syscall number, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2,
                                            std::uint64_t a3, std::uint64_t a4) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  register std::uint64_t x4 asm("x4") = a4;
  BRAMBLE_SVC("r"(x4));
  return {x0, x1, x2, x3};
}

[[nodiscard]] inline SyscallResult syscall6(abi::Syscall number, std::uint64_t a0, std::uint64_t a1, std::uint64_t a2,
                                            std::uint64_t a3, std::uint64_t a4, std::uint64_t a5) {
  register std::uint64_t x8 asm("x8") = static_cast<std::uint64_t>(number);
  register std::uint64_t x0 asm("x0") = a0;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  register std::uint64_t x4 asm("x4") = a4;
  register std::uint64_t x5 asm("x5") = a5;
  BRAMBLE_SVC("r"(x4), "r"(x5));
  return {x0, x1, x2, x3};
}

#undef BRAMBLE_SVC

// Typed wrappers for the calls the runtime itself needs.

// Writes up to abi::kMaxDebugWrite bytes to the kernel console; r1 says how many were written.
[[nodiscard]] inline SyscallResult debug_write(const char* text, std::size_t length) {
  return syscall2(abi::Syscall::debug_write, reinterpret_cast<std::uint64_t>(text), length);
}

inline void yield() { (void)syscall0(abi::Syscall::yield); }

// Ends the calling task; the kernel reports `code` to whoever supervises it. Never returns.
[[noreturn]] inline void task_exit(std::int64_t code) {
  (void)syscall1(abi::Syscall::task_exit, static_cast<std::uint64_t>(code));
  // task_exit does not return; if a broken kernel returned anyway, stop here rather than run on.
  for (;;)
    asm volatile("wfe");
}

} // namespace bramble::user
