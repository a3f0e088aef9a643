// The element pop gives slots back in groups (ConsumerCore::release_at): the head is stored once
// kReleaseBatch pops are unpublished, or at once when a pop empties the consumer's cache of the tail.
// These cases check both triggers through what the producer can see and do (its free room and the
// shared head), that other consumer calls publish pending pops with their own, and that small rings
// still publish on every pop.
#include <doctest/doctest.h>

#include <cstdint>
#include <utility>

#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {
using Index = DefaultIndex;
constexpr Index kBase = 1000;
constexpr std::size_t kN = 256;
using Ring = SpscRing<std::uint64_t, kN>;
using Core = detail::ConsumerCore<Index, kN, NoNotify>;
constexpr std::size_t kGroup = Core::kReleaseBatch;
static_assert(kGroup == 16, "a 256-slot ring gives slots back 16 at a time");
static_assert(detail::ConsumerCore<Index, 8, NoNotify>::kReleaseBatch == 1);
static_assert(detail::ConsumerCore<Index, 1, NoNotify>::kReleaseBatch == 1);
static_assert(detail::ConsumerCore<Index, 4096, NoNotify>::kReleaseBatch == 64);
static_assert(detail::ConsumerCore<std::uint32_t, 1U << 20, NoNotify>::kReleaseBatch == 64);

struct Pair {
  Mapping m{Ring::kBytes};
  Ring::Producer<> tx = open_tx();
  Ring::Consumer<> rx = std::move(Ring::open_consumer(m.base(), m.size())).value();
  Ring::Producer<> open_tx() {
    REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
    return std::move(Ring::open_producer(m.base(), m.size())).value();
  }
  Index shared_head() const { return m.consumer<Index>()->head.load(); }
};
} // namespace

TEST_CASE("release batch: a full ring's slots go back to the producer a group at a time") {
  Pair p;
  for (std::uint64_t i = 0; i < kN; ++i)
    REQUIRE(p.tx.try_push(i).ok());
  CHECK(p.tx.try_push(kN).error() == Error::Full);
  for (std::uint64_t i = 0; i + 1 < kGroup; ++i)
    REQUIRE(p.rx.try_pop().value() == i);
  // kGroup - 1 pops and the cache still holds items: nothing published, the producer still sees full.
  CHECK(p.shared_head() == kBase);
  CHECK(p.tx.try_push(kN).error() == Error::Full);
  REQUIRE(p.rx.try_pop().value() == kGroup - 1);
  CHECK(p.shared_head() == kBase + kGroup);
  for (std::uint64_t i = 0; i < kGroup; ++i)
    CHECK(p.tx.try_push(kN + i).ok());
  CHECK(p.tx.try_push(kN + kGroup).error() == Error::Full);
  // Every item arrives once, in order.
  for (std::uint64_t i = kGroup; i < kN + kGroup; ++i)
    REQUIRE(p.rx.try_pop().value() == i);
  CHECK(p.rx.try_pop().error() == Error::Empty);
  CHECK(p.shared_head() == kBase + kN + kGroup);
}

TEST_CASE("release batch: the pop that empties the cache publishes at once") {
  Pair p;
  for (std::uint64_t i = 0; i < 5; ++i)
    REQUIRE(p.tx.try_push(i).ok());
  for (std::uint64_t i = 0; i < 4; ++i)
    REQUIRE(p.rx.try_pop().value() == i);
  CHECK(p.shared_head() == kBase); // fewer than a group, and an item still cached
  REQUIRE(p.rx.try_pop().value() == 4U);
  CHECK(p.shared_head() == kBase + 5); // the cache ran dry: everything given back before reading tail again
}

TEST_CASE("release batch: one item in flight is given back on every pop (round trips)") {
  Pair p;
  for (std::uint64_t i = 0; i < 3 * kGroup; ++i) {
    REQUIRE(p.tx.try_push(i).ok());
    REQUIRE(p.rx.try_pop().value() == i);
    CHECK(p.shared_head() == kBase + i + 1);
  }
}

TEST_CASE("release batch: a batch pop or a release publishes the pending element pops with its own") {
  Pair p;
  for (std::uint64_t i = 0; i < 10; ++i)
    REQUIRE(p.tx.try_push(i).ok());
  REQUIRE(p.rx.try_pop().value() == 0U);
  REQUIRE(p.rx.try_pop().value() == 1U);
  CHECK(p.shared_head() == kBase);
  auto view = p.rx.peek(2);
  REQUIRE(view.ok());
  CHECK((*view)[0] == 2U);
  REQUIRE(p.rx.release(1).ok());
  CHECK(p.shared_head() == kBase + 3);
  REQUIRE(p.rx.try_pop().value() == 3U);
  std::uint64_t out[2] = {};
  CHECK(p.rx.try_pop_batch(out).value() == 2U);
  CHECK(out[0] == 4U);
  CHECK(out[1] == 5U);
  CHECK(p.shared_head() == kBase + 6);
}

TEST_CASE("release batch: rings of up to 31 slots publish on every pop") {
  using Small = SpscRing<std::uint64_t, 8>;
  Mapping m(Small::kBytes);
  REQUIRE(Small::format(m.base(), m.size()).ok());
  auto tx = std::move(Small::open_producer(m.base(), m.size())).value();
  auto rx = std::move(Small::open_consumer(m.base(), m.size())).value();
  for (std::uint64_t i = 0; i < 8; ++i)
    REQUIRE(tx.try_push(i).ok());
  for (std::uint64_t i = 0; i < 8; ++i) {
    REQUIRE(rx.try_pop().value() == i);
    CHECK(m.consumer<Index>()->head.load() == i + 1);
  }
}
