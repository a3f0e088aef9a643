// A fair spin lock for a few cores: each locker takes a ticket (one atomic increment) and waits until
// the ticket is served, so cores get the lock in the order they asked for it and none starves.
//
// Why a ticket lock and not a CLH queue lock: with at most four cores, every waiter spinning on the
// one `serving_` word costs a few cache-line transfers per hand-over, which CLH would save at the
// price of a queue node per core and a pointer swap per acquisition. Both are FIFO-fair; the ticket
// lock is two words, needs no per-CPU state and is easy to check.
#pragma once

#include <atomic>
#include <cstdint>
#if __STDC_HOSTED__
#include <thread>
#endif

namespace bramble {

class TicketLock {
public:
  void lock() {
    lock([] {});
  }

  // The same, calling `while_waiting()` on every turn of the wait (the kernel answers other cores'
  // requests there: a core that holds the lock may be waiting for this one).
  template <typename WhileWaiting> void lock(WhileWaiting&& while_waiting) {
    const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    while (serving_.load(std::memory_order_acquire) != ticket) {
      while_waiting();
      relax();
    }
  }

  [[nodiscard]] bool try_lock() {
    std::uint32_t serving = serving_.load(std::memory_order_relaxed);
    // Only when nobody holds or waits: take the ticket that is being served right now.
    return next_.compare_exchange_strong(serving, serving + 1, std::memory_order_acquire, std::memory_order_relaxed);
  }

  // The parts of lock(), for a caller that waits its own way (the kernel: spin, then sleep until the
  // holder hands over). take_ticket() once, then wait until served(ticket).
  [[nodiscard]] std::uint32_t take_ticket() { return next_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] bool served(std::uint32_t ticket) const { return serving_.load(std::memory_order_seq_cst) == ticket; }

  // Returns the ticket served now (whose owner may be asleep and want waking). Only the holder writes
  // serving_, so a plain increment published with `order` is enough: release, or seq_cst for a holder
  // that orders a later seq_cst load after it (the kernel's look for a sleeper).
  std::uint32_t unlock(std::memory_order order = std::memory_order_release) {
    return unlock(serving_.load(std::memory_order_relaxed), order);
  }
  // The same, for a holder that kept its ticket (`held`: the one take_ticket() gave it, now served),
  // which is the value serving_ has while it holds the lock: one load fewer.
  std::uint32_t unlock(std::uint32_t held, std::memory_order order = std::memory_order_release) {
    const std::uint32_t next = held + 1;
    serving_.store(next, order);
    return next;
  }

  // Someone holds it (for assertions: says nothing about who).
  [[nodiscard]] bool locked() const {
    return next_.load(std::memory_order_relaxed) != serving_.load(std::memory_order_relaxed);
  }
  // Cores waiting behind the holder.
  [[nodiscard]] std::uint32_t waiters() const {
    const std::uint32_t queued = next_.load(std::memory_order_relaxed) - serving_.load(std::memory_order_relaxed);
    return queued == 0 ? 0 : queued - 1;
  }

private:
  // A waiter's pause. Hosted (the host tests' threads, which the OS may preempt while they hold or are
  // next in line for the lock), give the CPU away; in the kernel, a core spins with the CPU's hint.
  static void relax() {
#if __STDC_HOSTED__
    std::this_thread::yield();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  std::atomic<std::uint32_t> next_{0};    // the next ticket to hand out
  std::atomic<std::uint32_t> serving_{0}; // the ticket that holds the lock
};

} // namespace bramble
