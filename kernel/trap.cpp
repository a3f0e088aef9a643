#include "kernel/trap.hpp"

#include "kernel/console.hpp"
#include "kernel/halt.hpp"
#include "kernel/irq.hpp"
#include "kernel/log.hpp"
#include "kernel/smp.hpp"
#include "kernel/syscall/syscall.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"

namespace bramble::trap {

arch::ExceptionFrame& system_call(arch::ExceptionFrame& frame) {
  const smp::KernelLock lock;
  if (ktask::Task* task = sched::current(); task != nullptr) [[likely]]
    syscall::handle(frame, *task);
  return sched::exit_to_user(frame);
}

arch::ExceptionFrame& interrupt_from_user(arch::ExceptionFrame& frame) {
  irq::dispatch(); // takes the kernel lock for what needs it (not for the tick or an IPI)
  // Most interrupts from EL0 are this core's tick with nothing else to run here: back to the task
  // without the lock, so busy cores do not queue for it a hundred times a second.
  if (!sched::work_pending()) return frame;
  const smp::KernelLock lock;
  return sched::exit_to_user(frame);
}

arch::ExceptionFrame& fp_first_use(arch::ExceptionFrame& frame) {
  const smp::KernelLock lock;
  sched::load_fp();
  return sched::exit_to_user(frame);
}

void interrupt_in_kernel() { irq::dispatch(); }

arch::ExceptionFrame& user_fault(arch::ExceptionFrame& frame, abi::FaultReason reason, const char* what,
                                 const char* how, std::uint64_t address) {
  const smp::KernelLock lock;
  if (ktask::Task* task = sched::current(); task != nullptr) {
    kprintf("kernel: task '%s' killed: %s", task->name, what);
    if (how != nullptr) kprintf(", %s at 0x%llx", how, static_cast<unsigned long long>(address));
    kprintf(" (ELR 0x%llx, ESR 0x%llx)\n", static_cast<unsigned long long>(arch::fault_pc(frame)),
            static_cast<unsigned long long>(arch::fault_syndrome(frame)));
    ktask::end_task(*task, abi::TaskState::Faulted, static_cast<std::uint64_t>(reason), arch::fault_syndrome(frame));
  }
  return sched::exit_to_user(frame);
}

void kernel_fault() {
  kprintf("*** system halted\n");
  halt::finish(halt::ExitCode::Panic);
}

} // namespace bramble::trap
