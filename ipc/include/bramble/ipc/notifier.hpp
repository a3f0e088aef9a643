// How a side that found its ring empty (or full) sleeps and how the peer wakes it.
//
// A notifier is one side's link to the peer: signal() wakes the peer, wait() blocks this side until the
// peer signalled. Semantics are those of a kernel notification (docs/syscalls.md): a binary semaphore, so a
// signal sent before the wait is not lost, several signals before one wait collapse into one wake-up,
// and a wait may return spuriously (the ring code always re-checks). Notifiers are small handles that
// the ring handles keep a copy of.
//
// Implementations: NoNotify (polling, below), HostNotifier (host threads, host_notifier.hpp),
// FunctionNotifier (two function pointers, below), and the kernel notifier in user/ which wraps the
// notification handles of a ChannelConfig.
#pragma once

#include <concepts>
#include <cstdint>

#include "bramble/ipc/config.hpp"

namespace bramble::ipc {

template <typename N>
concept Notifier = std::copy_constructible<N> && requires(N& n) {
  n.signal();
  n.wait();
};

// Polling: nobody sleeps. Rings built with it skip the fence and the sleep-word check on every
// publication, so a polled ring costs exactly a release store per publication. Both sides of a ring
// must poll if either does: a sleeping side would never be woken by a polling peer.
struct NoNotify {
  static constexpr bool kPolling = true;
  void signal() {}
  void wait() { cpu_relax(); }
};

template <typename N>
concept PollingNotifier = Notifier<N> && requires {
  requires N::kPolling;
};

// Spinning before a sleep (optional). A notifier with `spin_limit()` asks the side that found its ring
// empty (or full) to re-check the peer's index that many times, with cpu_relax() between, before it
// announces a sleep: when the peer runs at the same time on another core it usually moves within that
// time, and the side goes on without the sleep, the peer's signal and the wake-up. The spin only comes
// before the protocol's announce, fence, re-check, wait sequence (wake.hpp) and never replaces it.
// Spinning helps only if the peer may run concurrently: on one core it burns the spinner's time slice
// while the peer cannot move, so the notifiers here return 0 (no spin) unless told otherwise, and a
// notifier without the member does not spin.
template <typename N>
concept SpinningNotifier = Notifier<N> && requires(const N& n) {
  { n.spin_limit() } -> std::convertible_to<std::uint32_t>;
};

template <Notifier N> [[nodiscard]] constexpr std::uint32_t spin_limit(const N& n) {
  if constexpr (SpinningNotifier<N>)
    return static_cast<std::uint32_t>(n.spin_limit());
  else
    return 0;
}

// Adapts any pair of C-style functions (for instance syscall stubs with a capability slot in `context`)
// without making the ring depend on them.
struct FunctionNotifier {
  void* context = nullptr;
  void (*signal_fn)(void*) = nullptr;
  void (*wait_fn)(void*) = nullptr;
  void signal() { signal_fn(context); }
  void wait() { wait_fn(context); }
};

static_assert(Notifier<NoNotify> && PollingNotifier<NoNotify>);
static_assert(Notifier<FunctionNotifier> && !PollingNotifier<FunctionNotifier>);

} // namespace bramble::ipc
