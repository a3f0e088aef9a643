// ESR decoding against values read off real exceptions (QEMU) and the ARM ARM's field layout.
#include <doctest/doctest.h>

#include <string>

#include "kernel/arch/aarch64/esr.hpp"

using namespace bramble::arch;

TEST_CASE("fields: EC [31:26], IL [25], ISS [24:0]") {
  // brk #0x42 at EL1: ESR 0xf2000042 (EC 0x3c, IL 1, ISS = the immediate).
  const Esr brk = Esr::decode(0xf2000042);
  CHECK(brk.ec == 0x3C);
  CHECK(brk.il);
  CHECK(brk.iss == 0x42);
  // Unaligned load, MMU off: 0x96000021 (Data Abort same EL, DFSC 0x21).
  const Esr align = Esr::decode(0x96000021);
  CHECK(align.ec == ec::kDataAbortSame);
  CHECK(align.iss == 0x21);
  CHECK(Esr::decode(0x0200'0000).ec == ec::kUnknown);
  CHECK(Esr::decode(0xFFFF'FFFF'FFFF'FFFF).iss == 0x1FF'FFFF);
}

TEST_CASE("exception class names") {
  CHECK(std::string(exception_class_name(0x3C)) == "BRK instruction (AArch64)");
  CHECK(std::string(exception_class_name(0x15)) == "SVC instruction (AArch64)");
  CHECK(std::string(exception_class_name(0x24)) == "Data Abort (lower EL)");
  CHECK(std::string(exception_class_name(0x25)) == "Data Abort (same EL)");
  CHECK(std::string(exception_class_name(0x20)) == "Instruction Abort (lower EL)");
  CHECK(std::string(exception_class_name(0x00)) == "Unknown reason (undefined instruction)");
  CHECK(std::string(exception_class_name(0x2F)) == "SError interrupt");
  // Unallocated encodings are named as such, never as something else.
  for (std::uint32_t unallocated : {0x02u, 0x08u, 0x10u, 0x1Bu, 0x23u, 0x3Fu}) {
    CHECK(std::string(exception_class_name(unallocated)) == "reserved EC");
  }
}

TEST_CASE("fault status codes, with levels") {
  CHECK(std::string(fault_status_name(0x21)) == "alignment fault");
  for (std::uint32_t level = 0; level < 4; ++level) {
    CHECK(std::string(fault_status_name(0x04 + level)) == "translation fault, level " + std::to_string(level));
  }
  CHECK(std::string(fault_status_name(0x0F)) == "permission fault, level 3");
  CHECK(std::string(fault_status_name(0x10)) == "synchronous external abort");
  // Only ISS[5:0] counts: WnR (bit 6) and other ISS bits do not change the name.
  CHECK(std::string(fault_status_name(0x47)) == "translation fault, level 3");
  CHECK(is_abort(0x24));
  CHECK(is_abort(0x21));
  CHECK_FALSE(is_abort(0x3C));
}

TEST_CASE("vector index: source is index / 4, kind is index % 4") {
  CHECK(vector_source(4) == VectorSource::CurrentSpx);
  CHECK(vector_kind(4) == VectorKind::Synchronous);
  CHECK(vector_source(9) == VectorSource::LowerA64);
  CHECK(vector_kind(9) == VectorKind::Irq);
  CHECK(vector_kind(15) == VectorKind::SError);
  CHECK(std::string(vector_source_name(VectorSource::LowerA32)) == "lower EL (AArch32)");
}
