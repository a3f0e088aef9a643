#include <doctest/doctest.h>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"
#include "kernel/cap/syscall_decode.hpp"

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
  // A second capability that is not derived from the first (a copy would die with it: delete
  // revokes), as the registry's copy of a published frame is (cap_ops.hpp, decode_copy_outliving).
  invoke_install(decode_install(t.table, 3, frame).value());
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

// memory_split as the kernel carries it out (decode, charge the parent, install the new quota's
// capability as a child of the memory capability it was split through): revoking that capability
// deletes the sub-quota's capability and everything made through it, so the parent gets its bytes back.
TEST_CASE("a split-off quota hangs below the capability it was split through; revoking it takes all back") {
  OwnedTable<8> t;
  const DecodeLimits limits{0x1000, std::uint64_t{1} << 39, std::uint64_t{1} << 22, 1, 10, 64, 4096};
  const Caller caller{t.table, limits};
  FakeQuota root(16 * 4096);
  invoke_install(decode_install(t.table, 1, root).value());
  const SyscallArgs split{static_cast<std::uint64_t>(bramble::abi::Syscall::memory_split), {1, 4 * 4096, 0, 0, 0, 0}};
  auto a = decode_memory_split(split, caller);
  REQUIRE(a.ok());
  CHECK(a->memory == &t.storage[1]);
  FakeQuota child(a->bytes, a->parent);
  a->parent->charge(a->bytes);
  invoke_install(InstallOp{a->destination, &child, a->memory});
  CHECK(t.table.index_of(a->destination) == 2);
  CHECK(root.used() == 4 * 4096);
  CHECK(t.storage[2].parent() == &t.storage[1]); // derived from the capability it was split through
  CHECK(t.storage[2].rights() == bramble::abi::valid_rights(CapType::Memory));

  REQUIRE(child.check_charge(4 * 4096).ok());
  child.charge(4 * 4096);
  FakeFrame frame(0x100000, 4 * 4096, &child);
  invoke_install(InstallOp{&t.storage[3], &frame, &t.storage[2]});
  CHECK(child.check_charge(4096).error() == Error::QuotaExceeded); // exactly its bytes, no more
  const CapTable* tables[] = {&t.table};
  CHECK(check_invariants(tables).ok()); // a child of another object is allowed below a memory capability

  CHECK(invoke_revoke(decode_revoke(t.table, 1).value()) == 2); // the sub-quota's capability and the frame
  CHECK(t.storage[2].empty());
  CHECK(t.storage[3].empty());
  CHECK(frame.destroyed == 1);
  CHECK(child.detached());
  CHECK(child.reclaims == 1);
  CHECK(root.used() == 0); // back
  CHECK(check_invariants(tables).ok());
}

TEST_CASE("only a memory capability may have children of another object") {
  OwnedTable<8> t;
  FakeQuota quota(4 * 4096);
  FakeFrame a(0x100000, 4096, &quota);
  FakeFrame b(0x200000, 4096, &quota);
  invoke_install(decode_install(t.table, 1, a).value());
  invoke_install(InstallOp{&t.storage[2], &b, &t.storage[1]}); // below a frame: not a quota
  const CapTable* tables[] = {&t.table};
  CHECK_FALSE(check_invariants(tables).ok());
}
