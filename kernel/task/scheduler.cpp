#include "kernel/task/scheduler.hpp"

#include <atomic>

#include "kernel/abi/syscalls.hpp"
#include "kernel/arch/cpu.hpp"
#include "kernel/cap/links.hpp"
#include "kernel/irq.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/device.hpp"
#include "kernel/object/registry.hpp"
#include "kernel/panic.hpp"
#include "kernel/smp.hpp"
#include "kernel/task/root.hpp"
#include "kernel/task/task.hpp"
#include "kernel/timer.hpp"

namespace bramble::sched {
namespace {

using abi::Error;

constexpr unsigned kPriorities = abi::kMaxPriority + 1;
constexpr std::uint32_t kCores = smp::kMaxCores;
constexpr std::uint8_t kAnyCore = static_cast<std::uint8_t>(abi::kAnyCore);
static_assert(abi::kMaxCores == smp::kMaxCores, "the ABI's core count is the kernel's");

struct Queue {
  Task* first = nullptr;
  Task* last = nullptr;
};

// Work for exit_to_user, flagged by the code that creates it, so the way back to EL0 tests one word
// when there is none (the common case) instead of walking lists or re-deriving it.
constexpr std::uint32_t kPendingSwitch = 1u << 0; // a task blocked, ended, yielded, woke, moved or used up its slice

// One core's scheduling state. Guarded by the kernel lock: another core may queue a task here and flag
// a switch (then it sends an IPI); only this core loads a task from here.
struct Core {
  Queue ready[kPriorities];
  std::uint32_t ready_mask = 0; // bit p: queue p is not empty
  std::uint32_t ready_count = 0;
  Task* current = nullptr;
  // The one field read without the kernel lock (pending_here(), on the way back to EL0 from an
  // interrupt), so atomic; written with the lock held, or by this core in its IPI handler.
  std::atomic<std::uint32_t> pending{0};
  bool blocked = false;    // the current task blocked in this kernel entry
  bool scheduling = false; // the core has joined (start() / join())
  // CPU time: the physical count when `current` got the CPU (or was last charged). The outgoing task is
  // charged on every switch, an ending one when it ends (remove()); idle time is nobody's.
  std::uint64_t charged_until = 0;
  std::uint64_t switches = 0;
  std::uint64_t joined_at = 0;
  std::uint64_t idle_time = 0;  // counter ticks spent in idle() before the current wait
  std::uint64_t idle_since = 0; // when the current wait in idle() began (0: not waiting)
};

Core g_cores[kCores];
// An ended task waits to be reaped; any core's next exit_to_user does it.
bool g_reap_pending = false;

Core& here() { return g_cores[smp::this_cpu().id]; }
std::uint32_t index_of(const Core& k) { return static_cast<std::uint32_t>(&k - g_cores); }

void charge(Core& k, std::uint64_t now) {
  k.current->cpu_time += now - k.charged_until;
  k.charged_until = now;
}

unsigned prio(const Task& t) { return static_cast<unsigned>(t.priority()); }

void enqueue(Core& k, Task& t) {
  Queue& q = k.ready[prio(t)];
  t.next_ready = nullptr;
  t.prev_ready = q.last;
  if (q.last != nullptr)
    q.last->next_ready = &t;
  else
    q.first = &t;
  q.last = &t;
  t.queued = true;
  t.core = static_cast<std::uint8_t>(index_of(k));
  ++k.ready_count;
  k.ready_mask |= 1u << prio(t);
}

void dequeue(Task& t) {
  if (!t.queued) return;
  Core& k = g_cores[t.core];
  Queue& q = k.ready[prio(t)];
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
  --k.ready_count;
  if (q.first == nullptr) k.ready_mask &= ~(1u << prio(t));
}

unsigned top_priority(std::uint32_t mask) { return 31u - static_cast<unsigned>(__builtin_clz(mask)); }

Task* highest_ready(const Core& k) { return k.ready_mask == 0 ? nullptr : k.ready[top_priority(k.ready_mask)].first; }

bool may_run_on(const Task& t, std::uint32_t core) { return t.affinity == kAnyCore || t.affinity == core; }

bool idle_core(std::uint32_t c) {
  const Core& k = g_cores[c];
  return k.scheduling && k.current == nullptr && k.ready_count == 0;
}

// Where a task that may run on any core waits: see scheduler.hpp.
std::uint32_t place(const Task& t) {
  if (t.affinity != kAnyCore) return t.affinity;
  if (idle_core(t.core)) return t.core;
  std::uint32_t best = t.core;
  std::uint32_t best_load = g_cores[best].ready_count + (g_cores[best].current != nullptr ? 1 : 0);
  for (std::uint32_t c = 0; c < kCores; ++c) {
    if (!g_cores[c].scheduling) continue;
    if (idle_core(c)) return c;
    const std::uint32_t load = g_cores[c].ready_count + (g_cores[c].current != nullptr ? 1 : 0);
    if (load < best_load) best = c, best_load = load;
  }
  return best;
}

// An idle core takes the highest-priority task that may run anywhere from another core's queue.
Task* steal_for(Core& k) {
  Task* best = nullptr;
  for (Core& other : g_cores) {
    if (&other == &k) continue;
    for (std::uint32_t mask = other.ready_mask; mask != 0; mask &= ~(1u << top_priority(mask))) {
      const unsigned p = top_priority(mask);
      if (best != nullptr && p <= prio(*best)) break;
      Task* t = other.ready[p].first;
      while (t != nullptr && t->affinity != kAnyCore)
        t = t->next_ready;
      if (t != nullptr) {
        best = t;
        break;
      }
    }
  }
  if (best == nullptr) return nullptr;
  dequeue(*best);
  ++best->migrations;
  enqueue(k, *best);
  return best;
}

Task* next_for(Core& k) {
  Task* t = highest_ready(k);
  return t != nullptr ? t : steal_for(k);
}

// Waits until a task is ready here, with this core's interrupts arriving as EL1 IRQs that only run
// their handlers. The wait itself is taken with interrupts masked: an interrupt that arrives between
// giving the lock up and the WFI still ends the WFI (ARM ARM D1.6.2), so a wake-up IPI sent in that
// window is not lost; unmasking afterwards runs its handler.
//
// A secondary core stops its tick while it idles (nothing to slice, and a tick would only wake it to
// take the kernel lock); core 0 keeps ticking, as its ticks are the kernel's uptime clock.
void idle(Core& k) {
  kmem::activate_user_space(0);
  k.idle_since = arch::physical_count();
  const bool tickless = index_of(k) != 0;
  if (tickless) timer::stop();
  while (next_for(k) == nullptr) {
    smp::unlock_kernel();
    arch::wait_for_interrupt();
    arch::take_pending_irqs();
    smp::lock_kernel();
  }
  if (tickless) timer::resume();
  k.idle_time += arch::physical_count() - k.idle_since;
  k.idle_since = 0;
}

void load(Core& k, Task& next, arch::ExceptionFrame& frame, std::uint64_t now) {
  dequeue(next);
  k.current = &next;
  k.charged_until = now;
  k.pending.fetch_and(~kPendingSwitch,
                      std::memory_order_relaxed); // whatever flagged it, the best task here is the one loaded
  copy_frame(&frame, &next.context);
  fp_restore(&next.fp);
  kmem::activate_user_space(next.space().ttbr0_value());
  ++k.switches;
}

// Run on the core that runs `task`, for the core that ends it (which holds the kernel lock and waits):
// the task leaves this core now. Its registers stay behind in this core's exception frame, which the
// next load() overwrites; its translation tables are no longer this core's TTBR0.
void stop_here(void* argument) {
  Core& k = here();
  if (k.current != static_cast<Task*>(argument)) return;
  charge(k, arch::physical_count());
  k.current = nullptr;
  k.blocked = false;
  k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
  kmem::activate_user_space(0);
}

// A core is told that its queue changed (a wake-up IPI: nothing is posted, it only looks again).
void kick(std::uint32_t core) {
  if (core != smp::this_cpu().id) (void)irq::send_ipi(core);
}

// exit_to_user's work when something is pending (its own function, so the fast path sets up no frame).
[[gnu::noinline]] void finish_pending_work(Core& k, arch::ExceptionFrame& frame) {
  const bool ended = g_reap_pending;
  if (ended) {
    // Cleared first: tasks that reap() itself ends are reaped by this same call (their flag only
    // costs one empty reap() later).
    g_reap_pending = false;
    ktask::reap();
  }
  // The sweeps only matter after a capability was deleted (reap() deletes them too).
  if (cap::release_pending()) {
    cap::clear_release_pending();
    kobj::registry().sweep();
    kobj::sweep_irq_handlers();
  }
  if (ended) ktask::root::check_ended(); // after the sweeps: its report counts the frames they freed
  Task* const previous = k.current;      // Running: an ended task leaves `current` in remove()
  const std::uint32_t me = index_of(k);
  if ((k.pending.load(std::memory_order_relaxed) & kPendingSwitch) == 0 && previous != nullptr) return;
  k.pending.fetch_and(~kPendingSwitch, std::memory_order_relaxed);
  if (previous != nullptr && !k.blocked && may_run_on(*previous, me)) {
    // It would go to the back of its queue and be picked again unless someone of its priority or
    // higher is ready: then nothing changes (no register, FP or TTBR0 traffic).
    const Task* best = highest_ready(k);
    if (best == nullptr || best->priority() < previous->priority()) return;
  }
  std::uint64_t now = arch::physical_count(); // the one counter read of a switch
  if (previous != nullptr) {
    charge(k, now); // blocked, preempted or moved away
    copy_frame(&previous->context, &frame);
    fp_save(&previous->fp);
    k.current = nullptr;
    if (!k.blocked) make_ready(*previous);
  }
  k.blocked = false;
  Task* next = next_for(k);
  if (next == nullptr) {
    idle(k);
    next = highest_ready(k);
    now = arch::physical_count();
  }
  load(k, *next, frame, now);
}

// Leaves the kernel for the first task this core runs (with the kernel lock held).
[[noreturn]] void run_first() {
  // Built off the stack: enter_user() moves it to the top of the kernel stack, over this call chain.
  static arch::ExceptionFrame first_frames[kCores];
  Core& k = here();
  const std::uint32_t me = index_of(k);
  k.scheduling = true;
  k.joined_at = arch::physical_count();
  if (next_for(k) == nullptr) idle(k);
  load(k, *highest_ready(k), first_frames[me], arch::physical_count());
  smp::unlock_kernel(); // from here on every kernel entry takes it
  enter_user(&first_frames[me], smp::this_cpu().stack_top);
}

} // namespace

Task* current() { return here().current; }

void make_ready(Task& task) {
  if (task.queued) return;
  const std::uint32_t c = place(task);
  if (c != task.core) ++task.migrations;
  Core& k = g_cores[c];
  enqueue(k, task);
  if (k.current == nullptr || task.priority() > k.current->priority()) {
    k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
    kick(c);
  }
}

void remove(Task& task) {
  dequeue(task);
  Core& k = g_cores[task.core];
  if (k.current != &task) return;
  if (&k == &here()) {
    // It ends here: its total freezes now, and nothing reads its record again (reap() may free it).
    charge(k, arch::physical_count());
    k.current = nullptr;
    k.blocked = false;
    k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
    return;
  }
  // It runs on another core: that core stops it (stop_here) while this one waits with the lock held,
  // so the caller may release its address space as soon as this returns.
  if (!smp::run_on(task.core, stop_here, &task))
    panic("smp: core %u did not stop task '%s' (no answer to the IPI)", static_cast<unsigned>(task.core), task.name);
}

void wake(Task& task, std::uint64_t status, std::uint64_t value) {
  arch::set_syscall_result(task.context, status, value, 0, 0);
  make_ready(task);
}

void block_current() {
  Core& k = here();
  k.blocked = true;
  k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
}

void yield_current() { here().pending.fetch_or(kPendingSwitch, std::memory_order_relaxed); }

void note_task_ended() { g_reap_pending = true; }

void on_tick() {
  Core& k = here();
  if (k.current == nullptr) return;
  // Round robin: anyone of the same or higher priority waiting gets the CPU at the end of the slice.
  const Task* next = highest_ready(k);
  if (next != nullptr && next->priority() >= k.current->priority())
    k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
}

cap::Result<void> set_affinity(Task& task, std::uint64_t core) {
  if (task.state != abi::TaskState::Created && task.state != abi::TaskState::Running) return err(Error::InvalidState);
  if (core != abi::kAnyCore &&
      (core >= kCores || !smp::cpu(static_cast<std::uint32_t>(core)).online.load(std::memory_order_acquire)))
    return err(Error::InvalidCore);
  task.affinity = static_cast<std::uint8_t>(core);
  if (task.queued) {
    dequeue(task);
    make_ready(task);
  } else if (Core& k = g_cores[task.core]; k.current == &task && !may_run_on(task, task.core)) {
    k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
    kick(task.core);
  }
  return {};
}

bool pending_here() { return here().pending.load(std::memory_order_relaxed) != 0; }

void exit_to_user(arch::ExceptionFrame& frame) {
  // The fast path: nothing ended, nothing was deleted, nobody asked for this CPU. The running task is
  // still Running then (it can only stop through end_task -> remove() or block_current(), which both
  // flag a switch).
  Core& k = here();
  if (k.pending.load(std::memory_order_relaxed) == 0 && !g_reap_pending && !cap::release_pending()) [[likely]]
    return;
  finish_pending_work(k, frame);
}

void start() { run_first(); }

void join() { run_first(); }

std::uint64_t context_switches() {
  std::uint64_t n = 0;
  for (const Core& k : g_cores)
    n += k.switches;
  return n;
}

std::uint64_t cpu_time(const Task& task) {
  const Core& k = g_cores[task.core];
  if (k.current != &task) return task.cpu_time;
  return task.cpu_time + (arch::physical_count() - k.charged_until);
}

CpuFigures cpu_figures(std::uint32_t core) {
  CpuFigures f;
  if (core >= kCores || !smp::cpu(core).online.load(std::memory_order_acquire)) return f;
  const Core& k = g_cores[core];
  f.state = abi::kCpuOnline | (std::uint64_t{k.ready_count} << abi::kCpuReadyShift);
  if (k.scheduling) f.state |= abi::kCpuScheduling;
  if (k.current != nullptr) f.state |= abi::kCpuRunning;
  if (k.scheduling) {
    const std::uint64_t now = arch::physical_count();
    const std::uint64_t idle = k.idle_time + (k.idle_since != 0 ? now - k.idle_since : 0);
    const std::uint64_t up = now - k.joined_at;
    f.busy_time = up > idle ? up - idle : 0;
  }
  f.switches = k.switches;
  return f;
}

} // namespace bramble::sched
