// The error codes every Bramble system call returns in x0 (0 means success), declared once for the
// kernel and for user space. docs/syscalls.md explains each call's errors; a unit test checks that
// the document lists exactly these names and values.
//
// User-space header: plain C++, no kernel includes, only <cstdint>.
#pragma once

#include <cstdint>

namespace bramble::abi {

// x0 after a successful call.
inline constexpr std::uint64_t kSuccess = 0;

// X(Name, value, "what it means"). Values are stable ABI: never renumber, only append. Each value is
// below 64 so the set of errors a call may return fits one 64-bit mask (kSyscallErrors).
#define BRAMBLE_ABI_ERRORS(X)                                                                                          \
  X(InvalidSyscall, 1, "x8 holds no known system call number")                                                         \
  X(InvalidSlot, 2, "a slot index is 0 (the reserved null slot) or not below the table's size")                        \
  X(EmptySlot, 3, "a slot that must hold a capability is empty")                                                       \
  X(WrongType, 4, "a capability is not of the type the call needs")                                                    \
  X(InsufficientRights, 5, "a capability lacks a right the call needs, or asked rights are not a subset")              \
  X(InvalidRights, 6, "a rights argument has bits the capability's type does not define")                              \
  X(SlotOccupied, 7, "the destination slot already holds a capability")                                                \
  X(AlreadyBadged, 8, "a badge was given for a capability that already carries one")                                   \
  X(InvalidBadge, 9, "a badge was given for a type without badges, or is malformed for its type")                      \
  X(Misaligned, 10, "a virtual address is not a multiple of the page size")                                            \
  X(InvalidSize, 11, "a size or count is zero, not a page multiple where one is needed, or above the limit")           \
  X(InvalidAddress, 12, "a virtual range is not inside the user window or wraps around")                               \
  X(InvalidPermissions, 13, "map permissions have unknown bits, lack Read, or ask for Write and Execute")              \
  X(BadUserPointer, 14, "a user buffer is outside the user window or not mapped readable")                             \
  X(QuotaExceeded, 15, "the memory capability's quota has too little left for the request")                            \
  X(OutOfMemory, 16, "the kernel has no physical frame or kernel object left for the request")                         \
  X(TableFull, 17, "the caller's capability table has no free slot for a result capability")                           \
  X(AlreadyMapped, 18, "part of the target virtual range is already mapped")                                           \
  X(NotMapped, 19, "nothing is mapped at the given virtual address")                                                   \
  X(NameExists, 20, "the shared-memory registry already holds an entry under that name")                               \
  X(NameNotFound, 21, "the shared-memory registry holds no entry under that name")                                     \
  X(NameNotPermitted, 22, "the registry capability's badge does not cover that name")                                  \
  X(InvalidState, 23, "the task is not in a state that allows the call (e.g. started twice)")                          \
  X(ObjectDestroyed, 24, "the object was destroyed while the caller was blocked on it")                                \
  X(InvalidImage, 25, "no program image with that index is linked into the kernel")                                    \
  X(InvalidPriority, 26, "the priority is above the highest one the caller may give")                                  \
  X(InvalidDevice, 27, "no such device or interrupt line on this board, or one the kernel keeps")                      \
  X(DeviceBusy, 28, "the interrupt line already has a handler")                                                        \
  X(InvalidCore, 29, "the core number names no core, or one that is not online")

enum class Error : std::uint64_t {
#define BRAMBLE_ABI_ERROR_ENUMERATOR(name, value, meaning) name = value,
  BRAMBLE_ABI_ERRORS(BRAMBLE_ABI_ERROR_ENUMERATOR)
#undef BRAMBLE_ABI_ERROR_ENUMERATOR
};

struct ErrorInfo {
  Error error;
  const char* name;
  const char* meaning;
};

inline constexpr ErrorInfo kErrors[] = {
#define BRAMBLE_ABI_ERROR_INFO(name, value, meaning) {Error::name, #name, meaning},
    BRAMBLE_ABI_ERRORS(BRAMBLE_ABI_ERROR_INFO)
#undef BRAMBLE_ABI_ERROR_INFO
};

inline constexpr std::uint64_t kErrorCount = sizeof(kErrors) / sizeof(kErrors[0]);

// One bit per error, for the per-call error sets.
[[nodiscard]] constexpr std::uint64_t error_bit(Error e) { return std::uint64_t{1} << static_cast<std::uint64_t>(e); }

// The name of an error ("EmptySlot"), or nullptr for a value that is not an error.
[[nodiscard]] constexpr const char* error_name(std::uint64_t value) {
  for (const ErrorInfo& info : kErrors) {
    if (static_cast<std::uint64_t>(info.error) == value) return info.name;
  }
  return nullptr;
}

namespace detail {
[[nodiscard]] constexpr bool errors_dense_below_64() {
  std::uint64_t expected = 1;
  for (const ErrorInfo& info : kErrors) {
    if (static_cast<std::uint64_t>(info.error) != expected || expected >= 64) return false;
    ++expected;
  }
  return true;
}
} // namespace detail
static_assert(detail::errors_dense_below_64(), "error values run 1, 2, 3, ... and stay below 64");

} // namespace bramble::abi
