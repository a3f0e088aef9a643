// The channel-state word on page 0: a broker closes a channel and each side reports Closed instead of
// waiting for ever (consumer: after draining what was published; producer: at its next refresh).
#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "bramble/ipc/channel.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {

using Ring = SpscRing<std::uint64_t, 4>;
using Records = RecordRing<64>;

// A notifier whose wait() plays the broker: it closes the channel, as the root task does when the peer
// ended, so a blocking call that went to sleep must come back with Closed.
struct CloseOnWait {
  void* base = nullptr;
  int* waits = nullptr;
  void signal() {}
  void wait() {
    ++*waits;
    mark_closed(base);
  }
};

} // namespace

TEST_CASE("closed: write_header leaves the channel open and mark_closed closes it") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  CHECK_FALSE(is_closed(m.base()));
  mark_closed(m.base());
  CHECK(is_closed(m.base()));
  // The header itself is untouched: the ring still validates.
  CHECK(validate_header(m.base(), m.size(), Ring::kSpec).ok());
}

TEST_CASE("closed: write_header_page lays out page 0 exactly as write_header does") {
  Mapping a(Ring::kBytes);
  Mapping b(Ring::kBytes);
  std::memset(b.bytes(), 0xee, kPageSize); // stale contents must be overwritten
  REQUIRE(write_header<DefaultIndex>(a.base(), a.size(), Ring::kSpec).ok());
  REQUIRE(write_header_page(b.base(), Ring::kSpec).ok());
  CHECK(std::memcmp(a.bytes(), b.bytes(), kChannelStateOffset + sizeof(ChannelStateWord)) == 0);
  CHECK_FALSE(is_closed(b.base()));
  CHECK(write_header_page(nullptr, Ring::kSpec).error() == Error::NullBase);
  CHECK(write_header_page(b.bytes() + 8, Ring::kSpec).error() == Error::Misaligned);
}

TEST_CASE("closed: the consumer drains what was published, then gets Closed for good") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  auto tx = Ring::open_producer(m.base(), m.size());
  auto rx = Ring::open_consumer(m.base(), m.size());
  REQUIRE(tx.ok());
  REQUIRE(rx.ok());
  REQUIRE(tx->try_push(7).ok());
  REQUIRE(tx->try_push(8).ok());
  mark_closed(m.base());
  std::uint64_t v = 0;
  REQUIRE(rx->try_pop(v).ok());
  CHECK(v == 7);
  REQUIRE(rx->try_pop(v).ok());
  CHECK(v == 8);
  CHECK(rx->try_pop(v).error() == Error::Closed);
  CHECK(rx->try_pop(v).error() == Error::Closed); // sticky
}

TEST_CASE("closed: the producer gets Closed at its next refresh, not before its cached space is used") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  auto tx = Ring::open_producer(m.base(), m.size());
  REQUIRE(tx.ok());
  mark_closed(m.base());
  // The producer's cache says 4 free slots: no shared read happens on this fast path.
  for (std::uint64_t i = 0; i < 4; ++i)
    CHECK(tx->try_push(i).ok());
  CHECK(tx->try_push(4).error() == Error::Closed);
  CHECK(tx->try_push(5).error() == Error::Closed);
}

TEST_CASE("closed: a consumer asleep on an empty ring wakes up with Closed") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  int waits = 0;
  auto rx = Ring::open_consumer(m.base(), m.size(), CloseOnWait{m.base(), &waits});
  REQUIRE(rx.ok());
  std::uint64_t v = 0;
  CHECK(rx->pop(v).error() == Error::Closed);
  CHECK(waits == 1);
}

TEST_CASE("closed: a producer asleep on a full ring wakes up with Closed") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  int waits = 0;
  auto tx = Ring::open_producer(m.base(), m.size(), CloseOnWait{m.base(), &waits});
  REQUIRE(tx.ok());
  for (std::uint64_t i = 0; i < 4; ++i)
    REQUIRE(tx->try_push(i).ok());
  CHECK(tx->push(4).error() == Error::Closed);
  CHECK(waits == 1);
}

TEST_CASE("closed: record rings report Closed the same way") {
  Mapping m(Records::kBytes);
  REQUIRE(Records::format(m.base(), m.size()).ok());
  auto tx = Records::open_producer(m.base(), m.size());
  auto rx = Records::open_consumer(m.base(), m.size());
  REQUIRE(tx.ok());
  REQUIRE(rx.ok());
  const std::array<std::byte, 5> payload{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}, std::byte{5}};
  REQUIRE(tx->try_push(payload).ok());
  mark_closed(m.base());
  std::array<std::byte, 16> out{};
  auto got = rx->try_pop(out);
  REQUIRE(got.ok());
  CHECK(got.value() == 5);
  CHECK(rx->try_pop(out).error() == Error::Closed);
  // The producer's cache covers at most the free bytes it saw; filling it ends in Closed, not Full.
  Error last = Error::Full;
  for (int i = 0; i < 16; ++i) {
    auto r = tx->try_push(payload);
    if (!r) {
      last = r.error();
      break;
    }
  }
  CHECK(last == Error::Closed);
}
