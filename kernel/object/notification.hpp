// Notifications: a word of bits. signal ORs bits in and wakes one waiter, which receives the whole
// word (and the word is cleared); wait returns the word at once if it is non-zero (clearing it), else
// blocks; poll never blocks. Deleting the last capability wakes every waiter with ObjectDestroyed.
// A waiter never wakes with a word of 0 (signal ignores bits of 0 for waking), so wait_timeout can
// report a timeout as bits 0. A waiter may also have a deadline (kernel/task/timeout.hpp): every way
// out of the queue here cancels it.
#pragma once

#include "kernel/cap/kernel_object.hpp"
#include "kernel/cap/memory_quota.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"
#include "kernel/task/timeout.hpp"
#include "lib/result.hpp"

namespace bramble::kobj {

class Notification final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::Notification;

  Notification() : KernelObject(kType) {}
  ~Notification() = default;

  // A new notification whose record is charged to `quota` (records.hpp: QuotaExceeded, OutOfMemory).
  [[nodiscard]] static cap::Result<Notification*> create(cap::MemoryQuota& quota);

  // Inline, with the wait below: a notification round trip is two of each.
  [[gnu::always_inline]] void signal(std::uint64_t bits) {
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
  // The word if non-zero (cleared), else 0 and the task is queued (the caller blocks it).
  std::uint64_t wait_or_enqueue(ktask::Task& task) {
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
  std::uint64_t poll();
  // A task waiting here is going away (it ended, or its timed wait expired); nothing if it is not here.
  void remove_waiter(ktask::Task& task);

  void on_last_capability_deleted() override;

  [[nodiscard]] std::uint64_t word() const { return word_; }

private:
  // A waiter leaves the queue (the caller has unlinked it): it waits on nothing, and its deadline, if
  // it had one, no longer applies (timeout.hpp's invariant).
  static void detach(ktask::Task& t) {
    t.next_waiter = nullptr;
    t.waiting_on = nullptr;
    timeout::cancel(t);
  }

  std::uint64_t word_ = 0;
  ktask::Task* first_waiter_ = nullptr;
  ktask::Task* last_waiter_ = nullptr;
};

[[nodiscard]] std::size_t notifications_in_use();

} // namespace bramble::kobj
