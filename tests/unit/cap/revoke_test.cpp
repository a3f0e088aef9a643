// Revoke through the derivation tree, across tables, and the invariant checker's own failures.
#include <doctest/doctest.h>

#include <cstring>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

TEST_CASE("revoke deletes every descendant in every table, transitively, and keeps the capability") {
  OwnedTable<8> broker;
  OwnedTable<8> a;
  OwnedTable<8> b;
  FakeObject frame(CapType::Frame);
  invoke_install(decode_install(broker.table, 1, frame).value());
  invoke_derive(decode_copy(broker.table, 1, 2).value()); // sibling subtree
  invoke_derive(decode_insert(broker.table, 2, a.table, 1, kRightRead | kRightGrant, 0).value());
  invoke_derive(decode_insert(a.table, 1, b.table, 1, kRightRead | kRightGrant, 0).value()); // depth 3
  invoke_derive(decode_copy(b.table, 1, 2).value());                                         // depth 4
  invoke_derive(decode_copy(a.table, 1, 2).value());
  invoke_derive(decode_insert(broker.table, 1, b.table, 3, kRightRead, 0).value());
  // An unrelated capability to the same object (a second root) is not derived from slot 1.
  invoke_install(decode_install(a.table, 5, frame).value());
  REQUIRE(frame.cap_count() == 8);

  const std::uint64_t deleted = invoke_revoke(decode_revoke(broker.table, 1).value());
  CHECK(deleted == 6);
  CHECK(broker.table.used() == 1);
  CHECK(broker.storage[1].first_child() == nullptr);
  CHECK(a.table.used() == 1);
  CHECK(a.storage[5].object() == &frame);
  CHECK(b.table.used() == 0);
  CHECK(frame.cap_count() == 2);
  CHECK(frame.log.deleted == 6);   // each deleted capability's hook ran (mappings through it go)
  CHECK(frame.log.destroyed == 0); // revoke never destroys: the revoked capability remains
  const CapTable* tables[] = {&broker.table, &a.table, &b.table};
  CHECK(check_invariants(tables).ok());
}

TEST_CASE("revoke of a leaf deletes nothing; revoke of an empty or invalid slot fails") {
  OwnedTable<4> t;
  FakeObject object(CapType::Notification);
  invoke_install(decode_install(t.table, 1, object).value());
  CHECK(invoke_revoke(decode_revoke(t.table, 1).value()) == 0);
  CHECK(decode_revoke(t.table, 2).error() == Error::EmptySlot); // the "null capability"
  CHECK(decode_revoke(t.table, 0).error() == Error::InvalidSlot);
  CHECK(decode_revoke(t.table, 4).error() == Error::InvalidSlot);
  CHECK(object.cap_count() == 1);
}

TEST_CASE("revoke walks a deep chain without recursion") {
  // A chain as long as the table: recursion per level would be the kernel-stack risk.
  constexpr std::size_t kSlots = 4096;
  static std::array<Capability, kSlots> storage{};
  CapTable table(storage);
  FakeObject object(CapType::Frame);
  invoke_install(decode_install(table, 1, object).value());
  for (std::uint64_t i = 2; i < kSlots; ++i)
    invoke_derive(decode_copy(table, i - 1, i).value());
  CHECK(table.at(kSlots - 1).parent() == &table.at(kSlots - 2));
  CHECK(invoke_revoke(decode_revoke(table, 1).value()) == kSlots - 2);
  CHECK(table.used() == 1);
  CHECK(object.cap_count() == 1);
}

TEST_CASE("revoking a middle capability leaves its ancestors and siblings alone") {
  OwnedTable<8> t;
  FakeObject object(CapType::Frame);
  invoke_install(decode_install(t.table, 1, object).value());
  invoke_derive(decode_copy(t.table, 1, 2).value());
  invoke_derive(decode_copy(t.table, 2, 3).value());
  invoke_derive(decode_copy(t.table, 3, 4).value());
  invoke_derive(decode_copy(t.table, 1, 5).value());
  invoke_derive(decode_copy(t.table, 5, 6).value());
  CHECK(invoke_revoke(decode_revoke(t.table, 2).value()) == 2);
  CHECK(t.storage[3].empty());
  CHECK(t.storage[4].empty());
  CHECK(t.storage[2].parent() == &t.storage[1]);
  CHECK(t.storage[6].parent() == &t.storage[5]);
  const CapTable* tables[] = {&t.table};
  CHECK(check_invariants(tables).ok());
}

namespace {
// Writes raw bytes into a slot, to break an invariant on purpose (Capability is trivially copyable).
template <typename T> void poke(Capability& cap, std::size_t offset, T value) {
  std::memcpy(reinterpret_cast<unsigned char*>(&cap) + offset, &value, sizeof value);
}
constexpr std::size_t kBadgeOffset = 8;
constexpr std::size_t kParentOffset = 16;
constexpr std::size_t kRightsOffset = 56;
} // namespace

TEST_CASE("check_invariants catches broken trees, rights escalation, bad badges and wrong counts") {
  OwnedTable<8> t;
  OwnedTable<4> unlisted;
  FakeObject frame(CapType::Frame);
  FakeObject other(CapType::Frame);
  invoke_install(decode_install(t.table, 1, frame).value());
  invoke_derive(decode_mint(t.table, 1, 2, kRightRead, 0).value());
  invoke_install(decode_install(t.table, 3, other).value());
  invoke_derive(decode_copy(t.table, 2, 4).value()); // a read-only grandchild
  invoke_install(decode_install(unlisted.table, 1, frame).value());
  const CapTable* tables[] = {&t.table};
  const CapTable* both[] = {&t.table, &unlisted.table};
  REQUIRE(check_invariants(both).ok());
  CHECK_FALSE(check_invariants(tables).ok()); // a capability in a table that is not listed is uncounted

  const Capability saved_grandchild = t.storage[4];
  poke(t.storage[4], kRightsOffset, Rights{kRightRead | kRightWrite}); // more than its parent
  CHECK(check_invariants(both).violation != nullptr);
  CHECK(check_invariants(both).where == &t.storage[4]);
  t.storage[4] = saved_grandchild;
  REQUIRE(check_invariants(both).ok());

  const Capability saved = t.storage[2];
  poke(t.storage[2], kRightsOffset, Rights{kRightSignal}); // not a frame right
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[2] = saved;
  poke(t.storage[2], kBadgeOffset, Badge{3}); // frames have no badge
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[2] = saved;
  poke(t.storage[2], kParentOffset, &t.storage[3]); // parent points at another object, does not list it
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[2] = saved;
  poke(t.storage[2], kParentOffset, &t.storage[5]); // parent is an empty slot
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[2] = saved;
  REQUIRE(check_invariants(both).ok());

  t.storage[6] = t.storage[3]; // a raw copy: the object's count does not know about it
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[6] = Capability{};
  poke(t.storage[0], 0, &frame); // something in the null slot
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[0] = Capability{};
  poke(t.storage[7], kRightsOffset, Rights{1}); // an empty slot that is not all-zero
  CHECK_FALSE(check_invariants(both).ok());
  t.storage[7] = Capability{};
  CHECK(check_invariants(both).ok());
}
