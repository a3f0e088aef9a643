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

void system_call(arch::ExceptionFrame& frame) {
  const smp::KernelLock lock;
  if (ktask::Task* task = sched::current(); task != nullptr) [[likely]]
    syscall::handle(frame, *task);
  sched::exit_to_user(frame);
}

void interrupt_from_user(arch::ExceptionFrame& frame) {
  irq::dispatch(); // takes the kernel lock for what needs it
  // Nothing for this core (a wake-up IPI only: most often the kernel lock's hand-over, still pending
  // after the wait it ended): back to the task without the lock. Taking it here would cost a second
  // lock round trip per contended system call, and under contention that wait may sleep and be handed
  // over with one more IPI, taken on the next return to EL0, and so on: a core could cycle through
  // the lock without running its task. Work flagged for this core is seen here: whoever flags it
  // writes the flag before sending the IPI (irq::send_ipi orders the two), and the handlers run first.
  if (!sched::pending_here()) return;
  const smp::KernelLock lock;
  sched::exit_to_user(frame);
}

void interrupt_in_kernel() { irq::dispatch(); }

void user_fault(arch::ExceptionFrame& frame, abi::FaultReason reason, const char* what, const char* how,
                std::uint64_t address) {
  const smp::KernelLock lock;
  if (ktask::Task* task = sched::current(); task != nullptr) {
    kprintf("kernel: task '%s' killed: %s", task->name, what);
    if (how != nullptr) kprintf(", %s at 0x%llx", how, static_cast<unsigned long long>(address));
    kprintf(" (ELR 0x%llx, ESR 0x%llx)\n", static_cast<unsigned long long>(arch::fault_pc(frame)),
            static_cast<unsigned long long>(arch::fault_syndrome(frame)));
    ktask::end_task(*task, abi::TaskState::Faulted, static_cast<std::uint64_t>(reason), arch::fault_syndrome(frame));
  }
  sched::exit_to_user(frame);
}

void kernel_fault() {
  kprintf("*** system halted\n");
  halt::finish(halt::ExitCode::Panic);
}

} // namespace bramble::trap
