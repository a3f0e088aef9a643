#include "kernel/arch/aarch64/exceptions.hpp"

#include "kernel/abi/boot_info.hpp"
#include "kernel/arch/aarch64/cpu.hpp"
#include "kernel/arch/aarch64/esr.hpp"
#include "kernel/arch/aarch64/semihosting.hpp"
#include "kernel/arch/aarch64/uaccess.hpp"
#include "kernel/console.hpp"
#include "kernel/log.hpp"
#include "kernel/trap.hpp"

extern "C" char exception_vectors[];
struct ExceptionTableEntry {
  std::uintptr_t instruction;
  std::uintptr_t fixup;
};
extern "C" const ExceptionTableEntry __ex_table_start[];
extern "C" const ExceptionTableEntry __ex_table_end[];

namespace bramble::arch {

void install_exception_vectors() { set_vector_base(exception_vectors); }

std::uintptr_t exception_fixup(std::uintptr_t elr) {
  for (const ExceptionTableEntry* e = __ex_table_start; e != __ex_table_end; ++e) {
    if (e->instruction == elr) return e->fixup;
  }
  return 0;
}

void print_exception_report(const ExceptionFrame& frame, std::uint32_t vector_index) {
  const Esr esr = Esr::decode(frame.esr);
  kprintf("\n*** unexpected exception: %s from %s (vector %u)\n", vector_kind_name(vector_kind(vector_index)),
          vector_source_name(vector_source(vector_index)), vector_index);
  if (vector_kind(vector_index) == VectorKind::Synchronous || vector_kind(vector_index) == VectorKind::SError) {
    kprintf("    class: 0x%02x %s, ISS 0x%07x, %s instruction\n", esr.ec, exception_class_name(esr.ec), esr.iss,
            esr.il ? "32-bit" : "16-bit");
    if (is_abort(esr.ec)) {
      const bool write = esr.ec >= ec::kDataAbortLower && ((esr.iss >> 6) & 1) != 0;
      kprintf("    fault: %s, %s at FAR 0x%016llx\n", fault_status_name(esr.iss),
              esr.ec >= ec::kDataAbortLower ? (write ? "write" : "read") : "instruction fetch",
              static_cast<unsigned long long>(frame.far));
    }
  }
  kprintf("    ESR  0x%016llx  FAR  0x%016llx\n", static_cast<unsigned long long>(frame.esr),
          static_cast<unsigned long long>(frame.far));
  kprintf("    ELR  0x%016llx  SPSR 0x%016llx  SP_EL0 0x%016llx\n", static_cast<unsigned long long>(frame.elr),
          static_cast<unsigned long long>(frame.spsr), static_cast<unsigned long long>(frame.sp_el0));
  for (unsigned i = 0; i < 31; i += 4) {
    kprintf("    ");
    for (unsigned j = i; j < i + 4 && j < 31; ++j) {
      kprintf("x%-2u 0x%016llx  ", j, static_cast<unsigned long long>(frame.x[j]));
    }
    kprintf("\n");
  }
}

} // namespace bramble::arch

namespace {

using namespace bramble;

abi::FaultReason reason_for(std::uint32_t ec) {
  if (arch::is_abort(ec)) return abi::FaultReason::MemoryAccess;
  if (ec == arch::ec::kPcAlignment || ec == arch::ec::kSpAlignment) return abi::FaultReason::Alignment;
  return abi::FaultReason::UndefinedInstruction;
}

// An exception from EL0 other than a system call: an interrupt, or a fault, decoded for the kernel.
// Returns the frame to resume.
arch::ExceptionFrame* from_user(arch::ExceptionFrame& frame, std::uint32_t index) {
  if (arch::vector_kind(index) == arch::VectorKind::Irq) return &trap::interrupt_from_user(frame);
  const arch::Esr esr = arch::Esr::decode(frame.esr);
  if (esr.ec == arch::ec::kFpAccess && arch::vector_source(index) == arch::VectorSource::LowerA64)
    return &trap::fp_first_use(frame); // lazy FP: CPACR_EL1.FPEN traps EL0 until the task's state is loaded
  const bool abort = arch::is_abort(esr.ec);
  return &trap::user_fault(frame, reason_for(esr.ec), arch::exception_class_name(esr.ec),
                           abort ? arch::fault_status_name(esr.iss) : nullptr, abort ? frame.far : 0);
}

} // namespace

// Returns the frame vectors.S resumes: for an exception from EL0, the frame of the task that runs next
// (the same one, or another after a switch); for one taken in the kernel, the frame it was given.
extern "C" bramble::arch::ExceptionFrame* exception_dispatch(bramble::arch::ExceptionFrame* frame,
                                                             std::uint64_t vector_index) {
  using namespace bramble;
  const auto index = static_cast<std::uint32_t>(vector_index);
  // A system call never comes here: vector entry 8 hands an svc from AArch64 EL0 to the call's own
  // entry (kernel/syscall/syscall.cpp).
  const auto kind = arch::vector_kind(index);
  const auto source = arch::vector_source(index);
  if (source == arch::VectorSource::LowerA64 || source == arch::VectorSource::LowerA32) return from_user(*frame, index);
  if (kind == arch::VectorKind::Irq) {
    trap::interrupt_in_kernel();
    return frame;
  }
  if (kind == arch::VectorKind::Synchronous && semihosting::handle_undefined_trap(*frame)) return frame;
  // A listed access that may fault (uaccess.S) resumes at its fixup.
  if (kind == arch::VectorKind::Synchronous && arch::vector_source(index) == arch::VectorSource::CurrentSpx &&
      arch::Esr::decode(frame->esr).ec == arch::ec::kDataAbortSame) {
    if (const std::uintptr_t fixup = arch::exception_fixup(frame->elr)) {
      frame->elr = fixup;
      return frame;
    }
  }
  kconsole::set_quiet(false);
  arch::print_exception_report(*frame, index);
  trap::kernel_fault();
}
