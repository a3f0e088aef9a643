// Buddy allocator bookkeeping: see frame_allocator.hpp for the contract.
#include "mm/frame_allocator.hpp"

namespace bramble::mm {
namespace {

constexpr ktl::uint32_t kNone = ~ktl::uint32_t{0};

// FrameInfo::state values.
constexpr ktl::uint8_t kUnusable = 0; // not RAM we manage: hole, reserved, or our own bookkeeping
constexpr ktl::uint8_t kFreeHead = 1; // first frame of a free block (order in FrameInfo::order)
constexpr ktl::uint8_t kFreeTail = 2; // any other frame of a free block
constexpr ktl::uint8_t kUsedHead = 3; // first frame of an allocated block (order recorded)
constexpr ktl::uint8_t kUsedTail = 4; // any other frame of an allocated block
static_assert(kUnusable == 0, "create() relies on zeroed bookkeeping meaning every frame starts unusable");

struct Clipped {
  ktl::uint64_t first_pfn;
  ktl::uint64_t end_pfn; // exclusive
};

// Reserved ranges grow outward to whole frames; a range that wraps past 2^64 reaches the top.
Clipped clip_outward(const PhysRange& r) {
  const ktl::uint64_t end = r.base + r.size < r.base ? ~ktl::uint64_t{0} : r.base + r.size;
  return {r.base >> kPageShift, (end >> kPageShift) + (is_aligned(end, kPageSize) ? 0 : 1)};
}

bool blocked(ktl::uint64_t pfn, std::span<const PhysRange> reserved, const PhysRange& metadata) {
  for (const PhysRange& r : reserved) {
    const Clipped c = clip_outward(r);
    if (r.size != 0 && pfn >= c.first_pfn && pfn < c.end_pfn) return true;
  }
  return metadata.size != 0 && (pfn << kPageShift) >= metadata.base && (pfn << kPageShift) < metadata.end();
}

// The first frame in [from, limit) that blocked() would refuse, or `limit`. Step 3 of create() asks
// this once per free run instead of asking blocked() once per frame: per frame it cost ~95
// instructions, 23 M of the 23.5 M a 948 MiB raspi4b boot spent before the root task ran.
ktl::uint64_t next_blocked(ktl::uint64_t from, ktl::uint64_t limit, std::span<const PhysRange> reserved,
                           const PhysRange& metadata) {
  ktl::uint64_t first = limit;
  auto consider = [&](const Clipped& c) {
    if (c.end_pfn > from && c.first_pfn < first) first = c.first_pfn > from ? c.first_pfn : from;
  };
  for (const PhysRange& r : reserved) {
    if (r.size != 0) consider(clip_outward(r));
  }
  // The bookkeeping is whole frames (create() places and sizes it so), so clipping changes nothing.
  if (metadata.size != 0) consider(clip_outward(metadata));
  return first;
}

bool overlaps_any(PhysAddr base, ktl::uint64_t size, std::span<const PhysRange> reserved) {
  for (const PhysRange& r : reserved) {
    const Clipped c = clip_outward(r);
    if (r.size != 0 && base < (c.end_pfn << kPageShift) && (c.first_pfn << kPageShift) < base + size) return true;
  }
  return false;
}

} // namespace

Result<FrameAllocator, MmError> FrameAllocator::create(std::span<const PhysRange> ram,
                                                       std::span<const PhysRange> reserved, PhysWindow window) {
  FrameAllocator fa;
  fa.window_ = window;
  for (auto& head : fa.free_head_)
    head = kNone;

  // 1. Regions: RAM ranges clipped inward to whole frames.
  ktl::uint64_t frames = 0;
  for (const PhysRange& r : ram) {
    if (r.base + r.size < r.base) return err(MmError::OutOfRange);
    const ktl::uint64_t first = align_up(r.base, kPageSize) >> kPageShift;
    const ktl::uint64_t end = align_down(r.base + r.size, kPageSize) >> kPageShift;
    if (end <= first) continue;
    for (ktl::size_t i = 0; i < fa.region_count_; ++i) {
      const Region& other = fa.regions_[i];
      if (first < other.first_pfn + other.frames && other.first_pfn < end) return err(MmError::Overlap);
    }
    if (fa.region_count_ == kMaxRegions) return err(MmError::TooManyRanges);
    fa.regions_[fa.region_count_++] = Region{first, end - first, static_cast<ktl::uint32_t>(frames)};
    frames += end - first;
    if (frames >= kNone) return err(MmError::TooManyRanges); // indices are 32-bit (16 TiB of RAM)
  }
  if (frames == 0) return err(MmError::NoRoomForMetadata);

  // 2. Bookkeeping: the lowest frame-aligned stretch of RAM, starting at a region base or just after a
  //    reserved range, that touches no reserved range.
  const ktl::uint64_t meta_bytes = align_up(frames * sizeof(FrameInfo), kPageSize);
  bool placed = false;
  PhysAddr best = 0;
  auto consider = [&](PhysAddr candidate) {
    if (fa.region_of(candidate >> kPageShift, meta_bytes >> kPageShift) == nullptr) return;
    if (overlaps_any(candidate, meta_bytes, reserved)) return;
    if (!placed || candidate < best) best = candidate;
    placed = true;
  };
  for (ktl::size_t i = 0; i < fa.region_count_; ++i)
    consider(fa.regions_[i].first_pfn << kPageShift);
  for (const PhysRange& r : reserved) {
    const Clipped c = clip_outward(r);
    if (c.end_pfn < (ktl::uint64_t{1} << (64 - kPageShift))) consider(c.end_pfn << kPageShift);
  }
  if (!placed) return err(MmError::NoRoomForMetadata);
  fa.metadata_ = PhysRange{best, meta_bytes};
  zero_words(window.to_virt(best), meta_bytes); // every frame starts kUnusable

  // 3. Free lists: every run of frames that is neither reserved nor bookkeeping.
  for (ktl::size_t i = 0; i < fa.region_count_; ++i) {
    const Region& region = fa.regions_[i];
    const ktl::uint64_t end = region.first_pfn + region.frames;
    ktl::uint64_t pfn = region.first_pfn;
    while (pfn < end) {
      if (blocked(pfn, reserved, fa.metadata_)) {
        ++pfn;
        continue;
      }
      const ktl::uint64_t run_end = next_blocked(pfn + 1, end, reserved, fa.metadata_);
      fa.add_free_run(region, pfn, run_end);
      pfn = run_end;
    }
  }
  fa.total_frames_ = fa.free_frames_;
  return fa;
}

FrameAllocator::FrameInfo& FrameAllocator::info(ktl::uint32_t index) const {
  return window_.to_virt<FrameInfo>(metadata_.base)[index];
}

const FrameAllocator::Region* FrameAllocator::region_of(ktl::uint64_t pfn, ktl::uint64_t frames) const {
  for (ktl::size_t i = 0; i < region_count_; ++i) {
    const Region& r = regions_[i];
    if (pfn >= r.first_pfn && frames <= r.frames && pfn - r.first_pfn <= r.frames - frames) return &r;
  }
  return nullptr;
}

void FrameAllocator::mark(ktl::uint32_t index, unsigned order, ktl::uint8_t head_state, ktl::uint8_t tail_state) {
  info(index).state = head_state;
  info(index).order = static_cast<ktl::uint8_t>(order);
  const ktl::uint32_t count = ktl::uint32_t{1} << order;
  for (ktl::uint32_t i = 1; i < count; ++i) {
    info(index + i).state = tail_state;
    info(index + i).order = 0;
  }
}

void FrameAllocator::push_free(ktl::uint32_t index, unsigned order) {
  FrameInfo& f = info(index);
  f.state = kFreeHead;
  f.order = static_cast<ktl::uint8_t>(order);
  f.prev = kNone;
  f.next = free_head_[order];
  if (f.next != kNone) info(f.next).prev = index;
  free_head_[order] = index;
  ++free_count_[order];
}

void FrameAllocator::unlink_free(ktl::uint32_t index, unsigned order) {
  FrameInfo& f = info(index);
  if (f.prev != kNone)
    info(f.prev).next = f.next;
  else
    free_head_[order] = f.next;
  if (f.next != kNone) info(f.next).prev = f.prev;
  f.next = f.prev = kNone;
  --free_count_[order];
}

void FrameAllocator::add_free_run(const Region& region, ktl::uint64_t pfn, ktl::uint64_t end_pfn) {
  while (pfn < end_pfn) {
    // The largest block that starts here naturally aligned and fits in the run.
    unsigned order = kMaxOrder;
    while (order > 0 && (!is_aligned(pfn, ktl::uint64_t{1} << order) || pfn + (ktl::uint64_t{1} << order) > end_pfn))
      --order;
    const ktl::uint32_t index = index_of(region, pfn);
    mark(index, order, kFreeHead, kFreeTail);
    push_free(index, order);
    free_frames_ += ktl::uint64_t{1} << order;
    pfn += ktl::uint64_t{1} << order;
  }
}

Result<PhysAddr, MmError> FrameAllocator::allocate(unsigned order) {
  if (order > kMaxOrder) return err(MmError::InvalidOrder);
  unsigned k = order;
  while (k <= kMaxOrder && free_head_[k] == kNone)
    ++k;
  if (k > kMaxOrder) return err(MmError::OutOfMemory);
  const ktl::uint32_t index = free_head_[k];
  unlink_free(index, k);
  // Split: keep the lower half, return upper halves to the free lists.
  while (k > order) {
    --k;
    push_free(index + (ktl::uint32_t{1} << k), k);
  }
  mark(index, order, kUsedHead, kUsedTail);
  free_frames_ -= ktl::uint64_t{1} << order;

  // index -> physical address: find the region holding it.
  PhysAddr pa = 0;
  for (ktl::size_t i = 0; i < region_count_; ++i) {
    const Region& r = regions_[i];
    if (index >= r.first_index && index - r.first_index < r.frames)
      pa = (r.first_pfn + (index - r.first_index)) << kPageShift;
  }
  zero_words(window_.to_virt(pa), kPageSize << order);
  return pa;
}

Result<void, MmError> FrameAllocator::free(PhysAddr block, unsigned order) {
  if (order > kMaxOrder) return err(MmError::InvalidOrder);
  if (!is_aligned(block, kPageSize << order)) return err(MmError::Misaligned);
  ktl::uint64_t pfn = block >> kPageShift;
  const ktl::uint64_t frames = ktl::uint64_t{1} << order;
  const Region* region = region_of(pfn, frames);
  if (region == nullptr) return err(MmError::NotOwned);
  ktl::uint32_t index = index_of(*region, pfn);
  switch (info(index).state) {
  case kUsedHead:
    if (info(index).order != order) return err(MmError::WrongOrder);
    break;
  case kUsedTail: return err(MmError::WrongOrder); // the middle of a larger allocated block
  case kFreeHead:
  case kFreeTail: return err(MmError::DoubleFree);
  default: return err(MmError::NotOwned);
  }
  mark(index, order, kFreeTail, kFreeTail);
  free_frames_ += frames;

  // Coalesce while the buddy (the other half of the enclosing block) is a free block of this order.
  unsigned k = order;
  while (k < kMaxOrder) {
    const ktl::uint64_t buddy_pfn = pfn ^ (ktl::uint64_t{1} << k);
    if (region_of(buddy_pfn, ktl::uint64_t{1} << k) != region) break;
    const ktl::uint32_t buddy = index_of(*region, buddy_pfn);
    if (info(buddy).state != kFreeHead || info(buddy).order != k) break;
    unlink_free(buddy, k);
    info(buddy).state = kFreeTail;
    info(buddy).order = 0;
    if (buddy_pfn < pfn) {
      pfn = buddy_pfn;
      index = buddy;
    }
    ++k;
  }
  push_free(index, k);
  return {};
}

ktl::uint64_t FrameAllocator::free_blocks(unsigned order) const { return order <= kMaxOrder ? free_count_[order] : 0; }

} // namespace bramble::mm
