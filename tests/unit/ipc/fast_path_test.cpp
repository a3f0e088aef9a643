// The element fast path (try_push / try_pop) has no fault test of its own: it relies on a fault
// emptying the handle's cache of the peer's index, so that its one "cache says full/empty?" compare
// sends a faulted handle to the slow path, which reports the fault. These cases fault a handle on
// another path while its cache still promised room (or items) and check that the fast path then
// refuses, and that it neither touches the data region nor moves the index it publishes.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {
using Index = DefaultIndex;
constexpr Index kBase = 500;
constexpr std::size_t kN = 8;
using Ring = SpscRing<std::uint64_t, kN>;

std::vector<unsigned char> data_copy(const Mapping& m) {
  return std::vector<unsigned char>(m.data(), m.data() + kN * sizeof(std::uint64_t));
}
} // namespace

TEST_CASE("fast path: a producer faulted by a batch refresh refuses try_push despite cached room") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
  auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
  REQUIRE(tx.try_push(7).ok()); // the cached head still says 7 slots are free
  const Index published = m.producer<Index>()->tail.load();
  // The consumer's head runs ahead of anything published: impossible, caught at the next refresh,
  // which a batch larger than the cached room forces.
  m.consumer<Index>()->head.store(static_cast<Index>(kBase + 5));
  const std::uint64_t batch[kN] = {};
  CHECK(tx.try_push_batch(batch).error() == Error::PeerCorrupted);
  const auto before = data_copy(m);
  CHECK(tx.try_push(42).error() == Error::PeerCorrupted);
  CHECK(tx.try_emplace(43U).error() == Error::PeerCorrupted);
  CHECK(data_copy(m) == before);
  CHECK(m.producer<Index>()->tail.load() == published);
  CHECK(tx.position() == published);
}

TEST_CASE("fast path: a consumer faulted by a peek refresh refuses try_pop despite cached items") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
  auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
  auto rx = std::move(Ring::open_consumer(m.base(), m.size())).value();
  for (std::uint64_t i = 0; i < 5; ++i)
    REQUIRE(tx.try_push(i).ok());
  REQUIRE(rx.try_pop().value() == 0U); // the cached tail now promises 4 more items
  const Index released = m.consumer<Index>()->head.load();
  m.producer<Index>()->tail.store(static_cast<Index>(kBase + kN + 3)); // more than capacity ahead
  CHECK(rx.peek(kN).error() == Error::PeerCorrupted);                  // wants more than cached: refreshes, faults
  std::uint64_t out = 99;
  CHECK(rx.try_pop(out).error() == Error::PeerCorrupted);
  CHECK(out == 99U);
  CHECK(rx.try_pop().error() == Error::PeerCorrupted);
  CHECK(m.consumer<Index>()->head.load() == released);
  CHECK(rx.position() == released);
}

TEST_CASE("fast path: a producer that learnt of a close refuses try_push despite cached room") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
  REQUIRE(tx.try_push(1).ok());
  mark_closed(m.base());
  const std::uint64_t batch[kN] = {};
  CHECK(tx.try_push_batch(batch).error() == Error::Closed);
  CHECK(tx.try_push(2).error() == Error::Closed);
  CHECK(m.producer<Index>()->tail.load() == 1U);
}

TEST_CASE("fast path: faults are still reported in order when the cache runs out normally") {
  // Control for the cases above: without a fault, the cached room is used up by the fast path alone,
  // then the slow path refreshes, and a hostile head found there faults the handle.
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
  auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
  for (std::uint64_t i = 0; i < kN; ++i)
    REQUIRE(tx.try_push(i).ok());
  CHECK(tx.try_push(8).error() == Error::Full);                   // refreshed: the honest head says full
  m.consumer<Index>()->head.store(static_cast<Index>(kBase - 1)); // backwards
  CHECK(tx.try_push(8).error() == Error::PeerCorrupted);
  CHECK(tx.broken());
}
