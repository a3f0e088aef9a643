#include "kernel/loader/elf.hpp"

namespace bramble::loader {
namespace {

// ELF64 header layout (gABI 4 "ELF Header"; offsets of the Elf64_Ehdr fields).
constexpr ktl::size_t kEhdrSize = 64;
constexpr ktl::size_t kIdentClass = 4;    // EI_CLASS
constexpr ktl::size_t kIdentData = 5;     // EI_DATA
constexpr ktl::size_t kIdentVersion = 6;  // EI_VERSION
constexpr ktl::size_t kOffType = 16;      // e_type (Elf64_Half)
constexpr ktl::size_t kOffMachine = 18;   // e_machine (Elf64_Half)
constexpr ktl::size_t kOffVersion = 20;   // e_version (Elf64_Word)
constexpr ktl::size_t kOffEntry = 24;     // e_entry (Elf64_Addr)
constexpr ktl::size_t kOffPhoff = 32;     // e_phoff (Elf64_Off)
constexpr ktl::size_t kOffEhsize = 52;    // e_ehsize (Elf64_Half)
constexpr ktl::size_t kOffPhentsize = 54; // e_phentsize (Elf64_Half)
constexpr ktl::size_t kOffPhnum = 56;     // e_phnum (Elf64_Half)

constexpr ktl::uint8_t kClass64 = 2;           // ELFCLASS64
constexpr ktl::uint8_t kDataLsb = 1;           // ELFDATA2LSB
constexpr ktl::uint32_t kVersionCurrent = 1;   // EV_CURRENT
constexpr ktl::uint16_t kTypeExec = 2;         // ET_EXEC
constexpr ktl::uint16_t kMachineAarch64 = 183; // EM_AARCH64 (AAELF64 "ELF Identification")
constexpr ktl::uint16_t kPnXnum = 0xffff;      // PN_XNUM: the real count is elsewhere; never produced for
                                               // programs this small, so it is refused

// Program header layout (gABI 5 "Program Header"; offsets of the Elf64_Phdr fields).
constexpr ktl::size_t kPhdrSize = 56;
constexpr ktl::size_t kOffPType = 0;    // p_type (Elf64_Word)
constexpr ktl::size_t kOffPFlags = 4;   // p_flags (Elf64_Word)
constexpr ktl::size_t kOffPOffset = 8;  // p_offset (Elf64_Off)
constexpr ktl::size_t kOffPVaddr = 16;  // p_vaddr (Elf64_Addr)
constexpr ktl::size_t kOffPFilesz = 32; // p_filesz (Elf64_Xword)
constexpr ktl::size_t kOffPMemsz = 40;  // p_memsz (Elf64_Xword)

constexpr ktl::uint32_t kPtLoad = 1;    // PT_LOAD
constexpr ktl::uint32_t kPtDynamic = 2; // PT_DYNAMIC
constexpr ktl::uint32_t kPtInterp = 3;  // PT_INTERP
constexpr ktl::uint32_t kPtTls = 7;     // PT_TLS

constexpr ktl::uint32_t kPfX = 1; // PF_X
constexpr ktl::uint32_t kPfW = 2; // PF_W
constexpr ktl::uint32_t kPfR = 4; // PF_R

constexpr ktl::uint64_t kPageMask = kPageSize - 1;

// A little-endian read of sizeof(T) bytes at `at`; the caller has checked that they are inside the blob.
template <typename T> T read_le(std::span<const ktl::uint8_t> blob, ktl::size_t at) {
  T value = 0;
  for (ktl::size_t i = sizeof(T); i-- > 0;)
    value = static_cast<T>((value << 8) | blob[at + i]);
  return value;
}

Result<ElfImage, ElfError> check_header(std::span<const ktl::uint8_t> blob) {
  if (blob.size() < kEhdrSize) return err(ElfError::Truncated);
  if (blob[0] != 0x7f || blob[1] != 'E' || blob[2] != 'L' || blob[3] != 'F') return err(ElfError::BadMagic);
  if (blob[kIdentClass] != kClass64) return err(ElfError::BadClass);
  if (blob[kIdentData] != kDataLsb) return err(ElfError::BadEncoding);
  if (blob[kIdentVersion] != kVersionCurrent || read_le<ktl::uint32_t>(blob, kOffVersion) != kVersionCurrent) {
    return err(ElfError::BadVersion);
  }
  if (read_le<ktl::uint16_t>(blob, kOffType) != kTypeExec) return err(ElfError::NotExecutable);
  if (read_le<ktl::uint16_t>(blob, kOffMachine) != kMachineAarch64) return err(ElfError::WrongMachine);
  if (read_le<ktl::uint16_t>(blob, kOffEhsize) != kEhdrSize ||
      read_le<ktl::uint16_t>(blob, kOffPhentsize) != kPhdrSize) {
    return err(ElfError::BadHeaderSize);
  }
  const ktl::uint64_t phoff = read_le<ktl::uint64_t>(blob, kOffPhoff);
  const ktl::uint64_t phnum = read_le<ktl::uint16_t>(blob, kOffPhnum);
  // phnum <= 0xfffe, so phnum * kPhdrSize cannot overflow; phoff is checked without adding to it.
  if (phnum == 0 || phnum == kPnXnum || phoff > blob.size() || phnum * kPhdrSize > blob.size() - phoff) {
    return err(ElfError::BadProgramHeaders);
  }
  ElfImage image;
  image.blob = blob;
  image.entry = read_le<ktl::uint64_t>(blob, kOffEntry);
  return image;
}

// Validates one PT_LOAD header on its own (the checks that need other segments come later).
Result<Segment, ElfError> check_load(std::span<const ktl::uint8_t> blob, ktl::size_t at, UserRange range) {
  const ktl::uint32_t flags = read_le<ktl::uint32_t>(blob, at + kOffPFlags);
  Segment s;
  s.offset = read_le<ktl::uint64_t>(blob, at + kOffPOffset);
  s.vaddr = read_le<ktl::uint64_t>(blob, at + kOffPVaddr);
  s.filesz = read_le<ktl::uint64_t>(blob, at + kOffPFilesz);
  s.memsz = read_le<ktl::uint64_t>(blob, at + kOffPMemsz);
  s.flags = {(flags & kPfR) != 0, (flags & kPfW) != 0, (flags & kPfX) != 0};

  if (s.filesz > s.memsz) return err(ElfError::FileSizeTooLarge);
  if (s.memsz == 0) return s; // occupies nothing; the caller skips it
  if (s.flags.write && s.flags.execute) return err(ElfError::WriteAndExecute);
  if (!s.flags.read) return err(ElfError::NotReadable);
  if (s.offset > blob.size() || s.filesz > blob.size() - s.offset) return err(ElfError::FileRangeOutside);
  // page_end() adds memsz and a page less one byte: both sums must stay below 2^64.
  const ktl::uint64_t max = std::numeric_limits<ktl::uint64_t>::max();
  if (s.memsz > max - s.vaddr || s.vaddr + s.memsz > max - kPageMask) return err(ElfError::AddressOverflow);
  // Mapping file pages at their virtual pages needs the same offset inside a page (gABI 5 "Program
  // Header": p_vaddr == p_offset modulo p_align; the kernel maps with 4 KiB pages).
  if ((s.vaddr & kPageMask) != (s.offset & kPageMask)) return err(ElfError::Misaligned);
  if (s.page_start() < range.base || s.page_end() > range.top) return err(ElfError::AddressOutsideUser);
  return s;
}

} // namespace

Result<ElfImage, ElfError> parse_elf(std::span<const ktl::uint8_t> blob, UserRange range) {
  ElfImage image = BRAMBLE_TRY(check_header(blob));
  const ktl::uint64_t phoff = read_le<ktl::uint64_t>(blob, kOffPhoff);
  const ktl::uint64_t phnum = read_le<ktl::uint16_t>(blob, kOffPhnum);

  for (ktl::uint64_t i = 0; i < phnum; ++i) {
    const auto at = static_cast<ktl::size_t>(phoff + i * kPhdrSize);
    const ktl::uint32_t type = read_le<ktl::uint32_t>(blob, at + kOffPType);
    if (type == kPtInterp || type == kPtDynamic) return err(ElfError::DynamicNotSupported);
    if (type == kPtTls) return err(ElfError::TlsNotSupported);
    if (type != kPtLoad) continue;
    const Segment segment = BRAMBLE_TRY(check_load(blob, at, range));
    if (segment.memsz == 0) continue;
    if (image.segment_count == kMaxSegments) return err(ElfError::TooManySegments);
    image.segments[image.segment_count++] = segment;
  }

  // Page granularity, not byte granularity: two segments on one page would need one page-table entry
  // with two sets of permissions.
  const auto segments = image.loadable();
  for (ktl::size_t i = 0; i < segments.size(); ++i) {
    for (ktl::size_t j = i + 1; j < segments.size(); ++j) {
      if (segments[i].page_start() < segments[j].page_end() && segments[j].page_start() < segments[i].page_end()) {
        return err(ElfError::OverlappingSegments);
      }
    }
  }

  bool entry_executable = false;
  for (const Segment& s : segments) {
    if (s.flags.execute && image.entry >= s.vaddr && image.entry - s.vaddr < s.memsz) entry_executable = true;
  }
  if (!entry_executable) return err(ElfError::EntryNotExecutable);
  if ((image.entry & 3) != 0) return err(ElfError::EntryMisaligned);
  return image;
}

const char* elf_error_name(ElfError error) {
  switch (error) {
  case ElfError::Truncated: return "Truncated";
  case ElfError::BadMagic: return "BadMagic";
  case ElfError::BadClass: return "BadClass";
  case ElfError::BadEncoding: return "BadEncoding";
  case ElfError::BadVersion: return "BadVersion";
  case ElfError::NotExecutable: return "NotExecutable";
  case ElfError::WrongMachine: return "WrongMachine";
  case ElfError::BadHeaderSize: return "BadHeaderSize";
  case ElfError::BadProgramHeaders: return "BadProgramHeaders";
  case ElfError::TooManySegments: return "TooManySegments";
  case ElfError::DynamicNotSupported: return "DynamicNotSupported";
  case ElfError::TlsNotSupported: return "TlsNotSupported";
  case ElfError::WriteAndExecute: return "WriteAndExecute";
  case ElfError::NotReadable: return "NotReadable";
  case ElfError::FileSizeTooLarge: return "FileSizeTooLarge";
  case ElfError::FileRangeOutside: return "FileRangeOutside";
  case ElfError::AddressOverflow: return "AddressOverflow";
  case ElfError::AddressOutsideUser: return "AddressOutsideUser";
  case ElfError::Misaligned: return "Misaligned";
  case ElfError::OverlappingSegments: return "OverlappingSegments";
  case ElfError::EntryNotExecutable: return "EntryNotExecutable";
  case ElfError::EntryMisaligned: return "EntryMisaligned";
  }
  return "?";
}

} // namespace bramble::loader
