// The bytes of a real ring, laid out by write_header, against the golden description in
// tests/firmware/golden_layout.hpp (which every target also checks at compile time: firmware.layout.*).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "bramble/ipc/spsc_ring.hpp"
#include "golden_layout.hpp"
#include "test_memory.hpp"

using namespace bramble::ipc;
using bramble::ipc::test::Mapping;

TEST_CASE("layout golden bytes of a compact ring across the first 384 bytes") {
  using Compact = SpscRing<std::uint32_t, 64, std::uint32_t, Granule::Line>;
  Mapping m(Compact::kBytes);
  std::memset(m.bytes(), 0xEE, m.size()); // whatever write_header does not write stays visible
  REQUIRE(Compact::format(m.base(), m.size(), 0xFFFF'FFF0U).ok());
  unsigned char expected[384];
  std::memset(expected, 0xEE, sizeof expected);
  std::memcpy(expected, golden::kCompactHeader.data(), 64);
  std::memset(expected + 64, 0, 4);                        // channel state: open
  const unsigned char start[4] = {0xF0, 0xFF, 0xFF, 0xFF}; // little-endian 0xFFFFFFF0
  std::memcpy(expected + 128, start, 4);                   // tail
  std::memset(expected + 192, 0, 4);                       // producer sleep word
  std::memcpy(expected + 256, start, 4);                   // head
  std::memset(expected + 320, 0, 4);                       // consumer sleep word
  for (std::size_t i = 0; i < sizeof expected; ++i) {
    CAPTURE(i);
    CHECK(m.bytes()[i] == expected[i]);
  }
}

TEST_CASE("layout golden bytes of a page record ring header") {
  Mapping m(16384);
  REQUIRE(write_header<std::uint64_t>(m.base(), m.size(), golden::kPageRecordSpec).ok());
  CHECK(std::memcmp(m.bytes(), golden::kPageRecordHeader.data(), 64) == 0);
}
