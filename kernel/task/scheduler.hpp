// The scheduler: one run queue per core, strict priorities 0..31 in each, round robin within a
// priority on that core's timer tick (one tick is the time slice), blocking waits. The kernel is not
// preemptible: a core switches tasks only on its way back to EL0 (exit_to_user), on its own kernel
// stack (the seL4 model, once per core).
//
// Every task has an affinity: one core, or any core (abi::kAnyCore). A task is created for core 0;
// task_set_core moves it. A ready task with a fixed affinity waits in its core's queue; one that may
// run anywhere goes where it ran last if that core has nothing else to do, else to an idle core, else
// to the least busy one, and an idle core takes such a task from another core's queue.
//
// Cores reach each other's state only with the kernel lock held (kernel/smp.hpp). A core that makes a
// task ready for another core, or ends a task that runs there, tells that core by IPI: a wake-up that
// makes it look at its queue again, or a remote stop (the task leaves that core before the caller
// goes on, so its address space can be torn down at once).
#pragma once

#include <atomic>
#include <cstdint>

#include "kernel/abi/syscalls.hpp"
#include "kernel/arch/context.hpp"
#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/links.hpp"
#include "kernel/smp.hpp"
#include "kernel/task/task.hpp"

namespace bramble::sched {

using ktask::Task;

// Each core's scheduling state, in the header so that the system-call entry reaches the running task
// and the exit's fast path inline (kernel/task/scheduler.cpp is the only other user).
namespace detail {

inline constexpr unsigned kPriorities = abi::kMaxPriority + 1;
inline constexpr std::uint32_t kCores = smp::kMaxCores;

struct Queue {
  Task* first = nullptr;
  Task* last = nullptr;
};

// Work for exit_to_user, flagged by the code that creates it, so the way back to EL0 tests one word
// when there is none (the common case) instead of walking lists or re-deriving it. The bits:
// A task blocked, ended, yielded, woke, moved or used up its slice.
inline constexpr std::uint32_t kPendingSwitch = 1u << 0;
// This core's timer ticked (set without the lock).
inline constexpr std::uint32_t kPendingTick = 1u << 1;
// A task ended: look at g_reap_pending (set in every core's word).
inline constexpr std::uint32_t kPendingReap = 1u << 2;
// This core deleted a capability: sweep what that left behind (cap::release_pending).
inline constexpr std::uint32_t kPendingRelease = 1u << 3;

// One core's scheduling state. Guarded by the kernel lock: another core may queue a task here and flag
// a switch (then it sends an IPI); only this core loads a task from here. Aligned to a power of two
// at least its size, so that finding a core's record (core_of, on every system call) is a shift and
// an add, not a multiply, and no two cores' records share a cache line.
struct alignas(1024) Core {
  Queue ready[kPriorities];
  std::uint32_t ready_mask = 0; // bit p: queue p is not empty
  // Read without the lock by this core's interrupt path (work_pending()), so atomic; written with it.
  std::atomic<std::uint32_t> ready_count{0};
  Task* current = nullptr;
  std::atomic<std::uint32_t> pending{0}; // kPending*; as ready_count: read without the lock by this core
  bool blocked = false;                  // the current task blocked in this kernel entry
  // Lazy FP: the FP/SIMD registers hold `current`'s state, loaded at its first FP instruction since it
  // got the CPU (load_fp()), and EL0 may use them; false: EL0's FP instructions trap. Only a task that
  // used FP since it was loaded has its FP state saved when it leaves.
  bool fp_live = false;
  bool scheduling = false; // the core has joined (start())
  // CPU time: the physical count when `current` got the CPU (or was last charged). The outgoing task is
  // charged on every switch, an ending one when it ends (remove()); idle time is nobody's.
  std::uint64_t charged_until = 0;
  std::uint64_t switches = 0;
  std::uint64_t joined_at = 0;
  std::uint64_t idle_time = 0;  // counter ticks spent in idle() before the current wait
  std::uint64_t idle_since = 0; // when the current wait in idle() began (0: not waiting)
};

static_assert(sizeof(Core) == 1024, "core_of indexes by a shift: keep Core within its alignment");
inline Core g_cores[kCores];
// An ended task waits to be reaped; any core's next exit_to_user does it (each core's pending word
// has kPendingReap too, so that the exit's test reads one word of the core's own).
inline bool g_reap_pending = false;

[[nodiscard]] inline std::uint32_t index_of(const Core& k) { return static_cast<std::uint32_t>(&k - g_cores); }
[[nodiscard]] inline unsigned prio(const Task& t) { return static_cast<unsigned>(t.priority()); }

// Puts `t` at the back of its priority's queue on core `k`.
[[gnu::always_inline]] inline void enqueue(Core& k, Task& t) {
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
  // Written only with the kernel lock held (read without it), so a load and a store, not an
  // exclusive read-modify-write.
  k.ready_count.store(k.ready_count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  k.ready_mask |= 1u << prio(t);
}

// Where a ready task that may run on any core waits (see the top of this file).
[[nodiscard]] std::uint32_t place_anywhere(const Task& t);
// Core `core` has a task to look at: its exit path is flagged, and another core is sent a wake-up IPI
// (nothing is posted; it only looks at its queue again).
void tell_core(std::uint32_t core);

// Someone of `priority` or higher waits on core `k`: bit p of ready_mask says queue p is not empty.
[[nodiscard]] inline bool ready_at_or_above(const Core& k, unsigned priority) {
  return (k.ready_mask >> priority) != 0;
}

// exit_to_user's work when something is pending (its own function, so the fast path sets up no frame).
arch::ExceptionFrame& finish_pending_work(Core& k, arch::ExceptionFrame& frame);

// This core's own pending word (`k`: this core), with the kernel lock held and interrupts masked (a
// system call, the exit path): no other core writes it without the lock and this core's interrupt
// handlers cannot run, so setting or clearing bits is a load and a store, not an exclusive
// read-modify-write.
[[gnu::always_inline]] inline void flag_own_pending(Core& k, std::uint32_t bits) {
  k.pending.store(k.pending.load(std::memory_order_relaxed) | bits, std::memory_order_relaxed);
}
[[gnu::always_inline]] inline void clear_own_pending(Core& k, std::uint32_t bits) {
  k.pending.store(k.pending.load(std::memory_order_relaxed) & ~bits, std::memory_order_relaxed);
}

} // namespace detail

// The scheduling state of the core whose record `cpu` is (smp::this_cpu(): this core's).
[[nodiscard]] inline detail::Core& core_of(const smp::Cpu& cpu) { return detail::g_cores[cpu.id]; }

// The task whose registers are in this core's exception frame (nullptr while idle, or once it ended).
[[nodiscard]] inline Task* current() { return core_of(smp::this_cpu()).current; }

// Puts a task in a ready queue (which core's: its affinity says, see above); that core is told when the
// task should run before what it runs now. Inline: a notification's signal does this.
inline void make_ready(Task& task) {
  if (task.queued) return;
  const std::uint32_t c = task.affinity != abi::kAnyCore ? task.affinity : detail::place_anywhere(task);
  if (c != task.core) ++task.migrations;
  detail::Core& k = detail::g_cores[c];
  detail::enqueue(k, task);
  if (k.current == nullptr || task.priority() > k.current->priority()) [[unlikely]]
    detail::tell_core(c);
}
// Takes a task off its ready queue, or off the core that runs it: on another core, the task is
// stopped there before this returns (remote stop). Its CPU time is final.
void remove(Task& task);
// A blocked task's call completes with x0 = status, x1 = value; it becomes ready.
inline void wake(Task& task, std::uint64_t status, std::uint64_t value) {
  arch::set_syscall_result(task.context, status, value, 0, 0);
  make_ready(task);
}
// The running task's first FP/SIMD instruction since it got this core trapped: its FP state is loaded
// and EL0 may use the FP unit until it leaves the core (lazy FP: a task that never touches FP costs
// no FP save or restore, and one that does pays a trap and a restore per time on the CPU, a save
// when it leaves).
void load_fp();
// The running task blocks (its call's results are filled in by wake()); `k`: this core. In a system
// call (kernel lock held, interrupts masked).
inline void block_current(detail::Core& k) {
  k.blocked = true;
  detail::flag_own_pending(k, detail::kPendingSwitch);
}
// The running task yields (`k`: this core; `priority`: the task's). A switch is flagged only when
// someone of its priority or higher waits on this core (bit p of ready_mask: queue p is not empty):
// otherwise the exit would pick the caller again, and the call returns like any other, without the
// scheduler.
inline void yield_current(detail::Core& k, unsigned priority) {
  if (detail::ready_at_or_above(k, priority)) detail::flag_own_pending(k, detail::kPendingSwitch);
}
// This core's timer tick (interrupt context, without the kernel lock): the next exit to EL0 looks at
// round robin.
void on_tick();
// Without the kernel lock, on the way back to EL0 from an interrupt: whether exit_to_user has anything
// to do on this core (a switch flagged by another core, which then also sent this core an IPI, or a
// tick while others wait here). False lets the interrupt return without taking the lock.
[[nodiscard]] bool work_pending();
// A task ended (ktask::end_task): the next exit_to_user on any core reaps it (and reports an ended
// root task).
void note_task_ended();
// This core deleted a capability (cap's release hook, kernel lock held): its next exit_to_user sweeps
// what the deletion left behind (registry entries, interrupt handlers).
void note_release();

// The task's affinity: a core below abi::kMaxCores that is online, or abi::kAnyCore. A queued task is
// placed again; a running one leaves a core it may no longer use at that core's next exit to EL0.
// InvalidCore for a core that is not online, InvalidState for a task that ended.
[[nodiscard]] cap::Result<void> set_affinity(Task& task, std::uint64_t core);

// At the end of every exception taken from EL0, with `frame` the running task's own frame (its record:
// the exception saved its registers there): releases ended tasks, and if the running task blocked,
// ended, used up its slice, may not stay on this core or a higher-priority task woke, picks the next
// task (idling until one is ready). Returns the frame to resume: `frame`, or the next task's. A switch
// copies no registers; it changes the frame the exception returns through.
//
// `k` is this core's state (core_of(smp::this_cpu())). Inline: the fast path (nothing ended, nothing
// was deleted, nobody asked for this CPU) is a few loads on every return to EL0. The running task is
// still Running then (it can only stop through end_task -> remove() or block_current(), which both
// flag a switch).
// Whether exit_to_user has anything to do on core `k` beyond returning the frame.
[[nodiscard]] inline bool exit_pending(const detail::Core& k) { return k.pending.load(std::memory_order_relaxed) != 0; }
[[nodiscard]] inline arch::ExceptionFrame& exit_to_user(detail::Core& k, arch::ExceptionFrame& frame) {
  if (!exit_pending(k)) [[likely]]
    return frame;
  return detail::finish_pending_work(k, frame);
}
[[nodiscard]] inline arch::ExceptionFrame& exit_to_user(arch::ExceptionFrame& frame) {
  return exit_to_user(core_of(smp::this_cpu()), frame);
}
// The way back from a system call whose exit has work (its entry answered kSyscallFinish or
// kSyscallGone, kernel/trap.hpp): exit_to_user's work, then the kernel lock's release (`me`: this
// core, which holds it once). The common switch (a task blocked or yielded, nothing else pending) is
// inline here; anything else goes through detail::finish_pending_work. Returns the frame to resume.
[[nodiscard]] arch::ExceptionFrame& finish_call(smp::Cpu& me, arch::ExceptionFrame& frame);

// This core starts scheduling (core 0 from kernel_main, the others when they join): with the kernel
// lock held, it waits for a task of its own and leaves for it. Does not return.
[[noreturn]] void start();

// The task's CPU time in generic-timer counter ticks (CNTPCT_EL0; CNTFRQ_EL0 per second): the time it
// held a CPU, at EL0 and in the kernel on its behalf, up to now for a running task. Charged once per
// context switch (one counter read) and when the task ends; idle time is charged to nobody.
[[nodiscard]] std::uint64_t cpu_time(const Task& task);

// A core's figures for cpu_info: abi::kCpu* state bits with the ready count, the time it spent not
// idle since it joined (counter ticks), and its context switches.
struct CpuFigures {
  std::uint64_t state = 0;
  std::uint64_t busy_time = 0;
  std::uint64_t switches = 0;
};
[[nodiscard]] CpuFigures cpu_figures(std::uint32_t core);

} // namespace bramble::sched
