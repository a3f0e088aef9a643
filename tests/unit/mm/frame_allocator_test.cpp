// The buddy frame allocator over pretend RAM (a heap arena at a physical base).
#include "mm/frame_allocator.hpp"
#include "tests/unit/mm/mm_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace bramble::mm;
using mm_test::Arena;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

FrameAllocator make(const Arena& arena, std::vector<PhysRange> ram, std::vector<PhysRange> reserved = {}) {
  auto fa = FrameAllocator::create(ram, reserved, arena.window());
  REQUIRE(fa.ok());
  return *fa;
}

std::vector<std::uint64_t> free_block_counts(const FrameAllocator& fa) {
  std::vector<std::uint64_t> counts;
  for (unsigned k = 0; k <= FrameAllocator::kMaxOrder; ++k)
    counts.push_back(fa.free_blocks(k));
  return counts;
}

bool overlaps(PhysAddr a, std::uint64_t a_size, PhysAddr b, std::uint64_t b_size) {
  return a < b + b_size && b < a + a_size;
}

} // namespace

TEST_CASE("one range: bookkeeping carved from its start, everything else free, counters agree") {
  Arena arena(0x4000'0000, 8 * kMiB);
  FrameAllocator fa = make(arena, {{0x4000'0000, 8 * kMiB}});
  const std::uint64_t frames = 8 * kMiB / kPageSize;
  const std::uint64_t meta_frames = bramble::div_round_up(frames * sizeof(FrameAllocator::FrameInfo), kPageSize);
  CHECK(fa.metadata() == PhysRange{0x4000'0000, meta_frames * kPageSize});
  CHECK(fa.total_frames() == frames - meta_frames);
  CHECK(fa.free_frames() == fa.total_frames());
  CHECK(fa.used_frames() == 0);
  // 8 MiB at a 1 GiB-aligned base minus the 6 bookkeeping frames at its start: the upper 4 MiB is one
  // order-10 block, the lower 4 MiB splits into smaller aligned blocks after the bookkeeping.
  CHECK(fa.free_blocks(FrameAllocator::kMaxOrder) == 1);
  std::uint64_t sum = 0;
  for (unsigned k = 0; k <= FrameAllocator::kMaxOrder; ++k)
    sum += fa.free_blocks(k) << k;
  CHECK(sum == fa.free_frames());
}

TEST_CASE("Pi-like layout: the spin page, kernel, DTB and an MMIO window inside RAM are never handed out") {
  Arena arena(0, 64 * kMiB);
  const std::vector<PhysRange> reserved = {
      {0x0, 0x1000},           // spin table page
      {0x8'0000, 0x18'0000},   // kernel image
      {0x300'0010, 0x5000},    // DTB, not page aligned: clipped outward to 0x3000000..0x3006000
      {0x3F0'0000, 0x10'0000}, // a device window overlapping the top of RAM
      {0x1'0000'0000, 0x1000}, // outside RAM: harmless
  };
  FrameAllocator fa = make(arena, {{0x0, 64 * kMiB}}, reserved);
  // Bookkeeping: 16 Ki frames x 12 bytes = 192 KiB fits between the spin page and the kernel, the
  // lowest place that avoids every reservation.
  CHECK(fa.metadata().base == 0x1000);
  std::set<PhysAddr> seen;
  for (;;) {
    auto frame = fa.allocate(0);
    if (!frame) {
      CHECK(frame.error() == MmError::OutOfMemory);
      break;
    }
    CHECK(seen.insert(*frame).second);
    CHECK(*frame % kPageSize == 0);
    CHECK(*frame < 64 * kMiB);
    for (const PhysRange& r : reserved)
      CHECK_FALSE(overlaps(*frame, kPageSize, r.base, r.size));
    CHECK_FALSE(overlaps(*frame, kPageSize, fa.metadata().base, fa.metadata().size));
  }
  const std::uint64_t reserved_frames = 1 + 0x180 + 6 + 0x100;
  CHECK(seen.size() == 64 * kMiB / kPageSize - reserved_frames - fa.metadata().size / kPageSize);
  CHECK(fa.free_frames() == 0);
  CHECK(fa.used_frames() == fa.total_frames());
}

TEST_CASE("frames are zeroed before they are handed out, at every order") {
  Arena arena(0x1000'0000, 16 * kMiB);
  FrameAllocator fa = make(arena, {arena.range()});
  for (unsigned order = 0; order <= FrameAllocator::kMaxOrder; ++order) {
    CAPTURE(order);
    auto block = fa.allocate(order);
    REQUIRE(block.ok());
    const std::uint64_t bytes = kPageSize << order;
    const std::uint8_t* p = arena.at(*block);
    CHECK(std::all_of(p, p + bytes, [](std::uint8_t b) { return b == 0; }));
    std::memset(arena.at(*block), 0xEE, bytes); // dirty it, free it, get it back: zero again
    REQUIRE(fa.free(*block, order).ok());
    auto again = fa.allocate(order);
    REQUIRE(again.ok());
    CHECK(*again == *block); // the same block comes back (LIFO free lists)
    CHECK(std::all_of(p, p + bytes, [](std::uint8_t b) { return b == 0; }));
    REQUIRE(fa.free(*again, order).ok());
  }
}

TEST_CASE("every order: allocate until exhausted, blocks aligned and disjoint, free in three orders, back to start") {
  Arena arena(0x4000'0000, 16 * kMiB);
  for (unsigned order = 0; order <= FrameAllocator::kMaxOrder; ++order) {
    for (int pattern = 0; pattern < 3; ++pattern) {
      CAPTURE(order);
      CAPTURE(pattern);
      FrameAllocator fa = make(arena, {arena.range()});
      const auto initial = free_block_counts(fa);
      std::vector<PhysAddr> blocks;
      for (auto b = fa.allocate(order); b.ok(); b = fa.allocate(order))
        blocks.push_back(*b);
      REQUIRE_FALSE(blocks.empty());
      std::sort(blocks.begin(), blocks.end());
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        CHECK(blocks[i] % (kPageSize << order) == 0);
        if (i > 0) CHECK(blocks[i] >= blocks[i - 1] + (kPageSize << order));
      }
      CHECK(fa.used_frames() == blocks.size() << order);
      if (pattern == 1) std::reverse(blocks.begin(), blocks.end());
      if (pattern == 2) std::shuffle(blocks.begin(), blocks.end(), std::mt19937(order));
      for (PhysAddr b : blocks)
        REQUIRE(fa.free(b, order).ok());
      CHECK(fa.free_frames() == fa.total_frames());
      CHECK(free_block_counts(fa) == initial); // coalesced all the way back
    }
  }
}

TEST_CASE("coalescing: two buddies freed make one block of the next order") {
  Arena arena(0x4000'0000, 16 * kMiB);
  FrameAllocator fa = make(arena, {arena.range()});
  const auto initial = free_block_counts(fa);
  auto a = fa.allocate(0);
  auto b = fa.allocate(0);
  REQUIRE((a.ok() && b.ok()));
  CHECK((*a ^ *b) == kPageSize); // buddies
  REQUIRE(fa.free(*a, 0).ok());
  CHECK(fa.free_blocks(0) == initial[0] + 1);
  REQUIRE(fa.free(*b, 0).ok());
  CHECK(free_block_counts(fa) == initial);
}

TEST_CASE("bad frees are errors and change nothing") {
  Arena arena(0x4000'0000, 8 * kMiB);
  FrameAllocator fa = make(arena, {arena.range()}, {{0x4070'0000, 0x1000}});
  auto block = fa.allocate(2);
  REQUIRE(block.ok());
  const std::uint64_t free_before = fa.free_frames();
  const auto counts_before = free_block_counts(fa);
  CHECK(fa.free(*block + 0x1000, 0).error() == MmError::WrongOrder); // middle of a block
  CHECK(fa.free(*block, 1).error() == MmError::WrongOrder);          // wrong size
  CHECK(fa.free(*block + 0x800, 0).error() == MmError::Misaligned);
  CHECK(fa.free(*block + 0x1000, 2).error() == MmError::Misaligned); // not aligned for order 2
  CHECK(fa.free(*block, FrameAllocator::kMaxOrder + 1).error() == MmError::InvalidOrder);
  CHECK(fa.free(0x1000'0000, 0).error() == MmError::NotOwned);        // outside RAM
  CHECK(fa.free(0x4070'0000, 0).error() == MmError::NotOwned);        // reserved
  CHECK(fa.free(fa.metadata().base, 0).error() == MmError::NotOwned); // the bookkeeping
  CHECK(fa.free(0x407F'F000, 1).error() == MmError::Misaligned);
  CHECK(fa.free(0x4080'0000, 0).error() == MmError::NotOwned); // just past the end of RAM
  CHECK(fa.free_frames() == free_before);
  CHECK(free_block_counts(fa) == counts_before);
  REQUIRE(fa.free(*block, 2).ok());
  CHECK(fa.free(*block, 2).error() == MmError::DoubleFree);
  CHECK(fa.free(*block + 0x2000, 0).error() == MmError::DoubleFree); // inside a free block
  CHECK(fa.allocate(FrameAllocator::kMaxOrder + 1).error() == MmError::InvalidOrder);
}

TEST_CASE("several RAM ranges, in any order, and overlapping ranges, too many, or no room are errors") {
  Arena arena(0x4000'0000, 16 * kMiB);
  FrameAllocator fa = make(arena, {{0x4080'0000, 8 * kMiB}, {0x4000'0000, 4 * kMiB}, {0x4060'0800, 0x1000}});
  // The third range holds no whole frame once clipped inward: ignored.
  std::uint64_t frames = 0;
  for (auto b = fa.allocate(0); b.ok(); b = fa.allocate(0)) {
    const bool in_first = *b >= 0x4080'0000 && *b < 0x4100'0000;
    const bool in_second = *b >= 0x4000'0000 && *b < 0x4040'0000;
    CHECK((in_first || in_second));
    ++frames;
  }
  CHECK(frames == fa.total_frames());
  CHECK(frames == (12 * kMiB - fa.metadata().size) / kPageSize);

  const std::vector<PhysRange> overlapping = {{0x4000'0000, 4 * kMiB}, {0x4030'0000, 4 * kMiB}};
  CHECK(FrameAllocator::create(overlapping, {}, arena.window()).error() == MmError::Overlap);
  std::vector<PhysRange> many;
  for (std::uint64_t i = 0; i <= FrameAllocator::kMaxRegions; ++i)
    many.push_back({0x4000'0000 + i * kMiB, kMiB});
  CHECK(FrameAllocator::create(many, {}, arena.window()).error() == MmError::TooManyRanges);
  const std::vector<PhysRange> ram = {{0x4000'0000, 4 * kMiB}};
  const std::vector<PhysRange> all_reserved = {{0x4000'0000, 4 * kMiB}};
  CHECK(FrameAllocator::create(ram, all_reserved, arena.window()).error() == MmError::NoRoomForMetadata);
  const std::vector<PhysRange> wraps = {{0xFFFF'FFFF'FFFF'0000, 0x2'0000}};
  CHECK(FrameAllocator::create(wraps, {}, arena.window()).error() == MmError::OutOfRange);
}

TEST_CASE("bookkeeping goes after a reservation at the start of RAM") {
  Arena arena(0x4000'0000, 8 * kMiB);
  FrameAllocator fa = make(arena, {arena.range()}, {{0x4000'0000, 0x2'3456}});
  CHECK(fa.metadata().base == 0x4002'4000);
}

TEST_CASE("randomized: 20000 operations against a reference model of every frame") {
  const PhysAddr base = 0x4000'0000;
  const std::uint64_t bytes = 8 * kMiB;
  Arena arena(base, bytes);
  const std::vector<PhysRange> reserved = {{0x4010'0000, 0x3000}, {0x4044'4000, 0x10'0000}};
  FrameAllocator fa = make(arena, {arena.range()}, reserved);
  const std::uint64_t frames = bytes / kPageSize;
  // Model: per frame, true when the allocator may hand it out (managed and currently free).
  std::vector<bool> model_free(frames, false);
  for (std::uint64_t i = 0; i < frames; ++i) {
    const PhysAddr pa = base + i * kPageSize;
    bool usable = !overlaps(pa, kPageSize, fa.metadata().base, fa.metadata().size);
    for (const PhysRange& r : reserved)
      usable = usable && !overlaps(pa, kPageSize, r.base, r.size);
    model_free[i] = usable;
  }
  const auto initial_counts = free_block_counts(fa);
  std::map<PhysAddr, unsigned> live; // allocated block -> order
  std::mt19937_64 rng(42);
  std::uint64_t model_free_count = static_cast<std::uint64_t>(std::count(model_free.begin(), model_free.end(), true));
  REQUIRE(model_free_count == fa.free_frames());

  for (int step = 0; step < 20000; ++step) {
    const bool do_alloc = live.empty() || rng() % 100 < 55;
    if (do_alloc) {
      const auto order = static_cast<unsigned>(rng() % (FrameAllocator::kMaxOrder + 1));
      auto block = fa.allocate(order);
      const std::uint64_t n = std::uint64_t{1} << order;
      if (block) {
        REQUIRE(*block % (kPageSize << order) == 0);
        const std::uint64_t first = (*block - base) / kPageSize;
        for (std::uint64_t i = first; i < first + n; ++i) {
          REQUIRE(model_free[i]); // never a reserved, bookkeeping or already-used frame
          model_free[i] = false;
        }
        live[*block] = order;
        model_free_count -= n;
      } else {
        REQUIRE(block.error() == MmError::OutOfMemory);
        // A buddy allocator fails only when no naturally aligned block of that size is wholly free.
        for (std::uint64_t i = 0; i + n <= frames; i += n) {
          bool all = true;
          for (std::uint64_t j = i; j < i + n && all; ++j)
            all = model_free[j];
          REQUIRE_FALSE(all);
        }
      }
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      REQUIRE(fa.free(it->first, it->second).ok());
      const std::uint64_t first = (it->first - base) / kPageSize;
      for (std::uint64_t i = first; i < first + (std::uint64_t{1} << it->second); ++i)
        model_free[i] = true;
      model_free_count += std::uint64_t{1} << it->second;
      // Freeing it again must be refused.
      REQUIRE(fa.free(it->first, it->second).error() == MmError::DoubleFree);
      live.erase(it);
    }
    REQUIRE(fa.free_frames() == model_free_count);
  }
  for (auto [block, order] : live)
    REQUIRE(fa.free(block, order).ok());
  CHECK(fa.free_frames() == fa.total_frames());
  CHECK(free_block_counts(fa) == initial_counts);
}

TEST_CASE("overlapping, adjacent and region-straddling reservations: exactly the frames outside them are free") {
  // create() finds free runs by jumping to the next reservation; this pins that the jumps neither skip
  // a free frame nor hand out a reserved one when ranges overlap, touch, or cross two RAM ranges.
  Arena arena(0, 16 * kMiB);
  const std::vector<PhysRange> ram = {{0x80'0000, 8 * kMiB}, {0x0, 6 * kMiB}};
  const std::vector<PhysRange> reserved = {
      {0x0, 0x1000},                               // the first frame of RAM: bookkeeping goes after it
      {0x20'0000, 0x3000},                         // overlaps the next one
      {0x20'2000, 0x2000},    {0x20'4000, 0x1000}, // touches the previous one
      {0x5F'F000, 0x82'0000},                      // the end of one RAM range, the gap, and the start of the other
      {0xA0'0800, 0x10},                           // a few bytes: the whole frame
      {0xFF'F000, 0x1000},                         // the last frame of RAM
  };
  FrameAllocator fa = make(arena, ram, reserved);
  auto is_reserved = [&](PhysAddr frame) {
    if (overlaps(frame, kPageSize, fa.metadata().base, fa.metadata().size)) return true;
    return std::any_of(reserved.begin(), reserved.end(),
                       [&](const PhysRange& r) { return overlaps(frame, kPageSize, r.base, r.size); });
  };
  std::set<PhysAddr> expected;
  for (const PhysRange& r : ram) {
    for (PhysAddr frame = r.base; frame < r.base + r.size; frame += kPageSize) {
      if (!is_reserved(frame)) expected.insert(frame);
    }
  }
  CHECK(fa.free_frames() == expected.size());
  std::set<PhysAddr> seen;
  for (auto frame = fa.allocate(0); frame; frame = fa.allocate(0))
    seen.insert(*frame);
  CHECK(seen == expected);
}
