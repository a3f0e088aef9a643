// The physical frame allocator: a binary buddy allocator over the RAM ranges it is given, minus the
// ranges it is told to keep out (kernel image, DTB, spin-table page, MMIO windows that overlap RAM...).
//
// - Blocks of 2^order 4 KiB frames, order 0..kMaxOrder (4 MiB). A block of order k starts at a physical
//   address aligned to 4 KiB << k, so order-9 blocks can back 2 MiB block mappings.
// - Every block is zeroed (through the PhysWindow) before allocate() returns it.
// - Bookkeeping lives in RAM the allocator carves out of the ranges itself (the kernel has no heap): one
//   FrameInfo per frame, holding the frame's state and the free-list links. Keeping the links out of the
//   free frames means a stray write into a freed frame cannot corrupt the allocator.
// - free() checks its argument against that state: double frees, misaligned addresses, frames it does
//   not own and wrong orders are errors, never corruption.
//
// Not thread-safe: it takes no lock. The kernel has one (kernel/mem/memory.cpp) and uses it only on
// the boot core, in a kernel that is not preemptible, so no two calls overlap; a second core must not
// allocate until the kernel serializes entry (docs/architecture.md, "Concurrency").
#pragma once

#include "mm/types.hpp"

namespace bramble::mm {

class FrameAllocator {
public:
  static constexpr unsigned kMaxOrder = 10;     // 4 MiB: covers 2 MiB blocks (order 9) with room
  static constexpr ktl::size_t kMaxRegions = 8; // distinct RAM ranges (the Pi 4 has 2-3)

  // Per-frame bookkeeping (12 bytes: 0.3% of RAM).
  struct FrameInfo {
    ktl::uint32_t next;
    ktl::uint32_t prev;
    ktl::uint8_t state;
    ktl::uint8_t order;
  };

  // `ram`: usable RAM ranges (any order, must not overlap; clipped inward to 4 KiB boundaries).
  // `reserved`: ranges never to hand out (clipped outward to 4 KiB); may lie partly outside RAM.
  [[nodiscard]] static Result<FrameAllocator, MmError> create(std::span<const PhysRange> ram,
                                                              std::span<const PhysRange> reserved, PhysWindow window);

  // 2^order contiguous, zeroed frames.
  [[nodiscard]] Result<PhysAddr, MmError> allocate(unsigned order);
  // Returns a block that allocate(order) handed out; coalesces it with free buddies.
  [[nodiscard]] Result<void, MmError> free(PhysAddr block, unsigned order);

  [[nodiscard]] ktl::uint64_t total_frames() const { return total_frames_; } // managed (free at start)
  [[nodiscard]] ktl::uint64_t free_frames() const { return free_frames_; }
  [[nodiscard]] ktl::uint64_t used_frames() const { return total_frames_ - free_frames_; }
  // Number of free blocks of one order (tests use it to see coalescing).
  [[nodiscard]] ktl::uint64_t free_blocks(unsigned order) const;
  // Where the bookkeeping was carved from (the kernel reports it; it is never handed out).
  [[nodiscard]] PhysRange metadata() const { return metadata_; }
  // The kernel switches from the identity map to its high-half linear map after the MMU is on.
  void set_window(PhysWindow window) { window_ = window; }

private:
  struct Region {
    ktl::uint64_t first_pfn; // physical frame number of the first frame
    ktl::uint64_t frames;
    ktl::uint32_t first_index; // index of its first FrameInfo
  };

  FrameAllocator() = default;
  [[nodiscard]] FrameInfo& info(ktl::uint32_t index) const;
  [[nodiscard]] const Region* region_of(ktl::uint64_t pfn, ktl::uint64_t frames) const;
  [[nodiscard]] static ktl::uint32_t index_of(const Region& region, ktl::uint64_t pfn) {
    return region.first_index + static_cast<ktl::uint32_t>(pfn - region.first_pfn);
  }
  void push_free(ktl::uint32_t index, unsigned order);
  void unlink_free(ktl::uint32_t index, unsigned order);
  void mark(ktl::uint32_t index, unsigned order, ktl::uint8_t head_state, ktl::uint8_t tail_state);
  void add_free_run(const Region& region, ktl::uint64_t pfn, ktl::uint64_t end_pfn);

  Region regions_[kMaxRegions] = {};
  ktl::size_t region_count_ = 0;
  ktl::uint32_t free_head_[kMaxOrder + 1] = {};
  ktl::uint64_t free_count_[kMaxOrder + 1] = {};
  ktl::uint64_t total_frames_ = 0;
  ktl::uint64_t free_frames_ = 0;
  PhysRange metadata_{0, 0};
  PhysWindow window_{};
};

} // namespace bramble::mm
