// parse_elf(): the ELF header and program-header-table checks, one crafted defect per case.
#include <doctest/doctest.h>

#include "kernel/loader/elf.hpp"
#include "tests/unit/loader/elf_builder.hpp"

namespace {

using bramble::loader::ElfError;
using bramble::loader::parse_elf;
using bramble::loader::UserRange;
using namespace bramble::loader::test;

constexpr UserRange kRange{kUserBase, kUserTop};

ElfError parse_error(const std::vector<std::uint8_t>& blob) {
  const auto result = parse_elf(blob, kRange);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

ElfError parse_error(const ElfBuilder& b) { return parse_error(b.build()); }

} // namespace

TEST_CASE("the default crafted image is valid and parsed field by field") {
  const auto blob = ElfBuilder{}.build();
  const auto result = parse_elf(blob, kRange);
  REQUIRE(result.ok());
  CHECK(result->entry == 0x400000);
  REQUIRE(result->segment_count == 3);
  const auto& text = result->segments[0];
  CHECK(text.vaddr == 0x400000);
  CHECK(text.offset == 0x1000);
  CHECK(text.filesz == 0x100);
  CHECK(text.memsz == 0x100);
  CHECK(text.flags == bramble::loader::SegmentFlags{true, false, true});
  CHECK(result->segments[1].flags == bramble::loader::SegmentFlags{true, false, false});
  const auto& data = result->segments[2];
  CHECK(data.flags == bramble::loader::SegmentFlags{true, true, false});
  CHECK(data.filesz == 0x40);
  CHECK(data.memsz == 0x2000);
  CHECK(data.page_start() == 0x402000);
  CHECK(data.page_end() == 0x404000);
  CHECK(result->blob.data() == blob.data());
}

TEST_CASE("shorter than the ELF header is Truncated") {
  auto blob = ElfBuilder{}.build();
  blob.resize(63);
  CHECK(parse_error(blob) == ElfError::Truncated);
  CHECK(parse_elf({}, kRange).error() == ElfError::Truncated);
}

TEST_CASE("each magic byte is checked") {
  for (std::size_t i = 0; i < 4; ++i) {
    auto blob = ElfBuilder{}.build();
    blob[i] ^= 0x20;
    CAPTURE(i);
    CHECK(parse_error(blob) == ElfError::BadMagic);
  }
}

TEST_CASE("identification: class, data encoding, version") {
  ElfBuilder b;
  b.ident_class = 1; // ELFCLASS32
  CHECK(parse_error(b) == ElfError::BadClass);
  b = {};
  b.ident_data = 2; // ELFDATA2MSB
  CHECK(parse_error(b) == ElfError::BadEncoding);
  b = {};
  b.ident_version = 0;
  CHECK(parse_error(b) == ElfError::BadVersion);
  b = {};
  b.version = 2;
  CHECK(parse_error(b) == ElfError::BadVersion);
}

TEST_CASE("only AArch64 ET_EXEC files are accepted") {
  for (std::uint16_t type : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{3},
                             std::uint16_t{4}}) { // ET_NONE, ET_REL, ET_DYN (PIE), ET_CORE
    ElfBuilder b;
    b.type = type;
    CAPTURE(type);
    CHECK(parse_error(b) == ElfError::NotExecutable);
  }
  for (std::uint16_t machine :
       {std::uint16_t{0}, std::uint16_t{40}, std::uint16_t{62}, std::uint16_t{243}}) { // none, ARM, x86-64, RISC-V
    ElfBuilder b;
    b.machine = machine;
    CAPTURE(machine);
    CHECK(parse_error(b) == ElfError::WrongMachine);
  }
}

TEST_CASE("header and program header sizes must be the ELF64 ones") {
  ElfBuilder b;
  b.ehsize = 52;
  CHECK(parse_error(b) == ElfError::BadHeaderSize);
  b = {};
  b.phentsize = 32;
  CHECK(parse_error(b) == ElfError::BadHeaderSize);
  b = {};
  b.phentsize = 64;
  CHECK(parse_error(b) == ElfError::BadHeaderSize);
}

TEST_CASE("the program header table must exist and lie inside the blob") {
  ElfBuilder b;
  b.phnum = 0;
  CHECK(parse_error(b) == ElfError::BadProgramHeaders);
  b = {};
  b.phnum = 0xffff; // PN_XNUM
  CHECK(parse_error(b) == ElfError::BadProgramHeaders);

  // A table that ends exactly at the end of the blob is fine; one byte further is not.
  b = {};
  auto blob = b.build();
  const std::uint64_t size = blob.size();
  b.phoff = size - 3 * 56;
  REQUIRE(parse_elf(b.build(), kRange).ok());
  b.phoff = size - 3 * 56 + 8; // 8 keeps the table 8-byte aligned, the overrun is what counts
  auto moved = b.build();
  moved.resize(size);
  CHECK(parse_error(moved) == ElfError::BadProgramHeaders);

  // phoff beyond the blob, and phoff so large that phoff + table size wraps around.
  for (std::uint64_t phoff : {size, size + 1, ~std::uint64_t{0} - 8, ~std::uint64_t{0}}) {
    ElfBuilder far;
    far.phoff = phoff;
    auto blob_far = far.build(); // build() appends the table where phoff says: cut it off again
    blob_far.resize(size);
    CAPTURE(phoff);
    CHECK(parse_error(blob_far) == ElfError::BadProgramHeaders);
  }
  // More headers claimed than present.
  b = {};
  b.phnum = 1000;
  CHECK(parse_error(b) == ElfError::BadProgramHeaders);
}

TEST_CASE("dynamic and TLS programs are refused") {
  ElfBuilder b;
  b.phdrs.push_back({kPtInterp, kPfR, 0x100, 0x400100, 0x10, 0x10});
  CHECK(parse_error(b) == ElfError::DynamicNotSupported);
  b = {};
  b.phdrs.push_back({kPtDynamic, kPfR | kPfW, 0x3000, 0x402000, 0x10, 0x10});
  CHECK(parse_error(b) == ElfError::DynamicNotSupported);
  b = {};
  b.phdrs.push_back({kPtTls, kPfR, 0x3000, 0x402000, 0x0, 0x10});
  CHECK(parse_error(b) == ElfError::TlsNotSupported);
}

TEST_CASE("other program header types are ignored, even with odd flags") {
  ElfBuilder b;
  b.phdrs.push_back({kPtNote, kPfR, 0x100, 0, 0x10, 0x10});
  b.phdrs.push_back({kPtGnuStack, kPfR | kPfW | kPfX, 0, 0, 0, 0});
  const auto result = parse_elf(b.build(), kRange);
  REQUIRE(result.ok());
  CHECK(result->segment_count == 3);
}
