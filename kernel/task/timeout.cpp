#include "kernel/task/timeout.hpp"

#include <atomic>

#include "kernel/abi/errors.hpp"
#include "kernel/arch/cpu.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/panic.hpp"
#include "kernel/task/deadline_list.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"

namespace bramble::timeout {
namespace {

using ktask::Task;
using List = ktask::DeadlineList<Task, &Task::timed_wait>;

List g_list;
// g_list.earliest(), published for the interrupt path, which reads it without the lock (relaxed: a
// stale value only delays an expiry by a tick, see any_due()). Written with the lock.
std::atomic<std::uint64_t> g_earliest{List::kNone};

void publish() { g_earliest.store(g_list.earliest(), std::memory_order_relaxed); }

} // namespace

void arm(Task& task, std::uint64_t deadline) {
  g_list.insert(task, deadline);
  publish();
}

void cancel(Task& task) {
  if (!task.timed_wait.linked) return;
  g_list.remove(task);
  publish();
}

bool armed(const Task& task) { return task.timed_wait.linked; }

bool any_due() {
  const std::uint64_t earliest = g_earliest.load(std::memory_order_relaxed);
  return earliest != List::kNone && earliest <= arch::physical_count();
}

void expire_due() {
  if (g_earliest.load(std::memory_order_relaxed) == List::kNone) return; // no counter read when none wait
  const std::uint64_t now = arch::physical_count();
  while (Task* t = g_list.pop_due(now)) {
    // Out of the notification's queue first: a later signal must not find it there.
    if (t->waiting_on == nullptr) panic("timeout: task '%s' had a deadline but waited on nothing", t->name);
    t->waiting_on->remove_waiter(*t);
    sched::wake(*t, abi::kSuccess, 0); // bits 0: no signal ever leaves a word of 0 (notification.hpp)
  }
  publish();
}

} // namespace bramble::timeout
