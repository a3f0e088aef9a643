#include <doctest/doctest.h>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using bramble::abi::Error;

TEST_CASE("a quota charges up to its limit and refunds") {
  FakeQuota quota(3 * 4096);
  CHECK(quota.check_charge(3 * 4096).ok());
  CHECK(quota.check_charge(3 * 4096 + 1).error() == Error::QuotaExceeded);
  quota.charge(2 * 4096);
  CHECK(quota.used() == 2 * 4096);
  CHECK(quota.available() == 4096);
  CHECK(quota.check_charge(4096).ok());
  CHECK(quota.check_charge(4097).error() == Error::QuotaExceeded);
  CHECK(quota.check_charge(~std::uint64_t{0}).error() == Error::QuotaExceeded);
  quota.refund(4096);
  CHECK(quota.used() == 4096);
  quota.refund(10 * 4096); // more than in use: stops at zero instead of wrapping
  CHECK(quota.used() == 0);
  CHECK(quota.reclaims == 0); // still has capabilities... none yet, but not detached either
}

TEST_CASE("frames refund their quota when destroyed; a detached quota is reclaimed when empty") {
  OwnedTable<8> t;
  FakeQuota quota(4 * 4096);
  invoke_install(decode_install(t.table, 1, quota).value());
  REQUIRE(quota.check_charge(2 * 4096).ok());
  quota.charge(2 * 4096);
  FakeFrame frame(0x100000, 2 * 4096, &quota);
  invoke_install(decode_install(t.table, 2, frame).value());
  invoke_derive(decode_copy(t.table, 2, 3).value());
  CHECK(quota.used() == 2 * 4096);

  invoke_delete(decode_delete(t.table, 1).value()); // the quota's last capability
  CHECK(quota.detached());
  CHECK(quota.check_charge(1).error() == Error::QuotaExceeded); // nobody may charge it any more
  CHECK(quota.reclaims == 0);                                   // a frame still owes it

  invoke_delete(decode_delete(t.table, 2).value());
  CHECK(frame.destroyed == 0);
  invoke_delete(decode_delete(t.table, 3).value());
  CHECK(frame.destroyed == 1);
  CHECK(quota.used() == 0);
  CHECK(quota.reclaims == 1);
  CHECK(quota.reclaimed());
}

TEST_CASE("sub-quotas charge their parent in full and give it back when reclaimed") {
  OwnedTable<8> t;
  FakeQuota root(16 * 4096);
  REQUIRE(root.check_charge(8 * 4096).ok());
  root.charge(8 * 4096);
  FakeQuota child(8 * 4096, &root);
  REQUIRE(child.check_charge(4 * 4096).ok());
  child.charge(4 * 4096);
  FakeQuota grandchild(4 * 4096, &child);
  invoke_install(decode_install(t.table, 1, root).value());
  invoke_install(decode_install(t.table, 2, child).value());
  invoke_install(decode_install(t.table, 3, grandchild).value());
  CHECK(root.available() == 8 * 4096);
  CHECK(child.check_charge(4 * 4096 + 1).error() == Error::QuotaExceeded);

  grandchild.charge(4096);
  invoke_delete(decode_delete(t.table, 2).value()); // child detached, but owes nothing itself...
  CHECK(child.reclaims == 0);                       // ...its grandchild still holds 4 pages of it
  invoke_delete(decode_delete(t.table, 3).value());
  CHECK(grandchild.reclaims == 0); // one page still charged to the grandchild
  grandchild.refund(4096);         // the last frame made from it dies
  CHECK(grandchild.reclaims == 1);
  CHECK(child.reclaims == 1); // the chain unwinds: grandchild -> child -> root
  CHECK(child.used() == 0);
  CHECK(root.used() == 0);
  CHECK(root.reclaims == 0); // root keeps its capability
}
