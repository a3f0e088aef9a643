// Descriptor encodings checked bit by bit. Every expected value below is assembled by hand from the
// ARM ARM's VMSAv8-64 layout (DDI 0487 D8.3 / D8.4 / D8.6), not produced by the encoder:
//   [0] valid  [1] table/page (0 = block at L1/L2)  [4:2] AttrIndx  [5] NS  [7:6] AP[2:1]
//   [9:8] SH  [10] AF  [11] nG  [47:12] output address  [52] Contiguous  [53] PXN  [54] UXN
#include "mm/descriptor.hpp"

#include <doctest/doctest.h>

using namespace bramble::mm;

namespace {
std::uint64_t page(Perms perms, MemType type, PhysAddr pa, bool global) {
  auto d = encode_leaf(pa, perms, type, LeafLevel::Page4K, global);
  REQUIRE(d.ok());
  return *d;
}
} // namespace

TEST_CASE("MAIR_EL1: Attr0 Normal WB RA/WA 0xFF, Attr1 Normal NC 0x44, Attr2 Device-nGnRE 0x04") {
  CHECK(kMairEl1 == 0x0000'0000'0004'44FF);
  CHECK(static_cast<int>(MemType::Normal) == 0);
  CHECK(static_cast<int>(MemType::NormalNonCacheable) == 1);
  CHECK(static_cast<int>(MemType::Device) == 2);
}

TEST_CASE("TCR_EL1 for 39-bit halves with 4 KiB granules and a 36-bit physical address size") {
  // T0SZ=25 [5:0]=0x19, IRGN0=01 [9:8], ORGN0=01 [11:10], SH0=11 [13:12], TG0=00 [15:14],
  // T1SZ=25 [21:16], IRGN1=01 [25:24], ORGN1=01 [27:26], SH1=11 [29:28], TG1=10 [31:30], IPS=001 [34:32],
  // AS=1 [36] (16-bit ASIDs).
  CHECK(tcr_el1(kTcrIps36Bits) == 0x0000'0011'B519'3519);
  CHECK(ttbr_value(0x4000'0000, 5) == 0x0005'0000'4000'0000);
  CHECK(kKernelHalfBase == 0xFFFF'FF80'0000'0000);
}

TEST_CASE("kernel pages: RW, RX and RO Normal memory, global") {
  // valid|page = 0b11, SH=11 -> 0x300, AF -> 0x400: 0x703; AP=10 (read-only) adds 0x80.
  CHECK(page(kKernelReadWrite, MemType::Normal, 0x4008'0000, true) == 0x0060'0000'4008'0703);   // PXN|UXN
  CHECK(page(kKernelReadExecute, MemType::Normal, 0x4008'0000, true) == 0x0040'0000'4008'0783); // UXN only
  CHECK(page(kKernelRead, MemType::Normal, 0x4008'0000, true) == 0x0060'0000'4008'0783);
}

TEST_CASE("user pages: AP[1] set, nG set, never EL1-executable") {
  // AP=01 -> 0x40, nG -> 0x800: 0x703|0x40|0x800 = 0xF43; AP=11 -> 0xC0: 0xFC3.
  CHECK(page(kUserReadWrite, MemType::Normal, 0x4008'0000, false) == 0x0060'0000'4008'0F43);
  CHECK(page(kUserReadExecute, MemType::Normal, 0x4008'0000, false) == 0x0020'0000'4008'0FC3); // PXN only
  CHECK(page(kUserRead, MemType::Normal, 0x4008'0000, false) == 0x0060'0000'4008'0FC3);
}

TEST_CASE("memory types select AttrIndx 0, 1 and 2") {
  // AttrIndx=1 -> 0b001 << 2 = 0x4; AttrIndx=2 -> 0x8.
  CHECK(page(kKernelReadWrite, MemType::NormalNonCacheable, 0x3B40'0000, true) == 0x0060'0000'3B40'0707);
  CHECK(page(kKernelReadWrite, MemType::Device, 0xFE20'1000, true) == 0x0060'0000'FE20'170B);
}

TEST_CASE("2 MiB blocks have bit 1 clear and a 2 MiB-aligned output address, tables point at 4 KiB") {
  auto block = encode_leaf(0x4020'0000, kKernelReadWrite, MemType::Normal, LeafLevel::Block2M, true);
  REQUIRE(block.ok());
  CHECK(*block == 0x0060'0000'4020'0701);
  CHECK(encode_leaf(0x4020'1000, kKernelReadWrite, MemType::Normal, LeafLevel::Block2M, true).error() ==
        MmError::Misaligned);
  CHECK(encode_table(0x4000'1000) == 0x0000'0000'4000'1003);
  // A 47-bit output address survives; 48 bits and above cannot be expressed (no FEAT_LPA).
  CHECK(page(kKernelReadWrite, MemType::Normal, 0x7FFF'FFFF'F000, true) == 0x0060'7FFF'FFFF'F703);
  CHECK(encode_leaf(0x1'0000'0000'0000, kKernelReadWrite, MemType::Normal, LeafLevel::Page4K, true).error() ==
        MmError::OutOfRange);
}

TEST_CASE("W^X and other inexpressible permissions are errors") {
  const Perms wx{true, true, true, false};
  const Perms user_wx{true, true, true, true};
  const Perms unreadable{false, true, false, false};
  CHECK(encode_leaf(0x1000, wx, MemType::Normal, LeafLevel::Page4K, true).error() == MmError::WriteExecute);
  CHECK(encode_leaf(0x1000, user_wx, MemType::Normal, LeafLevel::Page4K, false).error() == MmError::WriteExecute);
  CHECK(encode_leaf(0x1000, kKernelReadExecute, MemType::Device, LeafLevel::Page4K, true).error() ==
        MmError::WriteExecute);
  CHECK(encode_leaf(0x1000, unreadable, MemType::Normal, LeafLevel::Page4K, true).error() ==
        MmError::InvalidPermissions);
  CHECK(encode_leaf(0x1800, kKernelRead, MemType::Normal, LeafLevel::Page4K, true).error() == MmError::Misaligned);
}

TEST_CASE("decode inverts encode for every permission, type and level") {
  for (bool write : {false, true})
    for (bool execute : {false, true})
      for (bool user : {false, true})
        for (MemType type : {MemType::Normal, MemType::NormalNonCacheable, MemType::Device})
          for (LeafLevel level : {LeafLevel::Page4K, LeafLevel::Block2M}) {
            const Perms perms{true, write, execute, user};
            auto d = encode_leaf(0x8020'0000, perms, type, level, !user);
            if (write && execute) continue;
            if (execute && type == MemType::Device) continue;
            REQUIRE(d.ok());
            const DecodedLeaf back = decode_leaf(*d, level);
            CHECK(back.pa == 0x8020'0000);
            CHECK(back.perms == perms);
            CHECK(back.type == type);
            CHECK(back.global == !user);
            // Invariants straight from the bits: EL0 mappings always PXN; kernel mappings always UXN.
            if (user)
              CHECK((*d & (1ULL << 53)) != 0);
            else
              CHECK((*d & (1ULL << 54)) != 0);
            CHECK((*d & (1ULL << 10)) != 0);   // AF
            CHECK(((*d >> 8) & 0b11) == 0b11); // inner shareable
          }
}
