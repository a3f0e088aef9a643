// load_segments() and SegmentPlan::fill(): what a kernel's "map segment" callback receives, and the
// memory image that results when it does its job.
#include <doctest/doctest.h>

#include <ios>
#include <map>
#include <vector>

#include "kernel/loader/load.hpp"
#include "tests/unit/loader/elf_builder.hpp"

namespace {

using bramble::loader::ElfImage;
using bramble::loader::kPageSize;
using bramble::loader::load_segments;
using bramble::loader::parse_elf;
using bramble::loader::SegmentFlags;
using bramble::loader::SegmentPlan;
using bramble::loader::UserRange;
using namespace bramble::loader::test;

enum class MapError { OutOfMemory, AlreadyMapped };

// A fake address space: page -> contents and permissions, filled one page at a time the way a kernel
// that allocates single frames would.
struct FakeSpace {
  struct Page {
    std::vector<std::uint8_t> bytes;
    SegmentFlags flags;
  };
  std::map<std::uint64_t, Page> pages;
  std::vector<SegmentPlan> plans;
  int fail_at = -1; // plan index at which to fail
  MapError failure = MapError::OutOfMemory;

  bramble::Result<void, MapError> map(const SegmentPlan& plan) {
    if (static_cast<int>(plans.size()) == fail_at) return bramble::err(failure);
    plans.push_back(plan);
    for (std::uint64_t at = 0; at < plan.size; at += kPageSize) {
      if (pages.count(plan.vaddr + at) != 0) return bramble::err(MapError::AlreadyMapped);
      Page page{std::vector<std::uint8_t>(kPageSize, 0xcc), plan.flags}; // 0xcc: "not zeroed"
      plan.fill(at, page.bytes);
      pages.emplace(plan.vaddr + at, std::move(page));
    }
    return {};
  }

  [[nodiscard]] std::uint8_t byte(std::uint64_t vaddr) const {
    const auto it = pages.find(vaddr & ~(kPageSize - 1));
    REQUIRE(it != pages.end());
    return it->second.bytes[vaddr & (kPageSize - 1)];
  }
};

ElfImage parse(const std::vector<std::uint8_t>& blob) {
  auto result = parse_elf(blob, UserRange{kUserBase, kUserTop});
  REQUIRE(result.ok());
  return result.value();
}

} // namespace

TEST_CASE("plans are page-aligned and carry the segment's bytes and permissions") {
  ElfBuilder b;
  b.phdrs[2].vaddr = 0x402010; // data starting inside its page
  b.phdrs[2].offset = 0x3010;
  const auto blob = b.build();
  const ElfImage image = parse(blob);
  FakeSpace space;
  REQUIRE(load_segments(image, [&](const SegmentPlan& p) { return space.map(p); }).ok());
  REQUIRE(space.plans.size() == 3);

  const SegmentPlan& text = space.plans[0];
  CHECK(text.vaddr == 0x400000);
  CHECK(text.size == kPageSize);
  CHECK(text.flags == SegmentFlags{true, false, true});
  CHECK(text.data_offset == 0);
  CHECK(text.data.data() == blob.data() + 0x1000);
  CHECK(text.data.size() == 0x100);

  const SegmentPlan& data = space.plans[2];
  CHECK(data.vaddr == 0x402000);
  CHECK(data.size == 3 * kPageSize); // 0x402010 + 0x2000 rounds up to 0x405000
  CHECK(data.data_offset == 0x10);
  CHECK(data.flags == SegmentFlags{true, true, false});
}

TEST_CASE("the loaded memory holds the file bytes and zeros everywhere else") {
  ElfBuilder b;
  b.phdrs[2].vaddr = 0x402010;
  b.phdrs[2].offset = 0x3010;
  const auto blob = b.build();
  const ElfImage image = parse(blob);
  FakeSpace space;
  REQUIRE(load_segments(image, [&](const SegmentPlan& p) { return space.map(p); }).ok());
  CHECK(space.pages.size() == 1 + 1 + 3);

  for (const auto& s : image.loadable()) {
    CAPTURE(s.vaddr);
    for (std::uint64_t v = s.page_start(); v < s.page_end(); ++v) {
      const bool in_file = v >= s.vaddr && v < s.vaddr + s.filesz;
      const std::uint8_t expected = in_file ? pattern(static_cast<std::size_t>(s.offset + (v - s.vaddr))) : 0;
      if (space.byte(v) != expected) {
        FAIL_CHECK("byte at 0x" << std::hex << v << " is " << int{space.byte(v)} << ", expected " << int{expected});
        break;
      }
    }
  }
  CHECK(space.pages.at(0x400000).flags == SegmentFlags{true, false, true});
  CHECK(space.pages.at(0x401000).flags == SegmentFlags{true, false, false});
  CHECK(space.pages.at(0x404000).flags == SegmentFlags{true, true, false});
}

TEST_CASE("fill() works for any window: before, across and after the file bytes") {
  const std::vector<std::uint8_t> file{1, 2, 3, 4};
  SegmentPlan plan;
  plan.vaddr = 0x1000;
  plan.size = kPageSize;
  plan.data_offset = 6;
  plan.data = file;
  std::vector<std::uint8_t> window(5, 0xcc);
  plan.fill(0, window);
  CHECK(window == std::vector<std::uint8_t>{0, 0, 0, 0, 0});
  plan.fill(4, window);
  CHECK(window == std::vector<std::uint8_t>{0, 0, 1, 2, 3});
  plan.fill(8, window);
  CHECK(window == std::vector<std::uint8_t>{3, 4, 0, 0, 0});
  plan.fill(10, window);
  CHECK(window == std::vector<std::uint8_t>{0, 0, 0, 0, 0});
  std::vector<std::uint8_t> whole(12, 0xcc);
  plan.fill(0, whole);
  CHECK(whole == std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0});
}

TEST_CASE("the callback's first error stops loading and is returned") {
  const auto blob = ElfBuilder{}.build();
  const ElfImage image = parse(blob);
  FakeSpace space;
  space.fail_at = 1;
  space.failure = MapError::AlreadyMapped;
  const auto result = load_segments(image, [&](const SegmentPlan& p) { return space.map(p); });
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == MapError::AlreadyMapped);
  CHECK(space.plans.size() == 1); // the third segment was never attempted

  FakeSpace first;
  first.fail_at = 0;
  const auto again = load_segments(image, [&](const SegmentPlan& p) { return first.map(p); });
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == MapError::OutOfMemory);
  CHECK(first.pages.empty());
}
