// Vocabulary shared by the memory-management code: addresses, ranges, the error enum, and how the
// code reaches physical memory.
//
// mm/ depends on nothing but lib/ (the shared freestanding library): RAM ranges, reserved ranges and device windows
// arrive as parameters, and physical memory is reached through a PhysWindow the caller provides (the kernel's linear
// map, or, in host tests, a heap arena pretending to be RAM at some physical base).
#pragma once

#include "lib/align.hpp"
#include "lib/ktl.hpp"
#include "lib/result.hpp"

namespace bramble::mm {

using PhysAddr = ktl::uint64_t;
using VirtAddr = ktl::uint64_t;

inline constexpr ktl::uint64_t kPageShift = 12;
inline constexpr ktl::uint64_t kPageSize = ktl::uint64_t{1} << kPageShift; // 4 KiB granule
inline constexpr ktl::uint64_t kBlockShift = 21;
inline constexpr ktl::uint64_t kBlockSize = ktl::uint64_t{1} << kBlockShift; // level-2 block, 2 MiB

enum class MmError : ktl::uint8_t {
  OutOfMemory,        // no free block of the order asked for (or no frame for a translation table)
  InvalidOrder,       // order above FrameAllocator::kMaxOrder
  Misaligned,         // an address or size not aligned to what the operation needs
  NotOwned,           // a frame the allocator does not manage (outside RAM, reserved, its own metadata)
  DoubleFree,         // a frame that is already free
  WrongOrder,         // freeing a block with an order other than the one it was allocated with
  TooManyRanges,      // more RAM ranges than FrameAllocator::kMaxRegions
  NoRoomForMetadata,  // no free stretch of RAM can hold the allocator's own bookkeeping
  OutOfRange,         // a virtual range outside this table's half, or a physical address above 48 bits
  Overlap,            // part of the range is already mapped
  NotMapped,          // part of the range is not mapped
  WriteExecute,       // writable and executable at once (W^X), or executable Device memory
  InvalidPermissions, // a combination the table cannot express (not readable, user in the kernel half)
  Forbidden,          // user mapping of physical memory the kernel keeps for itself, or the channel window
  NoAsid,             // all ASIDs are in use
  QuotaExceeded,      // the table allocator refused: the quota that pays for this space's tables is spent
};

// [base, base + size), in bytes.
struct PhysRange {
  PhysAddr base;
  ktl::uint64_t size;
  [[nodiscard]] constexpr PhysAddr end() const { return base + size; }
  [[nodiscard]] constexpr bool overlaps(PhysAddr b, ktl::uint64_t s) const {
    return s != 0 && size != 0 && b < end() && base < b + s;
  }
  friend constexpr bool operator==(const PhysRange&, const PhysRange&) = default;
};

// Physical-to-virtual translation by a constant offset: the kernel's linear map is one (virt = phys +
// the high-half offset; identity before the MMU is on), and so is a host arena (virt = arena + (phys -
// fake base)). Unsigned wrap-around makes both directions work with one addition.
struct PhysWindow {
  ktl::uintptr_t offset = 0;

  [[nodiscard]] static PhysWindow for_arena(void* arena, PhysAddr arena_phys_base) {
    return PhysWindow{reinterpret_cast<ktl::uintptr_t>(arena) - static_cast<ktl::uintptr_t>(arena_phys_base)};
  }
  template <typename T = void> [[nodiscard]] T* to_virt(PhysAddr pa) const {
    return reinterpret_cast<T*>(static_cast<ktl::uintptr_t>(pa) + offset);
  }
};

// The rounding helpers live in lib/align.hpp (user programs round too); mm:: names them for its callers.
using bramble::align_down;
using bramble::align_up;
using bramble::is_aligned;

// Zeroes `bytes` (a multiple of 8) at an 8-aligned address. The compiler may turn the loop into a
// memset call, which the kernel runtime provides (lib/memory_functions.cpp, docs/platform.md).
inline void zero_words(void* dst, ktl::uint64_t bytes) {
  auto* p = static_cast<ktl::uint64_t*>(dst);
  for (ktl::uint64_t i = 0; i < bytes / 8; ++i)
    p[i] = 0;
}

} // namespace bramble::mm
