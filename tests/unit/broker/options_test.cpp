// Setup options for a party that is not an ordinary component (the root task in the console system):
// a "to consumer" notification shared with what the consumer already waits on, and reserved windows.
#include <doctest/doctest.h>

#include "test_system.hpp"

using namespace bramble;
using namespace bramble::broker;
using namespace bramble::broker::test;

TEST_CASE("options: a shared wake-up makes 'to consumer' a badged child of the consumer's notification") {
  System s;
  const Slot own = *s.kernel.notification_create(); // what the consumer already sleeps on
  const Cap* own_cap = s.kernel.cap_at(0, own);
  REQUIRE(own_cap != nullptr);
  const std::uint64_t own_object = own_cap->object;
  const std::size_t notifications = s.kernel.live_notifications();
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec, Wakeup{own, 1u << 12});
  REQUIRE(ch.ok());
  CHECK(s.kernel.live_notifications() == notifications + 1); // only "to producer" is new
  // The producer signals, the consumer waits: both on the shared object, the producer's copy badged.
  const Cap* producer_signal = s.kernel.cap_at(s.tid(kSrc), ch->producer.signal_handle);
  const Cap* consumer_wait = s.kernel.cap_at(s.tid(kSink), ch->consumer.wait_handle);
  REQUIRE(producer_signal != nullptr);
  REQUIRE(consumer_wait != nullptr);
  CHECK(producer_signal->object == own_object);
  CHECK(consumer_wait->object == own_object);
  CHECK(producer_signal->badge == (1u << 12));
  CHECK(producer_signal->rights == abi::kRightSignal);
  // Closing takes the copies and the child away, never the consumer's own notification.
  REQUIRE(s.broker.close_channel(ch->id).ok());
  CHECK(s.kernel.cap_at(0, own) != nullptr);
  CHECK(s.kernel.cap_at(s.tid(kSrc), ch->producer.signal_handle) == nullptr);
  CHECK(s.kernel.live_notifications() == notifications);
}

TEST_CASE("options: a failing mint of the shared wake-up rolls back like any other step") {
  System s;
  const Slot own = *s.kernel.notification_create();
  const std::size_t broker_caps = s.kernel.caps_in(0);
  auto ch = s.broker.establish_channel_centralized(kSrc, kSink, kSpec, Wakeup{FakeKernel::kTableSize + 5, 1});
  REQUIRE_FALSE(ch.ok());
  CHECK(s.broker.last_step() == SetupStep::CreateNotifications);
  CHECK(s.kernel.caps_in(0) == broker_caps);
  CHECK(s.kernel.live_frames() == 0);
  CHECK(s.kernel.cap_at(0, own) != nullptr);
}

TEST_CASE("options: reserved windows are never handed out, and stay reserved after a close") {
  System s;
  REQUIRE(s.broker.add_component(kSink, s.task[kSink], 1, 0b1).ok());
  auto first = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(first.ok());
  CHECK(first->producer.base == window_base(0));
  CHECK(first->consumer.base == window_base(1));
  REQUIRE(s.broker.close_channel(first->id).ok());
  auto again = s.broker.establish_channel_centralized(kSrc, kSink, kSpec);
  REQUIRE(again.ok());
  CHECK(again->consumer.base == window_base(1));
}
