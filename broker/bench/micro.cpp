// The kernel's fast paths: the null system call, signal -> wait ping-pong across address spaces (peer
// at the same and at a lower priority), and yield-to-yield context switches.
#include <cstdint>

#include "broker/bench/bench.hpp"
#include "user/runtime/print.hpp"

namespace bramble::bench {
namespace {

// A slot number past every table: cap_info decodes it, finds it out of range and returns InvalidSlot
// without touching any object, the shortest path through the dispatcher that still does real work.
constexpr Word kInvalidSlot = 0xffff'ffff;
constexpr Word kLowerPriority = abi::kMaxPriority - 1;

// The cost of the measurement itself (isb + two mrs, twice), subtracted from every sample.
Counts g_overhead{};

void measure_overhead(Bench& b) {
  Samples inst;
  Samples cyc;
  for (std::uint64_t i = 0; i < b.iterations; ++i) {
    const Counts start = read_counts();
    const Counts d = since(start);
    inst.add(d.instructions);
    cyc.add(d.cycles);
  }
  g_overhead = Counts{stats(inst).median, stats(cyc).median};
  user::print("kbench: measurement overhead %llu instructions, %llu cycles (subtracted)\n",
              static_cast<unsigned long long>(g_overhead.instructions),
              static_cast<unsigned long long>(g_overhead.cycles));
}

void add(Samples& inst, Samples& cyc, const Counts& d, std::uint64_t divide = 1) {
  inst.add((d.instructions - g_overhead.instructions) / divide);
  cyc.add((d.cycles - g_overhead.cycles) / divide);
}

void null_syscall(Bench& b) {
  Samples inst;
  Samples cyc;
  for (std::uint64_t i = 0; i < b.iterations; ++i) {
    const Counts start = read_counts();
    const auto r = sys::cap_info(kInvalidSlot);
    const Counts d = since(start);
    if (r.status != static_cast<Word>(abi::Error::InvalidSlot)) {
      fail(b, "cap_info(invalid slot)", r.status);
      return;
    }
    add(inst, cyc, d);
  }
  rows("null-syscall", "cap_info-invalid-slot", inst, cyc);
  inst.count = cyc.count = 0;
  // Nobody else is ready (no peer exists yet): yield enters the scheduler and returns to the caller.
  for (std::uint64_t i = 0; i < b.iterations; ++i) {
    const Counts start = read_counts();
    const auto r = sys::yield();
    const Counts d = since(start);
    if (!r.ok()) {
      fail(b, "yield alone", r.status);
      return;
    }
    add(inst, cyc, d);
  }
  rows("null-syscall", "yield-alone", inst, cyc);
}

// The root signals `ping`, the peer (another address space) wakes from wait, signals `pong` and
// waits again; the root's wait on `pong` returns. One sample = one round trip = two wake-ups and two
// switches between address spaces.
//
// Cross-core (`core` != 0): the peer is pinned to `core`, the root stays on core 0, and each sleeps in
// its core's idle loop while the other works, so every round trip sends and takes two wake-up IPIs.
// The root's counters count core 0 only; the peer reports what its core counted, so both halves are
// printed (the woken core's side: the IPI taken, the idle loop left, the peer loaded, signal, wait).
void ping_pong(Bench& b, Word priority, const char* implementation, Word core = 0) {
  const auto ping = sys::notification_create(b.root.memory);
  const auto pong = sys::notification_create(b.root.memory);
  if (!ping.ok() || !pong.ok()) {
    fail(b, "notification_create", ping.status | pong.status);
    return;
  }
  shared().stop = 0;
  shared().ping_rounds = 0;
  Word badge = 0;
  const Word peer = make_peer(b, priority, ping.r1, abi::kRightWait, pong.r1, badge);
  if (peer != 0 && core != 0 && !sys::task_set_core(peer, core).ok()) {
    fail(b, "pin the ping-pong peer", core);
    return;
  }
  if (peer == 0 || !sys::task_start(peer, kPingPong).ok()) {
    fail(b, "start the ping-pong peer", 0);
    return;
  }
  Samples inst;
  Samples cyc;
  for (std::uint64_t i = 0; i < b.iterations + 1; ++i) {
    const Counts start = read_counts();
    const auto s = sys::signal(ping.r1);
    const auto w = sys::wait(pong.r1);
    const Counts d = since(start);
    if (!s.ok() || !w.ok() || w.r1 != abi::kUnbadgedSignalBits) {
      fail(b, "ping-pong round", s.status | w.status);
      break;
    }
    if (i > 0) add(inst, cyc, d); // the first round includes the peer's start
  }
  shared().stop = 1;
  (void)sys::signal(ping.r1);
  (void)finish_peer(b, peer, badge);
  rows("signal-wait-roundtrip", implementation, inst, cyc);
  if (core != 0 && shared().ping_rounds != 0) {
    Samples pi;
    Samples pc;
    pi.add(shared().ping_peer.instructions / shared().ping_rounds);
    pc.add(shared().ping_peer.cycles / shared().ping_rounds);
    rows("signal-wait-roundtrip", "cross-core-peer-core", pi, pc);
  }
  (void)sys::cap_delete(ping.r1);
  (void)sys::cap_delete(pong.r1);
}

// The root and a peer at the same priority yield to each other: one sample is root -> peer -> root,
// two context switches between address spaces; the figure is per switch.
void context_switch(Bench& b) {
  shared().stop = 0;
  Word badge = 0;
  const Word peer = make_peer(b, abi::kMaxPriority, 0, 0, 0, badge);
  if (peer == 0 || !sys::task_start(peer, kYielder).ok()) {
    fail(b, "start the yielding peer", 0);
    return;
  }
  (void)sys::yield(); // let the peer reach its loop
  Samples inst;
  Samples cyc;
  for (std::uint64_t i = 0; i < b.iterations; ++i) {
    const Counts start = read_counts();
    const auto r = sys::yield();
    const Counts d = since(start);
    if (!r.ok()) {
      fail(b, "yield to the peer", r.status);
      break;
    }
    add(inst, cyc, d, 2);
  }
  shared().stop = 1;
  (void)finish_peer(b, peer, badge);
  rows("context-switch", "yield-between-2-tasks", inst, cyc);
}

} // namespace

void run_micro(Bench& b) {
  measure_overhead(b);
  null_syscall(b);
  ping_pong(b, abi::kMaxPriority, "same-priority");
  ping_pong(b, kLowerPriority, "peer-lower-priority");
  context_switch(b);
  if (const Word core = second_core(b); core != 0) ping_pong(b, abi::kMaxPriority, "cross-core", core);
}

int peer_main(Word role) {
  Shared& s = shared();
  switch (role) {
  case kPingPong: {
    // The span from the first wake-up to the stop, counted on this task's core: whole round trips
    // (the root's signal of the next round is what ends this wait).
    Counts first{};
    for (std::uint64_t woken = 0;; ++woken) {
      if (!sys::wait(kIn).ok()) return 2;
      if (woken == 0) first = read_counts();
      if (s.stop != 0) {
        s.ping_peer = since(first);
        s.ping_rounds = woken;
        return 0;
      }
      if (!sys::signal(kOut).ok()) return 3;
    }
  }
  case kYielder:
    while (s.stop == 0)
      (void)sys::yield();
    return 0;
  case kProducer:
  case kConsumer: return stream_peer(role);
  default: return 1;
  }
}

} // namespace bramble::bench
