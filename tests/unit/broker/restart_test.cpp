// component_ended(i, restarting = true) and component_restarted: a channel keeps its memory and
// notifications while a party is down, the survivor keeps its mapping, and the restarted party gets
// the same ring at the same window with fresh slots.
#include <doctest/doctest.h>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

namespace {

// Ends component i's task in the fake kernel and tells the broker it comes back; the root deletes its
// capability to the dead task.
void crash(System& s, std::size_t i) {
  s.kernel.end_task(s.task[i]);
  s.broker.component_ended(i, true);
  REQUIRE(s.kernel.cap_delete(s.task[i]).ok());
}

// Ends component i's task for good (the broker hears so).
void end(System& s, std::size_t i) {
  s.kernel.end_task(s.task[i]);
  s.broker.component_ended(i);
}

// Channel `id` is gone, and with it every frame, mapping and byte of quota it held.
void check_released(System& s, std::uint32_t id) {
  CHECK(s.broker.channel(id) == nullptr);
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.mappings() == 0);
  CHECK(s.kernel.quota_used == 0);
}

// Starts component i again as a new task.
bool restart(System& s, std::size_t i) {
  s.task[i] = s.kernel.add_task();
  return s.broker.component_restarted(i, s.task[i]).ok();
}

} // namespace

TEST_CASE("restart: a consumer that crashes and comes back finds the same ring; nothing is released meanwhile") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  REQUIRE(header != nullptr);
  const std::size_t frames = s.kernel.live_frames();
  const std::uint64_t used = s.kernel.quota_used;
  const std::size_t broker_caps = s.kernel.caps_in(0);

  crash(s, kSink);
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->state == ChannelState::Restarting);
  CHECK(ipc::peer_restarting(header));
  CHECK_FALSE(ipc::is_closed(header));
  CHECK(s.kernel.count("signal") == 0); // nobody is told to give up
  CHECK(s.kernel.live_frames() == frames);
  CHECK(s.kernel.live_notifications() == 2);
  CHECK(s.kernel.quota_used == used);
  CHECK(s.kernel.mapping(s.tid(kSrc), kWindowBase) != nullptr); // the survivor keeps its ring
  CHECK(s.kernel.caps_in(0) == broker_caps - 5);                // the dead side's four mapping copies and its task
  CHECK(s.broker.audit().count(AuditEvent::SideDown) == 1);

  REQUIRE(restart(s, kSink));
  CHECK(rec->state == ChannelState::Active);
  CHECK_FALSE(ipc::peer_restarting(header));
  CHECK(rec->restarts[kConsumer] == 1);
  CHECK(s.kernel.caps_in(0) == broker_caps);
  CHECK(s.kernel.live_frames() == frames); // the same frames, mapped again
  CHECK(s.kernel.quota_used == used);
  // The same window, Read on everything but its own page, and both notifications in its new table.
  const Cap* head = s.kernel.mapping(s.tid(kSink), kWindowBase);
  REQUIRE(head != nullptr);
  CHECK(head->map_perms == abi::kMapRead);
  const ipc::RingGeometry g = ipc::ring_geometry(kSpec);
  const Cap* own = s.kernel.mapping(s.tid(kSink), kWindowBase + g.consumer.offset);
  REQUIRE(own != nullptr);
  CHECK(own->map_perms == (abi::kMapRead | abi::kMapWrite));
  CHECK(s.kernel.caps_in(s.tid(kSink)) == 2);
  auto a = s.broker.attachment(ch->id, kSink);
  REQUIRE(a.ok());
  CHECK(a->mode == SetupMode::Centralized);
  CHECK(a->config.base == ch->consumer.base);
  CHECK(a->config.role == ipc::Role::Consumer);
  const Cap* waits = s.kernel.cap_at(s.tid(kSink), a->config.wait_handle);
  const Cap* signals = s.kernel.cap_at(s.tid(kSink), a->config.signal_handle);
  REQUIRE(waits != nullptr);
  REQUIRE(signals != nullptr);
  CHECK(waits->rights == abi::kRightWait);
  CHECK(signals->rights == abi::kRightSignal);
  CHECK(s.broker.audit().count(AuditEvent::Reattached) == 1);
}

TEST_CASE("restart: ten crashes of either side cost nothing and leak nothing") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  const std::size_t broker_caps = s.kernel.caps_in(0);
  const std::uint64_t used = s.kernel.quota_used;
  for (int round = 0; round < 10; ++round) {
    const std::size_t who = round % 2 == 0 ? kSink : kSrc;
    crash(s, who);
    REQUIRE(restart(s, who));
    CHECK(s.kernel.caps_in(0) == broker_caps);
    CHECK(s.kernel.quota_used == used);
    CHECK(s.kernel.mappings() == 9); // the broker's header page and four per side
  }
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->restarts[kProducer] == 5);
  CHECK(rec->restarts[kConsumer] == 5);
  REQUIRE(s.broker.close_channel(ch->id).ok());
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.quota_used == 0);
}

TEST_CASE("restart: a side that does not come back after all closes the channel for the survivor") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  crash(s, kSrc);
  CHECK(ipc::peer_restarting(header));
  s.broker.component_ended(kSrc); // its budget ran out: it stays down
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->state == ChannelState::PeerGone);
  CHECK(ipc::is_closed(header));
  CHECK(s.kernel.count("signal") == 2);
  CHECK(s.broker.audit().count(AuditEvent::PeerEnded) == 1);
  end(s, kSink);
  check_released(s, ch->id);
}

TEST_CASE("restart: a side that comes back after its peer ended for good reads a closed ring") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  crash(s, kSink);
  end(s, kSrc);
  CHECK(ipc::is_closed(header)); // what was published stays readable; then Closed
  REQUIRE(restart(s, kSink));
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->state == ChannelState::PeerGone);
  CHECK(ipc::is_closed(header)); // coming back does not reopen it
  CHECK(s.kernel.mapping(s.tid(kSink), kWindowBase) != nullptr);
  end(s, kSink);
  check_released(s, ch->id);
}

TEST_CASE("restart: both sides down at once wait for each other") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  crash(s, kSrc);
  crash(s, kSink);
  const ChannelRecord* rec = s.broker.channel(ch->id);
  REQUIRE(rec != nullptr);
  CHECK(rec->state == ChannelState::Restarting);
  REQUIRE(restart(s, kSink));
  CHECK(rec->state == ChannelState::Restarting); // still waiting for the producer
  CHECK(ipc::peer_restarting(header));
  REQUIRE(restart(s, kSrc));
  CHECK(rec->state == ChannelState::Active);
  CHECK_FALSE(ipc::peer_restarting(header));
}

TEST_CASE("restart: a failed re-attach leaves the component ended and the survivor is told") {
  System s;
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(ch.ok());
  void* header = s.kernel.local(kWindowBase);
  const std::size_t broker_caps = s.kernel.caps_in(0);
  crash(s, kSink);
  const std::size_t before = s.kernel.calls.size();
  s.kernel.fail_at = before + 3; // the second mapping copy's map
  s.kernel.fail_error = abi::Error::OutOfMemory;
  s.task[kSink] = s.kernel.add_task();
  auto r = s.broker.component_restarted(kSink, s.task[kSink]);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == BrokerError::Kernel);
  CHECK(s.broker.last_kernel_error() == abi::Error::OutOfMemory);
  s.kernel.fail_at = 0;
  // The root gives up on it: the task goes, the broker ends the component for good.
  end(s, kSink);
  CHECK(ipc::is_closed(header));
  end(s, kSrc);
  check_released(s, ch->id);
  // The channel's 4 frames, 8 copies and 2 notifications are gone; the tasks are the root's to delete.
  CHECK(s.kernel.caps_in(0) == broker_caps - 14);
}

TEST_CASE("restart: a self-service side gets its registry (and memory) capabilities again") {
  System s;
  auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
  REQUIRE(g.ok());
  const std::uint64_t used = s.kernel.quota_used;
  crash(s, kSsSink);
  CHECK(s.broker.channel(g->id)->state == ChannelState::Restarting);
  REQUIRE(restart(s, kSsSink));
  auto a = s.broker.attachment(g->id, kSsSink);
  REQUIRE(a.ok());
  CHECK(a->mode == SetupMode::SelfService);
  CHECK(a->window == g->consumer_window);
  CHECK(a->name == g->name);
  const Cap* registry = s.kernel.cap_at(s.tid(kSsSink), a->registry);
  REQUIRE(registry != nullptr);
  CHECK(registry->rights == abi::kRightRead);
  CHECK(a->memory == 0);
  crash(s, kSsSrc);
  REQUIRE(restart(s, kSsSrc));
  auto p = s.broker.attachment(g->id, kSsSrc);
  REQUIRE(p.ok());
  REQUIRE(s.kernel.cap_at(s.tid(kSsSrc), p->registry) != nullptr);
  CHECK(s.kernel.cap_at(s.tid(kSsSrc), p->registry)->rights == abi::kRightWrite);
  REQUIRE(s.kernel.cap_at(s.tid(kSsSrc), p->memory) != nullptr);
  CHECK(s.kernel.cap_at(s.tid(kSsSrc), p->memory)->rights == abi::kRightControl);
  CHECK(s.kernel.quota_used == used); // the same sub-quota, not a second one
  CHECK(s.kernel.live_quotas() == 2);
  CHECK(s.broker.attachment(g->id, kSrc).error() == BrokerError::NotRegistered);
  CHECK(s.broker.attachment(999, kSsSrc).error() == BrokerError::NoSuchChannel);
}

namespace {

// What a self-service producer registers under its control names (establish.hpp), made in the
// broker's table: the header (written, as the producer writes it) with "to consumer", its own page
// with "to producer".
struct Registered {
  Slot header, own, to_consumer, to_producer;
};
Registered register_control(System& s, std::uint32_t id) {
  Registered r{};
  r.header = *s.kernel.memory_allocate(4096);
  r.own = *s.kernel.memory_allocate(4096);
  r.to_consumer = *s.kernel.notification_create();
  r.to_producer = *s.kernel.notification_create();
  REQUIRE(ipc::write_header_page(s.kernel.bytes_of(r.header), kSpec).ok());
  s.kernel.publish(self_service_control_name(id), r.header, r.to_consumer);
  s.kernel.publish(self_service_control_name(id) + 1, r.own, r.to_producer);
  return r;
}

} // namespace

TEST_CASE("restart: a self-service producer's death closes the ring for its consumer through the control names") {
  System s;
  auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
  REQUIRE(g.ok());
  // The producer got a capability for the control names only: Read and Write, badged to them.
  const Cap* control = s.kernel.cap_at(s.tid(kSsSrc), g->producer_control);
  REQUIRE(control != nullptr);
  CHECK(control->rights == (abi::kRightRead | abi::kRightWrite));
  CHECK(abi::registry_name_permitted(control->badge, self_service_control_name(g->id)));
  CHECK_FALSE(abi::registry_name_permitted(control->badge, g->name));
  const Cap* consumer = s.kernel.cap_at(s.tid(kSsSink), g->consumer_registry);
  REQUIRE(consumer != nullptr);
  CHECK_FALSE(abi::registry_name_permitted(consumer->badge, self_service_control_name(g->id)));
  const Registered r = register_control(s, g->id);
  void* header = s.kernel.bytes_of(r.header);
  CHECK_FALSE(ipc::is_closed(header));

  end(s, kSsSrc);
  CHECK(ipc::is_closed(header)); // written through the broker's own mapping of the control header
  CHECK(s.kernel.signals_of(r.to_consumer) == 1);
  CHECK(s.kernel.signals_of(r.to_producer) == 1);
  CHECK(s.broker.channel(g->id)->state == ChannelState::PeerGone);
  // The consumer ends too: the broker's copies go with the rest.
  end(s, kSsSink);
  CHECK(s.broker.channel(g->id) == nullptr);
  CHECK(s.kernel.mapping(0, kWindowBase) == nullptr);
}

TEST_CASE(
    "restart: a self-service side that restarts marks the ring, and a producer that never registered is harmless") {
  System s;
  auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
  REQUIRE(g.ok());
  // Nothing registered yet: the consumer's death finds no ring to mark and nothing fails.
  crash(s, kSsSink);
  REQUIRE(restart(s, kSsSink));
  const Registered r = register_control(s, g->id);
  void* header = s.kernel.bytes_of(r.header);
  crash(s, kSsSrc);
  CHECK(ipc::peer_restarting(header));
  REQUIRE(restart(s, kSsSrc));
  CHECK_FALSE(ipc::peer_restarting(header));
  auto a = s.broker.attachment(g->id, kSsSrc);
  REQUIRE(a.ok());
  const Cap* control = s.kernel.cap_at(s.tid(kSsSrc), a->control);
  REQUIRE(control != nullptr);
  CHECK(control->rights == (abi::kRightRead | abi::kRightWrite));
}

TEST_CASE("restart: a control header that is not one page, or hides its size, is not mapped") {
  for (const bool big : {true, false}) {
    CAPTURE(big);
    System s;
    auto g = s.broker.grant_self_service(kSsSrc, kSsSink, kSpec);
    REQUIRE(g.ok());
    // A hostile producer's part 0: 8 KiB (it would cover the next record's header slot), or a page
    // whose capability lacks Audit.
    const Slot frame = *s.kernel.memory_allocate(big ? 8192 : 4096);
    const Slot published = big ? frame : *s.kernel.cap_mint(frame, abi::kRightRead | abi::kRightWrite, 0);
    const Slot note = *s.kernel.notification_create();
    s.kernel.publish(self_service_control_name(g->id), published, note);
    end(s, kSsSrc);
    CHECK(s.kernel.mapping(0, kWindowBase) == nullptr); // the broker mapped nothing
    CHECK(s.kernel.signals_of(note) == 0);
    CHECK_FALSE(ipc::is_closed(s.kernel.bytes_of(frame)));
    // The next channel's header slot is free: its setup works.
    auto next = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
    CHECK(next.ok());
  }
}
