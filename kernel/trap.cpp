#include "kernel/trap.hpp"

#include "kernel/console.hpp"
#include "kernel/halt.hpp"
#include "kernel/irq.hpp"
#include "kernel/log.hpp"
#include "kernel/smp.hpp"
#include "kernel/syscall/entry.hpp"
#include "kernel/syscall/syscall.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"

namespace bramble::trap {

arch::ExceptionFrame& interrupt_from_user(arch::ExceptionFrame& frame) {
  irq::dispatch(); // takes the kernel lock for what needs it (not for the tick or an IPI)
  // Nothing for this core (this core's tick with nobody else waiting here, or a wake-up IPI only: most
  // often the kernel lock's hand-over, still pending after the wait it ended): back to the task without
  // the lock. Taking it here would cost a lock round trip per tick on every busy core, and a second one
  // per contended system call, whose wait may sleep and be handed over with one more IPI, taken on the
  // next return to EL0, and so on: a core could cycle through the lock without running its task. Work
  // flagged for this core is seen here: whoever flags it writes the flag before sending the IPI
  // (irq::send_ipi orders the two), and the handlers run first.
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

extern "C" std::uintptr_t trap_system_call_contended(bramble::arch::ExceptionFrame* frame, std::uint32_t ticket) {
  using namespace bramble;
  smp::Cpu& me = smp::this_cpu();
  smp::detail::wait_for_lock(me, ticket);
  return syscall::enter_locked(
      frame, me, ticket, [](arch::ExceptionFrame& f, ktask::Task& t, sched::detail::Core&) { syscall::handle(f, t); });
}

extern "C" bramble::arch::ExceptionFrame* trap_system_call_finish(bramble::arch::ExceptionFrame* frame) {
  using namespace bramble;
  return &sched::finish_call(smp::this_cpu(), *frame);
}
