// Copy, mint, insert, move and delete: the success path and every error of each.
#include <doctest/doctest.h>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

namespace {

struct Fixture {
  OwnedTable<8> t;
  FakeObject frame{CapType::Frame};
  FakeObject notification{CapType::Notification};
  FakeObject registry{CapType::ShmemRegistry};
  Fixture() {
    invoke_install(decode_install(t.table, 1, frame).value());
    invoke_install(decode_install(t.table, 2, notification).value());
    invoke_install(decode_install(t.table, 3, registry).value());
  }
  [[nodiscard]] bool consistent() const {
    const CapTable* tables[] = {&t.table};
    return check_invariants(tables).ok();
  }
};

} // namespace

TEST_CASE("copy makes a child with the same rights and badge") {
  Fixture f;
  invoke_derive(decode_mint(f.t.table, 2, 4, kRightSignal | kRightGrant, 0x40).value());
  invoke_derive(decode_copy(f.t.table, 4, 5).value());
  const Capability& copy = f.t.storage[5];
  CHECK(copy.object() == &f.notification);
  CHECK(copy.rights() == (kRightSignal | kRightGrant));
  CHECK(copy.badge() == 0x40);
  CHECK(copy.parent() == &f.t.storage[4]);
  CHECK(f.notification.cap_count() == 3);
  CHECK(f.consistent());
}

TEST_CASE("copy errors: bad source slot, empty source, bad or occupied destination") {
  Fixture f;
  CHECK(decode_copy(f.t.table, 0, 5).error() == Error::InvalidSlot);
  CHECK(decode_copy(f.t.table, 8, 5).error() == Error::InvalidSlot);
  CHECK(decode_copy(f.t.table, 6, 5).error() == Error::EmptySlot);
  CHECK(decode_copy(f.t.table, 1, 0).error() == Error::InvalidSlot);
  CHECK(decode_copy(f.t.table, 1, 99).error() == Error::InvalidSlot);
  CHECK(decode_copy(f.t.table, 1, 2).error() == Error::SlotOccupied);
  CHECK(decode_copy(f.t.table, 1, 1).error() == Error::SlotOccupied); // onto itself
  CHECK(f.frame.cap_count() == 1);                                    // nothing changed
}

TEST_CASE("mint narrows rights and may badge an unbadged capability once") {
  Fixture f;
  invoke_derive(decode_mint(f.t.table, 1, 4, kRightRead, 0).value());
  CHECK(f.t.storage[4].rights() == kRightRead);
  CHECK(f.t.storage[4].badge() == 0);
  invoke_derive(decode_mint(f.t.table, 2, 5, kRightSignal, 7).value());
  CHECK(f.t.storage[5].badge() == 7);
  // Badge 0 on a badged source keeps the source's badge.
  invoke_derive(decode_mint(f.t.table, 5, 6, kRightSignal, 0).value());
  CHECK(f.t.storage[6].badge() == 7);
  CHECK(f.t.storage[6].parent() == &f.t.storage[5]);
  CHECK(f.consistent());
}

TEST_CASE("mint errors: unknown rights, more rights, badge on badged, badge on unbadged type, bad registry badge") {
  Fixture f;
  CHECK(decode_mint(f.t.table, 1, 4, kRightSignal, 0).error() == Error::InvalidRights); // not a frame right
  CHECK(decode_mint(f.t.table, 1, 4, std::uint64_t{1} << 40, 0).error() == Error::InvalidRights);
  invoke_derive(decode_mint(f.t.table, 1, 4, kRightRead, 0).value());
  CHECK(decode_mint(f.t.table, 4, 5, kRightRead | kRightWrite, 0).error() == Error::InsufficientRights);
  CHECK(decode_mint(f.t.table, 1, 5, kRightRead, 3).error() == Error::InvalidBadge); // frames have no badge
  invoke_derive(decode_mint(f.t.table, 2, 5, kRightWait, 9).value());
  CHECK(decode_mint(f.t.table, 5, 6, kRightWait, 10).error() == Error::AlreadyBadged);
  CHECK(decode_mint(f.t.table, 3, 6, kRightRead, 0x1234).error() == Error::InvalidBadge); // prefix bits below
  CHECK(decode_mint(f.t.table, 3, 6, kRightRead, 0).ok());
  CHECK(decode_mint(f.t.table, 3, 6, kRightRead, registry_badge(std::uint64_t{0xAB} << 56, 8)).ok());
  CHECK(decode_mint(f.t.table, 6, 7, kRightRead, 0).error() == Error::EmptySlot);
  CHECK(decode_mint(f.t.table, 1, 2, kRightRead, 0).error() == Error::SlotOccupied);
  CHECK(f.frame.cap_count() == 2);
}

TEST_CASE("insert copies into another table only with Grant, with a subset of rights") {
  Fixture f;
  OwnedTable<4> other;
  invoke_derive(decode_insert(f.t.table, 1, other.table, 2, kRightRead | kRightWrite, 0).value());
  CHECK(other.storage[2].object() == &f.frame);
  CHECK(other.storage[2].rights() == (kRightRead | kRightWrite));
  CHECK(other.storage[2].parent() == &f.t.storage[1]);

  invoke_derive(decode_mint(f.t.table, 1, 4, kRightRead, 0).value()); // no Grant
  CHECK(decode_insert(f.t.table, 4, other.table, 3, kRightRead, 0).error() == Error::InsufficientRights);
  CHECK(decode_insert(f.t.table, 1, other.table, 2, kRightRead, 0).error() == Error::SlotOccupied);
  CHECK(decode_insert(f.t.table, 1, other.table, 4, kRightRead, 0).error() == Error::InvalidSlot);
  CHECK(decode_insert(f.t.table, 1, other.table, 3, kRightWait, 0).error() == Error::InvalidRights);
  CHECK(decode_insert(f.t.table, 7, other.table, 3, kRightRead, 0).error() == Error::EmptySlot);
  invoke_derive(decode_insert(f.t.table, 2, other.table, 3, kRightSignal, 0x80).value());
  CHECK(other.storage[3].badge() == 0x80);
  const CapTable* tables[] = {&f.t.table, &other.table};
  CHECK(check_invariants(tables).ok());
}

TEST_CASE("move keeps the capability's place in the tree and its kernel word") {
  Fixture f;
  OwnedTable<4> other;
  invoke_derive(decode_copy(f.t.table, 1, 4).value()); // child of 1
  invoke_derive(decode_copy(f.t.table, 4, 5).value()); // grandchild of 1
  invoke_derive(decode_copy(f.t.table, 1, 6).value()); // second child of 1
  f.t.storage[4].set_kernel_word(0xfeed);
  invoke_move(decode_move(f.t.table, 4, other.table, 1).value());
  CHECK(f.t.storage[4].empty());
  CHECK(other.storage[1].kernel_word() == 0xfeed);
  CHECK(other.storage[1].parent() == &f.t.storage[1]);
  CHECK(f.t.storage[5].parent() == &other.storage[1]);
  CHECK(f.frame.log.moved == 1);
  CHECK(f.frame.moved_from_empty);
  CHECK(f.frame.moved_to_live);
  CHECK(f.frame.cap_count() == 4);
  // Moving a root with children within a table.
  invoke_move(decode_move(f.t.table, 1, f.t.table, 7).value());
  CHECK(other.storage[1].parent() == &f.t.storage[7]);
  CHECK(f.t.storage[6].parent() == &f.t.storage[7]);
  const CapTable* tables[] = {&f.t.table, &other.table};
  CHECK(check_invariants(tables).ok());
}

TEST_CASE("move errors: bad source, empty source, bad or occupied destination") {
  Fixture f;
  CHECK(decode_move(f.t.table, 0, f.t.table, 4).error() == Error::InvalidSlot);
  CHECK(decode_move(f.t.table, 5, f.t.table, 4).error() == Error::EmptySlot);
  CHECK(decode_move(f.t.table, 1, f.t.table, 8).error() == Error::InvalidSlot);
  CHECK(decode_move(f.t.table, 1, f.t.table, 2).error() == Error::SlotOccupied);
  CHECK(decode_move(f.t.table, 1, f.t.table, 1).error() == Error::SlotOccupied);
}

TEST_CASE("delete takes everything derived from the capability with it") {
  Fixture f;
  invoke_derive(decode_copy(f.t.table, 1, 4).value());
  invoke_derive(decode_copy(f.t.table, 4, 5).value());
  invoke_derive(decode_copy(f.t.table, 4, 6).value());
  invoke_derive(decode_copy(f.t.table, 1, 7).value());
  invoke_delete(decode_delete(f.t.table, 4).value());
  CHECK(f.t.storage[4].empty());
  CHECK(f.t.storage[5].empty());
  CHECK(f.t.storage[6].empty());
  CHECK(f.t.storage[7].parent() == &f.t.storage[1]); // a sibling line is untouched
  CHECK(f.frame.cap_count() == 2);
  CHECK(f.frame.log.deleted == 3);
  CHECK(f.frame.log.destroyed == 0);
  CHECK(f.consistent());
  // Deleting the root of the line destroys the object.
  invoke_delete(decode_delete(f.t.table, 1).value());
  CHECK(f.t.storage[7].empty());
  CHECK(f.frame.log.destroyed == 1);
  CHECK(f.consistent());
}

TEST_CASE("a capability a task holds to itself cannot outlive the line it came from") {
  // The cycle the EL0 fuzzer found: a creator inserts a task's capability into that task's own
  // table, then deletes its original. With re-parenting the copy became a root that only the task
  // itself held; now it goes with the original.
  Fixture f;
  OwnedTable<4> child;
  invoke_derive(decode_insert(f.t.table, 1, child.table, 1, kRightRead, 0).value());
  invoke_delete(decode_delete(f.t.table, 1).value());
  CHECK(child.storage[1].empty());
  CHECK(f.frame.log.destroyed == 1);
}

TEST_CASE("deleting the last capability destroys the object, once, after its slot is empty") {
  Fixture f;
  invoke_derive(decode_mint(f.t.table, 2, 4, kRightWait, 5).value());
  invoke_delete(decode_delete(f.t.table, 4).value());
  CHECK(f.notification.log.destroyed == 0);
  CHECK(f.notification.last_deleted_badge == 5); // the hook saw the capability before it went
  invoke_delete(decode_delete(f.t.table, 2).value());
  CHECK(f.notification.log.destroyed == 1);
  CHECK(f.notification.log.deleted == 2);
  CHECK(f.notification.last_deleted_badge == 0);
  CHECK(f.notification.cap_count() == 0);
  CHECK(f.consistent());
}

TEST_CASE("delete errors: bad slot, empty slot") {
  Fixture f;
  CHECK(decode_delete(f.t.table, 0).error() == Error::InvalidSlot);
  CHECK(decode_delete(f.t.table, 8).error() == Error::InvalidSlot);
  CHECK(decode_delete(f.t.table, 4).error() == Error::EmptySlot);
}

TEST_CASE("clearing a table deletes everything in it and destroys what only it referenced") {
  Fixture f;
  OwnedTable<4> other;
  invoke_derive(decode_insert(f.t.table, 1, other.table, 1, kRightRead, 0).value());
  cap_table_clear(f.t.table);
  CHECK(f.t.table.used() == 0);
  CHECK(f.frame.log.destroyed == 1); // other's copy was derived from the table's: it went too
  CHECK(f.notification.log.destroyed == 1);
  CHECK(f.registry.log.destroyed == 1);
  CHECK(other.storage[1].empty()); // derived from a deleted capability
  const CapTable* tables[] = {&f.t.table, &other.table};
  CHECK(check_invariants(tables).ok());
}
