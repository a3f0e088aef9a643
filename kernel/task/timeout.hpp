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

#include <cstdint>

namespace bramble::ktask {
class Task;
}

namespace bramble::timeout {

// The task, queued on a notification, also wakes at `deadline` (physical counter) with status Ok and
// bits 0. Precondition: it is not armed already.
void arm(ktask::Task& task, std::uint64_t deadline);
// Its timeout no longer applies (it woke, ended or its notification went); nothing if it had none.
void cancel(ktask::Task& task);
// Whether it has one armed.
[[nodiscard]] bool armed(const ktask::Task& task);
// Without the lock: whether some deadline has passed (the counter is read only when one is armed).
// A stale answer only moves an expiry to the next tick.
[[nodiscard]] bool any_due();
// With the lock: wakes every task whose deadline is at or before now (the physical counter), each
// through sched::wake (make_ready: an IPI to the core it goes to).
void expire_due();

} // namespace bramble::timeout
