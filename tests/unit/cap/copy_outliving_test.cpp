// decode_copy_outliving: the shape the shared-memory registry gives its copies (kernel/object/
// registry.hpp). A copy hangs below the nearest ancestor outside the registrant's tables, so it
// survives the registrant and its own revokes, and still dies when the giver revokes.
#include <doctest/doctest.h>

#include "fake_objects.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
namespace abi = bramble::abi;

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr Rights kFrameGrant = abi::kRightRead | abi::kRightWrite | abi::kRightGrant;
constexpr Rights kMemoryGive = abi::kRightControl | abi::kRightGrant | abi::kRightAudit;

// A broker, a producer (with a second, kernel-slot table), the registry's entry and a consumer.
struct World {
  OwnedTable<8> broker;
  OwnedTable<8> producer;
  OwnedTable<2> producer_kernel;
  OwnedTable<3> entry;
  OwnedTable<8> consumer;
  const CapTable* all[5] = {&broker.table, &producer.table, &producer_kernel.table, &entry.table, &consumer.table};
  const CapTable* producer_tables[2] = {&producer.table, &producer_kernel.table};

  [[nodiscard]] bool consistent() const { return check_invariants(all).ok(); }
  // The registry's publish, as registry.cpp does it.
  void publish(Capability& frame, Capability& notification) {
    invoke_install(decode_copy_outliving(frame, entry.storage[1], producer_tables));
    invoke_install(decode_copy_outliving(notification, entry.storage[2], producer_tables));
  }
  // A consumer's shmem_query.
  void query() {
    invoke_derive(decode_derive(entry.storage[1], consumer.storage[1], entry.storage[1].rights(), 0).value());
    invoke_derive(decode_derive(entry.storage[2], consumer.storage[2], entry.storage[2].rights(), 0).value());
  }
};

// broker[1] = the quota, producer[1] = its grant inserted into the producer.
void grant_memory(World& w, FakeQuota& quota) {
  invoke_install(decode_install(w.broker.table, 1, quota).value());
  invoke_derive(decode_insert(w.broker.table, 1, w.producer.table, 1, kMemoryGive, 0).value());
}

} // namespace

TEST_CASE("a copy hangs below the memory the registrant was given; it outlives the registrant, not the giver") {
  World w;
  FakeQuota quota(16 * kPage);
  grant_memory(w, quota);
  // memory_allocate and notification_create through the grant, then a published copy of each.
  quota.charge(kPage);
  FakeFrame frame(0x100000, kPage, &quota);
  FakeObject notification(CapType::Notification);
  invoke_install(InstallOp{&w.producer.storage[2], &frame, &w.producer.storage[1]});
  invoke_install(InstallOp{&w.producer.storage[3], &notification, &w.producer.storage[1]});
  invoke_derive(decode_mint(w.producer.table, 2, 4, kFrameGrant, 0).value());
  invoke_derive(decode_mint(w.producer.table, 3, 5, abi::kRightSignal | abi::kRightGrant, 0x40).value());

  w.publish(w.producer.storage[4], w.producer.storage[5]);
  const Capability& r_frame = w.entry.storage[1];
  const Capability& r_notification = w.entry.storage[2];
  CHECK(r_frame.parent() == &w.broker.storage[1]); // the nearest ancestor outside the producer
  CHECK(r_frame.object() == &frame);
  CHECK(r_frame.rights() == kFrameGrant); // the published capability's rights, not the frame's all
  CHECK(r_notification.parent() == &w.broker.storage[1]);
  CHECK(r_notification.rights() == (abi::kRightSignal | abi::kRightGrant));
  CHECK(r_notification.badge() == 0x40); // and its badge
  w.query();
  CHECK(w.consistent());

  // The producer revokes and then loses everything: the entry and the consumer's copies stay.
  CHECK(invoke_revoke(decode_revoke(w.producer.table, 2).value()) == 1);
  cap_table_clear(w.producer.table);
  CHECK_FALSE(r_frame.empty());
  CHECK_FALSE(r_notification.empty());
  CHECK_FALSE(w.consumer.storage[1].empty());
  CHECK(frame.destroyed == 0);
  CHECK(quota.used() == kPage); // still charged for the frame
  CHECK(w.consistent());

  // The broker revokes its quota capability: the entry's copies and the consumer's go, the frame is
  // freed and refunds the quota.
  CHECK(invoke_revoke(decode_revoke(w.broker.table, 1).value()) == 4);
  CHECK(r_frame.empty());
  CHECK(r_notification.empty());
  CHECK(w.consumer.storage[1].empty());
  CHECK(w.consumer.storage[2].empty());
  CHECK(frame.destroyed == 1);
  CHECK(notification.log.destroyed == 1);
  CHECK(quota.used() == 0);
  CHECK(w.consistent());
}

TEST_CASE("a frame given by copy: the copy hangs below the giver's capability to the same object") {
  World w;
  FakeQuota quota(16 * kPage);
  FakeFrame frame(0x100000, kPage, &quota);
  FakeObject notification(CapType::Notification);
  invoke_install(decode_install(w.broker.table, 1, frame).value());
  invoke_install(decode_install(w.broker.table, 2, notification).value());
  invoke_derive(decode_insert(w.broker.table, 1, w.producer.table, 1, kFrameGrant, 0).value());
  invoke_derive(decode_insert(w.broker.table, 2, w.producer.table, 2, abi::kRightSignal | abi::kRightGrant, 0).value());
  // A chain through both producer tables (a kernel slot counts as the producer's too).
  invoke_derive(decode_derive(w.producer.storage[1], w.producer_kernel.storage[1], kFrameGrant, 0).value());
  invoke_derive(
      decode_derive(w.producer_kernel.storage[1], w.producer.storage[3], abi::kRightRead | abi::kRightGrant, 0)
          .value());
  w.publish(w.producer.storage[3], w.producer.storage[2]);
  CHECK(w.entry.storage[1].parent() == &w.broker.storage[1]);
  CHECK(w.entry.storage[1].rights() == (abi::kRightRead | abi::kRightGrant));
  CHECK(w.entry.storage[2].parent() == &w.broker.storage[2]);
  CHECK(w.consistent()); // same object, rights a subset of the new parent's

  cap_table_clear(w.producer.table);
  cap_table_clear(w.producer_kernel.table);
  CHECK_FALSE(w.entry.storage[1].empty());
  CHECK(w.consistent());
  CHECK(invoke_revoke(decode_revoke(w.broker.table, 1).value()) == 1);
  CHECK(w.entry.storage[1].empty());
  CHECK_FALSE(w.entry.storage[2].empty()); // the entry is dead: the registry's sweep deletes the rest
  cap_table_clear(w.entry.table);
  CHECK(w.consistent());
}

TEST_CASE("with every ancestor the registrant's, the copy is the published capability's child") {
  World w;
  FakeFrame frame(0x100000, kPage, nullptr);
  FakeObject notification(CapType::Notification);
  invoke_install(decode_install(w.producer.table, 1, frame).value()); // a boot root of its own
  invoke_install(decode_install(w.producer.table, 2, notification).value());
  invoke_derive(decode_mint(w.producer.table, 1, 3, kFrameGrant, 0).value());
  w.publish(w.producer.storage[3], w.producer.storage[2]);
  CHECK(w.entry.storage[1].parent() == &w.producer.storage[3]);
  CHECK(w.entry.storage[2].parent() == &w.producer.storage[2]);
  w.query();
  CHECK(w.consistent());

  // As before: the registrant's own revoke (or its end) withdraws the entry and the copies.
  CHECK(invoke_revoke(decode_revoke(w.producer.table, 3).value()) == 2);
  CHECK(w.entry.storage[1].empty());
  CHECK(w.consumer.storage[1].empty());
  cap_table_clear(w.producer.table);
  CHECK(w.entry.storage[2].empty());
  CHECK(frame.destroyed == 1);
  CHECK(notification.log.destroyed == 1);
  CHECK(w.consistent());
}

// A frame charged to a sub-quota the producer split for itself: the producer's end detaches the
// sub-quota while the entry still holds the frame. It must stay until the frame's refund, then be
// reclaimed (once) and give its limit back.
TEST_CASE("a detached quota outlived by a published frame is reclaimed at the frame's refund") {
  World w;
  FakeQuota quota(16 * kPage);
  grant_memory(w, quota);
  quota.charge(4 * kPage); // memory_split: the parent pays the whole limit
  FakeQuota sub(4 * kPage, &quota);
  invoke_install(InstallOp{&w.producer.storage[2], &sub, &w.producer.storage[1]});
  sub.charge(kPage);
  FakeFrame frame(0x100000, kPage, &sub);
  FakeObject notification(CapType::Notification);
  invoke_install(InstallOp{&w.producer.storage[3], &frame, &w.producer.storage[2]});
  invoke_install(InstallOp{&w.producer.storage[4], &notification, &w.producer.storage[2]});
  w.publish(w.producer.storage[3], w.producer.storage[4]);
  CHECK(w.entry.storage[1].parent() == &w.broker.storage[1]); // past the sub-quota: also the producer's
  CHECK(w.consistent());

  cap_table_clear(w.producer.table);
  CHECK(sub.detached());
  CHECK(sub.reclaims == 0); // the frame is still charged to it
  CHECK(sub.used() == kPage);
  CHECK(quota.used() == 4 * kPage);
  CHECK(w.consistent());

  CHECK(invoke_revoke(decode_revoke(w.broker.table, 1).value()) == 2);
  CHECK(frame.destroyed == 1);
  CHECK(sub.reclaims == 1);
  CHECK(quota.used() == 0); // the sub-quota's limit is back
  CHECK(w.consistent());
}
