// RecordRing<N>: variable-length records, contiguous with a padding record at the wrap, zero-copy and
// copy-out reads, batched publication.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "bramble/ipc/record_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {

template <std::size_t N, typename I = DefaultIndex> struct Records {
  using Ring = RecordRing<N, I>;
  Mapping m{Ring::kBytes};
  bool formatted;
  typename Ring::template Producer<> tx;
  typename Ring::template Consumer<> rx;
  explicit Records(I start = 0)
      : formatted(Ring::format(m.base(), m.size(), start).ok()), tx(open_tx()), rx(open_rx()) {
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

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::string_view text_of(std::span<const std::byte> b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

} // namespace

TEST_CASE("record push and pop carry lengths exactly") {
  Records<256> r;
  REQUIRE(r.tx.try_push(bytes_of("hello")).ok());
  REQUIRE(r.tx.try_push(bytes_of("")).ok()); // empty records are records
  REQUIRE(r.tx.try_push(bytes_of("a longer record of 33 bytes......")).ok());
  std::array<std::byte, 64> buf{};
  auto n = r.rx.try_pop(buf);
  REQUIRE(n.ok());
  CHECK(text_of(std::span(buf).first(n.value())) == "hello");
  CHECK(r.rx.try_pop(buf).value() == 0);
  n = r.rx.try_pop(buf);
  REQUIRE(n.ok());
  CHECK(text_of(std::span(buf).first(n.value())) == "a longer record of 33 bytes......");
  CHECK(r.rx.try_pop(buf).error() == Error::Empty);
  // Footprints: 8-byte header + payload padded to 8.
  CHECK(r.rx.position() == (8 + 8) + 8 + (8 + 40));
}

TEST_CASE("record a record that does not fit before the end wraps behind a padding record") {
  Records<64> r; // max payload 24
  std::array<std::byte, 32> buf{};
  // 24-byte payload = 32-byte footprint; two of them fill the ring exactly.
  REQUIRE(r.tx.try_push(bytes_of("AAAAAAAAAAAAAAAAAAAAAAAA")).ok());
  REQUIRE(r.tx.try_push(bytes_of("BBBBBBBBBBBBBBBBBBBBBBBB")).ok());
  CHECK(r.tx.try_push(bytes_of("C")).error() == Error::Full);
  REQUIRE(r.rx.try_pop(buf).value() == 24);
  // Now: position 64 (offset 0) is free for 32 bytes. Push a 16-byte record (footprint 24) at offset 0..24.
  REQUIRE(r.tx.try_push(bytes_of("CCCCCCCCCCCCCCCC")).ok());
  REQUIRE(r.rx.try_pop(buf).value() == 24); // B
  REQUIRE(r.rx.try_pop(buf).value() == 16); // C
  // Producer at offset 24 with 40 bytes to the end; a 24-byte payload (32) fits at 24..56.
  REQUIRE(r.tx.try_push(bytes_of("DDDDDDDDDDDDDDDDDDDDDDDD")).ok());
  // Offset 56: 8 bytes to the end. A 16-byte record (24) must wrap: padding 8 + record 24 at offset 0.
  auto w = r.tx.reserve(16);
  REQUIRE(w.ok());
  CHECK(static_cast<void*>(w->data()) == static_cast<void*>(r.m.data() + sizeof(RecordHeader)));
  std::memcpy(w->data(), "EEEEEEEEEEEEEEEE", 16);
  REQUIRE(r.tx.commit(16).ok());
  // The padding record is in the ring, at offset 56.
  RecordHeader pad{};
  std::memcpy(&pad, r.m.data() + 56, sizeof pad);
  CHECK(pad.flags == kPaddingFlag);
  CHECK(pad.length == 0);
  auto d = r.rx.peek();
  REQUIRE(d.ok());
  CHECK(text_of(*d).substr(0, 4) == "DDDD");
  REQUIRE(r.rx.release().ok());
  auto e = r.rx.peek(); // skips the padding
  REQUIRE(e.ok());
  CHECK(text_of(*e) == "EEEEEEEEEEEEEEEE");
  CHECK(static_cast<const void*>(e->data()) == static_cast<const void*>(r.m.data() + sizeof(RecordHeader)));
  REQUIRE(r.rx.release().ok());
  CHECK(r.rx.try_pop(buf).error() == Error::Empty);
  CHECK(r.rx.position() == r.tx.position());
}

TEST_CASE("record wrap padding across a long run of mixed sizes") {
  Records<128> r;
  std::array<std::byte, 56> in{};
  std::array<std::byte, 56> out{};
  std::uint32_t next = 0, expected = 0;
  for (int step = 0; step < 5000; ++step) {
    const std::size_t len = static_cast<std::size_t>(step * 7) % (Records<128>::Ring::kMaxPayload + 1);
    for (std::size_t i = 0; i < len; ++i)
      in[i] = static_cast<std::byte>(next + i);
    auto pushed = r.tx.try_push(std::span<const std::byte>(in).first(len));
    if (!pushed) {
      REQUIRE(pushed.error() == Error::Full);
    } else {
      ++next;
    }
    if (step % 3 != 0) {
      auto got = r.rx.try_pop(out);
      if (got) {
        // Record `expected` had length (its step * 7) % 57; check its bytes start at its own number.
        if (got.value() > 0) CHECK(out[0] == static_cast<std::byte>(expected));
        ++expected;
      } else {
        REQUIRE(got.error() == Error::Empty);
      }
    }
  }
  CHECK_FALSE(r.tx.broken());
  CHECK_FALSE(r.rx.broken());
  CHECK(expected <= next);
}

TEST_CASE("record size limits and copy-out buffer checks") {
  Records<64> r;
  CHECK(Records<64>::Ring::kMaxPayload == 24);
  std::array<std::byte, 25> big{};
  CHECK(r.tx.try_push(big).error() == Error::TooLarge);
  CHECK(r.tx.reserve(25).error() == Error::TooLarge);
  REQUIRE(r.tx.try_push(std::span<const std::byte>(big).first(24)).ok());
  std::array<std::byte, 8> small{};
  CHECK(r.rx.try_pop(small).error() == Error::BufferTooSmall);
  // Nothing was consumed: a big enough buffer still gets it.
  CHECK(r.rx.try_pop(big).value() == 24);
  CHECK(r.tx.commit(1).error() == Error::BadArgument); // nothing reserved
  CHECK(r.rx.release().error() == Error::BadArgument); // nothing peeked
  REQUIRE(r.tx.reserve(4).ok());
  CHECK(r.tx.commit(5).error() == Error::BadArgument); // more than reserved
  CHECK(RecordRing<64>::format(r.m.base(), r.m.size(), 3).error() == Error::BadArgument);
}

TEST_CASE("record batched publication: many records, one index store") {
  Records<1024> r;
  for (int i = 0; i < 10; ++i) {
    const std::array<std::byte, 4> rec{std::byte(i), std::byte(i), std::byte(i), std::byte(i)};
    REQUIRE(r.tx.try_push(rec, Publish::Later).ok());
  }
  // Not yet visible.
  std::array<std::byte, 16> buf{};
  CHECK(r.rx.try_pop(buf).error() == Error::Empty);
  CHECK(r.m.producer<DefaultIndex>()->tail.load() == 0);
  r.tx.publish();
  CHECK(r.m.producer<DefaultIndex>()->tail.load() == 10 * 16);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(r.rx.try_pop(buf, Publish::Later).value() == 4);
    CHECK(buf[0] == std::byte(i));
  }
  CHECK(r.m.consumer<DefaultIndex>()->head.load() == 0);
  r.rx.publish();
  CHECK(r.m.consumer<DefaultIndex>()->head.load() == 10 * 16);
}

TEST_CASE("record ring index wraps past the top of 64-bit and 32-bit indices") {
  Records<64, std::uint64_t> r(std::numeric_limits<std::uint64_t>::max() - 63); // 8-aligned, 64 bytes below 2^64
  Records<64, std::uint32_t> s(std::numeric_limits<std::uint32_t>::max() - 31);
  std::array<std::byte, 24> buf{};
  for (std::uint8_t i = 0; i < 40; ++i) {
    const std::array<std::byte, 12> rec{std::byte(i)};
    REQUIRE(r.tx.try_push(rec).ok());
    REQUIRE(s.tx.try_push(rec).ok());
    REQUIRE(r.rx.try_pop(buf).value() == 12);
    CHECK(buf[0] == std::byte(i));
    REQUIRE(s.rx.try_pop(buf).value() == 12);
    CHECK(buf[0] == std::byte(i));
  }
  CHECK(r.rx.position() < 4096); // wrapped past 2^64
  CHECK(s.rx.position() < 4096); // wrapped past 2^32
  CHECK_FALSE(r.rx.broken());
  CHECK_FALSE(s.rx.broken());
}

// Regression (found by the model review): a producer that filled the ring with Publish::Later records
// and then waited for space slept with its records unpublished, so the consumer could never see them
// and both slept for ever. Waiting must publish first; the same holds for a consumer's Later releases.
TEST_CASE("record waiting publishes deferred work first, so the peer can make progress") {
  Records<256> r;
  const std::array<std::byte, 8> rec{};
  int pushed = 0;
  while (r.tx.try_push(rec, Publish::Later).ok())
    ++pushed;
  REQUIRE(pushed > 0);
  CHECK(r.m.producer<DefaultIndex>()->tail.load() == 0);
  // The ring is full of unpublished records; with polling (NoNotify) wait_for_space returns after
  // one check, which must already have published them.
  (void)r.tx.wait_for_space(16);
  CHECK(r.m.producer<DefaultIndex>()->tail.load() == static_cast<DefaultIndex>(pushed) * 16);
  std::array<std::byte, 16> buf{};
  int popped = 0;
  while (r.rx.try_pop(buf, Publish::Later).ok())
    ++popped;
  CHECK(popped == pushed);
  CHECK(r.m.consumer<DefaultIndex>()->head.load() == 0);
  (void)r.rx.wait_for_data();
  CHECK(r.m.consumer<DefaultIndex>()->head.load() == static_cast<DefaultIndex>(pushed) * 16);
}
