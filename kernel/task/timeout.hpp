// Timed waits (wait_timeout): a task blocked in a notification's queue with a deadline is also in one
// kernel-wide list ordered by deadline (deadline_list.hpp, linked through Task::timed_wait, so arming
// allocates nothing). Guarded by the kernel lock, except any_due(), which the interrupt path
// reads without it.
//
// Who serves expiries: any core on its way back to EL0 after its timer tick (the scheduler's
// finish_pending_work; work_pending() asks any_due() so a due deadline makes the tick take the
// lock), and any core each time its idle loop wakes. Core 0 ticks even while idle (secondary cores
// stop their tick then), so a deadline is served at core 0's first tick at or after it even when
// every core idles: late by at most one tick period (10 ms at the scheduler's 100 Hz) plus the lock.
//
// Invariant: a task is in the list only while it waits in a notification's queue (waiting_on is
// set). Every way out of that queue cancels the timeout (Notification's signal, remove_waiter and
// destruction), and expire() takes the task out of the queue before it wakes it: whichever of the
// signal and the deadline comes first under the lock wakes the task, once.
#pragma once

#include <atomic>
#include <cstdint>

#include "kernel/arch/cpu.hpp"
#include "kernel/task/task.hpp"

namespace bramble::timeout {

namespace detail {
// The earliest deadline armed, kNoDeadline when none is: written with the lock, read without it by the
// interrupt path (relaxed: a stale value only moves an expiry to the next tick). Here so that the
// checks below inline: signal, the idle loop and the tick pay one load or one flag test when no
// timed wait is armed.
inline constexpr std::uint64_t kNoDeadline = ~std::uint64_t{0};
extern std::atomic<std::uint64_t> g_earliest;
void cancel_armed(ktask::Task& task);
void expire(std::uint64_t now);
} // namespace detail

// The task, queued on a notification, also wakes at `deadline` (physical counter) with status Ok and
// bits 0. Precondition: it is not armed already.
void arm(ktask::Task& task, std::uint64_t deadline);

// Its timeout no longer applies (it woke, ended or its notification went); nothing if it had none.
inline void cancel(ktask::Task& task) {
  if (task.timed_wait.linked) detail::cancel_armed(task);
}

// Whether it has one armed.
[[nodiscard]] inline bool armed(const ktask::Task& task) { return task.timed_wait.linked; }

// Without the lock: whether some deadline has passed (the counter is read only when one is armed).
// A stale answer only moves an expiry to the next tick.
[[nodiscard]] inline bool any_due() {
  const std::uint64_t earliest = detail::g_earliest.load(std::memory_order_relaxed);
  return earliest != detail::kNoDeadline && earliest <= arch::physical_count();
}

// With the lock: wakes every task whose deadline is at or before now (the physical counter), each
// through sched::wake (make_ready: an IPI to the core it goes to).
inline void expire_due() {
  if (detail::g_earliest.load(std::memory_order_relaxed) == detail::kNoDeadline) return;
  detail::expire(arch::physical_count());
}

} // namespace bramble::timeout
