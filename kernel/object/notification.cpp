#include "kernel/object/notification.hpp"

#include "kernel/object/records.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"
#include "kernel/task/timeout.hpp"

namespace bramble::kobj {
namespace {
std::size_t g_notifications = 0;
} // namespace

cap::Result<Notification*> Notification::create(cap::MemoryQuota& quota) {
  Notification* n = BRAMBLE_TRY(make_record<Notification>(quota));
  ++g_notifications;
  return n;
}

std::uint64_t Notification::poll() {
  const std::uint64_t word = word_;
  word_ = 0;
  return word;
}

void Notification::remove_waiter(ktask::Task& task) {
  ktask::Task* previous = nullptr;
  for (ktask::Task* t = first_waiter_; t != nullptr; previous = t, t = t->next_waiter) {
    if (t != &task) continue;
    if (previous != nullptr)
      previous->next_waiter = t->next_waiter;
    else
      first_waiter_ = t->next_waiter;
    if (last_waiter_ == t) last_waiter_ = previous;
    detach(*t);
    return;
  }
}

void Notification::on_last_capability_deleted() {
  while (first_waiter_ != nullptr) {
    ktask::Task* t = first_waiter_;
    first_waiter_ = t->next_waiter;
    detach(*t);
    sched::wake(*t, static_cast<std::uint64_t>(abi::Error::ObjectDestroyed), 0);
  }
  last_waiter_ = nullptr;
  --g_notifications;
  destroy_record(this);
}

std::size_t notifications_in_use() { return g_notifications; }

} // namespace bramble::kobj
