// The notify-on-need protocol, shared by every ring handle. docs/ipc.md maps each numbered step to the
// line below (and the Promela model in ipc/model/channel.pml checks the same steps); change both together.
//
// Each side writes only its own control page: the sleeper its own sleep_seq, the waker nothing at all
// (it remembers in private memory which sleep it already signalled). A sleep_seq is odd while its owner
// is about to sleep or asleep. Publishing an index and announcing a sleep are a Dekker pair, so both
// sides need a full fence between their store and their load (store-load order is the one release and
// acquire do not give); then either the sleeper sees the new index or the waker sees the odd word.
// full_fence() (shared_word.hpp) is that barrier on every target: DMB on Arm (ARMv6-M included),
// MFENCE or a locked instruction on x86-64. (ThreadSanitizer does not model that fence; it still
// checks the data through the acquire/release index pair, and the Promela model checks the fence.)
#pragma once

#include <cstdint>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/result.hpp"
#include "bramble/ipc/shared_word.hpp"

namespace bramble::ipc::detail {

// Private (never shared) state of one side's half of the protocol, and its counters.
template <RingIndex I> struct WakeState {
  I own_seq = 0;                  // private copy of our own sleep_seq: read back only when a handle opens
  I last_signalled = 0;           // the peer's odd sleep_seq we already signalled for: at most one signal per sleep
  std::uint64_t signals_sent = 0; // signal() calls made for the peer
  std::uint64_t sleeps = 0;       // times we announced a sleep (step 1)
  std::uint64_t waits = 0;        // wait() calls made (step 4)
  std::uint64_t spins_won = 0;    // sleeps avoided: the spin (step 0) found work
};

// A handle opening a ring takes its side's sleep sequence over from the control page, made even: a side
// restarted after its predecessor died (perhaps asleep, perhaps already signalled for that sleep) must
// not announce an odd value the peer already signalled for, or the peer would skip the signal and the
// new sleeper would never wake. A fresh ring's word is 0, so nothing changes there. Only the owner
// writes the word, so reading it back here is reading what our own side last wrote.
template <RingIndex I> [[nodiscard]] inline I resume_sleep_seq(SharedWord<I>& own_seq) {
  I seq = own_seq.load(std::memory_order_relaxed);
  if ((seq & 1U) != 0) {
    seq = static_cast<I>(seq + 1);
    own_seq.store(seq, std::memory_order_relaxed);
  }
  return seq;
}

// Waker side, called right after the release store that published our index.
template <Notifier N, RingIndex I>
inline void signal_if_sleeping(N& notifier, const SharedWord<I>& peer_seq, WakeState<I>& st) {
  if constexpr (PollingNotifier<N>) {
    (void)peer_seq;
    (void)st;
  } else {
    full_fence();                                           // (a)
    const I seq = peer_seq.load(std::memory_order_relaxed); // (b)
    if ((seq & 1U) != 0 && seq != st.last_signalled) {      // (c)
      st.last_signalled = seq;
      notifier.signal();
      ++st.signals_sent;
    }
  }
}

// Sleeper side, called after our side found the ring empty (consumer) or full (producer).
// `recheck()` re-reads the peer's index with acquire and returns Result<bool>: true when there is work
// now (or an error when the value was hostile). Returns when the caller should try again.
template <Notifier N, RingIndex I, typename Recheck>
inline Result<void> sleep_until_work(N& notifier, SharedWord<I>& own_seq, WakeState<I>& st, Recheck recheck) {
  if constexpr (PollingNotifier<N>) {
    (void)own_seq;
    (void)st;
    (void)recheck;
    notifier.wait();
    return {};
  } else {
    // (0) optional, before the protocol: re-check a bounded number of times (SpinningNotifier).
    for (std::uint32_t spin = spin_limit(notifier); spin != 0; --spin) {
      cpu_relax();
      Result<bool> early = recheck();
      if (!early.ok()) return err(early.error());
      if (early.value()) {
        ++st.spins_won;
        return {};
      }
    }
    st.own_seq = static_cast<I>(st.own_seq + 1);
    own_seq.store(st.own_seq, std::memory_order_relaxed); // (1) odd: "about to sleep"
    ++st.sleeps;
    full_fence();                  // (2)
    Result<bool> work = recheck(); // (3) re-read the peer's index (acquire)
    if (!work.ok() || work.value()) {
      st.own_seq = static_cast<I>(st.own_seq + 1);
      own_seq.store(st.own_seq, std::memory_order_relaxed); // (3') even again: back to work
      if (!work.ok()) return err(work.error());
      return {};
    }
    notifier.wait(); // (4) blocks until signalled
    ++st.waits;
    st.own_seq = static_cast<I>(st.own_seq + 1);
    own_seq.store(st.own_seq, std::memory_order_relaxed); // (5) even: loop back and retry
    return {};
  }
}

} // namespace bramble::ipc::detail
