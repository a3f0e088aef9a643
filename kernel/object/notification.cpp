#include "kernel/object/notification.hpp"

#include "kernel/object/records.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"
#include "kernel/task/timeout.hpp"

namespace bramble::kobj {
namespace {
std::size_t g_notifications = 0;

// A waiter leaves the queue (the caller has unlinked it): it waits on nothing, and its deadline, if
// it had one, no longer applies (timeout.hpp's invariant).
void detach(ktask::Task& t) {
  t.next_waiter = nullptr;
  t.waiting_on = nullptr;
  timeout::cancel(t);
}
} // namespace

cap::Result<Notification*> Notification::create(cap::MemoryQuota& quota) {
  Notification* n = BRAMBLE_TRY(make_record<Notification>(quota));
  ++g_notifications;
  return n;
}

void Notification::signal(std::uint64_t bits) {
  word_ |= bits;
  // Every signaller passes non-zero bits (a badge, kUnbadgedSignalBits, kTaskEnded*); were one to
  // pass 0, waking a waiter with a word of 0 would read as wait_timeout's "timed out".
  if (first_waiter_ == nullptr || word_ == 0) return;
  ktask::Task* t = first_waiter_;
  first_waiter_ = t->next_waiter;
  if (first_waiter_ == nullptr) last_waiter_ = nullptr;
  detach(*t);
  const std::uint64_t word = word_;
  word_ = 0;
  sched::wake(*t, abi::kSuccess, word);
}

std::uint64_t Notification::wait_or_enqueue(ktask::Task& task) {
  if (word_ != 0) {
    const std::uint64_t word = word_;
    word_ = 0;
    return word;
  }
  task.next_waiter = nullptr;
  task.waiting_on = this;
  if (last_waiter_ != nullptr)
    last_waiter_->next_waiter = &task;
  else
    first_waiter_ = &task;
  last_waiter_ = &task;
  return 0;
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
