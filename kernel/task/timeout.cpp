#include "kernel/task/timeout.hpp"

#include "kernel/abi/errors.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/panic.hpp"
#include "kernel/task/deadline_list.hpp"
#include "kernel/task/scheduler.hpp"

namespace bramble::timeout {
namespace {

using ktask::Task;
using List = ktask::DeadlineList<Task, &Task::timed_wait>;
static_assert(List::kNone == detail::kNoDeadline, "an empty list publishes 'no deadline'");

List g_list;

void publish() { detail::g_earliest.store(g_list.earliest(), std::memory_order_relaxed); }

} // namespace

std::atomic<std::uint64_t> detail::g_earliest{detail::kNoDeadline};

void arm(Task& task, std::uint64_t deadline) {
  g_list.insert(task, deadline);
  publish();
}

void detail::cancel_armed(Task& task) {
  g_list.remove(task);
  publish();
}

void detail::expire(std::uint64_t now) {
  while (Task* t = g_list.pop_due(now)) {
    // Out of the notification's queue first: a later signal must not find it there.
    if (t->waiting_on == nullptr) panic("timeout: task '%s' had a deadline but waited on nothing", t->name);
    t->waiting_on->remove_waiter(*t);
    sched::wake(*t, abi::kSuccess, 0); // bits 0: no signal ever leaves a word of 0 (notification.hpp)
  }
  publish();
}

} // namespace bramble::timeout
