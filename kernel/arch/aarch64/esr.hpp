// Decoding the Exception Syndrome Register (ESR_ELx) for fault reports.
// Field layout: ARM ARM (DDI 0487) D17.2.37 "ESR_EL1": EC [31:26], IL [25], ISS [24:0]; the data and
// instruction abort ISS encodings (DFSC/IFSC [5:0], WnR [6]) are in the same section.
#pragma once

#include <cstdint>

namespace bramble::arch {

struct Esr {
  std::uint32_t ec;  // exception class
  bool il;           // 32-bit instruction
  std::uint32_t iss; // instruction-specific syndrome

  [[nodiscard]] static constexpr Esr decode(std::uint64_t esr) {
    return Esr{static_cast<std::uint32_t>((esr >> 26) & 0x3F), ((esr >> 25) & 1) != 0,
               static_cast<std::uint32_t>(esr & 0x1FF'FFFF)};
  }
};

// Exception classes the kernel acts on (ARM ARM D17.2.37, table "EC encoding").
namespace ec {
inline constexpr std::uint32_t kUnknown = 0x00;
inline constexpr std::uint32_t kWfx = 0x01;
inline constexpr std::uint32_t kFpAccess = 0x07;
inline constexpr std::uint32_t kIllegalState = 0x0E;
inline constexpr std::uint32_t kSvc64 = 0x15;
inline constexpr std::uint32_t kSysreg = 0x18;
inline constexpr std::uint32_t kInstructionAbortLower = 0x20;
inline constexpr std::uint32_t kInstructionAbortSame = 0x21;
inline constexpr std::uint32_t kPcAlignment = 0x22;
inline constexpr std::uint32_t kDataAbortLower = 0x24;
inline constexpr std::uint32_t kDataAbortSame = 0x25;
inline constexpr std::uint32_t kSpAlignment = 0x26;
inline constexpr std::uint32_t kSError = 0x2F;
inline constexpr std::uint32_t kBrk64 = 0x3C;
} // namespace ec

// A short name for an exception class ("Data Abort (same EL)"); "reserved EC" for unallocated ones.
[[nodiscard]] const char* exception_class_name(std::uint32_t ec);

// For data and instruction aborts: a name for the fault status code in ISS[5:0]
// ("alignment fault", "translation fault, level 2", ...).
[[nodiscard]] const char* fault_status_name(std::uint32_t fsc);

[[nodiscard]] constexpr bool is_abort(std::uint32_t ec) {
  return ec == ec::kInstructionAbortLower || ec == ec::kInstructionAbortSame || ec == ec::kDataAbortLower ||
         ec == ec::kDataAbortSame;
}

// Which of the 16 vector entries an exception came through: VBAR_ELx + 0x80 * index.
// ARM ARM D1.10.2, table "Vector offsets from vector table base address".
enum class VectorSource : std::uint32_t { CurrentSp0 = 0, CurrentSpx = 1, LowerA64 = 2, LowerA32 = 3 };
enum class VectorKind : std::uint32_t { Synchronous = 0, Irq = 1, Fiq = 2, SError = 3 };
[[nodiscard]] constexpr VectorSource vector_source(std::uint32_t index) { return static_cast<VectorSource>(index / 4); }
[[nodiscard]] constexpr VectorKind vector_kind(std::uint32_t index) { return static_cast<VectorKind>(index % 4); }
[[nodiscard]] const char* vector_source_name(VectorSource source);
[[nodiscard]] const char* vector_kind_name(VectorKind kind);

} // namespace bramble::arch
