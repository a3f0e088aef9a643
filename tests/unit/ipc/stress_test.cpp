// Two-thread stress: at least 10^7 messages per ring kind with sequence numbers and checksums, mixing
// the element, batch and zero-copy paths, sleeping through the host notifier, and starting the indices
// just below their top so every run crosses the index wrap.
// The count stays 10^7 in every build: under ThreadSanitizer the three cases take ~35 s together.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <thread>
#include <utility>

#include "bramble/ipc/host_notifier.hpp"
#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {

constexpr std::uint64_t kCount = 10'000'000;

// A message the consumer can check on its own: the payload is a function of the sequence number.
struct Message {
  std::uint64_t seq;
  std::uint64_t check;
};
constexpr std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

template <typename I> void element_stress(I start) {
  using Ring = SpscRing<Message, 1024, I>;
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), start).ok());
  HostNotifierPair events;
  auto tx = std::move(Ring::open_producer(m.base(), m.size(), events.producer())).value();
  auto rx = std::move(Ring::open_consumer(m.base(), m.size(), events.consumer())).value();

  std::uint64_t consumed = 0, checksum = 0, errors = 0;
  std::thread consumer([&] {
    std::array<Message, 37> buf{};
    while (consumed < kCount && errors == 0) {
      auto accept = [&](const Message& msg) {
        if (msg.seq != consumed || msg.check != mix(msg.seq)) ++errors;
        checksum += msg.check;
        ++consumed;
      };
      switch ((consumed / 5000) % 3) {
      case 0: { // element path (blocking)
        Message msg{};
        if (!rx.pop(msg).ok())
          ++errors;
        else
          accept(msg);
        break;
      }
      case 1: { // batch copy-out
        auto n = rx.try_pop_batch(std::span(buf).first(std::min<std::uint64_t>(buf.size(), kCount - consumed)));
        if (n.ok()) {
          for (std::size_t i = 0; i < n.value(); ++i)
            accept(buf[i]);
        } else if (n.error() != Error::Empty || !rx.wait_for_data().ok()) {
          ++errors;
        }
        break;
      }
      default: { // zero-copy in place
        auto v = rx.peek(64);
        if (v.ok()) {
          for (const Message& msg : *v)
            accept(msg);
          if (!rx.release(v->size()).ok()) ++errors;
        } else if (v.error() != Error::Empty || !rx.wait_for_data().ok()) {
          ++errors;
        }
      }
      }
    }
  });

  std::uint64_t produced = 0, expected_sum = 0;
  std::array<Message, 29> batch{};
  bool ok = true;
  while (produced < kCount && ok) {
    switch ((produced / 7000) % 3) {
    case 0: {
      const Message msg{produced, mix(produced)};
      ok = tx.push(msg).ok();
      if (ok) {
        expected_sum += msg.check;
        ++produced;
      }
      break;
    }
    case 1: {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(batch.size(), kCount - produced));
      for (std::size_t i = 0; i < want; ++i)
        batch[i] = Message{produced + i, mix(produced + i)};
      auto n = tx.try_push_batch(std::span<const Message>(batch).first(want));
      if (n.ok()) {
        for (std::size_t i = 0; i < n.value(); ++i)
          expected_sum += batch[i].check;
        produced += n.value();
      } else {
        ok = n.error() == Error::Full && tx.wait_for_space(1).ok();
      }
      break;
    }
    default: {
      auto w = tx.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(50, kCount - produced)));
      if (w.ok()) {
        for (Message& slot : *w) {
          slot = Message{produced, mix(produced)};
          expected_sum += slot.check;
          ++produced;
        }
        ok = tx.commit(w->size()).ok();
      } else {
        ok = w.error() == Error::Full && tx.wait_for_space(1).ok();
      }
    }
    }
  }
  consumer.join();
  REQUIRE(ok);
  CHECK(errors == 0);
  CHECK(consumed == kCount);
  CHECK(checksum == expected_sum);
  CHECK(static_cast<I>(rx.position() - start) == static_cast<I>(kCount));
  CHECK(rx.position() < start); // the index wrapped
  CHECK_FALSE(tx.broken());
  CHECK_FALSE(rx.broken());
  CHECK(tx.signals_sent() <= rx.sleeps());
  CHECK(rx.signals_sent() <= tx.sleeps());
  MESSAGE(kCount << " messages; signals p->c " << tx.signals_sent() << ", c->p " << rx.signals_sent());
}

template <typename I> void record_stress(I start) {
  using Ring = RecordRing<16384, I>;
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), start).ok());
  HostNotifierPair events;
  auto tx = std::move(Ring::open_producer(m.base(), m.size(), events.producer())).value();
  auto rx = std::move(Ring::open_consumer(m.base(), m.size(), events.consumer())).value();
  // Record i: 8-byte sequence number, then (i % 41) bytes each equal to (i + k) & 0xff. Lengths 8..48.
  auto length_of = [](std::uint64_t i) { return 8 + static_cast<std::size_t>(i % 41); };

  std::uint64_t consumed = 0, errors = 0, checksum = 0;
  std::thread consumer([&] {
    std::array<std::byte, 64> buf{};
    while (consumed < kCount && errors == 0) {
      std::span<const std::byte> rec;
      bool zero_copy = (consumed / 3000) % 2 == 1;
      Result<std::size_t> n = zero_copy ? Result<std::size_t>(err(Error::Empty)) : rx.pop(buf);
      if (zero_copy) {
        auto p = rx.peek();
        if (!p.ok()) {
          if (p.error() != Error::Empty || !rx.wait_for_data().ok()) ++errors;
          continue;
        }
        rec = *p;
      } else {
        if (!n.ok()) {
          ++errors;
          continue;
        }
        rec = std::span<const std::byte>(buf).first(n.value());
      }
      std::uint64_t seq = 0;
      if (rec.size() != length_of(consumed))
        ++errors;
      else {
        __builtin_memcpy(&seq, rec.data(), 8);
        if (seq != consumed) ++errors;
        for (std::size_t k = 8; k < rec.size(); ++k)
          if (rec[k] != static_cast<std::byte>((seq + k) & 0xff)) ++errors;
        for (std::byte b : rec)
          checksum += static_cast<std::uint8_t>(b);
      }
      if (zero_copy && !rx.release().ok()) ++errors;
      ++consumed;
    }
  });

  std::uint64_t expected_sum = 0;
  bool ok = true;
  std::array<std::byte, 64> rec{};
  for (std::uint64_t i = 0; i < kCount && ok; ++i) {
    const std::size_t len = length_of(i);
    __builtin_memcpy(rec.data(), &i, 8);
    for (std::size_t k = 8; k < len; ++k)
      rec[k] = static_cast<std::byte>((i + k) & 0xff);
    for (std::size_t k = 0; k < len; ++k)
      expected_sum += static_cast<std::uint8_t>(rec[k]);
    if ((i / 4000) % 2 == 0) {
      ok = tx.push(std::span<const std::byte>(rec).first(len)).ok();
    } else {
      for (;;) { // zero-copy, batched publication every 16 records
        auto w = tx.reserve(len);
        if (w.ok()) {
          __builtin_memcpy(w->data(), rec.data(), len);
          ok = tx.commit(len, i % 16 == 15 ? Publish::Now : Publish::Later).ok();
          break;
        }
        tx.publish(); // never sleep on unpublished records
        if (w.error() != Error::Full || !tx.wait_for_space(len + 16).ok()) {
          ok = false;
          break;
        }
      }
    }
  }
  tx.publish();
  consumer.join();
  REQUIRE(ok);
  CHECK(errors == 0);
  CHECK(consumed == kCount);
  CHECK(checksum == expected_sum);
  CHECK_FALSE(tx.broken());
  CHECK_FALSE(rx.broken());
  MESSAGE(kCount << " records; signals p->c " << tx.signals_sent() << ", c->p " << rx.signals_sent());
}

} // namespace

TEST_CASE("stress element ring 64-bit index across 2^64") {
  element_stress<std::uint64_t>(std::numeric_limits<std::uint64_t>::max() - 12'345);
}

TEST_CASE("stress element ring 32-bit index across 2^32") {
  element_stress<std::uint32_t>(std::numeric_limits<std::uint32_t>::max() - 12'345);
}

TEST_CASE("stress record ring 64-bit index across 2^64") {
  record_stress<std::uint64_t>(std::numeric_limits<std::uint64_t>::max() - 8 * 1234 + 1);
}
