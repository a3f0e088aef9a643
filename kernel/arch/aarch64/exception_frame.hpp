// The register frame the exception vectors save on the stack (kernel/arch/aarch64/vectors.S builds
// it; the offsets there must match this struct, which the static_asserts pin down).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bramble::arch {

// A task's frame is where its exceptions save its registers (SP_EL1 points at its end while the task
// runs), so it is aligned as a stack pointer must be.
struct alignas(16) ExceptionFrame {
  std::uint64_t x[31];  // x0..x30
  std::uint64_t sp_el0; // the interrupted EL0 stack pointer
  std::uint64_t elr;    // ELR_EL1: where to return
  std::uint64_t spsr;   // SPSR_EL1: the interrupted PSTATE
  std::uint64_t esr;    // ESR_EL1 (synchronous exceptions)
  std::uint64_t far;    // FAR_EL1 (aborts)
};
static_assert(offsetof(ExceptionFrame, sp_el0) == 248);
static_assert(offsetof(ExceptionFrame, elr) == 256);
static_assert(offsetof(ExceptionFrame, spsr) == 264);
static_assert(offsetof(ExceptionFrame, esr) == 272);
static_assert(offsetof(ExceptionFrame, far) == 280);
inline constexpr std::size_t kExceptionFrameSize = 288; // sizeof rounded to 16 for SP alignment
static_assert(sizeof(ExceptionFrame) == kExceptionFrameSize && kExceptionFrameSize % 16 == 0);

} // namespace bramble::arch
