// A list of nodes ordered by deadline, linked through a DeadlineLink inside each node: the kernel's
// timed waits (kernel/task/timeout.hpp) keep their tasks in one, so arming a timeout allocates
// nothing and cancelling one is O(1). Pure (no kernel state), so the host unit tests run it as is.
//
// Ordering: ascending deadline; nodes with equal deadlines keep the order they were inserted in (the
// first to ask is the first to wake). insert() walks from the back, as new deadlines are mostly the
// latest ones: O(1) then, O(n) at worst, n bounded by the tasks that exist (each is paid for by a
// quota).
#pragma once

#include <cstdint>

namespace bramble::ktask {

template <typename T> struct DeadlineLink {
  T* next = nullptr;
  T* prev = nullptr;
  std::uint64_t deadline = 0;
  bool linked = false; // in a list: remove() is then the only way out
};

template <typename T, DeadlineLink<T> T::*Link> class DeadlineList {
public:
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};

  // Precondition: `node` is in no list (remove() it first to move it).
  void insert(T& node, std::uint64_t deadline) {
    DeadlineLink<T>& l = node.*Link;
    l.deadline = deadline;
    T* after = last_;
    while (after != nullptr && (after->*Link).deadline > deadline)
      after = (after->*Link).prev;
    l.prev = after;
    l.next = after != nullptr ? (after->*Link).next : first_;
    if (l.next != nullptr)
      (l.next->*Link).prev = &node;
    else
      last_ = &node;
    if (after != nullptr)
      (after->*Link).next = &node;
    else
      first_ = &node;
    l.linked = true;
  }

  // Takes `node` out; nothing if it is in no list (a timeout that already fired, or never armed).
  void remove(T& node) {
    DeadlineLink<T>& l = node.*Link;
    if (!l.linked) return;
    if (l.prev != nullptr)
      (l.prev->*Link).next = l.next;
    else
      first_ = l.next;
    if (l.next != nullptr)
      (l.next->*Link).prev = l.prev;
    else
      last_ = l.prev;
    l.next = l.prev = nullptr;
    l.linked = false;
  }

  // The first node whose deadline is at or before `now`, taken out of the list; nullptr if none is due.
  [[nodiscard]] T* pop_due(std::uint64_t now) {
    T* node = first_;
    if (node == nullptr || (node->*Link).deadline > now) return nullptr;
    remove(*node);
    return node;
  }

  [[nodiscard]] bool empty() const { return first_ == nullptr; }
  [[nodiscard]] T* first() const { return first_; }
  // The earliest deadline, kNone when the list is empty.
  [[nodiscard]] std::uint64_t earliest() const { return first_ != nullptr ? (first_->*Link).deadline : kNone; }

private:
  T* first_ = nullptr;
  T* last_ = nullptr;
};

} // namespace bramble::ktask
