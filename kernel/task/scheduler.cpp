#include "kernel/task/scheduler.hpp"

#include "kernel/abi/syscalls.hpp"
#include <atomic>

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
#include "kernel/task/timeout.hpp"
#include "kernel/timer.hpp"

namespace bramble::sched {
namespace {

using abi::Error;

using detail::kCores;
using detail::kPriorities;
constexpr std::uint8_t kAnyCore = static_cast<std::uint8_t>(abi::kAnyCore);
static_assert(abi::kMaxCores == smp::kMaxCores, "the ABI's core count is the kernel's");

using detail::clear_own_pending;
using detail::Core;
using detail::enqueue;
using detail::flag_own_pending;
using detail::g_cores;
using detail::g_reap_pending;
using detail::index_of;
using detail::kPendingReap;
using detail::kPendingRelease;
using detail::kPendingSwitch;
using detail::kPendingTick;
using detail::prio;
using detail::Queue;

Core& here() { return g_cores[smp::this_cpu().id]; }

void charge(Core& k, std::uint64_t now) {
  k.current->cpu_time += now - k.charged_until;
  k.charged_until = now;
}

[[gnu::always_inline]] inline void dequeue(Task& t) {
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
  k.ready_count.store(k.ready_count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  if (q.first == nullptr) k.ready_mask &= ~(1u << prio(t));
}

unsigned top_priority(std::uint32_t mask) { return 31u - static_cast<unsigned>(__builtin_clz(mask)); }

Task* highest_ready(const Core& k) { return k.ready_mask == 0 ? nullptr : k.ready[top_priority(k.ready_mask)].first; }

bool may_run_on(const Task& t, std::uint32_t core) { return t.affinity == kAnyCore || t.affinity == core; }

bool idle_core(std::uint32_t c) {
  const Core& k = g_cores[c];
  return k.scheduling && k.current == nullptr && k.ready_count.load(std::memory_order_relaxed) == 0;
}

std::uint32_t load_of(std::uint32_t c) {
  return g_cores[c].ready_count.load(std::memory_order_relaxed) + (g_cores[c].current != nullptr ? 1 : 0);
}

} // namespace

// Where a task that may run on any core waits: see scheduler.hpp.
std::uint32_t detail::place_anywhere(const Task& t) {
  if (idle_core(t.core)) return t.core;
  std::uint32_t best = t.core;
  std::uint32_t best_load = load_of(best);
  for (std::uint32_t c = 0; c < kCores; ++c) {
    if (!g_cores[c].scheduling) continue;
    if (idle_core(c)) return c;
    const std::uint32_t load = load_of(c);
    if (load < best_load) best = c, best_load = load;
  }
  return best;
}

namespace {

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

[[gnu::always_inline]] inline Task* next_for(Core& k) {
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
  kmem::activate_empty_user_space();
  k.idle_since = arch::physical_count();
  const bool tickless = index_of(k) != 0;
  if (tickless) timer::stop();
  // Timed waits expire here too (timeout.hpp): core 0's tick still wakes this loop when every core
  // idles, and a task it wakes for another core reaches it through make_ready's IPI.
  timeout::expire_due();
  while (next_for(k) == nullptr) {
    smp::unlock_kernel();
    arch::wait_for_interrupt();
    arch::take_pending_irqs();
    smp::lock_kernel();
    timeout::expire_due();
  }
  if (tickless) timer::resume();
  k.idle_time += arch::physical_count() - k.idle_since;
  k.idle_since = 0;
}

// The FP/SIMD registers no longer belong to the task that was loaded (it left, saved or ended): the
// next task's first FP instruction traps and loads its own.
void drop_fp(Core& k) {
  if (!k.fp_live) return;
  k.fp_live = false;
  arch::fp_trap_el0();
}

// Takes `t` off the front of its queue on `k` (where next_for found it).
[[gnu::always_inline]] inline void take_first(Core& k, Task& t) {
  Queue& q = k.ready[prio(t)];
  q.first = t.next_ready;
  if (t.next_ready != nullptr)
    t.next_ready->prev_ready = nullptr;
  else {
    q.last = nullptr;
    k.ready_mask &= ~(1u << prio(t));
  }
  t.next_ready = nullptr;
  t.queued = false;
  k.ready_count.store(k.ready_count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

// Makes `next` this core's running task; returns its frame, which the exception return resumes (the
// registers are not copied: an exception from EL0 saves them straight into the task's frame). For a
// caller that knows no task's FP state is live on this core (else load()).
[[gnu::always_inline]] inline arch::ExceptionFrame& install(Core& k, Task& next, std::uint64_t now) {
  // Always the first task of one of this core's queues: next_for() takes the head of the highest
  // non-empty queue here, or steals into a core whose queues are all empty (so the stolen task is
  // alone in its queue), and run_first() does the same.
  take_first(k, next);
  k.current = &next;
  k.charged_until = now;
  clear_own_pending(k, kPendingSwitch); // the best task here is the one loaded
  kmem::activate_task_space(next.space().ttbr0_value());
  ++k.switches;
  return next.context;
}
[[gnu::always_inline]] inline arch::ExceptionFrame& load(Core& k, Task& next, std::uint64_t now) {
  drop_fp(k); // its FP state is loaded at its first FP instruction (load_fp), if it has one
  return install(k, next, now);
}

// Run on the core that runs `task`, for the core that ends it (which holds the kernel lock and waits):
// the task leaves this core now. Its translation tables are no longer this core's TTBR0. If this core
// was inside an exception from the task (waiting for the lock), that exception goes on with the
// task's frame but no current task: it reads and writes nothing in the frame again and resumes the
// frame of the task loaded next (finish_pending_work), so the ending task's record may be freed.
void stop_here(void* argument) {
  Core& k = here();
  if (k.current != static_cast<Task*>(argument)) return;
  charge(k, arch::physical_count());
  k.current = nullptr;
  k.blocked = false;
  k.pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
  drop_fp(k);
  kmem::activate_empty_user_space();
}

// Leaves the kernel for the first task this core runs (with the kernel lock held).
[[noreturn]] void run_first() {
  Core& k = here();
  k.scheduling = true;
  k.joined_at = arch::physical_count();
  arch::fp_trap_el0(); // boot left FP open; from here on a task's first FP instruction loads its state
  Task* next = next_for(k);
  if (next == nullptr) {
    idle(k);
    next = highest_ready(k);
  }
  if (next == nullptr) panic("sched: core %u woke from idle with nothing to run", index_of(k));
  const arch::ExceptionFrame& first = load(k, *next, arch::physical_count());
  smp::unlock_kernel(); // from here on every kernel entry takes it
  enter_user(&first);
}

// The switch itself, once what else was pending is done: the running task (nullptr when it ended)
// leaves unless it may stay and nobody else of its priority or higher is ready here, and the best
// ready task is loaded (idling until there is one). `expire_after_switch`: deadlines became due while
// a task that blocked was still on this CPU; they are served once it left.
[[gnu::always_inline]] inline arch::ExceptionFrame& switch_tasks(Core& k, arch::ExceptionFrame& frame,
                                                                 bool expire_after_switch) {
  Task* const previous = k.current;
  const std::uint32_t me = index_of(k);
  clear_own_pending(k, kPendingSwitch);
  if (previous != nullptr && !k.blocked && may_run_on(*previous, me)) {
    // It would go to the back of its queue and be picked again unless someone of its priority or
    // higher is ready: then nothing changes (no register, FP or TTBR0 traffic).
    if (!detail::ready_at_or_above(k, prio(*previous))) return frame;
  }
  std::uint64_t now = arch::physical_count(); // the one counter read of a switch
  if (previous != nullptr) {
    charge(k, now);                        // blocked, preempted or moved away; its registers are in its frame already
    if (k.fp_live) fp_save(&previous->fp); // else its saved state is still current
    k.current = nullptr;
    // Back into a queue: straight into this core's when it may run nowhere else (make_ready would
    // place it here too; its switch flag and wake-up are for a core that is not about to choose).
    if (!k.blocked) {
      if (previous->affinity == me)
        enqueue(k, *previous);
      else
        make_ready(*previous);
    }
  }
  k.blocked = false;
  if (expire_after_switch) timeout::expire_due();
  Task* next = next_for(k);
  if (next == nullptr) {
    idle(k);
    next = highest_ready(k);
    now = arch::physical_count();
  }
  return load(k, *next, now);
}

} // namespace

// exit_to_user's work when something is pending (its own function, so the fast path sets up no frame).
[[gnu::noinline]] arch::ExceptionFrame& detail::finish_pending_work(Core& k, arch::ExceptionFrame& frame) {
  if ((k.pending.load(std::memory_order_relaxed) & kPendingReap) != 0) clear_own_pending(k, kPendingReap);
  const bool ended = g_reap_pending;
  if (ended) {
    // Cleared first: tasks that reap() itself ends are reaped by this same call (their flag only
    // costs one empty reap() later).
    g_reap_pending = false;
    ktask::reap();
  }
  // The sweeps only matter after a capability was deleted (reap() deletes them too: read the flag
  // after it). Another core's deletion flagged that core, which sweeps on its own way out.
  if ((k.pending.load(std::memory_order_relaxed) & kPendingRelease) != 0) clear_own_pending(k, kPendingRelease);
  if (cap::release_pending()) {
    cap::clear_release_pending();
    kobj::registry().sweep();
    kobj::sweep_irq_handlers();
  }
  if (ended) ktask::root::check_ended(); // after the sweeps: its report counts the frames they freed
  Task* const previous = k.current;      // Running: an ended task leaves `current` in remove()
  // Deadlines are served on a tick, first: a task they wake may be the one to switch to. Not while
  // the current task blocked in this kernel entry (a wait_timeout of a tick or less): it is still on
  // this CPU, and a task is made ready only once it left; then they are served after the switch-out.
  bool expire_after_switch = false;
  if ((k.pending.load(std::memory_order_relaxed) & kPendingTick) != 0) {
    if (k.blocked)
      expire_after_switch = true;
    else
      timeout::expire_due();
    // Round robin: anyone of the same or higher priority waiting gets the CPU at the end of the slice.
    clear_own_pending(k, kPendingTick);
    if (previous != nullptr && detail::ready_at_or_above(k, prio(*previous))) flag_own_pending(k, kPendingSwitch);
  }
  if ((k.pending.load(std::memory_order_relaxed) & kPendingSwitch) == 0 && previous != nullptr) return frame;
  return switch_tasks(k, frame, expire_after_switch);
}

namespace {

// finish_call() for everything but the quick switch.
[[gnu::noinline]] arch::ExceptionFrame& finish_call_general(smp::Cpu& me, arch::ExceptionFrame& frame) {
  me.lock_depth = 1; // the entry held the lock without counting it; idle() gives it up and takes it back
  arch::ExceptionFrame& next = detail::finish_pending_work(core_of(me), frame);
  if (std::uint32_t ticket = 0; smp::release_kernel_to_user(me, ticket)) [[unlikely]]
    smp::detail::wake_sleeper(ticket);
  return next;
}

} // namespace

// The quick switch is switch_tasks() for its common case, with nothing else pending: the running task
// blocked, or yielded and stays on this core, its FP state needs no saving, and a task is ready here.
// Everything it calls is inline or a tail call, so it needs no stack frame.
arch::ExceptionFrame& finish_call(smp::Cpu& me, arch::ExceptionFrame& frame) {
  Core& k = core_of(me);
  Task* const previous = k.current;
  if (k.pending.load(std::memory_order_relaxed) != kPendingSwitch || previous == nullptr || k.fp_live ||
      k.ready_mask == 0) [[unlikely]]
    return finish_call_general(me, frame);
  const bool blocked = k.blocked;
  const std::uint32_t here = me.id;
  if (!blocked && previous->affinity != here) [[unlikely]]
    return finish_call_general(me, frame);
  arch::ExceptionFrame* next = &frame;
  if (blocked || detail::ready_at_or_above(k, prio(*previous))) {
    const std::uint64_t now = arch::physical_count();
    previous->cpu_time += now - k.charged_until; // charge(); install() sets charged_until
    k.current = nullptr;
    if (!blocked) enqueue(k, *previous);
    k.blocked = false;
    next = &install(k, *k.ready[top_priority(k.ready_mask)].first, now); // ready_mask was not 0, and is not
  } else {
    clear_own_pending(k, kPendingSwitch); // it would be picked again: nothing changes
  }
  if (std::uint32_t ticket = 0; smp::release_uncounted(ticket)) [[unlikely]]
    return *smp::detail::wake_sleeper_and_return(ticket, next);
  return *next;
}

void detail::tell_core(std::uint32_t core) {
  g_cores[core].pending.fetch_or(kPendingSwitch, std::memory_order_relaxed);
  if (core != smp::this_cpu().id) (void)irq::send_ipi(core);
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
    drop_fp(k);
    return;
  }
  // It runs on another core: that core stops it (stop_here) while this one waits with the lock held,
  // so the caller may release its address space as soon as this returns.
  if (!smp::run_on(task.core, stop_here, &task))
    panic("smp: core %u did not stop task '%s' (no answer to the IPI)", static_cast<unsigned>(task.core), task.name);
}

void load_fp() {
  Core& k = here();
  if (k.current == nullptr || k.fp_live) return; // it ended meanwhile, or it is loaded already
  fp_restore(&k.current->fp);
  arch::fp_open_el0();
  k.fp_live = true;
}

void note_task_ended() {
  g_reap_pending = true;
  for (Core& k : g_cores)
    k.pending.fetch_or(kPendingReap, std::memory_order_relaxed);
}

void note_release() { here().pending.fetch_or(kPendingRelease, std::memory_order_relaxed); }

void on_tick() { here().pending.fetch_or(kPendingTick, std::memory_order_relaxed); }

bool work_pending() {
  Core& k = here();
  const std::uint32_t pending = k.pending.load(std::memory_order_relaxed);
  if ((pending & ~kPendingTick) != 0) return true;
  if (pending == 0) return false;
  // A tick only matters when someone else waits here; a stale 0 (a task queued here just now without
  // an IPI: one of equal priority) only delays its turn to the next tick.
  if (k.ready_count.load(std::memory_order_relaxed) != 0) return true;
  // A timed wait is due: the tick takes the lock to serve it (one relaxed load when none is due soon;
  // the counter is read only while someone waits with a deadline).
  if (timeout::any_due()) return true;
  k.pending.fetch_and(~kPendingTick, std::memory_order_relaxed);
  return false;
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
  } else if (const Core& k = g_cores[task.core]; k.current == &task && !may_run_on(task, task.core)) {
    detail::tell_core(task.core);
  }
  return {};
}

void start() { run_first(); }

std::uint64_t cpu_time(const Task& task) {
  const Core& k = g_cores[task.core];
  if (k.current != &task) return task.cpu_time;
  return task.cpu_time + (arch::physical_count() - k.charged_until);
}

CpuFigures cpu_figures(std::uint32_t core) {
  CpuFigures f;
  if (core >= kCores || !smp::cpu(core).online.load(std::memory_order_acquire)) return f;
  const Core& k = g_cores[core];
  f.state = abi::kCpuOnline | (std::uint64_t{k.ready_count.load(std::memory_order_relaxed)} << abi::kCpuReadyShift);
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
