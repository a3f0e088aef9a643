#include "kernel/arch/aarch64/esr.hpp"

namespace bramble::arch {

const char* exception_class_name(std::uint32_t ec) {
  switch (ec) {
  case 0x00: return "Unknown reason (undefined instruction)";
  case 0x01: return "Trapped WFI/WFE";
  case 0x03: return "Trapped MCR/MRC (coproc 0b1111)";
  case 0x04: return "Trapped MCRR/MRRC (coproc 0b1111)";
  case 0x05: return "Trapped MCR/MRC (coproc 0b1110)";
  case 0x06: return "Trapped LDC/STC";
  case 0x07: return "Trapped SVE/SIMD/FP access";
  case 0x0A: return "Trapped LD64B/ST64B";
  case 0x0C: return "Trapped MRRC (coproc 0b1110)";
  case 0x0D: return "Branch Target Exception";
  case 0x0E: return "Illegal Execution state";
  case 0x11: return "SVC instruction (AArch32)";
  case 0x15: return "SVC instruction (AArch64)";
  case 0x16: return "HVC instruction (AArch64)";
  case 0x17: return "SMC instruction (AArch64)";
  case 0x18: return "Trapped MSR/MRS/system instruction";
  case 0x19: return "Trapped SVE access";
  case 0x1C: return "Pointer authentication failure";
  case 0x20: return "Instruction Abort (lower EL)";
  case 0x21: return "Instruction Abort (same EL)";
  case 0x22: return "PC alignment fault";
  case 0x24: return "Data Abort (lower EL)";
  case 0x25: return "Data Abort (same EL)";
  case 0x26: return "SP alignment fault";
  case 0x28: return "Trapped floating-point exception (AArch32)";
  case 0x2C: return "Trapped floating-point exception (AArch64)";
  case 0x2F: return "SError interrupt";
  case 0x30: return "Breakpoint (lower EL)";
  case 0x31: return "Breakpoint (same EL)";
  case 0x32: return "Software Step (lower EL)";
  case 0x33: return "Software Step (same EL)";
  case 0x34: return "Watchpoint (lower EL)";
  case 0x35: return "Watchpoint (same EL)";
  case 0x38: return "BKPT instruction (AArch32)";
  case 0x3C: return "BRK instruction (AArch64)";
  default: return "reserved EC";
  }
}

const char* fault_status_name(std::uint32_t fsc) {
  switch (fsc & 0x3F) {
  case 0x00: return "address size fault, level 0";
  case 0x01: return "address size fault, level 1";
  case 0x02: return "address size fault, level 2";
  case 0x03: return "address size fault, level 3";
  case 0x04: return "translation fault, level 0";
  case 0x05: return "translation fault, level 1";
  case 0x06: return "translation fault, level 2";
  case 0x07: return "translation fault, level 3";
  case 0x09: return "access flag fault, level 1";
  case 0x0A: return "access flag fault, level 2";
  case 0x0B: return "access flag fault, level 3";
  case 0x0D: return "permission fault, level 1";
  case 0x0E: return "permission fault, level 2";
  case 0x0F: return "permission fault, level 3";
  case 0x10: return "synchronous external abort";
  case 0x11: return "synchronous tag check fault";
  case 0x18: return "synchronous parity or ECC error";
  case 0x21: return "alignment fault";
  case 0x30: return "TLB conflict abort";
  case 0x31: return "unsupported atomic hardware update";
  default: return "reserved fault status";
  }
}

const char* vector_source_name(VectorSource source) {
  switch (source) {
  case VectorSource::CurrentSp0: return "current EL with SP_EL0";
  case VectorSource::CurrentSpx: return "current EL with SP_ELx";
  case VectorSource::LowerA64: return "lower EL (AArch64)";
  case VectorSource::LowerA32: return "lower EL (AArch32)";
  }
  return "?";
}

const char* vector_kind_name(VectorKind kind) {
  switch (kind) {
  case VectorKind::Synchronous: return "Synchronous";
  case VectorKind::Irq: return "IRQ";
  case VectorKind::Fiq: return "FIQ";
  case VectorKind::SError: return "SError";
  }
  return "?";
}

} // namespace bramble::arch
