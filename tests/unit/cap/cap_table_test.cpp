#include <doctest/doctest.h>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using bramble::abi::Error;

TEST_CASE("a slot is 64 bytes, so a 4 KiB frame holds 64 of them") {
  CHECK(sizeof(Capability) == 64);
  CHECK(kSlotsPerPage == 64);
  CHECK(kSlotsPerPage * sizeof(Capability) == 4096);
}

TEST_CASE("a new table empties its storage and reports its size") {
  std::array<Capability, 8> storage{};
  FakeObject object(CapType::Frame);
  // Dirty the storage through a table, then build a second table over it.
  CapTable first(storage);
  invoke_install(decode_install(first, 3, object).value());
  CHECK(first.used() == 1);
  CapTable table(storage);
  CHECK(table.size() == 8);
  CHECK(table.used() == 0);
  for (const Capability& slot : table.slots())
    CHECK(slot.empty());
}

TEST_CASE("slot lookups check range, occupancy, type and rights in that order") {
  OwnedTable<4> t;
  FakeObject frame(CapType::Frame);
  invoke_install(decode_install(t.table, 1, frame).value());

  CHECK(t.table.slot(0).error() == Error::InvalidSlot); // the null slot
  CHECK(t.table.slot(4).error() == Error::InvalidSlot);
  CHECK(t.table.slot(~std::uint64_t{0}).error() == Error::InvalidSlot);
  CHECK(t.table.slot(3).ok());
  CHECK(t.table.occupied(2).error() == Error::EmptySlot);
  CHECK(t.table.vacant(1).error() == Error::SlotOccupied);
  CHECK(t.table.lookup(2, CapType::Frame, 0).error() == Error::EmptySlot);
  CHECK(t.table.lookup(1, CapType::Task, 0).error() == Error::WrongType);
  CHECK(t.table.lookup(1, CapType::Frame, bramble::abi::kRightSignal).error() == Error::InsufficientRights);
  REQUIRE(t.table.lookup(1, CapType::Frame, bramble::abi::kRightRead | bramble::abi::kRightWrite).ok());
  CHECK(t.table.lookup(1, CapType::Frame, 0).value() == &t.storage[1]);
}

TEST_CASE("find_free returns the lowest free slot, skips an excluded one, and reports a full table") {
  OwnedTable<4> t;
  FakeObject object(CapType::Notification);
  CHECK(t.table.find_free().value() == &t.storage[1]);
  invoke_install(decode_install_free(t.table, object).value());
  CHECK(t.table.find_free().value() == &t.storage[2]);
  CHECK(t.table.find_free(&t.storage[2]).value() == &t.storage[3]);
  invoke_install(decode_install_free(t.table, object).value());
  CHECK(t.table.find_free(&t.storage[3]).error() == Error::TableFull);
  invoke_install(decode_install_free(t.table, object).value());
  CHECK(t.table.find_free().error() == Error::TableFull);
  CHECK(decode_install_free(t.table, object).error() == Error::TableFull);
  CHECK(object.cap_count() == 3);
}

TEST_CASE("contains and index_of recognise the table's own slots only") {
  OwnedTable<4> a;
  OwnedTable<4> b;
  CHECK(a.table.contains(&a.storage[0]));
  CHECK(a.table.contains(&a.storage[3]));
  CHECK_FALSE(a.table.contains(&b.storage[1]));
  CHECK_FALSE(a.table.contains(nullptr));
  const auto* misaligned = reinterpret_cast<const Capability*>(reinterpret_cast<const char*>(&a.storage[1]) + 8);
  CHECK_FALSE(a.table.contains(misaligned));
  CHECK(a.table.index_of(&a.storage[2]) == 2);
}

TEST_CASE("a new object's first capability carries every right its type uses and no badge") {
  OwnedTable<4> t;
  for (std::uint8_t raw = 1; raw < bramble::abi::kCapTypeCount; ++raw) {
    const auto type = static_cast<CapType>(raw);
    FakeObject object(type);
    invoke_install(decode_install(t.table, 1, object).value());
    CHECK(t.storage[1].type() == type);
    CHECK(t.storage[1].rights() == bramble::abi::valid_rights(type));
    CHECK(t.storage[1].badge() == 0);
    CHECK(t.storage[1].parent() == nullptr);
    invoke_delete(decode_delete(t.table, 1).value());
    CHECK(object.log.destroyed == 1);
  }
}
