// SpscRing<T, N>: element, batch and zero-copy paths, full/empty, wrap of positions and of the index.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {

template <typename T, std::size_t N, typename I = DefaultIndex> struct Pair {
  using Ring = SpscRing<T, N, I>;
  Mapping m{Ring::kBytes};
  bool formatted;
  typename Ring::template Producer<> tx;
  typename Ring::template Consumer<> rx;
  explicit Pair(I start = 0) : formatted(Ring::format(m.base(), m.size(), start).ok()), tx(open_tx()), rx(open_rx()) {
    REQUIRE(formatted);
  }
  typename Ring::template Producer<> open_tx() {
    auto r = Ring::open_producer(m.base(), m.size());
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  typename Ring::template Consumer<> open_rx() {
    auto r = Ring::open_consumer(m.base(), m.size());
    REQUIRE(r.ok());
    return std::move(r).value();
  }
};

struct Point {
  std::int32_t x;
  std::int32_t y;
};

} // namespace

TEST_CASE("spsc push then pop returns items in order; empty and full are reported") {
  Pair<std::uint64_t, 8> p;
  CHECK(p.rx.try_pop().error() == Error::Empty);
  for (std::uint64_t i = 0; i < 8; ++i)
    REQUIRE(p.tx.try_push(100 + i).ok());
  CHECK(p.tx.try_push(999).error() == Error::Full);
  for (std::uint64_t i = 0; i < 8; ++i) {
    auto v = p.rx.try_pop();
    REQUIRE(v.ok());
    CHECK(v.value() == 100 + i);
  }
  CHECK(p.rx.try_pop().error() == Error::Empty);
  // After draining there is room again: the producer refreshes its cached head.
  CHECK(p.tx.try_push(7).ok());
  CHECK(p.rx.try_pop().value() == 7);
  CHECK_FALSE(p.tx.broken());
  CHECK_FALSE(p.rx.broken());
}

TEST_CASE("spsc positions wrap around the ring many times") {
  Pair<std::uint32_t, 4> p;
  std::uint32_t next_in = 0, next_out = 0;
  for (int round = 0; round < 100; ++round) {
    const int burst = 1 + round % 4; // 1..4 items, so the slot offsets drift across the end
    for (int k = 0; k < burst; ++k)
      REQUIRE(p.tx.try_push(next_in++).ok());
    for (int k = 0; k < burst; ++k)
      CHECK(p.rx.try_pop().value() == next_out++);
  }
  CHECK(p.tx.position() == next_in);
  CHECK(p.rx.position() == next_out);
}

TEST_CASE("spsc 64-bit index wraps past 2^64 without losing or duplicating items") {
  constexpr std::uint64_t kStart = std::numeric_limits<std::uint64_t>::max() - 5;
  Pair<std::uint64_t, 8, std::uint64_t> p(kStart);
  for (std::uint64_t i = 0; i < 20; ++i) {
    REQUIRE(p.tx.try_push(i).ok());
    REQUIRE(p.tx.try_push(i + 1000).ok());
    CHECK(p.rx.try_pop().value() == i);
    CHECK(p.rx.try_pop().value() == i + 1000);
  }
  CHECK(p.tx.position() == kStart + 40); // wrapped (unsigned arithmetic)
  CHECK(p.tx.position() < kStart);
  // Full and empty are still recognised right at the wrap.
  Pair<std::uint64_t, 8, std::uint64_t> q(std::numeric_limits<std::uint64_t>::max() - 3);
  for (std::uint64_t i = 0; i < 8; ++i)
    REQUIRE(q.tx.try_push(i).ok());
  CHECK(q.tx.try_push(8).error() == Error::Full);
  for (std::uint64_t i = 0; i < 8; ++i)
    CHECK(q.rx.try_pop().value() == i);
  CHECK(q.rx.try_pop().error() == Error::Empty);
}

TEST_CASE("spsc 32-bit index (Cortex-M width) wraps past 2^32") {
  constexpr std::uint32_t kStart = std::numeric_limits<std::uint32_t>::max() - 2;
  Pair<std::uint16_t, 4, std::uint32_t> p(kStart);
  for (std::uint16_t i = 0; i < 4; ++i)
    REQUIRE(p.tx.try_push(i).ok());
  CHECK(p.tx.try_push(4).error() == Error::Full);
  for (std::uint16_t i = 0; i < 4; ++i)
    CHECK(p.rx.try_pop().value() == i);
  CHECK(p.rx.try_pop().error() == Error::Empty);
  CHECK(p.rx.position() == 1u);
  // A 32-bit side refuses a 64-bit ring and vice versa (the header records the width).
  CHECK(SpscRing<std::uint16_t, 4, std::uint64_t>::open_consumer(p.m.base(), p.m.size()).error() ==
        Error::BadIndexWidth);
}

TEST_CASE("spsc try_emplace constructs in the slot") {
  Pair<Point, 4> p;
  REQUIRE(p.tx.try_emplace(Point{3, -4}).ok());
  auto v = p.rx.try_pop();
  REQUIRE(v.ok());
  CHECK(v->x == 3);
  CHECK(v->y == -4);
}

TEST_CASE("spsc batch push and pop cross the end of the ring with one call") {
  Pair<std::uint64_t, 8> p;
  // Move the positions to offset 5 so a batch of 6 wraps.
  for (std::uint64_t i = 0; i < 5; ++i)
    REQUIRE(p.tx.try_push(i).ok());
  std::array<std::uint64_t, 5> sink{};
  REQUIRE(p.rx.try_pop_batch(sink).value() == 5);
  const std::array<std::uint64_t, 10> in{10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  auto pushed = p.tx.try_push_batch(in);
  REQUIRE(pushed.ok());
  CHECK(pushed.value() == 8); // only 8 fit
  CHECK(p.tx.try_push_batch(std::span<const std::uint64_t>(in).subspan(8)).error() == Error::Full);
  std::array<std::uint64_t, 3> out3{};
  REQUIRE(p.rx.try_pop_batch(out3).value() == 3);
  CHECK(out3 == std::array<std::uint64_t, 3>{10, 11, 12});
  std::array<std::uint64_t, 16> out{};
  REQUIRE(p.rx.try_pop_batch(out).value() == 5);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(out[i] == 13 + i);
  CHECK(p.rx.try_pop_batch(out).error() == Error::Empty);
  CHECK(p.tx.try_push_batch({}).value() == 0);
}

TEST_CASE("spsc zero-copy reserve/commit and peek/release work in place") {
  Pair<std::uint64_t, 8> p;
  auto w = p.tx.reserve(3);
  REQUIRE(w.ok());
  REQUIRE(w->size() == 3);
  (*w)[0] = 1;
  (*w)[1] = 2;
  (*w)[2] = 3;
  // Nothing is visible before commit.
  CHECK(p.rx.try_pop().error() == Error::Empty);
  REQUIRE(p.tx.commit(2).ok()); // commit fewer than reserved
  auto r = p.rx.peek(8);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0] == 1);
  CHECK((*r)[1] == 2);
  // peek points into the data region itself.
  CHECK(static_cast<const void*>(r->data()) == static_cast<const void*>(p.m.data()));
  REQUIRE(p.rx.release(1).ok());
  CHECK(p.rx.try_pop().value() == 2);

  // A reservation is clipped at the end of the ring (contiguous), the rest follows from offset 0.
  auto w2 = p.tx.reserve(8);
  REQUIRE(w2.ok());
  CHECK(w2->size() == 6); // positions 2..7
  for (std::size_t i = 0; i < w2->size(); ++i)
    (*w2)[i] = 100 + i;
  REQUIRE(p.tx.commit(6).ok());
  auto w3 = p.tx.reserve(8);
  REQUIRE(w3.ok());
  CHECK(w3->size() == 2); // the two slots the consumer freed, at offsets 0..1
  CHECK(static_cast<void*>(w3->data()) == static_cast<void*>(p.m.data()));
  REQUIRE(p.tx.commit(w3->size()).ok());
  CHECK(p.tx.reserve(1).error() == Error::Full);
  auto r2 = p.rx.peek(100);
  REQUIRE(r2.ok());
  CHECK(r2->size() == 6);
  REQUIRE(p.rx.release(6).ok());
  CHECK(p.rx.peek(100)->size() == 2);
}

TEST_CASE("spsc misuse of commit and release is an error, not corruption") {
  Pair<std::uint64_t, 8> p;
  CHECK(p.tx.commit(1).error() == Error::BadArgument); // nothing reserved
  REQUIRE(p.tx.reserve(2).ok());
  CHECK(p.tx.commit(3).error() == Error::BadArgument);
  CHECK(p.tx.reserve(0).error() == Error::BadArgument);
  CHECK(p.rx.release(1).error() == Error::BadArgument);
  CHECK(p.rx.peek(0).error() == Error::BadArgument);
  CHECK(p.tx.wait_for_space(9).error() == Error::TooLarge);
  CHECK_FALSE(p.tx.broken());
  CHECK_FALSE(p.rx.broken());
}

TEST_CASE("spsc a moved-from handle is detached") {
  Pair<std::uint64_t, 8> p;
  auto moved = std::move(p.tx);
  CHECK(p.tx.try_push(1).error() == Error::Detached);
  CHECK(moved.try_push(1).ok());
  auto rx2 = std::move(p.rx);
  CHECK(p.rx.try_pop().error() == Error::Detached);
  CHECK(rx2.try_pop().value() == 1);
}

TEST_CASE("spsc a side that reopens the ring continues from the shared indices") {
  Pair<std::uint64_t, 8> p;
  REQUIRE(p.tx.try_push(5).ok());
  REQUIRE(p.tx.try_push(6).ok());
  REQUIRE(p.rx.try_pop().ok());
  auto rx2 = p.open_rx();
  CHECK(rx2.try_pop().value() == 6);
}
