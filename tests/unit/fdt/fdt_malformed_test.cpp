// Malformed and hostile blobs must give FdtError values, never a crash or an out-of-bounds read. Every
// blob is copied into a heap buffer of exactly its length, so AddressSanitizer (host-asan preset)
// reports any read past it.
#include "kernel/fdt/fdt.hpp"
#include "tests/unit/fdt/fdt_blob_builder.hpp"
#include "tests/unit/fdt/fdt_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

using bramble::fdt::Fdt;
using bramble::fdt::FdtError;
using bramble::fdt::Node;
using fdt_test::Blob;
using fdt_test::BlobBuilder;

namespace {

// Header field offsets (DT spec 5.2), for patching.
constexpr std::size_t kTotalSize = 4, kOffStruct = 8, kOffStrings = 12, kOffRsv = 16, kVersion = 20, kLastComp = 24,
                      kSizeStrings = 32, kSizeStruct = 36;

std::uint32_t get32(const Blob& b, std::size_t at) { return bramble::fdt::read_be32(b.data() + at); }
void set32(Blob& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// Runs every query and walks every node; the answers do not matter, only that nothing crashes.
void exercise(const Fdt& fdt) {
  std::array<bramble::fdt::Range, 8> out{};
  (void)fdt.memory_ranges(out);
  (void)fdt.reserved_ranges(out);
  (void)fdt.bootargs();
  (void)fdt.find_path("/reserved-memory/x");
  int budget = 100000;
  auto walk = [&](auto&& self, Node node) -> void {
    if (--budget < 0) return;
    (void)fdt.node_name(node);
    (void)fdt.is_available(node);
    (void)fdt.address_cells(node);
    (void)fdt.for_each_property(node, [](const bramble::fdt::Property&) { return true; });
    (void)fdt.for_each_child(node, [&](Node child) {
      self(self, child);
      return true;
    });
  };
  walk(walk, fdt.root());
}

// Copies the first `len` bytes into an exact-size heap buffer and parses them.
bramble::Result<Fdt, FdtError> parse_exact(const Blob& blob, std::size_t len, std::unique_ptr<std::uint8_t[]>& keep) {
  keep = std::make_unique<std::uint8_t[]>(len == 0 ? 1 : len);
  std::copy(blob.begin(), blob.begin() + static_cast<long>(len), keep.get());
  return Fdt::create(keep.get(), len);
}

FdtError error_of(const Blob& blob) {
  std::unique_ptr<std::uint8_t[]> keep;
  auto fdt = parse_exact(blob, blob.size(), keep);
  REQUIRE_FALSE(fdt.ok());
  return fdt.error();
}

Blob minimal() {
  BlobBuilder b;
  return fdt_test::minimal_tree_body(b).end().build();
}

std::vector<Blob> corpus() {
  std::vector<Blob> blobs = {minimal(), fdt_test::load_file(fdt_test::generated_dtb("cells_1_1")),
                             fdt_test::load_file(fdt_test::generated_dtb("cells_2_2"))};
  for (auto& b : blobs)
    REQUIRE_FALSE(b.empty());
  return blobs;
}

} // namespace

TEST_CASE("the hand-built minimal tree is valid for libfdt and for us (the malformed cases start from it)") {
  const Blob blob = minimal();
  CHECK(fdt_check_full(blob.data(), blob.size()) == 0);
  auto fdt = Fdt::create(blob.data(), blob.size());
  REQUIRE(fdt.ok());
  CHECK(fdt_test::ours_memory(*fdt) == std::vector<bramble::fdt::Range>{{0, 0x1000'0000}});
  CHECK(fdt_test::to_string(*fdt->bootargs()) == "x=1");
}

TEST_CASE("a file cut at every length is Truncated") {
  for (const Blob& blob : corpus()) {
    for (std::size_t len = 0; len < blob.size(); ++len) {
      std::unique_ptr<std::uint8_t[]> keep;
      auto fdt = parse_exact(blob, len, keep);
      REQUIRE_FALSE(fdt.ok());
      CHECK(fdt.error() == FdtError::Truncated);
    }
  }
}

TEST_CASE("a header that agrees with a cut at every length: errors or a smaller valid tree, never a crash") {
  for (const Blob& original : corpus()) {
    std::size_t accepted = 0;
    for (std::size_t len = 0; len <= original.size(); ++len) {
      Blob blob(original.begin(), original.begin() + static_cast<long>(len));
      if (len >= 40) {
        set32(blob, kTotalSize, static_cast<std::uint32_t>(len));
        const std::uint32_t off_struct = get32(blob, kOffStruct), off_strings = get32(blob, kOffStrings);
        if (off_struct <= len)
          set32(blob, kSizeStruct,
                std::min<std::uint32_t>(get32(blob, kSizeStruct), static_cast<std::uint32_t>(len) - off_struct));
        if (off_strings <= len)
          set32(blob, kSizeStrings,
                std::min<std::uint32_t>(get32(blob, kSizeStrings), static_cast<std::uint32_t>(len) - off_strings));
      }
      std::unique_ptr<std::uint8_t[]> keep;
      auto fdt = parse_exact(blob, blob.size(), keep);
      if (fdt.ok()) {
        ++accepted;
        exercise(*fdt);
      }
    }
    // Only the cuts that remove nothing but strings no property uses... here: at least the full blob.
    CHECK(accepted >= 1);
  }
}

TEST_CASE("bad magic in any byte, and unsupported versions") {
  for (std::size_t i = 0; i < 4; ++i) {
    Blob blob = minimal();
    blob[i] ^= 0x80;
    CHECK(error_of(blob) == FdtError::BadMagic);
  }
  Blob old = minimal();
  set32(old, kVersion, 15);
  CHECK(error_of(old) == FdtError::BadVersion);
  Blob future = minimal();
  set32(future, kLastComp, 18);
  CHECK(error_of(future) == FdtError::BadVersion);
  // Version 16 is accepted: size_dt_struct is not read, FDT_END bounds the walk.
  Blob v16 = minimal();
  set32(v16, kVersion, 16);
  set32(v16, kSizeStruct, 0xffff'ffff);
  CHECK(Fdt::create(v16.data(), v16.size()).ok());
}

TEST_CASE("block offsets and sizes outside the blob, overflowing or misaligned are BadLayout") {
  const Blob good = minimal();
  const std::uint32_t total = get32(good, kTotalSize);
  struct Patch {
    std::size_t field;
    std::uint32_t value;
  };
  const Patch patches[] = {
      {kOffStruct, total},
      {kOffStruct, 0xffff'fffc},
      {kOffStruct, 0},
      {kOffStruct, get32(good, kOffStruct) + 2},
      {kSizeStruct, 0xffff'ffff},
      {kSizeStruct, total},
      {kOffStrings, total + 1},
      {kOffStrings, 0xffff'ffff},
      {kSizeStrings, 0xffff'fff0},
      {kOffRsv, 0xffff'fff8},
      {kOffRsv, 44},
      {kOffRsv, 0},
      {kOffStrings, 8},
  };
  for (const Patch& p : patches) {
    CAPTURE(p.field);
    CAPTURE(p.value);
    Blob blob = good;
    set32(blob, p.field, p.value);
    CHECK(error_of(blob) == FdtError::BadLayout);
  }
  Blob claims_more = good;
  set32(claims_more, kTotalSize, total + 1);
  CHECK(error_of(claims_more) == FdtError::Truncated);
  Blob tiny = good;
  set32(tiny, kTotalSize, 20);
  CHECK(error_of(tiny) == FdtError::Truncated);
}

// Found by the fdt fuzz target (tests/fuzz): a version 16 header has no size_dt_struct, so the block's
// size is computed as totalsize - off_dt_struct; with the offset past the end that subtraction wrapped,
// the wrapped sum passed the bounds check, and the walk read far outside the blob.
TEST_CASE("version 16: a structure block offset past the end of the blob is BadLayout, not a wrapped size") {
  const Blob good = minimal();
  const std::uint32_t total = get32(good, kTotalSize);
  for (const std::uint32_t offset : {total + 4, (total + 64) & ~3u, 0x0100'0000u, 0xffff'fffcu}) {
    CAPTURE(offset);
    Blob blob = good;
    set32(blob, kVersion, 16);
    set32(blob, kOffStruct, offset);
    CHECK(error_of(blob) == FdtError::BadLayout);
  }
}

TEST_CASE("unterminated names: a node name running to the block end, a property name off the strings") {
  BlobBuilder node;
  node.begin_node("").begin_node("runaway!", false); // 8 bytes: no padding NUL follows
  CHECK(error_of(node.build()) == FdtError::BadString);

  BlobBuilder cut;
  cut.begin_node("").prop("n", {}, -1, 2).end_node().end().raw_string_bytes("abc");
  // nameoff 2 points at "c" with no NUL before the block ends.
  CHECK(error_of(cut.build()) == FdtError::BadString);

  BlobBuilder beyond;
  beyond.begin_node("").prop("n", {}, -1, 1000).end_node().end();
  CHECK(error_of(beyond.build()) == FdtError::BadString);
}

TEST_CASE("nesting that never closes, too deep, stray END_NODE, content after the root, no FDT_END") {
  BlobBuilder open;
  open.begin_node("").begin_node("a").end_node().end();
  CHECK(error_of(open.build()) == FdtError::BadNesting);

  BlobBuilder no_end;
  fdt_test::minimal_tree_body(no_end);
  CHECK(error_of(no_end.build()) == FdtError::Truncated);

  BlobBuilder deep;
  deep.begin_node("");
  for (unsigned i = 0; i < bramble::fdt::kMaxDepth; ++i)
    deep.begin_node("d");
  for (unsigned i = 0; i <= bramble::fdt::kMaxDepth; ++i)
    deep.end_node();
  deep.end();
  CHECK(error_of(deep.build()) == FdtError::BadNesting);

  BlobBuilder just_deep_enough;
  just_deep_enough.begin_node("");
  for (unsigned i = 1; i < bramble::fdt::kMaxDepth; ++i)
    just_deep_enough.begin_node("d");
  for (unsigned i = 1; i <= bramble::fdt::kMaxDepth; ++i)
    just_deep_enough.end_node();
  just_deep_enough.end();
  const Blob ok_blob = just_deep_enough.build();
  CHECK(Fdt::create(ok_blob.data(), ok_blob.size()).ok());

  BlobBuilder stray;
  stray.end_node().end();
  CHECK(error_of(stray.build()) == FdtError::BadNesting);

  BlobBuilder two_roots;
  fdt_test::minimal_tree_body(two_roots).begin_node("").end_node().end();
  CHECK(error_of(two_roots.build()) == FdtError::BadNesting);

  BlobBuilder prop_outside;
  fdt_test::minimal_tree_body(prop_outside).prop_cells("x", {1}).end();
  CHECK(error_of(prop_outside.build()) == FdtError::BadNesting);

  BlobBuilder unknown;
  unknown.begin_node("").word(0x7).end_node().end();
  CHECK(error_of(unknown.build()) == FdtError::BadToken);
}

TEST_CASE("property lengths that overrun the structure block are BadProperty") {
  for (long len : {16L, 1000L, 0x7fff'ffffL, 0xffff'fff0L}) {
    CAPTURE(len);
    BlobBuilder b;
    b.begin_node("").prop("reg", {1, 2, 3, 4}, len).end_node().end();
    CHECK(error_of(b.build()) == FdtError::BadProperty);
  }
}

TEST_CASE("semantically wrong values: bad cells, a reg of the wrong length, a wrapping range") {
  auto with_root = [](std::vector<std::uint32_t> ac, std::vector<std::uint32_t> reg) {
    BlobBuilder b;
    b.begin_node("").prop_cells("#address-cells", ac).prop_cells("#size-cells", {1});
    b.begin_node("memory@0").prop_string("device_type", "memory").prop_cells("reg", reg).end_node();
    return b.end_node().end().build();
  };
  std::array<bramble::fdt::Range, 4> out{};
  const Blob three_cells = with_root({3}, {0, 0, 0, 1});
  CHECK(Fdt::create(three_cells.data(), three_cells.size())->memory_ranges(out).error() == FdtError::BadCells);
  const Blob long_cells = with_root({1, 1}, {0, 1});
  CHECK(Fdt::create(long_cells.data(), long_cells.size())->memory_ranges(out).error() == FdtError::BadProperty);
  const Blob ragged = with_root({1}, {0, 1, 2});
  CHECK(Fdt::create(ragged.data(), ragged.size())->memory_ranges(out).error() == FdtError::BadProperty);
  const Blob wraps = with_root({2}, {0xffff'ffff, 0xffff'f000, 0x2000});
  CHECK(Fdt::create(wraps.data(), wraps.size())->memory_ranges(out).error() == FdtError::BadProperty);

  BlobBuilder rsv_wrap;
  rsv_wrap.reserve(0xffff'ffff'ffff'f000, 0x2000);
  const Blob rw = fdt_test::minimal_tree_body(rsv_wrap).end().build();
  CHECK(Fdt::create(rw.data(), rw.size())->reserved_ranges(out).error() == FdtError::BadProperty);

  BlobBuilder no_nul;
  no_nul.begin_node("").begin_node("chosen").prop("bootargs", {'a', 'b'}).end_node().end_node().end();
  const Blob nn = no_nul.build();
  CHECK(Fdt::create(nn.data(), nn.size())->bootargs().error() == FdtError::BadString);
}

TEST_CASE("a reservation block with no terminator before the end of the blob is Truncated") {
  Blob blob = minimal();
  // Point the reservation map at the last 8-aligned 16 bytes of the blob, which are not all zero.
  const std::uint32_t total = get32(blob, kTotalSize);
  blob.resize(blob.size() + 16, 0x01); // small enough that base + size cannot wrap
  set32(blob, kTotalSize, total + 16);
  set32(blob, kOffRsv, (total + 16 - 16) & ~7U);
  auto fdt = Fdt::create(blob.data(), blob.size());
  REQUIRE(fdt.ok());
  std::array<bramble::fdt::Range, 8> out{};
  CHECK(fdt->reserved_ranges(out).error() == FdtError::Truncated);
}

TEST_CASE("every single-bit flip of small valid blobs: an error or a tree we can fully walk") {
  std::size_t rejected = 0, accepted = 0;
  for (const Blob& original : corpus()) {
    for (std::size_t byte = 0; byte < original.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        Blob blob = original;
        blob[byte] = static_cast<std::uint8_t>(blob[byte] ^ (1U << bit));
        std::unique_ptr<std::uint8_t[]> keep;
        auto fdt = parse_exact(blob, blob.size(), keep);
        if (fdt.ok()) {
          ++accepted;
          exercise(*fdt);
        } else {
          ++rejected;
        }
      }
    }
  }
  // Flips in header fields and tokens are rejected; flips inside values and names are not.
  CHECK(rejected > 0);
  CHECK(accepted > 0);
}

TEST_CASE("small blobs with the structure block cut at every length: always an error, never a crash") {
  for (const Blob& original : corpus()) {
    const std::size_t struct_size = fdt_size_dt_struct(static_cast<const void*>(original.data()));
    for (std::size_t keep = 0; keep < struct_size; ++keep) {
      CAPTURE(keep);
      const FdtError error = error_of(fdt_test::cut_structure(original, keep));
      CHECK((error == FdtError::Truncated || error == FdtError::BadString || error == FdtError::BadProperty ||
             error == FdtError::BadNesting));
    }
    CHECK(Fdt::create(fdt_test::cut_structure(original, struct_size).data(), original.size()).ok());
  }
}
