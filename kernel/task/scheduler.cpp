#include "kernel/task/scheduler.hpp"
#include "kernel/abi/syscalls.hpp"

#include "kernel/arch/cpu.hpp"
#include "kernel/cap/links.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/device.hpp"
#include "kernel/object/registry.hpp"
#include "kernel/smp.hpp"
#include "kernel/task/root.hpp"
#include "kernel/task/task.hpp"

namespace bramble::sched {
namespace {

constexpr unsigned kPriorities = abi::kMaxPriority + 1;

struct Queue {
  Task* first = nullptr;
  Task* last = nullptr;
};

Queue g_ready[kPriorities];
std::uint32_t g_ready_mask = 0; // bit p: queue p is not empty
Task* g_current = nullptr;
// Work for exit_to_user, flagged by the code that creates it, so the way back to EL0 tests one word
// when there is none (the common case) instead of walking lists or re-deriving it.
constexpr std::uint32_t kPendingSwitch = 1u << 0; // a task blocked, ended, yielded, woke or used up its slice
constexpr std::uint32_t kPendingReap = 1u << 1;   // a task ended (ktask::end_task): reap it, report the root
std::uint32_t g_pending = 0;
std::uint64_t g_switches = 0;
// CPU time: the physical count when g_current got the CPU (or was last charged). The outgoing task is
// charged on every switch, an ending one when it ends (remove()); idle time falls between a charge and
// the next load() and is nobody's.
std::uint64_t g_charged_until = 0;

void charge_current(std::uint64_t now) {
  g_current->cpu_time += now - g_charged_until;
  g_charged_until = now;
}

unsigned prio(const Task& t) { return static_cast<unsigned>(t.priority()); }

void enqueue(Task& t) {
  if (t.queued) return;
  Queue& q = g_ready[prio(t)];
  t.next_ready = nullptr;
  t.prev_ready = q.last;
  if (q.last != nullptr)
    q.last->next_ready = &t;
  else
    q.first = &t;
  q.last = &t;
  t.queued = true;
  g_ready_mask |= 1u << prio(t);
}

void dequeue(Task& t) {
  if (!t.queued) return;
  Queue& q = g_ready[prio(t)];
  if (t.prev_ready != nullptr)
    t.prev_ready->next_ready = t.next_ready;
  else
    q.first = t.next_ready;
  if (t.next_ready != nullptr)
    t.next_ready->prev_ready = t.prev_ready;
  else
    q.last = t.prev_ready;
  t.next_ready = t.prev_ready = nullptr;
  t.queued = false;
  if (q.first == nullptr) g_ready_mask &= ~(1u << prio(t));
}

Task* highest_ready() {
  if (g_ready_mask == 0) return nullptr;
  const unsigned p = 31u - static_cast<unsigned>(__builtin_clz(g_ready_mask));
  return g_ready[p].first;
}

bool running(const Task& t) { return t.state == abi::TaskState::Running; }

// Waits with interrupts on until a task is ready. The interrupts arrive as EL1 IRQs (vector 5) that
// only run their handlers: switching happens here, on the way out.
void idle() {
  kmem::activate_user_space(0);
  while (highest_ready() == nullptr) {
    // The interrupt's handler takes the kernel lock itself: give it up while waiting.
    smp::unlock_kernel();
    arch::enable_irqs();
    arch::wait_for_interrupt();
    arch::disable_irqs();
    smp::lock_kernel();
  }
}

void load(Task& next, arch::ExceptionFrame& frame, std::uint64_t now) {
  g_current = &next;
  g_charged_until = now;
  dequeue(next);
  copy_frame(&frame, &next.context);
  fp_restore(&next.fp);
  kmem::activate_user_space(next.space().ttbr0_value());
  ++g_switches;
}

bool blocked_flag = false;

} // namespace

Task* current() { return g_current; }

void make_ready(Task& task) {
  enqueue(task);
  if (g_current == nullptr || task.priority() > g_current->priority()) g_pending |= kPendingSwitch;
}

void remove(Task& task) {
  dequeue(task);
  if (&task == g_current) {
    // It ends here: its total freezes now (exit_to_user() will not touch an ended task's record, which
    // reap() may already have freed by then).
    charge_current(arch::physical_count());
    g_pending |= kPendingSwitch;
  }
}

void wake(Task& task, std::uint64_t status, std::uint64_t value) {
  arch::set_syscall_result(task.context, status, value, 0, 0);
  make_ready(task);
}

void block_current() {
  blocked_flag = true;
  g_pending |= kPendingSwitch;
}

void yield_current() { g_pending |= kPendingSwitch; }

void note_task_ended() { g_pending |= kPendingReap; }

void on_tick() {
  if (g_current == nullptr) return;
  // Round robin: anyone of the same or higher priority waiting gets the CPU at the end of the slice.
  const Task* next = highest_ready();
  if (next != nullptr && next->priority() >= g_current->priority()) g_pending |= kPendingSwitch;
}

namespace {

// exit_to_user's work when something is pending (its own function, so the fast path sets up no frame).
[[gnu::noinline]] void finish_pending_work(arch::ExceptionFrame& frame) {
  const bool ended = (g_pending & kPendingReap) != 0;
  if (ended) {
    // Cleared first: tasks that reap() itself ends are reaped by this same call (their flag only
    // costs one empty reap() later).
    g_pending &= ~kPendingReap;
    ktask::reap();
  }
  // The sweeps only matter after a capability was deleted (reap() deletes them too).
  if (cap::release_pending()) {
    cap::clear_release_pending();
    kobj::registry().sweep();
    kobj::sweep_irq_handlers();
  }
  if (ended) ktask::root::check_ended(); // after the sweeps: its report counts the frames they freed
  if ((g_pending & kPendingSwitch) == 0 && g_current != nullptr && running(*g_current)) return;
  g_pending &= ~kPendingSwitch;
  Task* previous = g_current;
  if (previous != nullptr && running(*previous) && !blocked_flag) {
    // It would go to the back of its queue and be picked again unless someone of its priority or
    // higher is ready: then nothing changes (no register, FP or TTBR0 traffic).
    const Task* best = highest_ready();
    if (best == nullptr || best->priority() < previous->priority()) return;
  }
  std::uint64_t now = arch::physical_count(); // the one counter read of a switch
  if (previous != nullptr && running(*previous)) {
    charge_current(now); // blocked or preempted: still Running (an ended task was charged in remove())
    copy_frame(&previous->context, &frame);
    fp_save(&previous->fp);
    if (!blocked_flag) enqueue(*previous);
  }
  blocked_flag = false;
  g_current = nullptr;
  Task* next = highest_ready();
  if (next == nullptr) {
    idle();
    next = highest_ready();
    now = arch::physical_count();
  }
  load(*next, frame, now);
}

} // namespace

void exit_to_user(arch::ExceptionFrame& frame) {
  // The fast path: nothing ended, nothing was deleted, nobody asked for the CPU. The running task
  // is still Running then (it can only stop through end_task -> remove() or block_current(), which
  // both flag a switch).
  if (g_pending == 0 && !cap::release_pending()) [[likely]]
    return;
  finish_pending_work(frame);
}

void start() {
  // Built off the stack: enter_user() moves it to the top of the kernel stack, over this call chain.
  static arch::ExceptionFrame first_frame;
  if (highest_ready() == nullptr) idle();
  load(*highest_ready(), first_frame, arch::physical_count());
  g_pending &= ~kPendingSwitch;
  smp::unlock_kernel(); // taken by kernel_main; from here on every kernel entry takes it
  enter_user(&first_frame, smp::this_cpu().stack_top);
}

std::uint64_t context_switches() { return g_switches; }

std::uint64_t cpu_time(const Task& task) {
  if (&task != g_current) return task.cpu_time;
  return task.cpu_time + (arch::physical_count() - g_charged_until);
}

} // namespace bramble::sched
