// Drives loading a parsed executable into a user address space. The loader knows the ELF side (which
// pages, which permissions, which bytes go where); the kernel knows memory (frames, quotas, page
// tables) and supplies it as a "map segment" callback, so this code stays host-testable.
//
// For each segment the callback must: allocate frames for plan.size bytes at plan.vaddr, fill them
// (plan.fill() writes file bytes where the segment has them and zeros everywhere else, including the
// bytes before the segment's start on its first page and the .bss tail), and map them with
// plan.flags. Segments never share a page (parse_elf() refuses that), so each page gets exactly one
// set of permissions.
#pragma once

#include "kernel/loader/elf.hpp"
#include "lib/ktl.hpp"
#include "lib/result.hpp"

namespace bramble::loader {

// One segment as page-aligned memory to create.
struct SegmentPlan {
  ktl::uint64_t vaddr = 0;            // page-aligned start of the mapping
  ktl::uint64_t size = 0;             // bytes to map, a multiple of kPageSize
  SegmentFlags flags;                 // permissions for every page of it (never write + execute)
  ktl::uint64_t data_offset = 0;      // where the file bytes start, counted from vaddr
  std::span<const ktl::uint8_t> data; // the segment's file bytes (p_filesz of them)

  // Fills `dest`, which stands for the bytes [at, at + dest.size()) of the mapping: file bytes where
  // the segment has them, zero everywhere else. Lets a caller fill page by page or all at once.
  void fill(ktl::uint64_t at, std::span<ktl::uint8_t> dest) const;
};

// The plan for one segment of `image` (one of image.loadable()).
[[nodiscard]] SegmentPlan plan_segment(const ElfImage& image, const Segment& segment);

// Calls map_segment(const SegmentPlan&) for each segment in order and stops at the first error,
// which it returns. map_segment returns a Result<void, E> with the caller's error type E. On failure
// the segments mapped before stay mapped: the caller throws the half-built address space away.
template <typename MapSegment>
[[nodiscard]] auto load_segments(const ElfImage& image, MapSegment&& map_segment)
    -> std::invoke_result_t<MapSegment&, const SegmentPlan&> {
  for (const Segment& segment : image.loadable()) {
    BRAMBLE_TRY_VOID(map_segment(plan_segment(image, segment)));
  }
  return {};
}

} // namespace bramble::loader
