// User address spaces: ASIDs, TTBR0 values, the user layout rules and the channel window.
#include "mm/address_space.hpp"
#include "tests/unit/mm/mm_test_support.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace bramble::mm;
using mm_test::Bench;
using mm_test::Event;

namespace {
const std::vector<PhysRange> kKernelReserved = {{0x3000'0000, 0x40'0000}}; // pretend kernel image + tables

AddressSpace make(Bench& b, AsidAllocator& asids) {
  auto space = AddressSpace::create(asids, b.tables, b.tlb, b.arena.window(), kKernelReserved);
  REQUIRE(space.ok());
  return *space;
}
} // namespace

TEST_CASE("ASIDs: 1..255 handed out lowest first, reused after free, 0 never, errors for bad frees") {
  AsidAllocator asids;
  asids.set_limit(AsidAllocator::kAsids8Bit); // a core with 8-bit ASIDs
  for (unsigned expected = 1; expected < 256; ++expected)
    CHECK(*asids.allocate() == expected);
  CHECK(asids.allocate().error() == MmError::NoAsid);
  CHECK(asids.used() == 255);
  REQUIRE(asids.free(42).ok());
  REQUIRE(asids.free(7).ok());
  CHECK(asids.free(7).error() == MmError::DoubleFree);
  CHECK(asids.free(0).error() == MmError::NotOwned);
  CHECK(asids.free(256).error() == MmError::NotOwned);
  CHECK(*asids.allocate() == 7);
  CHECK(*asids.allocate() == 42);
}

TEST_CASE("16-bit ASIDs: 65,535 spaces, the top one in TTBR0's whole ASID field") {
  AsidAllocator asids; // the default: the 16-bit ASIDs of every core Bramble runs on
  CHECK(asids.limit() == AsidAllocator::kMaxAsids);
  unsigned last = 0;
  for (unsigned n = 1; n < AsidAllocator::kMaxAsids; ++n)
    last = *asids.allocate();
  CHECK(last == 0xFFFF);
  CHECK(asids.used() == 65535);
  CHECK(asids.allocate().error() == MmError::NoAsid);
  REQUIRE(asids.free(300).ok());
  CHECK(*asids.allocate() == 300); // a freed one in a word past the first is found again
  CHECK(ttbr_value(0x1000, 0xFFFF) == (std::uint64_t{0xFFFF} << 48 | 0x1000));
}

TEST_CASE("create gives each space a root and an ASID, ttbr0_value is root | ASID << 48") {
  Bench b;
  AsidAllocator asids;
  AddressSpace a = make(b, asids);
  AddressSpace c = make(b, asids);
  CHECK(a.asid() == 1);
  CHECK(c.asid() == 2);
  CHECK(a.ttbr0_value() == (a.page_table().root() | (std::uint64_t{1} << 48)));
  CHECK(c.ttbr0_value() == (c.page_table().root() | (std::uint64_t{2} << 48)));
  CHECK(a.page_table().root() != c.page_table().root());
  CHECK(a.page_table().root() % kPageSize == 0);
  // A new space invalidates its (possibly recycled) ASID before first use.
  const std::size_t n = b.tlb.events.size();
  a.destroy();
  AddressSpace d = make(b, asids);
  CHECK(d.asid() == 1);
  bool invalidated = false;
  for (std::size_t i = n; i < b.tlb.events.size(); ++i)
    invalidated = invalidated || (b.tlb.events[i].kind == Event::InvalidateAsid && b.tlb.events[i].asid == 1);
  CHECK(invalidated);
}

TEST_CASE("user layout: page zero region, upper limit, user permissions, kernel memory, the window") {
  Bench b;
  AsidAllocator asids;
  AddressSpace s = make(b, asids);
  const PhysAddr frame = 0x9000'0000; // outside the pretend kernel range
  CHECK(s.map(0x0, frame, kPageSize, kUserRead).error() == MmError::OutOfRange);
  CHECK(s.map(kUserBase - kPageSize, frame, kPageSize, kUserRead).error() == MmError::OutOfRange);
  CHECK(s.map(kUserTop - kPageSize, frame, 2 * kPageSize, kUserRead).error() == MmError::OutOfRange);
  CHECK(s.map(kUserBase, frame, kPageSize, kKernelReadWrite).error() == MmError::InvalidPermissions);
  CHECK(s.map(kUserBase, 0x3010'0000, kPageSize, kUserRead).error() == MmError::Forbidden);
  CHECK(s.map(kChannelWindowBase - kPageSize, frame, 2 * kPageSize, kUserReadWrite).error() == MmError::Forbidden);
  CHECK(s.map(kChannelWindowEnd - kPageSize, frame, kPageSize, kUserReadWrite).error() == MmError::Forbidden);
  CHECK(s.map(kUserBase, frame, kPageSize, kUserReadExecute).ok());
  CHECK(s.map(kChannelWindowEnd, frame, kPageSize, kUserReadWrite).ok());
  CHECK(s.map(kUserTop - kPageSize, frame, kPageSize, kUserRead).ok());
  CHECK(s.protect(kUserBase, kPageSize, kKernelRead).error() == MmError::InvalidPermissions);
  CHECK(s.translate(kUserBase)->perms == kUserReadExecute);
  CHECK(s.unmap(kUserBase, kPageSize).ok());
  CHECK(s.translate(kUserBase).error() == MmError::NotMapped);
  // Every user entry is non-global (nG, bit 11) so the TLB tags it with the ASID.
  const auto leaf = mm_test::raw_walk(b.arena.window(), s.page_table().root(), kUserTop - kPageSize);
  CHECK((leaf.descriptor & (1ULL << 11)) != 0);
}

TEST_CASE("the channel window: only map_channel, Normal memory, never executable, inside the window") {
  Bench b;
  AsidAllocator asids;
  AddressSpace s = make(b, asids);
  const PhysAddr frame = 0x9000'0000;
  CHECK(s.map_channel(kChannelWindowBase - kPageSize, frame, kPageSize, kUserReadWrite).error() == MmError::OutOfRange);
  CHECK(s.map_channel(kChannelWindowEnd - kPageSize, frame, 2 * kPageSize, kUserReadWrite).error() ==
        MmError::OutOfRange);
  CHECK(s.map_channel(kChannelWindowBase, frame, kPageSize, kUserReadExecute).error() == MmError::WriteExecute);
  CHECK(s.map_channel(kChannelWindowBase, 0x3000'0000, kPageSize, kUserRead).error() == MmError::Forbidden);
  REQUIRE(s.map_channel(kChannelWindowBase, frame, 2 * kPageSize, kUserReadWrite).ok());
  CHECK(s.translate(kChannelWindowBase)->type == MemType::Normal);
  CHECK(s.protect(kChannelWindowBase, kPageSize, kUserReadExecute).error() == MmError::WriteExecute);
  CHECK(s.protect(kChannelWindowBase, kPageSize, kUserRead).ok());
  CHECK(s.unmap(kChannelWindowBase, 2 * kPageSize).ok());
}

TEST_CASE("two spaces share a frame at 0x9000_0000 and see each other's writes, a third does not have it") {
  Bench b;
  AsidAllocator asids;
  AddressSpace producer = make(b, asids);
  AddressSpace consumer = make(b, asids);
  AddressSpace outsider = make(b, asids);
  auto frame = b.frames.allocate(0);
  REQUIRE(frame.ok());
  REQUIRE(producer.map_channel(kChannelWindowBase, *frame, kPageSize, kUserReadWrite).ok());
  REQUIRE(consumer.map_channel(kChannelWindowBase, *frame, kPageSize, kUserRead).ok());
  const auto p = producer.translate(kChannelWindowBase + 0x10);
  const auto c = consumer.translate(kChannelWindowBase + 0x10);
  REQUIRE((p.ok() && c.ok()));
  CHECK(p->pa == c->pa);
  *b.arena.window().to_virt<std::uint32_t>(p->pa) = 0xC0FFEE;         // the producer writes ...
  CHECK(*b.arena.window().to_virt<std::uint32_t>(c->pa) == 0xC0FFEE); // ... the consumer reads it
  CHECK(consumer.translate(kChannelWindowBase)->perms == kUserRead);
  CHECK(outsider.translate(kChannelWindowBase).error() == MmError::NotMapped);
}

TEST_CASE("destroying spaces frees their tables and ASIDs: counters back to the start") {
  Bench b;
  AsidAllocator asids;
  asids.set_limit(AsidAllocator::kAsids8Bit); // exhausting 65,535 would take 200k frames here
  const auto free_at_start = b.frames.free_frames();
  std::vector<AddressSpace> spaces;
  for (int i = 0; i < 255; ++i) {
    spaces.push_back(make(b, asids));
    REQUIRE(spaces.back().map(kUserBase, 0x9000'0000, kPageSize, kUserRead).ok());
  }
  CHECK(AddressSpace::create(asids, b.tables, b.tlb, b.arena.window(), kKernelReserved).error() == MmError::NoAsid);
  CHECK(b.frames.free_frames() == free_at_start - 255 * 3);
  for (AddressSpace& s : spaces)
    s.destroy();
  CHECK(b.frames.free_frames() == free_at_start);
  CHECK(asids.used() == 0);
  spaces.front().destroy(); // twice: harmless
  CHECK(asids.used() == 0);
}
