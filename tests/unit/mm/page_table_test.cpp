// One translation tree at a time: the walk, blocks and pages, errors, splitting, break-before-make,
// and freeing every table. Tables live in pretend RAM (a heap arena at physical 0x4000_0000).
#include "mm/page_table.hpp"
#include "tests/unit/mm/mm_test_support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>

using namespace bramble::mm;
using mm_test::Bench;
using mm_test::Event;
using mm_test::raw_walk;

namespace {

constexpr VirtAddr kVa = 0x5220'0000; // L1 index 1, L2 index 0x91
constexpr PhysAddr kPa = 0x8000'0000; // outside the arena: never touched

PageTable user_table(Bench& b, std::span<const PhysRange> forbidden = {}) {
  auto pt = PageTable::create(Half::User, 7, b.tables, b.tlb, b.arena.window(), forbidden);
  REQUIRE(pt.ok());
  return *pt;
}

std::size_t find(const std::vector<Event>& events, std::size_t from, auto&& predicate) {
  for (std::size_t i = from; i < events.size(); ++i)
    if (predicate(events[i])) return i;
  return events.size();
}

} // namespace

TEST_CASE("a page mapping is found where the ARM ARM walk puts it: L1[VA[38:30]], L2[VA[29:21]], L3[VA[20:12]]") {
  Bench b;
  PageTable pt = user_table(b);
  const VirtAddr va = 0x5234'5000; // L1 = 1, L2 = 0x91, L3 = 0x145
  REQUIRE(pt.map(va, 0x8765'4000, kPageSize, kUserReadWrite, MemType::Normal).ok());
  const auto window = b.arena.window();
  const auto* l1 = window.to_virt<std::uint64_t>(pt.root());
  CHECK((l1[1] & 0b11) == 0b11); // a table descriptor
  for (int i = 0; i < 512; ++i)
    CHECK((i == 1 || l1[i] == 0));
  const auto* l2 = window.to_virt<std::uint64_t>(l1[1] & 0x0000'FFFF'FFFF'F000);
  CHECK((l2[0x91] & 0b11) == 0b11);
  const auto* l3 = window.to_virt<std::uint64_t>(l2[0x91] & 0x0000'FFFF'FFFF'F000);
  CHECK(l3[0x145] == 0x0060'0000'8765'4F43); // user RW, Normal, nG, PXN|UXN (hand-assembled)
  CHECK(pt.table_count() == 3);
  auto t = pt.translate(va + 0x123);
  REQUIRE(t.ok());
  CHECK(t->pa == 0x8765'4123);
  CHECK(t->perms == kUserReadWrite);
  CHECK(t->type == MemType::Normal);
  CHECK_FALSE(t->block);
  CHECK(pt.translate(va + kPageSize).error() == MmError::NotMapped);
}

TEST_CASE("blocks when allowed and aligned, pages otherwise") {
  Bench b;
  PageTable pt = user_table(b);
  // 4 MiB + 8 KiB, both addresses 2 MiB aligned: two blocks and two pages.
  REQUIRE(pt.map(kVa, kPa, 2 * kBlockSize + 2 * kPageSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  const auto w = b.arena.window();
  CHECK(raw_walk(w, pt.root(), kVa).level == 2);
  CHECK(raw_walk(w, pt.root(), kVa).descriptor == 0x0060'0000'8000'0FC1); // block: bit 1 clear
  CHECK(raw_walk(w, pt.root(), kVa + kBlockSize).level == 2);
  CHECK(raw_walk(w, pt.root(), kVa + 2 * kBlockSize).level == 3);
  CHECK(raw_walk(w, pt.root(), kVa + 2 * kBlockSize + kPageSize).level == 3);
  CHECK(pt.table_count() == 3); // root, L2, one L3
  auto t = pt.translate(kVa + kBlockSize + 0x1'2345);
  REQUIRE(t.ok());
  CHECK(t->block);
  CHECK(t->pa == kPa + kBlockSize + 0x1'2345);

  // The same request with pages only, or with a physical address off 2 MiB alignment: all pages.
  PageTable pages = user_table(b);
  REQUIRE(pages.map(kVa, kPa, kBlockSize, kUserRead, MemType::Normal, Granularity::Pages).ok());
  CHECK(raw_walk(w, pages.root(), kVa).level == 3);
  PageTable shifted = user_table(b);
  REQUIRE(shifted.map(kVa, kPa + kPageSize, kBlockSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  CHECK(raw_walk(w, shifted.root(), kVa).level == 3);
  CHECK(shifted.translate(kVa + kBlockSize - 1)->pa == kPa + kPageSize + kBlockSize - 1);
}

TEST_CASE("misaligned, empty, out-of-half and past-48-bit requests are refused") {
  Bench b;
  PageTable pt = user_table(b);
  CHECK(pt.map(kVa + 1, kPa, kPageSize, kUserRead, MemType::Normal).error() == MmError::Misaligned);
  CHECK(pt.map(kVa, kPa + 8, kPageSize, kUserRead, MemType::Normal).error() == MmError::Misaligned);
  CHECK(pt.map(kVa, kPa, 100, kUserRead, MemType::Normal).error() == MmError::Misaligned);
  CHECK(pt.map(kVa, kPa, 0, kUserRead, MemType::Normal).error() == MmError::Misaligned);
  CHECK(pt.map(kHalfSize, kPa, kPageSize, kUserRead, MemType::Normal).error() == MmError::OutOfRange);
  CHECK(pt.map(kHalfSize - kPageSize, kPa, 2 * kPageSize, kUserRead, MemType::Normal).error() == MmError::OutOfRange);
  CHECK(pt.map(kKernelHalfBase, kPa, kPageSize, kUserRead, MemType::Normal).error() == MmError::OutOfRange);
  CHECK(pt.map(kVa, 0xFFFF'FFFF'F000, 2 * kPageSize, kUserRead, MemType::Normal).error() == MmError::OutOfRange);
  CHECK(pt.map(kHalfSize - kPageSize, kPa, kPageSize, kUserRead, MemType::Normal).ok()); // the last user page
  CHECK(pt.unmap(kVa + 0x800, kPageSize).error() == MmError::Misaligned);
  CHECK(pt.protect(kHalfSize, kPageSize, kUserRead).error() == MmError::OutOfRange);
  CHECK(pt.translate(kHalfSize).error() == MmError::OutOfRange);
}

TEST_CASE("the kernel half: TTBR1 addresses only, global entries, no EL0 access") {
  Bench b;
  auto kt = PageTable::create(Half::Kernel, 0, b.tables, b.tlb, b.arena.window());
  REQUIRE(kt.ok());
  const VirtAddr top = ~std::uint64_t{0} - kPageSize + 1;
  CHECK(kt->map(0x1000, kPa, kPageSize, kKernelRead, MemType::Normal).error() == MmError::OutOfRange);
  CHECK(kt->map(kKernelHalfBase - kPageSize, kPa, kPageSize, kKernelRead, MemType::Normal).error() ==
        MmError::OutOfRange);
  CHECK(kt->map(top, kPa, 2 * kPageSize, kKernelRead, MemType::Normal).error() == MmError::OutOfRange);
  REQUIRE(kt->map(top, kPa, kPageSize, kKernelReadExecute, MemType::Normal).ok());
  REQUIRE(kt->map(kKernelHalfBase, 0xFE20'0000, kBlockSize, kKernelReadWrite, MemType::Device, Granularity::AllowBlocks)
              .ok());
  CHECK(kt->map(kKernelHalfBase + kBlockSize, kPa, kPageSize, kUserRead, MemType::Normal).error() ==
        MmError::InvalidPermissions);
  CHECK(raw_walk(b.arena.window(), kt->root(), top).descriptor == 0x0040'0000'8000'0783); // RX, no nG
  CHECK(raw_walk(b.arena.window(), kt->root(), kKernelHalfBase).descriptor == 0x0060'0000'FE20'0709);
  CHECK(kt->translate(top + 0xABC)->pa == kPa + 0xABC);
  CHECK(kt->translate(kKernelHalfBase + 0x1234)->type == MemType::Device);
}

TEST_CASE("overlap with any existing page or block is refused and changes nothing") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(kVa, kPa, kBlockSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  REQUIRE(pt.map(kVa + kBlockSize + 5 * kPageSize, kPa, kPageSize, kUserRead, MemType::Normal).ok());
  const auto events_before = b.tlb.events.size();
  const auto tables_before = pt.table_count();
  CHECK(pt.map(kVa + 0x1F'F000, kPa, 2 * kPageSize, kUserReadWrite, MemType::Normal).error() == MmError::Overlap);
  CHECK(pt.map(kVa + kBlockSize, kPa, 8 * kPageSize, kUserReadWrite, MemType::Normal).error() == MmError::Overlap);
  CHECK(pt.map(kVa - kBlockSize, kPa, 4 * kBlockSize, kUserReadWrite, MemType::Normal, Granularity::AllowBlocks)
            .error() == MmError::Overlap);
  CHECK(b.tlb.events.size() == events_before); // not one store
  CHECK(pt.table_count() == tables_before);
  CHECK(pt.translate(kVa + 0x1F'F000)->perms == kUserRead);
}

TEST_CASE("W^X, executable Device memory, and user mappings of forbidden physical memory are refused") {
  Bench b;
  const std::vector<PhysRange> kernel_image = {{0x8008'0000, 0x20'0000}};
  PageTable pt = user_table(b, kernel_image);
  const Perms user_wx{true, true, true, true};
  CHECK(pt.map(kVa, kPa, kPageSize, user_wx, MemType::Normal).error() == MmError::WriteExecute);
  CHECK(pt.map(kVa, 0xFE20'0000, kPageSize, kUserReadExecute, MemType::Device).error() == MmError::WriteExecute);
  CHECK(pt.map(kVa, 0x8000'0000, 0x9'0000, kUserRead, MemType::Normal).error() == MmError::Forbidden); // last page
  CHECK(pt.map(kVa, 0x8028'0000 - kPageSize, kPageSize, kUserRead, MemType::Normal).error() == MmError::Forbidden);
  CHECK(pt.map(kVa, 0x8028'0000, kPageSize, kUserRead, MemType::Normal).ok()); // just after it: fine
  // The kernel itself may map it in a TTBR0 tree (e.g. the boot identity map): not EL0-accessible.
  CHECK(pt.map(kVa + kBlockSize, 0x8008'0000, kPageSize, kKernelReadExecute, MemType::Normal).ok());
  // protect() may not make it EL0-accessible either.
  CHECK(pt.protect(kVa + kBlockSize, kPageSize, kUserRead).error() == MmError::Forbidden);
  CHECK(pt.protect(kVa, kPageSize, user_wx).error() == MmError::WriteExecute);
  CHECK(pt.translate(kVa)->perms == kUserRead);
}

TEST_CASE("unmap: pages and whole blocks disappear, each with a TLB invalidation for its VA and ASID") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(kVa, kPa, kBlockSize + 2 * kPageSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  CHECK(pt.unmap(kVa, kBlockSize + 3 * kPageSize).error() == MmError::NotMapped); // runs past the end
  CHECK(pt.translate(kVa)->pa == kPa);
  b.tlb.events.clear();
  REQUIRE(pt.unmap(kVa, kBlockSize + 2 * kPageSize).ok());
  std::vector<VirtAddr> invalidated;
  std::size_t freed = 0;
  for (const Event& e : b.tlb.events) {
    if (e.kind == Event::InvalidateVa && e.last_level) {
      CHECK(e.asid == 7);
      invalidated.push_back(e.value);
    }
    freed += e.kind == Event::FreeTable ? 1u : 0u;
  }
  CHECK(invalidated == std::vector<VirtAddr>{kVa, kVa + kBlockSize, kVa + kBlockSize + kPageSize});
  for (VirtAddr va : {kVa, kVa + kBlockSize, kVa + kBlockSize + kPageSize})
    CHECK(pt.translate(va).error() == MmError::NotMapped);
  CHECK(pt.unmap(kVa, kPageSize).error() == MmError::NotMapped);
  // The emptied level-3 and level-2 tables went back at once: only the root is left.
  CHECK(freed == 2);
  CHECK(pt.table_count() == 1);
}

TEST_CASE("unmap frees an emptied table only after its descriptor is gone from the walk caches") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(kVa, kPa, 2 * kPageSize, kUserRead, MemType::Normal).ok());
  const auto with_tables = pt.table_count(); // root, level 2, level 3
  REQUIRE(with_tables == 3);
  REQUIRE(pt.unmap(kVa, kPageSize).ok());
  CHECK(pt.table_count() == with_tables); // one page still mapped: the tables stay
  b.tlb.events.clear();
  REQUIRE(pt.unmap(kVa + kPageSize, kPageSize).ok());
  CHECK(pt.table_count() == 1);
  // For each freed table: its descriptor zeroed, a non-last-level invalidation, a sync, then the free.
  bool invalidated = false;
  bool synced = false;
  std::size_t freed = 0;
  for (const Event& e : b.tlb.events) {
    if (e.kind == Event::InvalidateVa && !e.last_level) invalidated = true;
    if (e.kind == Event::Sync && invalidated) synced = true;
    if (e.kind == Event::FreeTable) {
      CHECK(synced);
      ++freed;
      invalidated = synced = false;
    }
  }
  CHECK(freed == 2);
  // Mapping there again builds new tables.
  REQUIRE(pt.map(kVa, kPa, kPageSize, kUserRead, MemType::Normal).ok());
  CHECK(pt.table_count() == 3);
}

TEST_CASE("unmapping part of a block splits it with break-before-make") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(kVa, kPa, kBlockSize, kUserReadWrite, MemType::Normal, Granularity::AllowBlocks).ok());
  const auto* block_slot = raw_walk(b.arena.window(), pt.root(), kVa).slot;
  b.tlb.events.clear();
  REQUIRE(pt.unmap(kVa + 0x10'0000, kPageSize).ok());
  const auto& ev = b.tlb.events;
  // 1. the new level-3 table is filled and made visible ...
  const std::size_t fill = find(ev, 0, [](const Event& e) { return e.kind == Event::TableFill; });
  // 2. ... then the block entry is broken (invalid) ...
  const std::size_t brk = find(ev, 0, [&](const Event& e) { return e.kind == Event::Store && e.where == block_slot; });
  // 3. ... its TLB entries invalidated (all levels: a table replaces it) and the invalidation completed ...
  const std::size_t inv =
      find(ev, brk, [&](const Event& e) { return e.kind == Event::InvalidateVa && e.value == kVa; });
  const std::size_t sync = find(ev, inv, [](const Event& e) { return e.kind == Event::Sync; });
  // 4. ... and only then the table descriptor is made.
  const std::size_t make =
      find(ev, brk + 1, [&](const Event& e) { return e.kind == Event::Store && e.where == block_slot; });
  REQUIRE(make < ev.size());
  CHECK(fill < brk);
  CHECK(ev[brk].value == 0);
  CHECK(brk < inv);
  CHECK_FALSE(ev[inv].last_level);
  CHECK(ev[inv].asid == 7);
  CHECK(inv < sync);
  CHECK(sync < make);
  CHECK((ev[make].value & 0b11) == 0b11);
  // The rest of the 2 MiB is still mapped, page by page, with the same attributes.
  for (std::uint64_t off = 0; off < kBlockSize; off += kPageSize) {
    CAPTURE(off);
    auto t = pt.translate(kVa + off);
    if (off == 0x10'0000) {
      CHECK(t.error() == MmError::NotMapped);
    } else {
      REQUIRE(t.ok());
      CHECK(t->pa == kPa + off);
      CHECK(t->perms == kUserReadWrite);
      CHECK_FALSE(t->block);
      CHECK(raw_walk(b.arena.window(), pt.root(), kVa + off).descriptor == (0x0060'0000'0000'0F43 | (kPa + off)));
    }
  }
}

TEST_CASE("protect: new permissions stored, then the TLB entry invalidated, part of a block splits") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(kVa, kPa, 4 * kPageSize, kUserReadWrite, MemType::Normal).ok());
  const auto* slot = raw_walk(b.arena.window(), pt.root(), kVa + kPageSize).slot;
  b.tlb.events.clear();
  REQUIRE(pt.protect(kVa + kPageSize, kPageSize, kUserRead).ok());
  const auto& ev = b.tlb.events;
  const std::size_t store = find(ev, 0, [&](const Event& e) { return e.kind == Event::Store && e.where == slot; });
  const std::size_t inv = find(ev, store, [&](const Event& e) { return e.kind == Event::InvalidateVa; });
  REQUIRE(inv < ev.size());
  CHECK(ev[store].value == (0x0060'0000'0000'0FC3 | (kPa + kPageSize))); // AP 01 -> 11
  CHECK(ev[inv].value == kVa + kPageSize);
  CHECK(ev[inv].last_level);
  CHECK(ev.back().kind == Event::Sync);
  CHECK(pt.translate(kVa)->perms == kUserReadWrite);
  CHECK(pt.translate(kVa + kPageSize)->perms == kUserRead);
  CHECK(pt.protect(kVa + 3 * kPageSize, 2 * kPageSize, kUserRead).error() == MmError::NotMapped);
  CHECK(pt.translate(kVa + 3 * kPageSize)->perms == kUserReadWrite); // unchanged after the refusal

  // Unchanged permissions cost nothing.
  b.tlb.events.clear();
  REQUIRE(pt.protect(kVa, kPageSize, kUserReadWrite).ok());
  CHECK(find(ev, 0, [](const Event& e) { return e.kind == Event::InvalidateVa; }) == ev.size());

  // Kernel text in a block: make the middle 8 KiB read-only+executable; the block splits (BBM).
  auto kt = PageTable::create(Half::Kernel, 0, b.tables, b.tlb, b.arena.window());
  REQUIRE(kt.ok());
  REQUIRE(kt->map(kKernelHalfBase, kPa, kBlockSize, kKernelReadWrite, MemType::Normal, Granularity::AllowBlocks).ok());
  b.tlb.events.clear();
  REQUIRE(kt->protect(kKernelHalfBase + 0x8000, 2 * kPageSize, kKernelReadExecute).ok());
  CHECK(find(ev, 0, [](const Event& e) { return e.kind == Event::Store && e.value == 0; }) <
        find(ev, 0, [](const Event& e) { return e.kind == Event::InvalidateVa && !e.last_level; }));
  CHECK(kt->translate(kKernelHalfBase + 0x7000)->perms == kKernelReadWrite);
  CHECK(kt->translate(kKernelHalfBase + 0x8000)->perms == kKernelReadExecute);
  CHECK(kt->translate(kKernelHalfBase + 0x9000)->perms == kKernelReadExecute);
  CHECK(kt->translate(kKernelHalfBase + 0xA000)->perms == kKernelReadWrite);
  CHECK(kt->translate(kKernelHalfBase + 0xA000)->pa == kPa + 0xA000);
  // Device memory can never become executable.
  REQUIRE(kt->map(kKernelHalfBase + kBlockSize, 0xFE20'0000, kPageSize, kKernelReadWrite, MemType::Device).ok());
  CHECK(kt->protect(kKernelHalfBase + kBlockSize, kPageSize, kKernelReadExecute).error() == MmError::WriteExecute);
}

TEST_CASE("destroy invalidates the ASID, then frees every table: the frame allocator is back at its start") {
  Bench b;
  const auto free_at_start = b.frames.free_frames();
  PageTable pt = user_table(b);
  REQUIRE(pt.map(0x1'0000, kPa, 64 * kPageSize, kUserReadWrite, MemType::Normal).ok());
  REQUIRE(pt.map(kVa, kPa, 3 * kBlockSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  REQUIRE(pt.map(0x7F'FFE0'0000, kPa, kPageSize, kUserRead, MemType::Normal).ok());
  REQUIRE(pt.unmap(kVa + kPageSize, kPageSize).ok()); // a split adds a table
  const auto tables = pt.table_count();
  CHECK(tables == 7); // root; L2+L3 for low; L2 + split L3 for kVa; L2+L3 at the top
  CHECK(b.frames.free_frames() == free_at_start - tables);
  const PhysAddr root = pt.root();
  b.tlb.events.clear();
  pt.destroy();
  const auto& ev = b.tlb.events;
  REQUIRE(ev.size() == 2 + tables);
  CHECK(ev[0].kind == Event::InvalidateAsid);
  CHECK(ev[0].asid == 7);
  CHECK(ev[1].kind == Event::Sync);
  for (std::size_t i = 2; i < ev.size(); ++i)
    CHECK(ev[i].kind == Event::FreeTable);
  CHECK(ev.back().value == root); // the root goes last
  CHECK(pt.root() == 0);
  CHECK(b.frames.free_frames() == free_at_start);
  CHECK(b.tables.live == 0);
  CHECK(pt.map(kVa, kPa, kPageSize, kUserRead, MemType::Normal).error() == MmError::NotMapped);
}

TEST_CASE("running out of table frames mid-map undoes the partial mapping") {
  Bench b;
  PageTable pt = user_table(b);
  REQUIRE(pt.map(0x1'0000, kPa, kPageSize, kUserRead, MemType::Normal).ok());
  // Across a 1 GiB boundary: a new L3 below it, a new L2 and L3 above it; allow only two tables.
  b.tables.fail_after(2);
  const VirtAddr start = 0x4000'0000 - 4 * kPageSize;
  CHECK(pt.map(start, kPa, 8 * kPageSize, kUserRead, MemType::Normal).error() == MmError::OutOfMemory);
  for (std::uint64_t i = 0; i < 8; ++i)
    CHECK(pt.translate(start + i * kPageSize).error() == MmError::NotMapped);
  CHECK(pt.translate(0x1'0000).ok());
  // A split that cannot get its table fails before changing anything.
  b.tables.fail_after(-1);
  REQUIRE(pt.map(kVa, kPa, kBlockSize, kUserRead, MemType::Normal, Granularity::AllowBlocks).ok());
  b.tables.fail_after(0);
  CHECK(pt.unmap(kVa, kPageSize).error() == MmError::OutOfMemory);
  CHECK(pt.translate(kVa)->block);
  b.tables.fail_after(-1);
  pt.destroy();
  CHECK(b.tables.live == 0);
}

TEST_CASE("randomized map/unmap/protect against a per-page reference model") {
  Bench b(32);
  PageTable pt = user_table(b);
  struct Page {
    PhysAddr pa;
    Perms perms;
  };
  std::map<VirtAddr, Page> model;
  const VirtAddr window_base = 0x3FC0'0000; // 8 MiB straddling a 1 GiB boundary
  const std::uint64_t window_pages = 2048;
  std::mt19937_64 rng(7);
  const Perms choices[] = {kUserRead, kUserReadWrite, kUserReadExecute};
  for (int step = 0; step < 3000; ++step) {
    const std::uint64_t first = rng() % window_pages;
    const std::uint64_t pages = 1 + rng() % std::min<std::uint64_t>(window_pages - first, rng() % 4 == 0 ? 1024 : 16);
    const VirtAddr va = window_base + first * kPageSize;
    const std::uint64_t size = pages * kPageSize;
    std::size_t mapped = 0;
    for (std::uint64_t i = 0; i < pages; ++i)
      mapped += model.count(va + i * kPageSize);
    const int op = static_cast<int>(rng() % 3);
    const Perms perms = choices[rng() % 3];
    if (op == 0) {
      const PhysAddr pa = 0x1'0000'0000 + (rng() % 4) * kBlockSize + (rng() % 2 == 0 ? 0 : first * kPageSize);
      auto r = pt.map(va, pa, size, perms, MemType::Normal, Granularity::AllowBlocks);
      REQUIRE(r.ok() == (mapped == 0));
      if (!r.ok()) REQUIRE(r.error() == MmError::Overlap);
      if (r.ok())
        for (std::uint64_t i = 0; i < pages; ++i)
          model[va + i * kPageSize] = {pa + i * kPageSize, perms};
    } else if (op == 1) {
      auto r = pt.unmap(va, size);
      REQUIRE(r.ok() == (mapped == pages));
      if (r.ok())
        for (std::uint64_t i = 0; i < pages; ++i)
          model.erase(va + i * kPageSize);
    } else {
      auto r = pt.protect(va, size, perms);
      REQUIRE(r.ok() == (mapped == pages));
      if (r.ok())
        for (std::uint64_t i = 0; i < pages; ++i)
          model[va + i * kPageSize].perms = perms;
    }
    if (step % 50 == 0 || step == 2999) {
      for (std::uint64_t i = 0; i < window_pages; ++i) {
        const VirtAddr p = window_base + i * kPageSize;
        auto t = pt.translate(p);
        auto it = model.find(p);
        REQUIRE(t.ok() == (it != model.end()));
        if (t.ok()) {
          REQUIRE(t->pa == it->second.pa);
          REQUIRE(t->perms == it->second.perms);
        }
      }
    }
  }
  pt.destroy();
  CHECK(b.tables.live == 0);
}
