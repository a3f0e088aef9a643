// A hostile (or broken) peer: tables of impossible values written into the peer's page or the data
// region. Each must fault the handle with PeerCorrupted, stay faulted, and never read or write outside
// the mapping (the sanitizer builds run these too) or hang.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

namespace {
using Index = DefaultIndex;
constexpr Index kBase = 1000; // indices start here so "backwards" has room below
constexpr std::size_t kN = 8;
using Ring = SpscRing<std::uint64_t, kN>;

struct IndexCase {
  const char* what;
  Index (*value)(Index own, Index cached_peer); // the index the hostile peer publishes
};
} // namespace

TEST_CASE("hostile producer tail values fault the consumer") {
  const IndexCase table[] = {
      {"more than capacity ahead", [](Index own, Index) { return static_cast<Index>(own + kN + 1); }},
      {"far ahead", [](Index own, Index) { return static_cast<Index>(own + (Index{1} << 40)); }},
      {"max value", [](Index, Index) { return std::numeric_limits<Index>::max(); }},
      {"behind the consumer", [](Index own, Index) { return static_cast<Index>(own - 1); }},
      {"back to zero", [](Index, Index) { return Index{0}; }},
      {"backwards from what was accepted", [](Index, Index cached) { return static_cast<Index>(cached - 1); }},
  };
  for (const IndexCase& c : table) {
    CAPTURE(c.what);
    Mapping m(Ring::kBytes);
    REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
    auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
    auto rx = std::move(Ring::open_consumer(m.base(), m.size())).value();
    // Establish a history: 3 published, 1 consumed, so the consumer has accepted tail = kBase + 3.
    for (std::uint64_t i = 0; i < 3; ++i)
      REQUIRE(tx.try_push(i).ok());
    REQUIRE(rx.try_pop().ok());
    REQUIRE(rx.try_pop().ok());
    REQUIRE(rx.try_pop().ok()); // the cache is now exhausted: the next read refreshes tail
    m.producer<Index>()->tail.store(c.value(rx.position(), kBase + 3));
    CHECK(rx.try_pop().error() == Error::PeerCorrupted);
    CHECK(rx.broken());
    // Sticky: even with the value repaired, and on every path.
    m.producer<Index>()->tail.store(rx.position());
    std::uint64_t sink[4];
    CHECK(rx.try_pop().error() == Error::PeerCorrupted);
    CHECK(rx.try_pop_batch(sink).error() == Error::PeerCorrupted);
    CHECK(rx.peek(1).error() == Error::PeerCorrupted);
    CHECK(rx.release(0).error() == Error::PeerCorrupted);
    CHECK(rx.pop(sink[0]).error() == Error::PeerCorrupted); // blocking call returns, no hang
    CHECK(rx.wait_for_data().error() == Error::PeerCorrupted);
  }
}

TEST_CASE("hostile consumer head values fault the producer") {
  const IndexCase table[] = {
      {"beyond the producer's tail", [](Index own, Index) { return static_cast<Index>(own + 1); }},
      {"far beyond", [](Index own, Index) { return static_cast<Index>(own + (Index{1} << 50)); }},
      {"max value", [](Index, Index) { return std::numeric_limits<Index>::max(); }},
      {"backwards from what was accepted", [](Index, Index cached) { return static_cast<Index>(cached - 1); }},
      {"more than capacity behind", [](Index own, Index) { return static_cast<Index>(own - kN - 1); }},
  };
  for (const IndexCase& c : table) {
    CAPTURE(c.what);
    Mapping m(Ring::kBytes);
    REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
    auto tx = std::move(Ring::open_producer(m.base(), m.size())).value();
    auto rx = std::move(Ring::open_consumer(m.base(), m.size())).value();
    // Fill the ring so the producer must refresh its cached head (= kBase + 2 after two pops).
    for (std::uint64_t i = 0; i < kN; ++i)
      REQUIRE(tx.try_push(i).ok());
    REQUIRE(rx.try_pop().ok());
    REQUIRE(rx.try_pop().ok());
    REQUIRE(tx.try_push(0).ok()); // refreshes: accepted head = kBase + 2
    REQUIRE(tx.try_push(0).ok());
    m.consumer<Index>()->head.store(c.value(tx.position(), kBase + 2));
    CHECK(tx.try_push(1).error() == Error::PeerCorrupted);
    CHECK(tx.broken());
    m.consumer<Index>()->head.store(tx.position());
    const std::uint64_t items[2] = {1, 2};
    CHECK(tx.try_push(1).error() == Error::PeerCorrupted);
    CHECK(tx.try_push_batch(items).error() == Error::PeerCorrupted);
    CHECK(tx.reserve(1).error() == Error::PeerCorrupted);
    CHECK(tx.commit(0).error() == Error::PeerCorrupted);
    CHECK(tx.push(1).error() == Error::PeerCorrupted);
    CHECK(tx.wait_for_space(1).error() == Error::PeerCorrupted);
  }
}

TEST_CASE("hostile initial indices are refused at open") {
  Mapping m(Ring::kBytes);
  REQUIRE(Ring::format(m.base(), m.size(), kBase).ok());
  m.producer<Index>()->tail.store(kBase + kN + 1);
  CHECK(Ring::open_consumer(m.base(), m.size()).error() == Error::PeerCorrupted);
  CHECK(Ring::open_producer(m.base(), m.size()).error() == Error::PeerCorrupted);
  m.producer<Index>()->tail.store(kBase - 1);
  CHECK(Ring::open_consumer(m.base(), m.size()).error() == Error::PeerCorrupted);
  // A record ring's indices must be record-aligned.
  using Rec = RecordRing<256>;
  Mapping r(Rec::kBytes);
  REQUIRE(Rec::format(r.base(), r.size()).ok());
  r.producer<Index>()->tail.store(12);
  CHECK(Rec::open_consumer(r.base(), r.size()).error() == Error::PeerCorrupted);
}

namespace {
using Rec = RecordRing<128>; // max payload 56

struct RecordCase {
  const char* what;
  // Writes records into the data region at offsets from 0 and returns the tail to publish.
  std::size_t (*write)(unsigned char* data);
};

void put(unsigned char* data, std::size_t at, std::uint32_t length, std::uint32_t flags) {
  const RecordHeader h{length, flags};
  std::memcpy(data + at, &h, sizeof h);
}
} // namespace

TEST_CASE("hostile record headers fault the record consumer") {
  const RecordCase table[] = {
      {"unknown flags",
       [](unsigned char* d) {
         put(d, 0, 4, 2);
         return std::size_t{16};
       }},
      {"length beyond max payload",
       [](unsigned char* d) {
         put(d, 0, 57, 0);
         return std::size_t{128};
       }},
      {"length beyond published bytes",
       [](unsigned char* d) {
         put(d, 0, 24, 0);
         return std::size_t{16};
       }},
      {"length 2^32-1",
       [](unsigned char* d) {
         put(d, 0, 0xFFFF'FFFF, 0);
         return std::size_t{64};
       }},
      {"record crossing the ring end",
       [](unsigned char* d) {
         put(d, 0, 48, 0);   // 0..56
         put(d, 56, 48, 0);  // 56..112
         put(d, 112, 40, 0); // 112..160 crosses 128
         return std::size_t{128};
       }},
      {"padding shorter than the ring end",
       [](unsigned char* d) {
         put(d, 0, 8, kPaddingFlag);
         return std::size_t{128};
       }},
      {"padding longer than the ring end",
       [](unsigned char* d) {
         put(d, 0, 200, kPaddingFlag);
         return std::size_t{128};
       }},
      {"padding not covered by published bytes",
       [](unsigned char* d) {
         put(d, 0, 120, kPaddingFlag);
         return std::size_t{64};
       }},
      {"padding at offset 0 (a correct producer never needs one there)",
       [](unsigned char* d) {
         put(d, 0, 120, kPaddingFlag);
         return std::size_t{128};
       }},
      {"published bytes not record-aligned",
       [](unsigned char* d) {
         put(d, 0, 4, 0);
         return std::size_t{13};
       }},
      {"published more than capacity",
       [](unsigned char* d) {
         put(d, 0, 4, 0);
         return std::size_t{136};
       }},
  };
  for (const RecordCase& c : table) {
    CAPTURE(c.what);
    Mapping m(Rec::kBytes);
    REQUIRE(Rec::format(m.base(), m.size()).ok());
    auto rx = std::move(Rec::open_consumer(m.base(), m.size())).value();
    const std::size_t tail = c.write(m.data());
    m.producer<Index>()->tail.store(static_cast<Index>(tail));
    std::byte buf[256];
    // Valid records before the bad one are delivered; the bad one faults within a bounded number of reads.
    Result<std::size_t> got = rx.try_pop(buf);
    for (int i = 0; i < 4 && got.ok(); ++i)
      got = rx.try_pop(buf);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error() == Error::PeerCorrupted);
    CHECK(rx.broken());
    CHECK(rx.peek().error() == Error::PeerCorrupted);
    CHECK(rx.pop(buf).error() == Error::PeerCorrupted);
  }
}

// Found by the record_reader fuzz target (tests/fuzz): a record is peeked, then the hostile producer
// turns its header into a padding record; the next peek skips that "padding" to the producer's index
// and reports Empty. A release() must not then consume the earlier peek's length: that moved the
// position past the producer's index, after which the cached "available" count was a wrapped, huge
// number and the consumer read unpublished bytes as records without end.
TEST_CASE("a release after the peeked header was turned into padding does not pass the producer's index") {
  Mapping m(Rec::kBytes);
  constexpr Index kStart = 128 - 16; // the last record slot before the end of the ring
  REQUIRE(Rec::format(m.base(), m.size(), kStart).ok());
  auto rx = std::move(Rec::open_consumer(m.base(), m.size())).value();
  put(m.data(), 128 - 16, 8, 0); // an honest 8-byte record filling the last 16 bytes
  m.producer<Index>()->tail.store(kStart + 16);
  auto first = rx.peek();
  REQUIRE(first.ok());
  CHECK(first->size() == 8);
  put(m.data(), 128 - 16, 8, kPaddingFlag);          // the producer rewrites the header: padding to the end
  CHECK(rx.peek().error() == Error::Empty);          // skipped as padding: the ring is now empty
  CHECK(rx.release().error() == Error::BadArgument); // nothing is peeked any more
  CHECK(static_cast<Index>(kStart + 16 - rx.position()) <= Index{128});
  // The consumer still sees the ring as empty, however often it asks.
  std::byte buf[64];
  for (int i = 0; i < 4; ++i)
    CHECK(rx.try_pop(buf).error() == Error::Empty);
}
