// Notifications: a word of bits. signal ORs bits in and wakes one waiter, which receives the whole
// word (and the word is cleared); wait returns the word at once if it is non-zero (clearing it), else
// blocks; poll never blocks. Deleting the last capability wakes every waiter with ObjectDestroyed.
// A waiter never wakes with a word of 0 (signal ignores bits of 0 for waking), so wait_timeout can
// report a timeout as bits 0. A waiter may also have a deadline (kernel/task/timeout.hpp): every way
// out of the queue here cancels it.
#pragma once

#include "kernel/cap/kernel_object.hpp"
#include "kernel/cap/memory_quota.hpp"
#include "lib/result.hpp"

namespace bramble::ktask {
class Task;
} // namespace bramble::ktask

namespace bramble::kobj {

class Notification final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::Notification;

  Notification() : KernelObject(kType) {}
  ~Notification() = default;

  // A new notification whose record is charged to `quota` (records.hpp: QuotaExceeded, OutOfMemory).
  [[nodiscard]] static cap::Result<Notification*> create(cap::MemoryQuota& quota);

  void signal(std::uint64_t bits);
  // The word if non-zero (cleared), else 0 and the task is queued (the caller blocks it).
  std::uint64_t wait_or_enqueue(ktask::Task& task);
  std::uint64_t poll();
  // A task waiting here is going away (it ended, or its timed wait expired); nothing if it is not here.
  void remove_waiter(ktask::Task& task);

  void on_last_capability_deleted() override;

  [[nodiscard]] std::uint64_t word() const { return word_; }

private:
  std::uint64_t word_ = 0;
  ktask::Task* first_waiter_ = nullptr;
  ktask::Task* last_waiter_ = nullptr;
};

[[nodiscard]] std::size_t notifications_in_use();

} // namespace bramble::kobj
