#include "lib/ticket_lock.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

using bramble::TicketLock;

TEST_CASE("ticket lock: try_lock fails while held and succeeds once released") {
  TicketLock lock;
  CHECK_FALSE(lock.locked());
  CHECK(lock.try_lock());
  CHECK(lock.locked());
  CHECK_FALSE(lock.try_lock());
  CHECK(lock.waiters() == 0);
  lock.unlock();
  CHECK_FALSE(lock.locked());
  lock.lock();
  CHECK(lock.locked());
  lock.unlock();
  CHECK(lock.try_lock());
  lock.unlock();
}

// Four threads each run `critical` (which takes and gives back the lock around an increment of a plain
// counter) kRounds times; the count comes out right only if the lock excludes (TSan checks the
// ordering too).
constexpr int kThreads = 4;
constexpr int kRounds = 5000;
template <typename Critical> std::uint64_t count_under(TicketLock& lock, Critical critical) {
  std::uint64_t counter = 0; // not atomic: only the lock keeps it right
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i)
        critical(lock, counter);
    });
  }
  for (auto& t : threads)
    t.join();
  return counter;
}

TEST_CASE("ticket lock: four threads incrementing a plain counter lose no increment") {
  TicketLock lock;
  const std::uint64_t counter = count_under(lock, [](TicketLock& l, std::uint64_t& c) {
    l.lock();
    ++c;
    l.unlock();
  });
  CHECK(counter == std::uint64_t{kThreads} * kRounds);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("ticket lock: waiters are served in the order they took their tickets") {
  TicketLock lock;
  lock.lock();
  std::vector<int> order;
  std::vector<std::thread> threads;
  // Each thread queues only after the previous one is waiting, so the ticket order is 0, 1, 2.
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      lock.lock();
      order.push_back(t);
      lock.unlock();
    });
    while (lock.waiters() != static_cast<std::uint32_t>(t + 1))
      std::this_thread::yield();
  }
  lock.unlock();
  for (auto& t : threads)
    t.join();
  CHECK(order == std::vector<int>{0, 1, 2});
}

TEST_CASE("ticket lock: a holder that kept its ticket releases to the next one, with either order") {
  TicketLock lock;
  const std::uint32_t first = lock.take_ticket();
  CHECK(lock.served(first));
  const std::uint32_t second = lock.take_ticket(); // queued behind the holder
  CHECK_FALSE(lock.served(second));
  CHECK(lock.waiters() == 1);
  CHECK(lock.unlock(first, std::memory_order_seq_cst) == second); // the ticket served now
  CHECK(lock.served(second));
  CHECK(lock.locked());
  CHECK(lock.unlock(second) == second + 1);
  CHECK_FALSE(lock.locked());
}

TEST_CASE("ticket lock: threads releasing with their own tickets, seq_cst, lose no increment") {
  TicketLock lock;
  const std::uint64_t counter = count_under(lock, [](TicketLock& l, std::uint64_t& c) {
    const std::uint32_t ticket = l.take_ticket();
    while (!l.served(ticket))
      std::this_thread::yield();
    ++c;
    (void)l.unlock(ticket, std::memory_order_seq_cst);
  });
  CHECK(counter == std::uint64_t{kThreads} * kRounds);
  CHECK_FALSE(lock.locked());
}
