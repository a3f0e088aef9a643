// VMSAv8-64 translation-table descriptors for the 4 KiB granule, and the memory-attribute and
// translation-control values that go with them.
//
// References: Arm Architecture Reference Manual for A-profile (DDI 0487), chapter D8 "The AArch64
// Virtual Memory System Architecture" (K.a numbering; D5 in editions up to G):
//   D8.3   translation table descriptor formats (D5.3.1-D5.3.3 in older editions)
//   D8.4   memory access control: AP[2:1], PXN, UXN (older D5.4)
//   D8.6   memory region attributes: AttrIndx, SH, MAIR_EL1 (older D5.5)
//   D19.2  MAIR_EL1, TCR_EL1, TTBR0_EL1/TTBR1_EL1 register layouts (older D13.2)
//
// Layout choice: 39-bit virtual addresses per half (T0SZ = T1SZ = 25), so a walk starts at level 1 and
// has three levels: L1 (1 GiB per entry), L2 (2 MiB; block or table), L3 (4 KiB pages). That is one
// table and one memory access per walk fewer than 48-bit, and 512 GiB per half is far more than a Pi
// has (at most 8 GiB of RAM and a peripheral window below 64 GiB). The two halves are
//   TTBR0 (user):   0x0000_0000_0000_0000 .. 0x0000_007F_FFFF_FFFF
//   TTBR1 (kernel): 0xFFFF_FF80_0000_0000 .. 0xFFFF_FFFF_FFFF_FFFF
#pragma once

#include "mm/types.hpp"

namespace bramble::mm {

// --- Layout -------------------------------------------------------------------------------------------
inline constexpr unsigned kVaBits = 39;
inline constexpr ktl::uint64_t kHalfSize = ktl::uint64_t{1} << kVaBits;
inline constexpr VirtAddr kKernelHalfBase = ~ktl::uint64_t{0} << kVaBits; // 0xFFFF_FF80_0000_0000
inline constexpr ktl::uint64_t kEntriesPerTable = 512;
inline constexpr ktl::uint64_t kL1Shift = 30;           // VA[38:30] indexes level 1
inline constexpr ktl::uint64_t kL2Shift = 21;           // VA[29:21] indexes level 2
inline constexpr ktl::uint64_t kL3Shift = 12;           // VA[20:12] indexes level 3
inline constexpr ktl::uint64_t kOutputAddressBits = 48; // OA[47:0], no FEAT_LPA

// --- Memory types: MAIR_EL1 attribute indices and encodings (D8.6, MAIR_EL1 in D19.2) ----------------
enum class MemType : ktl::uint8_t {
  Normal = 0,             // Attr0 = 0xFF: Normal, inner+outer write-back non-transient, read+write allocate
  NormalNonCacheable = 1, // Attr1 = 0x44: Normal, inner+outer non-cacheable
  Device = 2,             // Attr2 = 0x04: Device-nGnRE (MMIO)
};
inline constexpr ktl::uint64_t kMairNormalWriteBack = 0xFF;
inline constexpr ktl::uint64_t kMairNormalNonCacheable = 0x44;
inline constexpr ktl::uint64_t kMairDeviceNgnre = 0x04;
// MAIR_EL1.Attr<n> is bits [8n+7:8n].
inline constexpr ktl::uint64_t kMairEl1 =
    (kMairNormalWriteBack << 0) | (kMairNormalNonCacheable << 8) | (kMairDeviceNgnre << 16);
static_assert(kMairEl1 == 0x0000'0000'0004'44FF);

// --- TCR_EL1 for this layout (D19.2 TCR_EL1) ----------------------------------------------------------
// T0SZ/T1SZ = 25; walks inner+outer write-back write-allocate cacheable and inner shareable (so table
// writes need no cache clean once the MMU is on, only a DSB); TG0 = 4 KiB (0b00), TG1 = 4 KiB (0b10);
// A1 = 0 (the ASID comes from TTBR0); AS = 1 (16-bit ASIDs, see asid_allocator.hpp; boot clears it on
// a core whose ID_AA64MMFR0_EL1.ASIDBits says 8). IPS (the physical address size) is the caller's:
// 0b001 = 36 bits covers both Pis (Pi 4 "full 35-bit" peripherals at 0x4_7C00_0000).
inline constexpr ktl::uint64_t kTcrAs16BitAsids = ktl::uint64_t{1} << 36;
[[nodiscard]] constexpr ktl::uint64_t tcr_el1(ktl::uint64_t ips) {
  const ktl::uint64_t tsz = 64 - kVaBits;
  return (tsz << 0) | (ktl::uint64_t{0b01} << 8) | (ktl::uint64_t{0b01} << 10) | (ktl::uint64_t{0b11} << 12) |
         (ktl::uint64_t{0b00} << 14) | (tsz << 16) | (ktl::uint64_t{0b01} << 24) | (ktl::uint64_t{0b01} << 26) |
         (ktl::uint64_t{0b11} << 28) | (ktl::uint64_t{0b10} << 30) | ((ips & 0b111) << 32) | kTcrAs16BitAsids;
}
inline constexpr ktl::uint64_t kTcrIps36Bits = 0b001;

// TTBRn_EL1: BADDR in [47:1] (the table is 4 KiB aligned), ASID in [63:48] (D19.2).
[[nodiscard]] constexpr ktl::uint64_t ttbr_value(PhysAddr root, ktl::uint16_t asid) {
  return root | (ktl::uint64_t{asid} << 48);
}

// --- Descriptor bits (D8.3) ---------------------------------------------------------------------------
namespace desc {
inline constexpr ktl::uint64_t kValid = ktl::uint64_t{1} << 0;
// Bit 1: at levels 0-2, 1 = table and 0 = block; at level 3, 1 = page (0 is reserved/invalid).
inline constexpr ktl::uint64_t kTableOrPage = ktl::uint64_t{1} << 1;
inline constexpr ktl::uint64_t kAttrIndxShift = 2; // AttrIndx[2:0] in bits [4:2]
inline constexpr ktl::uint64_t kAttrIndxMask = ktl::uint64_t{0b111} << kAttrIndxShift;
inline constexpr ktl::uint64_t kNs = ktl::uint64_t{1} << 5;         // Non-secure; ignored at NS EL1, left 0
inline constexpr ktl::uint64_t kApEl0 = ktl::uint64_t{1} << 6;      // AP[1]: EL0 may access
inline constexpr ktl::uint64_t kApReadOnly = ktl::uint64_t{1} << 7; // AP[2]: read-only at every EL
inline constexpr ktl::uint64_t kShShift = 8;                        // SH[1:0] in bits [9:8]
inline constexpr ktl::uint64_t kShMask = ktl::uint64_t{0b11} << kShShift;
inline constexpr ktl::uint64_t kShInner = ktl::uint64_t{0b11} << kShShift;
inline constexpr ktl::uint64_t kAf = ktl::uint64_t{1} << 10; // Access flag: set, we do not use AF faults
inline constexpr ktl::uint64_t kNg = ktl::uint64_t{1} << 11; // not global: TLB entries tagged with ASID
inline constexpr ktl::uint64_t kContiguous = ktl::uint64_t{1} << 52;
inline constexpr ktl::uint64_t kPxn = ktl::uint64_t{1} << 53; // privileged (EL1) execute-never
inline constexpr ktl::uint64_t kUxn = ktl::uint64_t{1} << 54; // unprivileged (EL0) execute-never
// Output / next-level table address: bits [47:12] for tables and pages, [47:21] for level-2 blocks.
inline constexpr ktl::uint64_t kAddressMask = 0x0000'FFFF'FFFF'F000;
inline constexpr ktl::uint64_t kBlockAddressMask = 0x0000'FFFF'FFE0'0000;
// The attribute fields a leaf carries: lower [11:2] and upper [63:50]; block and page share them.
inline constexpr ktl::uint64_t kLeafAttributes = 0xFFFC'0000'0000'0FFC;
} // namespace desc

// --- Permissions ----------------------------------------------------------------------------------------
// What a mapping allows. VMSAv8-64 cannot express a readable-never mapping that is still writable or
// executable (AP always grants read), so `read` must be true; write+execute is refused (W^X).
struct Perms {
  bool read = true;
  bool write = false;
  bool execute = false;
  bool user = false; // EL0 may access (and then EL1 may never execute it: PXN)
  friend constexpr bool operator==(const Perms&, const Perms&) = default;
};
inline constexpr Perms kKernelRead{true, false, false, false};
inline constexpr Perms kKernelReadWrite{true, true, false, false};
inline constexpr Perms kKernelReadExecute{true, false, true, false};
inline constexpr Perms kUserRead{true, false, false, true};
inline constexpr Perms kUserReadWrite{true, true, false, true};
inline constexpr Perms kUserReadExecute{true, false, true, true};

enum class LeafLevel : ktl::uint8_t { Block2M, Page4K };

// The leaf descriptor for pa with these permissions and memory type. `global` leaves nG clear (kernel
// half); user-half mappings are non-global so they are ASID-tagged.
[[nodiscard]] inline Result<ktl::uint64_t, MmError> encode_leaf(PhysAddr pa, Perms perms, MemType type, LeafLevel level,
                                                                bool global) {
  if (!perms.read) return err(MmError::InvalidPermissions);
  if (perms.write && perms.execute) return err(MmError::WriteExecute);
  // Instruction fetch from Device memory is never wanted (speculative fetches could touch MMIO, ARM
  // ARM B2.7.2): only Normal memory may be executable.
  if (perms.execute && type == MemType::Device) return err(MmError::WriteExecute);
  const ktl::uint64_t align = level == LeafLevel::Block2M ? kBlockSize : kPageSize;
  if (!is_aligned(pa, align)) return err(MmError::Misaligned);
  if (pa >= (ktl::uint64_t{1} << kOutputAddressBits)) return err(MmError::OutOfRange);

  ktl::uint64_t d = desc::kValid | pa | desc::kAf | desc::kShInner |
                    (ktl::uint64_t{static_cast<ktl::uint8_t>(type)} << desc::kAttrIndxShift);
  if (level == LeafLevel::Page4K) d |= desc::kTableOrPage;
  // AP[2:1] (D8.4.1): 00 EL1 RW; 01 EL1+EL0 RW; 10 EL1 RO; 11 EL1+EL0 RO.
  if (!perms.write) d |= desc::kApReadOnly;
  if (perms.user) d |= desc::kApEl0;
  // Execute: EL1 never executes user memory, EL0 never executes kernel memory.
  if (!(perms.execute && !perms.user)) d |= desc::kPxn;
  if (!(perms.execute && perms.user)) d |= desc::kUxn;
  if (!global) d |= desc::kNg;
  return d;
}

[[nodiscard]] constexpr ktl::uint64_t encode_table(PhysAddr table) {
  return (table & desc::kAddressMask) | desc::kTableOrPage | desc::kValid;
}

struct DecodedLeaf {
  PhysAddr pa;
  Perms perms;
  MemType type;
  bool global;
};

[[nodiscard]] constexpr DecodedLeaf decode_leaf(ktl::uint64_t d, LeafLevel level) {
  const ktl::uint64_t mask = level == LeafLevel::Block2M ? desc::kBlockAddressMask : desc::kAddressMask;
  Perms perms;
  perms.read = true;
  perms.write = (d & desc::kApReadOnly) == 0;
  perms.user = (d & desc::kApEl0) != 0;
  perms.execute = perms.user ? (d & desc::kUxn) == 0 : (d & desc::kPxn) == 0;
  return DecodedLeaf{d & mask, perms, static_cast<MemType>((d & desc::kAttrIndxMask) >> desc::kAttrIndxShift),
                     (d & desc::kNg) == 0};
}

} // namespace bramble::mm
