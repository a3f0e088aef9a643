// close_channel and component_ended: unmap both sides, revoke, free; tell the survivor.
#include <doctest/doctest.h>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

TEST_CASE("teardown: close_channel tells both sides, then unmaps, revokes and frees everything") {
  System s;
  const std::size_t broker_caps = s.kernel.caps_in(0);
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  CHECK(s.kernel.quota_used > 0);
  void* header = s.kernel.local(kWindowBase);
  REQUIRE(header != nullptr);
  const std::size_t mark = s.kernel.calls.size();
  REQUIRE(s.broker.close_channel(ch->id).ok());
  CHECK(ipc::is_closed(header)); // the fake keeps the frame's memory for the test to look at
  // Both notifications were signalled before anything was taken away.
  REQUIRE(s.kernel.calls.size() > mark + 2);
  CHECK(s.kernel.calls[mark].name == "signal");
  CHECK(s.kernel.calls[mark + 1].name == "signal");
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.live_notifications() == 0);
  CHECK(s.kernel.mappings() == 0);
  CHECK(s.kernel.quota_used == 0);
  CHECK(s.kernel.caps_in(0) == broker_caps);
  CHECK(s.kernel.caps_in(s.tid(kSrc)) == 0);
  CHECK(s.kernel.caps_in(s.tid(kSink)) == 0);
  CHECK(s.broker.channel(ch->id) == nullptr);
  CHECK(s.broker.close_channel(ch->id).error() == BrokerError::NoSuchChannel);
  // The window is free again.
  auto again = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(again.ok());
  CHECK(again->producer.base == kWindowBase);
}

TEST_CASE("teardown: a dead producer's channel is closed for the consumer, which keeps its mapping until it ends") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  s.kernel.end_task(s.task[kSrc]);
  s.broker.component_ended(kSrc);
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->state == ChannelState::PeerGone);
  CHECK(ipc::is_closed(header));
  CHECK(s.kernel.count("signal") == 2);
  // The consumer can still read what was published (no fault), and its next empty read says Closed.
  CHECK(s.kernel.mapping(s.tid(kSink), kWindowBase) != nullptr);
  CHECK(s.kernel.mapping(s.tid(kSrc), kWindowBase) == nullptr);
  CHECK(s.broker.audit().count(AuditEvent::PeerEnded) == 1);
  // Once the consumer ends too, nothing is left.
  s.kernel.end_task(s.task[kSink]);
  s.broker.component_ended(kSink);
  CHECK(s.broker.channel(ch->id) == nullptr);
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.live_notifications() == 0);
  CHECK(s.kernel.mappings() == 0);
  CHECK(s.kernel.quota_used == 0);
  CHECK(s.broker.audit().count(AuditEvent::Closed) == 1);
}

TEST_CASE("teardown: closing a channel whose peer ended releases the rest") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  s.kernel.end_task(s.task[kSink]);
  s.broker.component_ended(kSink);
  REQUIRE(s.broker.close_channel(ch->id).ok());
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.mappings() == 0);
  CHECK(s.kernel.quota_used == 0);
  // An ended component gets no new channels.
  auto late = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error() == BrokerError::NotRegistered);
}

TEST_CASE("teardown: a self-service channel's grants are revoked when it closes") {
  System s;
  const std::size_t broker_caps = s.kernel.caps_in(0);
  auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
  REQUIRE(g.ok());
  CHECK(s.kernel.caps_in(s.tid(kSsSrc)) == 3); // registry, memory, control names
  CHECK(s.kernel.live_quotas() == 2);          // the broker's and the producer's sub-quota
  CHECK(s.kernel.quota_used == self_service_quota(kSpec));
  REQUIRE(s.broker.close_channel(g->id).ok());
  CHECK(s.kernel.caps_in(s.tid(kSsSrc)) == 0);
  CHECK(s.kernel.caps_in(s.tid(kSsSink)) == 0);
  CHECK(s.kernel.caps_in(0) == broker_caps);
  CHECK(s.kernel.live_quotas() == 1); // the sub-quota's capabilities are gone: its bytes are back
  CHECK(s.kernel.quota_used == 0);
}
