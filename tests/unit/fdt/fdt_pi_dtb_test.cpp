// The real Raspberry Pi DTBs (from Debian's arm64 kernel package, fetched by tools/fetch-pi-files.sh
// through the CTest fixture) read by our reader and by libfdt: every node, every property, and the
// three kernel queries must agree.
#include "tests/unit/fdt/fdt_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using bramble::fdt::Fdt;
using bramble::fdt::FdtError;
using bramble::fdt::Node;
using fdt_test::Blob;
using fdt_test::Range;

namespace {

const char* const kBoards[] = {"bcm2711-rpi-4-b", "bcm2837-rpi-3-b"};

Blob load_pi(const char* name) {
  Blob blob = fdt_test::load_file(std::string(BRAMBLE_PI_DTB_DIR "/") + name + ".dtb");
  REQUIRE_MESSAGE(!blob.empty(), "missing ", name, ".dtb: run tools/fetch-pi-files.sh");
  return blob;
}

// One line per node and per property: "depth name" / "depth  name=bytes", in document order.
void walk_ours(const Fdt& fdt, Node node, int depth, std::vector<std::string>& out) {
  out.push_back(std::to_string(depth) + " " + fdt_test::to_string(*fdt.node_name(node)));
  REQUIRE(fdt.for_each_property(node,
                                [&](const bramble::fdt::Property& p) {
                                  out.push_back(std::to_string(depth) + "  " + fdt_test::to_string(p.name) + "=" +
                                                std::string(p.value.begin(), p.value.end()));
                                  return true;
                                })
              .ok());
  REQUIRE(fdt.for_each_child(node,
                             [&](Node child) {
                               walk_ours(fdt, child, depth + 1, out);
                               return true;
                             })
              .ok());
}

std::vector<std::string> walk_libfdt(const void* blob) {
  std::vector<std::string> out;
  int depth = 0;
  for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(blob, node, &depth)) {
    out.push_back(std::to_string(depth) + " " + fdt_get_name(blob, node, nullptr));
    int prop;
    fdt_for_each_property_offset(prop, blob, node) {
      int len = 0;
      const char* name = nullptr;
      const auto* value = static_cast<const std::uint8_t*>(fdt_getprop_by_offset(blob, prop, &name, &len));
      out.push_back(std::to_string(depth) + "  " + name + "=" + std::string(value, value + len));
    }
  }
  return out;
}

} // namespace

TEST_CASE("Pi DTBs: the whole tree, node by node and property by property, equals libfdt's") {
  for (const char* board : kBoards) {
    CAPTURE(board);
    const Blob blob = load_pi(board);
    REQUIRE(fdt_check_full(blob.data(), blob.size()) == 0);
    auto fdt = Fdt::create(blob.data(), blob.size());
    REQUIRE(fdt.ok());
    CHECK(fdt->total_size() == blob.size());
    std::vector<std::string> ours;
    walk_ours(*fdt, fdt->root(), 0, ours);
    const std::vector<std::string> theirs = walk_libfdt(blob.data());
    CHECK(ours.size() > 100);
    CHECK(ours == theirs);
  }
}

TEST_CASE("Pi DTBs: memory, reservations and bootargs equal libfdt's answers") {
  for (const char* board : kBoards) {
    CAPTURE(board);
    const Blob blob = load_pi(board);
    auto fdt = Fdt::create(blob.data(), blob.size());
    REQUIRE(fdt.ok());
    CHECK(fdt_test::ours_memory(*fdt) == fdt_test::oracle_memory(blob.data()));
    CHECK(fdt_test::ours_reserved(*fdt) == fdt_test::oracle_reserved(blob.data()));
    // Neither shipped tree has bootargs (the firmware or U-Boot adds them).
    CHECK(fdt_test::oracle_bootargs(blob.data()) == nullptr);
    CHECK(fdt->bootargs().error() == FdtError::NotFound);
    // Both reserve the spin-table page with /memreserve/ (docs/platform.md: cores poll 0xd8..0xf0).
    CHECK(fdt_test::ours_reserved(*fdt).front() == Range{0x0, 0x1000});
  }
}

TEST_CASE("Pi 3 DTB says 1 GiB at 0, the Pi 4 DTB ships reg = <0 0 0> for the firmware to fill") {
  const Blob pi3 = load_pi("bcm2837-rpi-3-b");
  CHECK(fdt_test::ours_memory(*Fdt::create(pi3.data(), pi3.size())) == std::vector<Range>{{0x0, 0x4000'0000}});
  const Blob pi4 = load_pi("bcm2711-rpi-4-b");
  CHECK(fdt_test::ours_memory(*Fdt::create(pi4.data(), pi4.size())).empty());
}

TEST_CASE("Pi 4 DTB patched the way the firmware patches it (libfdt edits) still agrees with libfdt") {
  Blob blob = load_pi("bcm2711-rpi-4-b");
  blob.resize(blob.size() + 4096);
  REQUIRE(fdt_open_into(blob.data(), blob.data(), static_cast<int>(blob.size())) == 0);
  // 2 address cells + 1 size cell: 0..0x3b400000 and 0x40000000..+0xbc000000 (a 4 GiB board).
  const std::uint32_t reg[] = {cpu_to_fdt32(0), cpu_to_fdt32(0),           cpu_to_fdt32(0x3b40'0000),
                               cpu_to_fdt32(0), cpu_to_fdt32(0x4000'0000), cpu_to_fdt32(0xbc00'0000)};
  const int memory = fdt_path_offset(blob.data(), "/memory");
  REQUIRE(memory >= 0);
  REQUIRE(fdt_setprop(blob.data(), memory, "reg", reg, sizeof reg) == 0);
  REQUIRE(fdt_add_mem_rsv(blob.data(), 0x3b40'0000, 0x4c0'0000) == 0);
  const int chosen = fdt_path_offset(blob.data(), "/chosen");
  REQUIRE(fdt_setprop_string(blob.data(), chosen, "bootargs", "coherent_pool=1M 8250.nr_uarts=1") == 0);
  REQUIRE(fdt_pack(blob.data()) == 0);
  blob.resize(fdt_totalsize(static_cast<const void*>(blob.data())));

  auto fdt = Fdt::create(blob.data(), blob.size());
  REQUIRE(fdt.ok());
  CHECK(fdt_test::ours_memory(*fdt) == std::vector<Range>{{0x0, 0x3b40'0000}, {0x4000'0000, 0xbc00'0000}});
  CHECK(fdt_test::ours_memory(*fdt) == fdt_test::oracle_memory(blob.data()));
  CHECK(fdt_test::ours_reserved(*fdt) == std::vector<Range>{{0x0, 0x1000}, {0x3b40'0000, 0x4c0'0000}});
  CHECK(fdt_test::ours_reserved(*fdt) == fdt_test::oracle_reserved(blob.data()));
  CHECK(fdt_test::to_string(*fdt->bootargs()) == fdt_test::oracle_bootargs(blob.data()));
}

TEST_CASE("Pi DTBs with the structure block cut at every 3rd length: always an error, never a crash") {
  for (const char* board : kBoards) {
    CAPTURE(board);
    const Blob original = load_pi(board);
    const std::size_t struct_size = fdt_size_dt_struct(static_cast<const void*>(original.data()));
    for (std::size_t keep = 0; keep < struct_size; keep += 3) {
      // Exact-size heap buffer, so AddressSanitizer sees any read past the end.
      const Blob cut = fdt_test::cut_structure(original, keep);
      auto blob = std::make_unique<std::uint8_t[]>(cut.size());
      std::copy(cut.begin(), cut.end(), blob.get());
      auto fdt = Fdt::create(blob.get(), cut.size());
      CHECK_FALSE(fdt.ok()); // FDT_END is the last token: every cut loses it
    }
    const Blob whole = fdt_test::cut_structure(original, struct_size);
    CHECK(Fdt::create(whole.data(), whole.size()).ok());
  }
}
