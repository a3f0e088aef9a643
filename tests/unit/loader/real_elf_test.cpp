// parse_elf() and load_segments() on real executables: user/hello linked with user/runtime/user.ld by
// the GCC and the clang/lld cross toolchains at test-build time (CMakeLists.txt here), then cut
// short at every length and corrupted header byte by header byte.
#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/loader/elf.hpp"
#include "kernel/loader/load.hpp"

namespace {

using bramble::loader::ElfError;
using bramble::loader::kPageSize;
using bramble::loader::parse_elf;
using bramble::loader::SegmentFlags;
using bramble::loader::SegmentPlan;
using bramble::loader::UserRange;

constexpr UserRange kRange{0x1000, std::uint64_t{1} << 39};

struct RealElf {
  const char* toolchain;
  const char* path;
};

constexpr RealElf kElves[] = {
#ifdef BRAMBLE_HELLO_GCC_ELF
    {"gcc", BRAMBLE_HELLO_GCC_ELF},
#endif
#ifdef BRAMBLE_HELLO_CLANG_ELF
    {"clang", BRAMBLE_HELLO_CLANG_ELF},
#endif
};

std::vector<std::uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint64_t le(const std::vector<std::uint8_t>& b, std::size_t at, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = bytes; i-- > 0;)
    v = (v << 8) | b[at + i];
  return v;
}

// The smallest prefix of the file that parse_elf() needs, computed independently from the raw
// headers: the ELF header, the program header table, and every non-empty PT_LOAD's file bytes.
std::size_t required_length(const std::vector<std::uint8_t>& b) {
  const std::uint64_t phoff = le(b, 32, 8);
  const std::uint64_t phnum = le(b, 56, 2);
  std::uint64_t need = std::max<std::uint64_t>(64, phoff + phnum * 56);
  for (std::uint64_t i = 0; i < phnum; ++i) {
    const std::size_t at = static_cast<std::size_t>(phoff + i * 56);
    if (le(b, at, 4) == 1 && le(b, at + 40, 8) != 0) need = std::max(need, le(b, at + 8, 8) + le(b, at + 32, 8));
  }
  return static_cast<std::size_t>(need);
}

// What every accepted image must satisfy, whatever the input was.
void check_invariants(const bramble::loader::ElfImage& image, std::size_t blob_size) {
  bool entry_ok = false;
  for (const auto& s : image.loadable()) {
    REQUIRE(s.offset + s.filesz <= blob_size);
    REQUIRE(s.filesz <= s.memsz);
    REQUIRE_FALSE((s.flags.write && s.flags.execute));
    REQUIRE(s.flags.read);
    REQUIRE(s.page_start() >= kRange.base);
    REQUIRE(s.page_end() <= kRange.top);
    if (s.flags.execute && image.entry >= s.vaddr && image.entry < s.vaddr + s.memsz) entry_ok = true;
  }
  REQUIRE(entry_ok);
}

} // namespace

TEST_CASE("real user programs were built for the test") {
  // The cross compilers are installed by tools/install-deps.sh; without them this case says so.
  CHECK_MESSAGE(std::size(kElves) > 0, "no AArch64 cross compiler found at configure time");
}

TEST_CASE("hello has the segment layout of user.ld: text RX, rodata R, data RW, 4 KiB apart") {
  for (const RealElf& elf : kElves) {
    CAPTURE(elf.toolchain);
    const auto blob = read_file(elf.path);
    const auto result = parse_elf(blob, kRange);
    REQUIRE_MESSAGE(result.ok(), bramble::loader::elf_error_name(result.error()));
    const auto segments = result->loadable();
    REQUIRE(segments.size() == 3);
    CHECK(segments[0].vaddr == 0x400000);
    CHECK(result->entry == 0x400000); // _start is the first thing in .text
    CHECK(segments[0].flags == SegmentFlags{true, false, true});
    CHECK(segments[1].flags == SegmentFlags{true, false, false});
    CHECK(segments[2].flags == SegmentFlags{true, true, false});
    for (std::size_t i = 0; i < segments.size(); ++i) {
      CAPTURE(i);
      CHECK(segments[i].vaddr % kPageSize == 0);
      CHECK(segments[i].offset % kPageSize == 0);
      if (i > 0) CHECK(segments[i].vaddr >= segments[i - 1].page_end());
    }
    CHECK(segments[2].memsz > segments[2].filesz); // .bss follows .data
  }
}

TEST_CASE("loading hello puts its greeting in read-only memory and zeroes .bss") {
  for (const RealElf& elf : kElves) {
    CAPTURE(elf.toolchain);
    const auto blob = read_file(elf.path);
    const auto image = parse_elf(blob, kRange);
    REQUIRE(image.ok());
    std::vector<std::pair<SegmentPlan, std::vector<std::uint8_t>>> mapped;
    const auto loaded =
        bramble::loader::load_segments(*image, [&](const SegmentPlan& plan) -> bramble::Result<void, ElfError> {
          std::vector<std::uint8_t> memory(plan.size, 0xcc);
          plan.fill(0, memory);
          mapped.emplace_back(plan, std::move(memory));
          return {};
        });
    REQUIRE(loaded.ok());
    REQUIRE(mapped.size() == 3);
    const std::string_view greeting = "hello from user space";
    const auto& rodata = mapped[1].second;
    const std::string_view rodata_text(reinterpret_cast<const char*>(rodata.data()), rodata.size());
    CHECK(rodata_text.find(greeting) != std::string_view::npos);
    const auto& [data_plan, data] = mapped[2];
    const auto& data_segment = image->segments[2];
    for (std::size_t i = data_plan.data_offset + data_segment.filesz; i < data.size(); ++i) {
      if (data[i] != 0) {
        FAIL_CHECK(".bss byte " << i << " is not zero");
        break;
      }
    }
  }
}

TEST_CASE("a real ELF cut at every length is refused exactly when bytes it needs are missing") {
  for (const RealElf& elf : kElves) {
    CAPTURE(elf.toolchain);
    const auto blob = read_file(elf.path);
    const std::size_t need = required_length(blob);
    REQUIRE(need <= blob.size());
    std::size_t accepted = 0;
    for (std::size_t length = 0; length <= blob.size(); ++length) {
      // An allocation of exactly `length` bytes, so AddressSanitizer flags any read past the cut.
      std::unique_ptr<std::uint8_t[]> cut(new std::uint8_t[length == 0 ? 1 : length]);
      if (length > 0) std::memcpy(cut.get(), blob.data(), length);
      const auto result = parse_elf({cut.get(), length}, kRange);
      if (result.ok() != (length >= need)) {
        FAIL_CHECK("length " << length << " (need " << need << "): " << (result.ok() ? "accepted" : "refused"));
        break;
      }
      if (result.ok()) {
        check_invariants(*result, length);
        ++accepted;
      }
    }
    CHECK(accepted == blob.size() - need + 1);
  }
}

TEST_CASE("corrupting any header byte never yields an unsafe image") {
  for (const RealElf& elf : kElves) {
    CAPTURE(elf.toolchain);
    const auto blob = read_file(elf.path);
    const std::size_t headers = static_cast<std::size_t>(le(blob, 32, 8) + le(blob, 56, 2) * 56);
    std::size_t refused = 0;
    for (std::size_t at = 0; at < headers; ++at) {
      for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
        auto bad = blob;
        bad[at] ^= flip;
        const auto result = parse_elf(bad, kRange);
        if (result.ok())
          check_invariants(*result, bad.size());
        else
          ++refused;
      }
    }
    CHECK(refused > 0);
  }
}
