// Shared-memory layout: geometry, writing a header, and every way validation refuses a mapping.
#include <doctest/doctest.h>

#include <cstdint>

#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

TEST_CASE("layout geometry puts each writer on its own page") {
  constexpr RingGeometry g = ring_geometry(8 * 1024); // 1024 eight-byte slots
  static_assert(g.header.offset == 0 && g.header.size == kPageSize);
  CHECK(g.producer.offset == kPageSize);
  CHECK(g.consumer.offset == 2 * kPageSize);
  CHECK(g.data.offset == 3 * kPageSize);
  CHECK(g.data.size == 2 * kPageSize);
  CHECK(g.total_size == 5 * kPageSize);
  // No two parts share a page, and the parts tile the mapping.
  CHECK(g.header.end() <= g.producer.offset);
  CHECK(g.producer.end() <= g.consumer.offset);
  CHECK(g.consumer.end() <= g.data.offset);
  CHECK(g.data.end() == g.total_size);
  // A data region that is not a page multiple is rounded up.
  CHECK(ring_geometry(1).data.size == kPageSize);
  CHECK(ring_geometry(kPageSize + 1).data.size == 2 * kPageSize);
  CHECK(kElementRingBytes<std::uint64_t, 4096> == 3 * kPageSize + 8 * 4096);
  CHECK(kRecordRingBytes<65536> == 3 * kPageSize + 65536);
}

TEST_CASE("layout indices are aligned to cache lines on separate lines") {
  CHECK(offsetof(ProducerControl<DefaultIndex>, tail) % kCacheLine == 0);
  CHECK(offsetof(ProducerControl<DefaultIndex>, sleep_seq) - offsetof(ProducerControl<DefaultIndex>, tail) >=
        kCacheLine);
  CHECK(offsetof(ConsumerControl<DefaultIndex>, sleep_seq) - offsetof(ConsumerControl<DefaultIndex>, head) >=
        kCacheLine);
}

TEST_CASE("layout write_header then validate_header round-trips") {
  constexpr RingSpec spec = element_ring_spec<std::uint64_t, 256>();
  Mapping m(ring_geometry(spec).total_size);
  REQUIRE(write_header<DefaultIndex>(m.base(), m.size(), spec, 42).ok());
  const SharedHeader* h = m.header();
  CHECK(h->magic == kLayoutMagic);
  CHECK(h->version == kLayoutVersion);
  CHECK(h->kind == static_cast<std::uint8_t>(RingKind::Element));
  CHECK(h->index_width == sizeof(DefaultIndex));
  CHECK(h->element_size == 8);
  CHECK(h->capacity == 256);
  CHECK(h->total_size == m.size());
  CHECK(m.producer<DefaultIndex>()->tail.load() == 42);
  CHECK(m.consumer<DefaultIndex>()->head.load() == 42);
  auto g = validate_header(m.base(), m.size(), spec);
  REQUIRE(g.ok());
  CHECK(g->data.offset == 3 * kPageSize);
  CHECK(g->total_size == m.size());
}

TEST_CASE("layout write_header refuses bad requests") {
  constexpr RingSpec spec = element_ring_spec<std::uint32_t, 64>();
  Mapping m(ring_geometry(spec).total_size + kPageSize);
  CHECK(write_header<DefaultIndex>(nullptr, m.size(), spec).error() == Error::NullBase);
  CHECK(write_header<DefaultIndex>(m.bytes() + 8, m.size(), spec).error() == Error::Misaligned);
  CHECK(write_header<DefaultIndex>(m.base(), ring_geometry(spec).total_size - 1, spec).error() ==
        Error::MappingTooSmall);
  CHECK(write_header<std::uint32_t>(m.base(), m.size(), spec).error() == Error::BadIndexWidth);
  RingSpec odd = spec;
  odd.capacity = 48;
  CHECK(write_header<DefaultIndex>(m.base(), m.size(), odd).error() == Error::BadCapacity);
  RingSpec zero = spec;
  zero.element_size = 0;
  CHECK(write_header<DefaultIndex>(m.base(), m.size(), zero).error() == Error::BadElementSize);
}

namespace {
struct Corruption {
  const char* what;
  void (*apply)(SharedHeader&);
  Error expected;
};
} // namespace

TEST_CASE("layout validate_header reports every corruption as an error value") {
  constexpr RingSpec spec = element_ring_spec<std::uint64_t, 128>();
  const std::size_t bytes = ring_geometry(spec).total_size;
  const Corruption table[] = {
      {"magic", [](SharedHeader& h) { h.magic ^= 1; }, Error::BadMagic},
      {"version", [](SharedHeader& h) { h.version = kLayoutVersion + 1; }, Error::BadVersion},
      {"kind", [](SharedHeader& h) { h.kind = static_cast<std::uint8_t>(RingKind::Record); }, Error::BadKind},
      {"unknown kind", [](SharedHeader& h) { h.kind = 77; }, Error::BadKind},
      {"index width", [](SharedHeader& h) { h.index_width = h.index_width == 8 ? 4 : 8; }, Error::BadIndexWidth},
      {"granule line", [](SharedHeader& h) { h.granule = static_cast<std::uint32_t>(Granule::Line); },
       Error::BadGranule},
      {"granule unknown", [](SharedHeader& h) { h.granule = 128; }, Error::BadGranule},
      {"granule zero (a version 1 header)", [](SharedHeader& h) { h.granule = 0; }, Error::BadGranule},
      {"element size", [](SharedHeader& h) { h.element_size = 4; }, Error::BadElementSize},
      {"capacity", [](SharedHeader& h) { h.capacity = 256; }, Error::BadCapacity},
      {"capacity huge", [](SharedHeader& h) { h.capacity = ~std::uint64_t{0}; }, Error::BadCapacity},
      {"producer offset", [](SharedHeader& h) { h.producer_offset = 0; }, Error::BadOffsets},
      {"consumer offset", [](SharedHeader& h) { h.consumer_offset = h.producer_offset; }, Error::BadOffsets},
      {"data offset", [](SharedHeader& h) { h.data_offset = 1u << 30; }, Error::BadOffsets},
      {"data size", [](SharedHeader& h) { h.data_size *= 2; }, Error::BadOffsets},
      {"total size", [](SharedHeader& h) { h.total_size = 1; }, Error::BadTotalSize},
      {"total size huge", [](SharedHeader& h) { h.total_size = ~std::uint64_t{0}; }, Error::BadTotalSize},
  };
  for (const Corruption& c : table) {
    CAPTURE(c.what);
    Mapping m(bytes);
    REQUIRE(write_header<DefaultIndex>(m.base(), m.size(), spec).ok());
    c.apply(*m.header());
    auto r = validate_header(m.base(), m.size(), spec);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == c.expected);
    // Opening either end refuses the same way.
    auto p = SpscRing<std::uint64_t, 128>::open_producer(m.base(), m.size());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error() == c.expected);
  }
}

TEST_CASE("layout validate_header checks base, alignment and mapping size") {
  constexpr RingSpec spec = element_ring_spec<std::uint64_t, 128>();
  Mapping m(ring_geometry(spec).total_size);
  REQUIRE(write_header<DefaultIndex>(m.base(), m.size(), spec).ok());
  CHECK(validate_header(nullptr, m.size(), spec).error() == Error::NullBase);
  CHECK(validate_header(m.bytes() + 64, m.size(), spec).error() == Error::Misaligned);
  CHECK(validate_header(m.base(), 100, spec).error() == Error::MappingTooSmall);
  CHECK(validate_header(m.base(), m.size() - kPageSize, spec).error() == Error::MappingTooSmall);
  // Expecting a different ring than the one laid out.
  CHECK(validate_header(m.base(), m.size(), element_ring_spec<std::uint32_t, 128>()).error() == Error::BadElementSize);
  CHECK(validate_header(m.base(), m.size(), element_ring_spec<std::uint64_t, 64>()).error() == Error::BadCapacity);
  CHECK(validate_header(m.base(), m.size(), record_ring_spec<1024>()).error() == Error::BadKind);
  CHECK(validate_header(m.base(), m.size(), element_ring_spec<std::uint64_t, 128, std::uint32_t>()).error() ==
        Error::BadIndexWidth);
  // Unformatted (zeroed) memory is refused by its magic.
  Mapping blank(m.size());
  CHECK(validate_header(blank.base(), blank.size(), spec).error() == Error::BadMagic);
}

TEST_CASE("layout check_spec bounds") {
  CHECK(check_spec(element_ring_spec<std::uint8_t, 1>()).ok());
  CHECK(check_spec(RingSpec{RingKind::Element, 8, 0, 8}).error() == Error::BadCapacity);
  CHECK(check_spec(RingSpec{RingKind::Element, 8, 3, 8}).error() == Error::BadCapacity);
  CHECK(check_spec(RingSpec{RingKind::Element, 1, std::uint64_t{1} << 31, 4}).ok());
  CHECK(check_spec(RingSpec{RingKind::Element, 1, std::uint64_t{1} << 32, 4}).error() == Error::BadCapacity);
  CHECK(check_spec(RingSpec{RingKind::Element, 8, 16, 2}).error() == Error::BadIndexWidth);
  CHECK(check_spec(RingSpec{RingKind::Record, 2, 1024, 8}).error() == Error::BadElementSize);
  CHECK(check_spec(RingSpec{RingKind::Record, 1, 16, 8}).error() == Error::BadCapacity);
  CHECK(check_spec(RingSpec{static_cast<RingKind>(9), 1, 16, 8}).error() == Error::BadKind);
  CHECK(check_spec(RingSpec{RingKind::Element, 0xFFFF'FFFF, std::uint64_t{1} << 62, 8}).error() == Error::BadCapacity);
}

TEST_CASE("layout compact geometry packs the parts on cache lines") {
  constexpr RingGeometry g = ring_geometry(64 * 4, Granule::Line); // 64 four-byte slots
  static_assert(g.header.offset == 0 && g.header.size == 2 * kCacheLine);
  CHECK(g.producer.offset == 128);
  CHECK(g.consumer.offset == 256);
  CHECK(g.data.offset == 384);
  CHECK(g.data.size == 256);
  CHECK(g.total_size == 640);
  CHECK(ring_geometry(1, Granule::Line).data.size == kCacheLine);
  CHECK(kElementRingBytes<std::uint32_t, 64, Granule::Line> == 640);
  CHECK(kRecordRingBytes<256, Granule::Line> == 384 + 256);
  // The page layout is exactly what it was before the granule existed.
  CHECK(ring_geometry(256).total_size == ring_geometry(256, Granule::Page).total_size);
  CHECK(ring_geometry(256).data.offset == 3 * kPageSize);
}

TEST_CASE("layout compact ring round-trips and refuses the other granule and width") {
  using Compact = SpscRing<std::uint32_t, 64, std::uint32_t, Granule::Line>;
  using Paged = SpscRing<std::uint32_t, 64, std::uint32_t, Granule::Page>;
  using Wide = SpscRing<std::uint32_t, 64, std::uint64_t, Granule::Line>;
  Mapping m(Paged::kBytes); // page-aligned and large enough for either
  REQUIRE(Compact::format(m.base(), Compact::kBytes, 0xFFFF'FFF0U).ok());
  CHECK(m.header()->granule == 64);
  CHECK(m.header()->version == 2);
  CHECK(validate_header(m.base(), Compact::kBytes, Compact::kSpec).ok());
  CHECK(Paged::open_consumer(m.base(), m.size()).error() == Error::BadGranule);
  CHECK(Wide::open_consumer(m.base(), m.size()).error() == Error::BadIndexWidth);
  // Aligned to a line is enough for the compact layout, and required.
  Mapping n(Compact::kBytes + 128);
  CHECK(Compact::format(n.bytes() + 64, Compact::kBytes).ok());
  CHECK(Compact::format(n.bytes() + 32, Compact::kBytes).error() == Error::Misaligned);
  CHECK(validate_header(n.bytes() + 64, Compact::kBytes - 1, Compact::kSpec).error() == Error::MappingTooSmall);
  CHECK(validate_header(n.bytes() + 64, 100, Compact::kSpec).error() == Error::MappingTooSmall);
  // Streams across the 32-bit wrap in the compact layout.
  auto tx = Compact::open_producer(m.base(), Compact::kBytes);
  auto rx = Compact::open_consumer(m.base(), Compact::kBytes);
  REQUIRE(tx.ok());
  REQUIRE(rx.ok());
  for (std::uint32_t i = 0; i < 1000; ++i) {
    REQUIRE(tx->try_push(i).ok());
    std::uint32_t v = 0;
    REQUIRE(rx->try_pop(v).ok());
    CHECK(v == i);
  }
  CHECK(rx->position() < 0xFFFF'FFF0U); // wrapped
}

TEST_CASE("layout check_spec refuses an unknown granule") {
  CHECK(check_spec(RingSpec{RingKind::Element, 8, 16, 8, static_cast<Granule>(128)}).error() == Error::BadGranule);
  CHECK(check_spec(RingSpec{RingKind::Element, 8, 16, 8, Granule::Line}).ok());
  CHECK(write_header_page(nullptr, element_ring_spec<std::uint32_t, 64>()).error() == Error::NullBase);
}
