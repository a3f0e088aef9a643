// Rollback: whichever kernel call of a centralized setup fails, everything the earlier calls made is
// undone: no frame, notification, mapping or capability is left, the quota is back, and the component
// slots are free for the next attempt.
#include <doctest/doctest.h>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

namespace {

struct Snapshot {
  std::size_t broker_caps, src_caps, sink_caps, frames, notifications, mappings;
  std::uint64_t quota;
};

Snapshot snap(const System& s) {
  return Snapshot{s.kernel.caps_in(0),    s.kernel.caps_in(s.tid(kSrc)), s.kernel.caps_in(s.tid(kSink)),
                  s.kernel.live_frames(), s.kernel.live_notifications(), s.kernel.mappings(),
                  s.kernel.quota_used};
}

void check_same(const Snapshot& a, const Snapshot& b) {
  CHECK(a.broker_caps == b.broker_caps);
  CHECK(a.src_caps == b.src_caps);
  CHECK(a.sink_caps == b.sink_caps);
  CHECK(a.frames == b.frames);
  CHECK(a.notifications == b.notifications);
  CHECK(a.mappings == b.mappings);
  CHECK(a.quota == b.quota);
}

} // namespace

TEST_CASE("rollback: a failure at each step k undoes steps 1..k-1") {
  for (std::uint64_t k = 1; k <= kSetupCalls; ++k) {
    CAPTURE(k);
    System s;
    const Snapshot before = snap(s);
    s.kernel.fail_at = k;
    auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
    REQUIRE_FALSE(ch.ok());
    CHECK(ch.error() == BrokerError::Kernel);
    check_same(before, snap(s));
    CHECK(s.broker.active_channels() == 0);
    // The audit trail names the failed step and the kernel's error.
    const AuditLog& log = s.broker.audit();
    REQUIRE(log.size() == 1);
    CHECK(log.at(0).event == AuditEvent::Failed);
    CHECK(log.at(0).step == static_cast<std::uint8_t>(s.broker.last_step()));
    CHECK(log.at(0).detail == static_cast<std::uint8_t>(abi::Error::OutOfMemory));
    // Nothing was left half-done: the same setup now succeeds, with the same component slots.
    s.kernel.fail_at = 0;
    auto again = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
    REQUIRE(again.ok());
    CHECK(again->producer.signal_handle == 1);
    CHECK(again->producer.wait_handle == 2);
    CHECK(again->producer.base == kWindowBase);
  }
}

TEST_CASE("rollback: the failing step is reported by name") {
  struct Case {
    std::uint64_t call;
    SetupStep step;
  };
  const Case cases[] = {{1, SetupStep::AllocateFrames},   {4, SetupStep::AllocateFrames},
                        {5, SetupStep::MapBroker},        {6, SetupStep::MapProducer},
                        {13, SetupStep::MapProducer},     {14, SetupStep::MapConsumer},
                        {21, SetupStep::MapConsumer},     {22, SetupStep::CreateNotifications},
                        {24, SetupStep::InstallProducer}, {27, SetupStep::InstallConsumer}};
  for (const Case& c : cases) {
    CAPTURE(c.call);
    System s;
    s.kernel.fail_at = c.call;
    REQUIRE_FALSE(s.broker.establish_channel_centralized(kSrc, kSink, kSpec).ok());
    CHECK(s.broker.last_step() == c.step);
  }
  CHECK(std::string(setup_step_name(SetupStep::InstallConsumer)) == "install-consumer");
}

TEST_CASE("rollback: running out of quota part-way frees the frames already allocated") {
  System s;
  // Room for the three control pages but not the data frame.
  s.kernel.quota_limit = 3 * 4096;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE_FALSE(ch.ok());
  CHECK(s.broker.last_kernel_error() == abi::Error::QuotaExceeded);
  CHECK(s.broker.last_step() == SetupStep::AllocateFrames);
  CHECK(s.kernel.quota_used == 0);
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.count("cap_delete") == 3);
  // Enough for the frames but not for both notifications.
  System t;
  t.kernel.quota_limit = 4 * 4096 + 64;
  REQUIRE_FALSE(t.broker.establish_channel_centralized(kSrc, kSink, kSpec).ok());
  CHECK(t.broker.last_step() == SetupStep::CreateNotifications);
  CHECK(t.kernel.quota_used == 0);
  CHECK(t.kernel.mappings() == 0);
  CHECK(t.kernel.live_notifications() == 0);
}

TEST_CASE("rollback: self-service grants are undone too") {
  // Every call a successful grant makes, the sub-quota's memory_split among them, fails once.
  std::uint64_t grant_calls = 0;
  {
    System s;
    REQUIRE(s.broker.grant_self_service(kSsSrc, kSsSink, kSpec).ok());
    grant_calls = s.kernel.calls.size();
    CHECK(s.kernel.count("memory_split") == 1);
  }
  // 3 x (mint + insert) for the registry (producer, consumer, the producer's control names), split +
  // insert for the memory.
  REQUIRE(grant_calls == 8);
  bool split_failed = false;
  for (std::uint64_t k = 1; k <= grant_calls; ++k) {
    CAPTURE(k);
    System s;
    const std::size_t caps = s.kernel.caps_in(0);
    s.kernel.fail_at = k;
    REQUIRE_FALSE(s.broker.grant_self_service(kSsSrc, kSsSink, kSpec).ok());
    split_failed = split_failed || s.kernel.calls.at(k - 1).name == "memory_split";
    CHECK(s.kernel.caps_in(0) == caps);
    CHECK(s.kernel.caps_in(s.tid(kSsSrc)) == 0);
    CHECK(s.kernel.caps_in(s.tid(kSsSink)) == 0);
    CHECK(s.kernel.live_quotas() == 1); // no sub-quota left behind...
    CHECK(s.kernel.quota_used == 0);    // ...and none still charged
    CHECK(s.broker.last_step() == SetupStep::GrantRegistry);
    // Nothing half-done: the same grant now succeeds.
    s.kernel.fail_at = 0;
    CHECK(s.broker.grant_self_service(kSsSrc, kSsSink, kSpec).ok());
  }
  CHECK(split_failed);
}

TEST_CASE("rollback: a broker quota too small for the producer's sub-quota refuses the grant") {
  System s;
  s.kernel.quota_limit = self_service_quota(kSpec) - 4096;
  REQUIRE_FALSE(s.broker.grant_self_service(kSsSrc, kSsSink, kSpec).ok());
  CHECK(s.broker.last_kernel_error() == abi::Error::QuotaExceeded);
  CHECK(s.broker.last_step() == SetupStep::GrantRegistry);
  CHECK(s.kernel.quota_used == 0);
  CHECK(s.kernel.caps_in(s.tid(kSsSrc)) == 0);
  CHECK(s.kernel.caps_in(s.tid(kSsSink)) == 0);
  s.kernel.quota_limit = self_service_quota(kSpec); // exactly enough
  CHECK(s.broker.grant_self_service(kSsSrc, kSsSink, kSpec).ok());
  CHECK(s.kernel.quota_used == s.kernel.quota_limit);
}

TEST_CASE("self_service_quota: the ring's frames as the kernel charges them, and two notifications") {
  const ipc::RingGeometry g = ipc::ring_geometry(kSpec);
  CHECK(self_service_quota(kSpec) == g.total_size + 4096); // 4 one-page frames, a page for 128 bytes
  CHECK(self_service_quota(kBigSpec) == ipc::ring_geometry(kBigSpec).total_size + 4096); // 1 MiB: a power of two
  // Data of 3 pages is charged as a 4-page block.
  const ipc::RingSpec odd{kSpec.kind, 24, 512, kSpec.index_width}; // 24-byte elements
  REQUIRE(ipc::ring_geometry(odd).data.size == 3 * 4096);
  CHECK(self_service_quota(odd) == (3 + 4 + 1) * 4096);
}
