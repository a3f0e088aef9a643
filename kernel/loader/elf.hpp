// The ELF64 executable parser the kernel uses to start user programs: it checks that a blob is a
// static AArch64 executable the kernel can map W^X into a user address space, and lists its loadable
// segments. Nothing the blob says is trusted until it has been checked here.
//
// Format: System V ABI "gABI" chapters 4 ("Object Files": ELF header, e_ident) and 5 ("Program
// Loading": program header, PT_LOAD), and the AArch64 ELF supplement (ELF for the Arm 64-bit
// Architecture, "AAELF64": EM_AARCH64 = 183). Every field is read byte by byte in little-endian
// order, so a misaligned or hostile blob can never cause an alignment fault or an out-of-bounds read.
//
// Freestanding: no heap, no exceptions; the result is a fixed-size value.
#pragma once

#include "lib/align.hpp"
#include "lib/ktl.hpp"
#include "lib/result.hpp"

namespace bramble::loader {

enum class ElfError : ktl::uint8_t {
  Truncated,           // the blob is shorter than the ELF header
  BadMagic,            // e_ident does not start with 0x7f 'E' 'L' 'F'
  BadClass,            // not ELFCLASS64
  BadEncoding,         // not ELFDATA2LSB (little-endian)
  BadVersion,          // e_ident[EI_VERSION] or e_version is not EV_CURRENT
  NotExecutable,       // e_type is not ET_EXEC (relocatable, shared or position-independent objects)
  WrongMachine,        // e_machine is not EM_AARCH64
  BadHeaderSize,       // e_ehsize or e_phentsize is not the ELF64 size
  BadProgramHeaders,   // no program headers, PN_XNUM, or the table lies (partly) outside the blob
  TooManySegments,     // more PT_LOAD segments than kMaxSegments
  DynamicNotSupported, // PT_INTERP or PT_DYNAMIC: only static executables can be loaded
  TlsNotSupported,     // PT_TLS: the user runtime sets up no thread-local storage
  WriteAndExecute,     // a segment asks for both PF_W and PF_X (the kernel maps W^X)
  NotReadable,         // a segment lacks PF_R (AArch64 EL0 mappings are always readable)
  FileSizeTooLarge,    // p_filesz > p_memsz
  FileRangeOutside,    // [p_offset, p_offset + p_filesz) is not inside the blob
  AddressOverflow,     // p_vaddr + p_memsz (rounded up to a page) wraps around
  AddressOutsideUser,  // a segment's pages are not inside the allowed user range
  Misaligned,          // p_vaddr and p_offset are not congruent modulo the 4 KiB page
  OverlappingSegments, // two segments share a page (they could not get separate permissions)
  EntryNotExecutable,  // e_entry is not inside an executable segment
  EntryMisaligned,     // e_entry is not a multiple of 4 (A64 instructions are 4 bytes)
};

// A short name for logs and test messages ("WriteAndExecute").
[[nodiscard]] const char* elf_error_name(ElfError error);

// Page granularity of user mappings (4 KiB translation granule, ARM ARM D8.2).
inline constexpr ktl::uint64_t kPageSize = 4096;

// Segment permissions (gABI 5 "Segment Flag Bits": PF_X = 1, PF_W = 2, PF_R = 4).
struct SegmentFlags {
  bool read = false;
  bool write = false;
  bool execute = false;
  friend constexpr bool operator==(const SegmentFlags&, const SegmentFlags&) = default;
};

// One PT_LOAD segment: memory [vaddr, vaddr + memsz) gets the file bytes [offset, offset + filesz)
// at its start and zeros after them.
struct Segment {
  ktl::uint64_t vaddr = 0;
  ktl::uint64_t memsz = 0;
  ktl::uint64_t filesz = 0;
  ktl::uint64_t offset = 0;
  SegmentFlags flags;

  // The page-aligned virtual range the segment occupies.
  [[nodiscard]] constexpr ktl::uint64_t page_start() const { return align_down(vaddr, kPageSize); }
  [[nodiscard]] constexpr ktl::uint64_t page_end() const { return align_up(vaddr + memsz, kPageSize); }
};

// Where user mappings may go: [base, top). Both must be page-aligned; the kernel passes its user
// window (e.g. [0x1000, 2^39)).
struct UserRange {
  ktl::uint64_t base;
  ktl::uint64_t top;
};

// A static executable has text, rodata and data (+bss): a handful of segments is plenty, and a fixed
// bound keeps the result on the stack.
inline constexpr ktl::size_t kMaxSegments = 8;

// A validated executable: its entry point and its non-empty PT_LOAD segments in file order. It keeps
// a view of the blob it was parsed from, which must outlive it (the kernel's embedded programs live in
// its .rodata for ever).
struct ElfImage {
  std::span<const ktl::uint8_t> blob;
  ktl::uint64_t entry = 0;
  std::array<Segment, kMaxSegments> segments{};
  ktl::size_t segment_count = 0;

  [[nodiscard]] std::span<const Segment> loadable() const { return {segments.data(), segment_count}; }
};

// Checks `blob` completely and returns its segments, or the first problem found. PT_LOAD segments
// with p_memsz == 0 occupy no memory and are skipped; program headers of other types (PT_NOTE,
// PT_GNU_STACK, PT_PHDR, ...) are ignored except those listed in ElfError.
[[nodiscard]] Result<ElfImage, ElfError> parse_elf(std::span<const ktl::uint8_t> blob, UserRange range);

} // namespace bramble::loader
