// Notify on need (wake.hpp): a side announces a sleep, rechecks, then waits; the peer signals only for
// an announced sleep, at most once per sleep. The fakes below run the peer's step *inside* wait(), which
// makes each interleaving deterministic.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <thread>
#include <utility>

#include "bramble/ipc/host_notifier.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {

// One side's fake notification: counts signals sent to the peer, and runs `on_wait` when this side waits.
struct FakeLink {
  int signals = 0;
  int waits = 0;
  std::function<void()> on_wait;
  FunctionNotifier notifier() {
    return FunctionNotifier{this, [](void* c) { ++static_cast<FakeLink*>(c)->signals; },
                            [](void* c) {
                              auto* self = static_cast<FakeLink*>(c);
                              ++self->waits;
                              if (self->on_wait) self->on_wait();
                            }};
  }
};

using Ring = SpscRing<std::uint64_t, 4>;

struct Rig {
  Mapping m{Ring::kBytes};
  FakeLink tx_link;
  FakeLink rx_link;
  Ring::Producer<FunctionNotifier> tx;
  Ring::Consumer<FunctionNotifier> rx;
  Rig() : tx(open_tx()), rx(open_rx()) {}
  Ring::Producer<FunctionNotifier> open_tx() {
    REQUIRE(Ring::format(m.base(), m.size()).ok());
    auto r = Ring::open_producer(m.base(), m.size(), tx_link.notifier());
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  Ring::Consumer<FunctionNotifier> open_rx() {
    auto r = Ring::open_consumer(m.base(), m.size(), rx_link.notifier());
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  DefaultIndex consumer_seq() const { return m.consumer<DefaultIndex>()->sleep_seq.load(); }
  DefaultIndex producer_seq() const { return m.producer<DefaultIndex>()->sleep_seq.load(); }
};

} // namespace

TEST_CASE("notify consumer sleeps on an empty ring and the producer's publish wakes it once") {
  Rig r;
  DefaultIndex seq_while_asleep = 0;
  r.rx_link.on_wait = [&] {
    seq_while_asleep = r.consumer_seq();
    REQUIRE(r.tx.try_push(41).ok()); // the producer runs while we sleep: it must see "sleeping"
  };
  std::uint64_t v = 0;
  REQUIRE(r.rx.pop(v).ok());
  CHECK(v == 41);
  CHECK(seq_while_asleep % 2 == 1); // announced before waiting
  CHECK(r.consumer_seq() % 2 == 0); // and withdrawn after
  CHECK(r.rx.sleeps() == 1);
  CHECK(r.rx.waits() == 1);
  CHECK(r.tx.signals_sent() == 1);
  CHECK(r.tx_link.signals == 1); // the producer's notifier signalled the consumer
  CHECK(r.rx_link.signals == 0); // nobody signalled the (awake) producer
}

TEST_CASE("notify at most one signal per announced sleep") {
  Rig r;
  r.rx_link.on_wait = [&] {
    REQUIRE(r.tx.try_push(1).ok());
    REQUIRE(r.tx.try_push(2).ok());
    REQUIRE(r.tx.try_push(3).ok());
  };
  std::uint64_t v = 0;
  REQUIRE(r.rx.pop(v).ok());
  CHECK(r.tx.signals_sent() == 1);
  // The next sleep is a new sleep (a new odd value): it is signalled again.
  REQUIRE(r.rx.pop(v).ok());
  REQUIRE(r.rx.pop(v).ok());
  r.rx_link.on_wait = [&] { REQUIRE(r.tx.try_push(4).ok()); };
  REQUIRE(r.rx.pop(v).ok());
  CHECK(v == 4);
  CHECK(r.tx.signals_sent() == 2);
  CHECK(r.rx.waits() == 2);
}

TEST_CASE("notify recheck after announcing finds data and skips the wait") {
  Rig r;
  REQUIRE(r.tx.try_push(9).ok()); // published, but the consumer's cached tail still says empty
  REQUIRE(r.rx.wait_for_data().ok());
  CHECK(r.rx.sleeps() == 1);
  CHECK(r.rx.waits() == 0);
  CHECK(r.consumer_seq() % 2 == 0);
  CHECK(r.rx.try_pop().value() == 9);
}

TEST_CASE("notify producer sleeps on a full ring and the consumer's release wakes it") {
  Rig r;
  for (std::uint64_t i = 0; i < 4; ++i)
    REQUIRE(r.tx.try_push(i).ok());
  DefaultIndex seq_while_asleep = 0;
  r.tx_link.on_wait = [&] {
    seq_while_asleep = r.producer_seq();
    REQUIRE(r.rx.try_pop().value() == 0);
  };
  REQUIRE(r.tx.push(4).ok());
  CHECK(seq_while_asleep % 2 == 1);
  CHECK(r.producer_seq() % 2 == 0);
  CHECK(r.tx.waits() == 1);
  CHECK(r.rx.signals_sent() == 1);
  CHECK(r.rx_link.signals == 1);
}

TEST_CASE("notify a streaming channel makes no signals") {
  Rig r;
  // 10^5 items through a 4-slot ring, both sides busy: nobody announces a sleep, so nobody signals.
  std::uint64_t v = 0;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    REQUIRE(r.tx.push(i).ok());
    REQUIRE(r.rx.pop(v).ok());
    REQUIRE(v == i);
  }
  CHECK(r.tx.signals_sent() == 0);
  CHECK(r.rx.signals_sent() == 0);
  CHECK(r.tx_link.signals + r.rx_link.signals == 0);
}

namespace {
// Pushes 0..count-1 here and pops them on another thread; true when every one arrived, in order.
template <typename Tx, typename Rx> bool stream_in_order(Tx& tx, Rx& rx, std::uint64_t count) {
  bool ordered = true;
  std::thread consumer([&] {
    std::uint64_t v = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (!rx.pop(v).ok()) {
        ordered = false;
        return;
      }
      ordered = ordered && v == i;
    }
  });
  for (std::uint64_t i = 0; i < count; ++i)
    REQUIRE(tx.push(i).ok());
  consumer.join();
  return ordered;
}
} // namespace

TEST_CASE("notify host threads with HostNotifier block and wake correctly") {
  using Big = SpscRing<std::uint64_t, 64>;
  Mapping m(Big::kBytes);
  REQUIRE(Big::format(m.base(), m.size()).ok());
  HostNotifierPair events;
  auto tx = std::move(Big::open_producer(m.base(), m.size(), events.producer())).value();
  auto rx = std::move(Big::open_consumer(m.base(), m.size(), events.consumer())).value();
  constexpr std::uint64_t kCount = 200'000;
  CHECK(stream_in_order(tx, rx, kCount));
  // Every signal answered an announced sleep, at most one per sleep.
  CHECK(tx.signals_sent() <= rx.sleeps());
  CHECK(rx.signals_sent() <= tx.sleeps());
  MESSAGE("signals producer->consumer: " << tx.signals_sent() << ", consumer->producer: " << rx.signals_sent()
                                         << " for " << kCount << " items");
}

TEST_CASE("notify a side reopened after its predecessor died asleep is woken for its own sleeps") {
  Rig r;
  // The first consumer announced a sleep (odd word) and died there; the producer published and
  // signalled for exactly that sleep.
  r.m.consumer<DefaultIndex>()->sleep_seq.store(1);
  REQUIRE(r.tx.try_push(7).ok());
  CHECK(r.tx.signals_sent() == 1);
  // A restarted consumer opens the same ring: it takes the word over (made even) ...
  FakeLink link;
  auto reopened = Ring::open_consumer(r.m.base(), r.m.size(), link.notifier());
  REQUIRE(reopened.ok());
  auto rx = std::move(reopened).value();
  CHECK(r.consumer_seq() == 2);
  CHECK(rx.try_pop().value() == 7); // the message published for its predecessor is still there
  // ... so its first sleep announces 3, a value the producer has not signalled for yet.
  DefaultIndex seq_while_asleep = 0;
  link.on_wait = [&] {
    seq_while_asleep = r.consumer_seq();
    REQUIRE(r.tx.try_push(8).ok());
  };
  std::uint64_t v = 0;
  REQUIRE(rx.pop(v).ok());
  CHECK(v == 8);
  CHECK(seq_while_asleep == 3);
  CHECK(r.tx.signals_sent() == 2); // restarting the sequence at 1 would have skipped this signal
  CHECK(r.tx_link.signals == 2);
}

TEST_CASE("notify a reopened producer continues at the published tail and sequence") {
  Rig r;
  REQUIRE(r.tx.try_push(1).ok());
  REQUIRE(r.tx.try_push(2).ok());
  r.m.producer<DefaultIndex>()->sleep_seq.store(5); // died announcing a sleep
  FakeLink link;
  auto reopened = Ring::open_producer(r.m.base(), r.m.size(), link.notifier());
  REQUIRE(reopened.ok());
  auto tx = std::move(reopened).value();
  CHECK(r.producer_seq() == 6);
  CHECK(tx.position() == 2); // resumes after what its predecessor published
  REQUIRE(tx.try_push(3).ok());
  for (const std::uint64_t want : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}})
    CHECK(r.rx.try_pop().value() == want);
}

namespace {
// A notifier that spins before it sleeps (SpinningNotifier): FakeLink's calls, `limit` rechecks first.
struct SpinningFake {
  FunctionNotifier inner;
  std::uint32_t limit;
  void signal() { inner.signal(); }
  void wait() { inner.wait(); }
  [[nodiscard]] std::uint32_t spin_limit() const { return limit; }
};
static_assert(SpinningNotifier<SpinningFake> && !SpinningNotifier<FunctionNotifier>);
static_assert(spin_limit(FunctionNotifier{}) == 0);
} // namespace

TEST_CASE("notify a spin that finds nothing still announces, rechecks and waits") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size()).ok());
  FakeLink tx_link;
  FakeLink rx_link;
  auto tx = std::move(Ring::open_producer(m.base(), m.size(), SpinningFake{tx_link.notifier(), 100})).value();
  auto rx = std::move(Ring::open_consumer(m.base(), m.size(), SpinningFake{rx_link.notifier(), 100})).value();
  DefaultIndex seq_while_asleep = 0;
  rx_link.on_wait = [&] {
    seq_while_asleep = m.consumer<DefaultIndex>()->sleep_seq.load();
    REQUIRE(tx.try_push(5).ok()); // sees the announced sleep and signals
  };
  std::uint64_t v = 0;
  REQUIRE(rx.pop(v).ok());
  CHECK(v == 5);
  CHECK(seq_while_asleep % 2 == 1);
  CHECK(rx.sleeps() == 1);
  CHECK(rx.waits() == 1);
  CHECK(rx.spins_won() == 0);
  CHECK(tx.signals_sent() == 1);
  // Data published before the wait: the spin's first recheck finds it, with no announce at all.
  REQUIRE(tx.try_push(6).ok());
  REQUIRE(rx.wait_for_data().ok());
  CHECK(rx.spins_won() == 1);
  CHECK(rx.sleeps() == 1);
  CHECK(m.consumer<DefaultIndex>()->sleep_seq.load() % 2 == 0);
  CHECK(rx.try_pop().value() == 6);
}

TEST_CASE("notify host threads that spin before sleeping lose and repeat nothing") {
  struct SpinningHost {
    HostNotifier inner;
    void signal() { inner.signal(); }
    void wait() { inner.wait(); }
    [[nodiscard]] std::uint32_t spin_limit() const { return kCrossCoreSpin; }
  };
  using Small = SpscRing<std::uint64_t, 16>;
  Mapping m(Small::kBytes);
  REQUIRE(Small::format(m.base(), m.size()).ok());
  HostNotifierPair events;
  auto tx = std::move(Small::open_producer(m.base(), m.size(), SpinningHost{events.producer()})).value();
  auto rx = std::move(Small::open_consumer(m.base(), m.size(), SpinningHost{events.consumer()})).value();
  constexpr std::uint64_t kCount = 20'000; // spinning threads on a busy 2-core host are slow: keep it short
  CHECK(stream_in_order(tx, rx, kCount));
  CHECK(tx.signals_sent() <= rx.sleeps());
  CHECK(rx.signals_sent() <= tx.sleeps());
  MESSAGE("sleeps producer " << tx.sleeps() << " consumer " << rx.sleeps() << ", avoided by spinning " << tx.spins_won()
                             << " / " << rx.spins_won());
}
