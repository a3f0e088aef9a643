// A notifier for host threads (tests, benchmarks), built on C++20 std::atomic::wait/notify_one.
//
// HostEvent is a binary semaphore with kernel-notification semantics: signal() sets the word and wakes
// a waiter, wait() blocks until the word is non-zero and clears it. A ring between two threads uses two
// events, one per direction; each side's HostNotifier signals the peer's event and waits on its own.
//
// Freestanding targets without atomic wait (arm-none-eabi's libstdc++ has none) get nothing from this
// header: there the kernel's notifier or NoNotify is the choice.
#pragma once

#include <atomic>
#include <cstdint>

#include "bramble/ipc/notifier.hpp"

#if defined(__cpp_lib_atomic_wait)

namespace bramble::ipc {

class HostEvent {
public:
  void signal() {
    word_.store(1, std::memory_order_release);
    word_.notify_one();
  }
  void wait() {
    while (word_.exchange(0, std::memory_order_acquire) == 0)
      word_.wait(0, std::memory_order_relaxed);
  }

private:
  std::atomic<std::uint32_t> word_{0};
};

struct HostNotifier {
  HostEvent* own = nullptr;  // we wait on this one
  HostEvent* peer = nullptr; // the peer waits on this one
  void signal() { peer->signal(); }
  void wait() { own->wait(); }
};

// The two events of one ring, and each side's notifier.
struct HostNotifierPair {
  HostEvent producer_event;
  HostEvent consumer_event;
  [[nodiscard]] HostNotifier producer() { return HostNotifier{&producer_event, &consumer_event}; }
  [[nodiscard]] HostNotifier consumer() { return HostNotifier{&consumer_event, &producer_event}; }
};

static_assert(Notifier<HostNotifier> && !PollingNotifier<HostNotifier>);

} // namespace bramble::ipc

#endif
