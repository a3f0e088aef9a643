// Small trees compiled by dtc at build time (dts/*.dts): each answer is checked twice, against the
// values written in the .dts source and against libfdt.
#include "tests/unit/fdt/fdt_test_support.hpp"

#include <doctest/doctest.h>

using bramble::fdt::Fdt;
using bramble::fdt::FdtError;
using fdt_test::Blob;
using fdt_test::Range;

namespace {

Fdt open(const Blob& blob) {
  auto fdt = Fdt::create(blob.data(), blob.size());
  REQUIRE(fdt.ok());
  return *fdt;
}

void check_against_oracle(const Blob& blob) {
  REQUIRE(fdt_check_full(blob.data(), blob.size()) == 0);
  const Fdt fdt = open(blob);
  CHECK(fdt.total_size() == fdt_totalsize(static_cast<const void*>(blob.data())));
  CHECK(fdt_test::ours_memory(fdt) == fdt_test::oracle_memory(blob.data()));
  CHECK(fdt_test::ours_reserved(fdt) == fdt_test::oracle_reserved(blob.data()));
  const char* expected = fdt_test::oracle_bootargs(blob.data());
  auto args = fdt.bootargs();
  if (expected == nullptr) {
    REQUIRE_FALSE(args.ok());
    CHECK(args.error() == FdtError::NotFound);
  } else {
    REQUIRE(args.ok());
    CHECK(fdt_test::to_string(*args) == expected);
  }
}

} // namespace

TEST_CASE("cells 1/1: two memreserve entries, two reg entries, fixed/disabled/dynamic reservations") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_1_1"));
  REQUIRE_FALSE(blob.empty());
  check_against_oracle(blob);
  const Fdt fdt = open(blob);
  CHECK(fdt_test::ours_memory(fdt) == std::vector<Range>{{0x0, 0x3b40'0000}, {0x4000'0000, 0x1000'0000}});
  CHECK(fdt_test::ours_reserved(fdt) ==
        std::vector<Range>{{0x0, 0x1000}, {0x3b40'0000, 0x4c0'0000}, {0x100'0000, 0x20'0000}});
  CHECK(fdt_test::to_string(*fdt.bootargs()) == "console=serial0 bramble.test=1");
}

TEST_CASE("cells 2/1: RAM above 4 GiB, several memory nodes, a disabled one, a non-memory device_type") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_2_1"));
  REQUIRE_FALSE(blob.empty());
  check_against_oracle(blob);
  const Fdt fdt = open(blob);
  CHECK(fdt_test::ours_memory(fdt) ==
        std::vector<Range>{{0x0, 0x3b40'0000}, {0x4000'0000, 0xbc00'0000}, {0x1'0000'0000, 0x8000'0000}});
  CHECK(fdt_test::ours_reserved(fdt) == std::vector<Range>{{0x0, 0x1000}, {0x3b40'0000, 0x4c0'0000}});
  CHECK(fdt.bootargs()->empty());
}

TEST_CASE("cells 2/2: 64-bit sizes, a zero-sized entry skipped, no /chosen and no /reserved-memory") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_2_2"));
  REQUIRE_FALSE(blob.empty());
  check_against_oracle(blob);
  const Fdt fdt = open(blob);
  CHECK(fdt_test::ours_memory(fdt) == std::vector<Range>{{0x0, 0x4000'0000}, {0x1'0000'0000, 0x1'0000'0000}});
  CHECK(fdt_test::ours_reserved(fdt) ==
        std::vector<Range>{{0x0, 0x1000}, {0x8'0000, 0x20'0000}, {0x1'0000'0000, 0x1'0000'0000}});
  CHECK(fdt.bootargs().error() == FdtError::NotFound);
}

TEST_CASE("no #address-cells/#size-cells: the DT spec defaults 2 and 1 apply") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("defaults"));
  REQUIRE_FALSE(blob.empty());
  check_against_oracle(blob);
  const Fdt fdt = open(blob);
  CHECK(*fdt.address_cells(fdt.root()) == 2);
  CHECK(*fdt.size_cells(fdt.root()) == 1);
  CHECK(fdt_test::ours_memory(fdt) == std::vector<Range>{{0x80000, 0x10'0000}});
  CHECK(fdt_test::ours_reserved(fdt) == std::vector<Range>{{0x9'0000, 0x2000}});
  CHECK(fdt_test::to_string(*fdt.bootargs()) == "a b c");
}

TEST_CASE("output spans that are too small give NoSpace, exact ones succeed") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_1_1"));
  const Fdt fdt = open(blob);
  std::array<Range, 2> two{};
  CHECK(*fdt.memory_ranges(two) == 2);
  std::array<Range, 1> one{};
  CHECK(fdt.memory_ranges(one).error() == FdtError::NoSpace);
  CHECK(fdt.reserved_ranges(two).error() == FdtError::NoSpace);
  std::array<Range, 3> three{};
  CHECK(*fdt.reserved_ranges(three) == 3);
}

TEST_CASE("path lookup matches a name with or without its unit address, and properties by name") {
  const Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_2_2"));
  const Fdt fdt = open(blob);
  auto serial = fdt.find_path("/soc/serial@7e201000");
  REQUIRE(serial.ok());
  // libfdt's node offsets are also relative to the structure block.
  CHECK(serial->offset == static_cast<std::uint32_t>(fdt_path_offset(blob.data(), "/soc/serial@7e201000")));
  auto by_name = fdt.find_path("/soc/serial");
  REQUIRE(by_name.ok());
  CHECK(by_name->offset == serial->offset);
  CHECK(fdt.find_path("/soc/serial@7e201001").error() == FdtError::NotFound);
  CHECK(fdt.find_path("/so").error() == FdtError::NotFound);
  CHECK(fdt.find_path("/").ok());
  auto reg = fdt.property(*serial, "reg");
  REQUIRE(reg.ok());
  CHECK(reg->value.size() == 8);
  CHECK(bramble::fdt::read_be32(reg->value.data()) == 0x7e20'1000);
  CHECK(fdt.property(*serial, "re").error() == FdtError::NotFound);
  CHECK(*fdt.is_available(*serial));
}

TEST_CASE("header_total_size reads the size from a valid header and rejects a bad magic") {
  Blob blob = fdt_test::load_file(fdt_test::generated_dtb("cells_1_1"));
  auto size = bramble::fdt::header_total_size(blob.data());
  REQUIRE(size.ok());
  CHECK(*size == blob.size());
  blob[3] ^= 1;
  CHECK(bramble::fdt::header_total_size(blob.data()).error() == FdtError::BadMagic);
}
