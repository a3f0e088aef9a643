// parse_elf(): the PT_LOAD checks (permissions, sizes, ranges, alignment, overlap, entry point).
#include <doctest/doctest.h>

#include <string_view>

#include "kernel/loader/elf.hpp"
#include "tests/unit/loader/elf_builder.hpp"

namespace {

using bramble::loader::ElfError;
using bramble::loader::kMaxSegments;
using bramble::loader::parse_elf;
using bramble::loader::UserRange;
using namespace bramble::loader::test;

constexpr UserRange kRange{kUserBase, kUserTop};

ElfError parse_error(const ElfBuilder& b, UserRange range = kRange) {
  const auto result = parse_elf(b.build(), range);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

bool parses(const ElfBuilder& b, UserRange range = kRange) { return parse_elf(b.build(), range).ok(); }

} // namespace

TEST_CASE("a writable and executable segment is refused (W^X)") {
  for (std::size_t i = 0; i < 3; ++i) {
    ElfBuilder b;
    b.phdrs[i].flags = kPfR | kPfW | kPfX;
    CAPTURE(i);
    CHECK(parse_error(b) == ElfError::WriteAndExecute);
  }
}

TEST_CASE("a segment without read permission is refused") {
  ElfBuilder b;
  b.phdrs[0].flags = kPfX; // execute-only
  CHECK(parse_error(b) == ElfError::NotReadable);
  b = {};
  b.phdrs[2].flags = kPfW; // write-only
  CHECK(parse_error(b) == ElfError::NotReadable);
  b = {};
  b.phdrs[1].flags = 0;
  CHECK(parse_error(b) == ElfError::NotReadable);
}

TEST_CASE("p_filesz larger than p_memsz is refused, also for an empty segment") {
  ElfBuilder b;
  b.phdrs[1].filesz = b.phdrs[1].memsz + 1;
  CHECK(parse_error(b) == ElfError::FileSizeTooLarge);
  b = {};
  b.phdrs.push_back({kPtLoad, kPfR, 0x3000, 0x500000, 1, 0});
  CHECK(parse_error(b) == ElfError::FileSizeTooLarge);
}

TEST_CASE("a segment with p_memsz 0 occupies nothing and is skipped") {
  ElfBuilder b;
  b.phdrs.insert(b.phdrs.begin() + 1, {kPtLoad, kPfR | kPfW | kPfX, 0x1000, 0x400000, 0, 0});
  const auto result = parse_elf(b.build(), kRange);
  REQUIRE(result.ok());
  CHECK(result->segment_count == 3);
  CHECK(result->segments[1].vaddr == 0x401000);
}

TEST_CASE("the file bytes of a segment must lie inside the blob") {
  const std::uint64_t size = ElfBuilder{}.build().size(); // 0x3040: ends with the data bytes
  ElfBuilder b;
  b.phdrs[2].filesz = 0x41;  // one byte past the end (build() only writes the claimed bytes if
  b.phdrs[2].memsz = 0x2000; // the range is small, so shrink the blob back afterwards)
  auto blob = b.build();
  blob.resize(size);
  const auto result = parse_elf(blob, kRange);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == ElfError::FileRangeOutside);

  // Offsets far away, and offset + filesz wrapping around 2^64.
  b = {};
  b.phdrs[1].offset = (std::uint64_t{1} << 40) + 0x2000;
  CHECK(parse_error(b) == ElfError::FileRangeOutside);
  b = {};
  b.phdrs[1].filesz = ~std::uint64_t{0} - 0x1000; // offset 0x2000 + filesz wraps around 2^64
  b.phdrs[1].memsz = b.phdrs[1].filesz;
  CHECK(parse_error(b) == ElfError::FileRangeOutside);
}

TEST_CASE("vaddr + memsz must not wrap, also after rounding up to a page") {
  ElfBuilder b;
  b.phdrs[2].vaddr = 0xffff'ffff'ffff'f000;
  b.phdrs[2].memsz = 0x2000;
  CHECK(parse_error(b) == ElfError::AddressOverflow);
  b.phdrs[2].vaddr = 0xffff'ffff'ffff'e000;
  b.phdrs[2].memsz = 0x1fff; // ends at the last byte of the address space, but the page end wraps
  CHECK(parse_error(b) == ElfError::AddressOverflow);
  // Without a user range limit the same segment one byte shorter is fine.
  b.phdrs[2].memsz = 0x1000;
  CHECK(parses(b, UserRange{kUserBase, 0xffff'ffff'ffff'f000}));
}

TEST_CASE("segments must lie inside the user range") {
  ElfBuilder b;
  b.phdrs[0].vaddr = 0x0; // the null page
  b.entry = 0x0;
  CHECK(parse_error(b) == ElfError::AddressOutsideUser);

  // The range's ends: a segment may end exactly at top and start exactly at base.
  b = {};
  const UserRange tight{0x400000, 0x404000};
  CHECK(parses(b, tight));
  CHECK(parse_error(b, UserRange{0x401000, 0x404000}) == ElfError::AddressOutsideUser);
  CHECK(parse_error(b, UserRange{0x400000, 0x403000}) == ElfError::AddressOutsideUser);

  // A page-unaligned start is judged by its page: a segment starting at base + 0x10 is inside, one
  // starting at base - 0x10 is not even though most of it is.
  b = {};
  b.phdrs[0].vaddr = 0x400010;
  b.phdrs[0].offset = 0x1010;
  b.entry = 0x400010;
  CHECK(parses(b, tight));
  b.phdrs[0].vaddr = 0x3ffff0;
  b.phdrs[0].offset = 0x1ff0;
  b.entry = 0x400000;
  CHECK(parses(b, UserRange{0x3ff000, 0x404000}));
  CHECK(parse_error(b, tight) == ElfError::AddressOutsideUser);

  // Kernel addresses.
  b = {};
  b.phdrs[1].vaddr = 0xffff'0000'0000'0000;
  b.phdrs[1].offset = 0x2000;
  CHECK(parse_error(b) == ElfError::AddressOutsideUser);
}

TEST_CASE("p_vaddr and p_offset must be congruent modulo the page size") {
  ElfBuilder b;
  b.phdrs[1].vaddr = 0x401010; // offset stays 0x2000
  CHECK(parse_error(b) == ElfError::Misaligned);
  b.phdrs[1].offset = 0x2010; // now congruent
  CHECK(parses(b));
  b.phdrs[1].offset = 0x3010; // congruent across different pages is fine too
  b.phdrs[1].filesz = 0x20;
  CHECK(parses(b));
}

TEST_CASE("segments may not overlap, not even by sharing a page") {
  ElfBuilder b;
  b.phdrs[1].vaddr = 0x400080; // bytes overlap the text segment
  b.phdrs[1].offset = 0x1080;
  CHECK(parse_error(b) == ElfError::OverlappingSegments);
  b.phdrs[1].vaddr = 0x400100; // bytes do not overlap, but the page is shared with text
  b.phdrs[1].offset = 0x1100;
  CHECK(parse_error(b) == ElfError::OverlappingSegments);
  b = {};
  b.phdrs[2].vaddr = 0x3ff000; // data below text, its .bss reaching into text's page
  b.phdrs[2].memsz = 0x1001;
  CHECK(parse_error(b) == ElfError::OverlappingSegments);
  b.phdrs[2].memsz = 0x1000; // ends exactly where text starts: fine
  CHECK(parses(b));
  b = {};
  b.phdrs.push_back(b.phdrs[1]); // the same segment twice
  CHECK(parse_error(b) == ElfError::OverlappingSegments);
}

TEST_CASE("at most kMaxSegments loadable segments") {
  ElfBuilder b;
  b.phdrs.clear();
  for (std::uint64_t i = 0; i < kMaxSegments; ++i) {
    b.phdrs.push_back({kPtLoad, kPfR | kPfX, 0x1000 * (i + 1), 0x400000 + 0x1000 * i, 0x10, 0x10});
  }
  CHECK(parses(b));
  b.phdrs.push_back({kPtLoad, kPfR, 0x1000 * (kMaxSegments + 1), 0x400000 + 0x1000 * kMaxSegments, 0x10, 0x10});
  CHECK(parse_error(b) == ElfError::TooManySegments);
}

TEST_CASE("the entry point must be inside an executable segment") {
  ElfBuilder b;
  b.entry = 0x401000; // rodata
  CHECK(parse_error(b) == ElfError::EntryNotExecutable);
  b.entry = 0x402000; // data
  CHECK(parse_error(b) == ElfError::EntryNotExecutable);
  b.entry = 0x400100; // one past the end of text
  CHECK(parse_error(b) == ElfError::EntryNotExecutable);
  b.entry = 0x3ffffc; // just before text
  CHECK(parse_error(b) == ElfError::EntryNotExecutable);
  b.entry = 0;
  CHECK(parse_error(b) == ElfError::EntryNotExecutable);
  b.entry = 0x4000fc; // the last instruction of text
  CHECK(parses(b));
  b.entry = 0x400002;
  CHECK(parse_error(b) == ElfError::EntryMisaligned);
}

TEST_CASE("every error has a distinct name") {
  using bramble::loader::elf_error_name;
  const char* a = elf_error_name(ElfError::Truncated);
  const char* z = elf_error_name(ElfError::EntryMisaligned);
  CHECK(std::string_view(a) == "Truncated");
  CHECK(std::string_view(z) == "EntryMisaligned");
  for (int i = 0; i <= static_cast<int>(ElfError::EntryMisaligned); ++i) {
    for (int j = 0; j < i; ++j) {
      CHECK(std::string_view(elf_error_name(static_cast<ElfError>(i))) !=
            std::string_view(elf_error_name(static_cast<ElfError>(j))));
    }
    CHECK(std::string_view(elf_error_name(static_cast<ElfError>(i))) != "?");
  }
}
