// Policy (only what the manifest allows) and the audit trail.
#include <doctest/doctest.h>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

TEST_CASE("policy: pairs, modes, shapes and sizes outside the manifest are refused without a kernel call") {
  struct Case {
    std::size_t producer, consumer;
    ipc::RingSpec spec;
    PolicyError why;
  };
  const Case cases[] = {
      {kSink, kSrc, kSpec, PolicyError::PairNotAllowed},   // the reverse direction
      {kSrc, kSsSink, kSpec, PolicyError::PairNotAllowed}, // no rule at all
      {kSsSrc, kSsSink, kSpec, PolicyError::WrongMode},    // allowed only as self-service
      {kSrc, kSink, ipc::SpscRing<Sample, 128>::kSpec, PolicyError::ShapeNotAllowed},
      {kSrc, kSrc, kSpec, PolicyError::UnknownComponent}, // with itself
      {kSrc, 99, kSpec, PolicyError::UnknownComponent},
  };
  for (const Case& c : cases) {
    System s;
    auto ch = s.broker.establish_channel_centralized(c.producer, c.consumer, c.spec);
    REQUIRE_FALSE(ch.ok());
    CHECK(ch.error() == BrokerError::NotPermitted);
    CHECK(s.broker.last_policy_error() == c.why);
    CHECK(s.kernel.calls.empty());
    REQUIRE(s.broker.audit().size() == 1);
    const AuditRecord& r = s.broker.audit().at(0);
    CHECK(r.event == AuditEvent::Refused);
    CHECK(r.detail == static_cast<std::uint8_t>(c.why));
    CHECK(r.channel == kNoChannel);
    CHECK(r.producer == c.producer % 256);
  }
}

TEST_CASE("policy: a ring larger than the rule's maximum is refused") {
  static constexpr ChannelRule rules[] = {{"src", "sink", SetupMode::Centralized, kBigSpec, 64 * 1024}};
  const Policy p{kComponents, rules};
  auto r = p.check(kSrc, kSink, SetupMode::Centralized, kBigSpec);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == PolicyError::TooLarge);
  static constexpr ChannelRule roomy[] = {{"src", "sink", SetupMode::Centralized, kBigSpec, 2u << 20}};
  CHECK(Policy{kComponents, roomy}.check(kSrc, kSink, SetupMode::Centralized, kBigSpec).ok());
}

TEST_CASE("policy: self-service is granted only to pairs the manifest lets use it") {
  System s;
  auto refused = s.broker.grant_self_service(kSrc, kSink, kSpec);
  REQUIRE_FALSE(refused.ok());
  CHECK(s.broker.last_policy_error() == PolicyError::WrongMode);
  auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
  REQUIRE(g.ok());
  // The producer may register and allocate; the consumer may only query; both only their own names.
  const Cap* preg = s.kernel.cap_at(s.tid(kSsSrc), g->producer_registry);
  const Cap* pmem = s.kernel.cap_at(s.tid(kSsSrc), g->producer_memory);
  const Cap* creg = s.kernel.cap_at(s.tid(kSsSink), g->consumer_registry);
  REQUIRE(preg != nullptr);
  REQUIRE(pmem != nullptr);
  REQUIRE(creg != nullptr);
  CHECK(preg->rights == abi::kRightWrite);
  CHECK(creg->rights == abi::kRightRead);
  CHECK(pmem->rights == abi::kRightControl);
  // Its memory is a sub-quota of its own, not the broker's quota: sized for its ring and charged to
  // the broker's quota at once.
  CHECK(pmem->type == abi::CapType::Memory);
  const Cap* broker_memory = s.kernel.cap_at(0, FakeKernel::kMemory);
  REQUIRE(broker_memory != nullptr);
  CHECK(pmem->object != broker_memory->object);
  CHECK(s.kernel.quota_size(*pmem) == self_service_quota(kSpec));
  CHECK(s.kernel.quota_used == self_service_quota(kSpec));
  CHECK(s.kernel.count("memory_split") == 1);
  CHECK(preg->badge == abi::registry_badge(g->name, kRegistryPrefixBits));
  CHECK(creg->badge == preg->badge);
  for (std::uint64_t part = 0; part < 4; ++part)
    CHECK(abi::registry_name_permitted(preg->badge, g->name + part));
  CHECK_FALSE(abi::registry_name_permitted(preg->badge, self_service_name(g->id + 1)));
  CHECK(g->producer_window == 0);
  CHECK(s.broker.audit().at(1).event == AuditEvent::Granted);
  CHECK(s.broker.audit().at(1).mode == SetupMode::SelfService);
}

TEST_CASE("audit: established, refused, failed and closed records, with parties, size and mode") {
  System s;
  REQUIRE(s.broker.establish_channel_centralized(kSrc, kSink, kSpec).ok());
  REQUIRE_FALSE(s.broker.establish_channel_centralized(kSink, kSrc, kSpec).ok());
  s.kernel.fail_at = s.kernel.calls.size() + 2;
  REQUIRE_FALSE(s.broker.establish_channel_centralized(kSrc, kOther, kSpec).ok());
  s.kernel.fail_at = 0;
  REQUIRE(s.broker.close_channel(1).ok());
  const AuditLog& log = s.broker.audit();
  REQUIRE(log.size() == 4);
  const AuditEvent want[] = {AuditEvent::Established, AuditEvent::Refused, AuditEvent::Failed, AuditEvent::Closed};
  std::uint64_t last_time = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(log.at(i).event == want[i]);
    CHECK(log.at(i).sequence == i);
    CHECK(log.at(i).time >= last_time);
    last_time = log.at(i).time;
  }
  CHECK(log.at(0).channel == 1);
  CHECK(log.at(0).producer == kSrc);
  CHECK(log.at(0).consumer == kSink);
  CHECK(log.at(0).bytes == Ring::kBytes);
  CHECK(log.at(0).mode == SetupMode::Centralized);
  CHECK(log.at(2).consumer == kOther);
  CHECK(log.at(2).step == static_cast<std::uint8_t>(SetupStep::AllocateFrames));
  CHECK(log.at(3).channel == 1);
  CHECK(log.count(AuditEvent::Closed) == 1);
}

TEST_CASE("audit: a full trail keeps the newest records and counts what it dropped") {
  AuditLog log;
  for (std::uint64_t i = 0; i < AuditLog::kCapacity + 5; ++i) {
    log.record(AuditRecord{0, i, AuditEvent::Refused, SetupMode::Centralized, 0, 0, kNoChannel, 0, 1, i});
  }
  CHECK(log.size() == AuditLog::kCapacity);
  CHECK(log.dropped() == 5);
  CHECK(log.total() == AuditLog::kCapacity + 5);
  CHECK(log.at(0).bytes == 5);
  CHECK(log.at(0).sequence == 5);
  CHECK(log.at(AuditLog::kCapacity - 1).bytes == AuditLog::kCapacity + 4);
}
