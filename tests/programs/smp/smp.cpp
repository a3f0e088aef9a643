// smp: what only several cores running tasks at once can break (docs/architecture.md, "Concurrency").
//
// Runs as the root task with -append "test=user:smp case=<case>" (tests/qemu/smp.cmake), starts its
// children from its own image with the task_start argument naming their role, pins each to its core
// with task_set_core, and exits 0 iff every check passed. Every wait for another core is bounded by
// the generic timer (CNTVCT_EL0), so a hang (a lost wake-up, a task that never stops) fails the check
// that waited instead of hanging the run. The cases:
//
//   stream        `messages=` (default kStreamDefault) sequence numbers from a producer on core 1 to a
//                 consumer on core 2 through a one-page ring (512 slots) with the notify-on-need protocol
//                 over kernel notifications, each side spinning `spin=` times before it sleeps: nothing
//                 may be lost, duplicated or reordered, and the stream must finish (a lost wake-up
//                 stalls it). Both sides sleep and wake again and again: the ring runs full or empty
//                 whenever one side falls behind, and each side pauses once per `pause=` messages until
//                 the other has gone to sleep (pause_until_asleep).
//   kill-remote   a child on core 3 spins (in EL0, or in a loop of system calls) counting in a shared
//                 page; the root on core 0 deletes its capability: the counter stops at once and for
//                 good, the child's end is signalled, and every frame and byte of quota comes back.
//   unmap-remote  a child on core 1 keeps reading a page; the root deletes the capability its mapping
//                 came from: the child faults (a translation fault on a read) within one more read, and
//                 never sees what the root writes to the frame afterwards (no stale TLB entry).
//   hogs          a CPU hog on each core (the one on core 0 at the root's priority: the root reads the
//                 counters in its own time slices) all count at least kHogSteps in a bounded time.
//   storm         children on cores 1-3 enter the kernel in a tight loop while the root on core 0 counts
//                 its own calls: every core's count grows (the kernel lock is FIFO: no core starves).
#include <cstdint>

#include "bramble/ipc/spsc_ring.hpp"
#include "lib/cmdline.hpp"
#include "user/lib/check.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::user::counter_frequency;
using bramble::user::print;
using bramble::user::SyscallResult;
using bramble::user::virtual_count;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace check = bramble::user::check;
namespace ipc = bramble::ipc;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "smp";
constexpr Word kCores = abi::kMaxCores;
constexpr Word kPriority = abi::kMaxPriority; // the root's, and every child's
constexpr Word kChildSlots = 4;
constexpr Word kChildSlotA = 1; // the children's capabilities, by role (see each role)
constexpr Word kChildSlotB = 2;

// Where the root maps what it shares (children map the same frames at the same addresses).
constexpr Word kSharedBase = task::kTestMapBase;            // one page of counters
constexpr Word kRingBase = task::kTestMapBase + 0x10'0000;  // the stream's ring
constexpr Word kWatchBase = task::kTestMapBase + 0x20'0000; // the page unmap-remote's child reads
constexpr Word kReuseBase = task::kTestMapBase + 0x30'0000; // the root's view of a frame allocated after

// Roles: the task_start argument is role | index << kIndexShift.
enum Role : Word { kProducer = 1, kConsumer, kSpinner, kCaller, kReader, kHog, kStormer };
constexpr unsigned kIndexShift = 8;

// The stream's ring: one page of slots of one sequence number, the kernel's channel layout (page
// granule). A 16-slot ring hands over every 16 messages, and under QEMU each hand-over between cores
// costs a host thread's wake-up (tens of microseconds to milliseconds on a loaded host): 10^7 messages
// would take many minutes. A page lets each side run on for hundreds of messages; the pauses below
// still make both sleep (docs/PERFORMANCE.md, "The SMP figures").
constexpr std::size_t kRingSlots = 512;
using Ring = ipc::SpscRing<std::uint64_t, kRingSlots>;
constexpr Word kStreamDefault = 10'000'000;
constexpr Word kStreamPauseDefault = 16384; // messages per pause of each side (pause_until_asleep)

struct Shared {
  // stream
  volatile Word messages;           // to send
  volatile Word produced, consumed; // so far
  volatile Word lost, duplicated;   // sequence numbers skipped, seen again or out of order
  volatile Word ring_errors;        // a ring call failed (either side)
  volatile Word producer_done, consumer_done;
  volatile Word spin;                            // the notifiers' spin_limit() (notifier.hpp)
  volatile Word pause_every;                     // a power of two: each side pauses once per that many
  volatile Word sleeps[2], waits[2], signals[2]; // [0] producer, [1] consumer
  volatile Word spins_won[2], pauses[2], pauses_timed_out[2];
  // kill-remote, unmap-remote, hogs, storm: one counter per child (by index)
  volatile Word counter[kCores];
  volatile Word bad_reads; // unmap-remote: reads that did not see the marker
  volatile Word last_bad;
};

Shared* shared() { return task::at<Shared>(kSharedBase); }

[[nodiscard]] Word ms_since(Word start) { return (virtual_count() - start) * 1000 / counter_frequency(); }
void spin_ms(Word ms) {
  const Word start = virtual_count();
  while (ms_since(start) < ms) {
  }
}

// ---- the children ---------------------------------------------------------------------------------

// Calls a notification slot pair: signal() wakes the peer, wait() sleeps until the peer signalled.
// The peer runs on another core, so a side spins (`spin=`) before it announces a sleep.
struct SlotNotifier {
  Word signal_slot;
  Word wait_slot;
  Word spin;
  void signal() { (void)sys::signal(signal_slot); }
  void wait() { (void)sys::wait(wait_slot); }
  [[nodiscard]] Word spin_limit() const { return spin; }
};

// The stream's sleeps on purpose: once every `pause_every` messages a side stops until the other has
// announced a sleep (its sleep word is odd: wake.hpp step 1), so the other side spins in vain, sleeps
// and must be woken, however fast the two run side by side. The producer pauses at the start of
// each period, the consumer halfway through it. Bounded: a pause that sees no sleep in kPauseMs counts
// as timed out (the check fails).
constexpr Word kPauseMs = 2000;
template <typename Control> void pause_until_asleep(const Control& peer, unsigned side) {
  Shared& s = *shared();
  const Word start = virtual_count();
  while ((peer.sleep_seq.load(std::memory_order_relaxed) & 1U) == 0) {
    if (ms_since(start) >= kPauseMs) {
      s.pauses_timed_out[side] = s.pauses_timed_out[side] + 1;
      return;
    }
  }
  s.pauses[side] = s.pauses[side] + 1;
}
template <typename Control> const Control& peer_control(std::size_t offset) {
  return *task::at<const Control>(kRingBase + offset);
}

// Producer: slot A signals the consumer ("data"), slot B is where it waits ("space").
int producer_main() {
  Shared& s = *shared();
  auto tx =
      Ring::open_producer(task::at<void>(kRingBase), Ring::kBytes, SlotNotifier{kChildSlotA, kChildSlotB, s.spin});
  const auto& peer = peer_control<ipc::ConsumerControl<ipc::DefaultIndex>>(Ring::kGeometry.consumer.offset);
  const Word mask = s.pause_every == 0 ? 0 : s.pause_every - 1; // 0: no pauses
  if (!tx) {
    s.ring_errors = s.ring_errors + 1;
    return 2;
  }
  const Word total = s.messages;
  for (Word seq = 0; seq < total; ++seq) {
    if (mask != 0 && (seq & mask) == 0 && seq != 0) pause_until_asleep(peer, 0);
    if (!tx->push(seq)) {
      s.ring_errors = s.ring_errors + 1;
      return 3;
    }
    if ((seq & 0xfff) == 0) s.produced = seq;
  }
  s.produced = total;
  s.sleeps[0] = tx->sleeps();
  s.waits[0] = tx->waits();
  s.signals[0] = tx->signals_sent();
  s.spins_won[0] = tx->spins_won();
  s.producer_done = 1;
  return 0;
}

// Consumer: slot A signals the producer ("space"), slot B is where it waits ("data").
int consumer_main() {
  Shared& s = *shared();
  auto rx =
      Ring::open_consumer(task::at<void>(kRingBase), Ring::kBytes, SlotNotifier{kChildSlotA, kChildSlotB, s.spin});
  const auto& peer = peer_control<ipc::ProducerControl<ipc::DefaultIndex>>(Ring::kGeometry.producer.offset);
  const Word mask = s.pause_every == 0 ? 0 : s.pause_every - 1; // 0: no pauses
  if (!rx) {
    s.ring_errors = s.ring_errors + 1;
    return 2;
  }
  const Word total = s.messages;
  Word expected = 0;
  Word lost = 0;
  Word duplicated = 0;
  for (Word n = 0; n < total; ++n) {
    if (mask != 0 && (n & mask) == (mask >> 1) + 1) pause_until_asleep(peer, 1);
    std::uint64_t seq = 0;
    if (!rx->pop(seq)) {
      s.ring_errors = s.ring_errors + 1;
      return 3;
    }
    if (seq == expected) {
      ++expected;
    } else if (seq > expected) {
      lost += seq - expected;
      expected = seq + 1;
    } else {
      ++duplicated;
    }
    if ((n & 0xfff) == 0) s.consumed = n;
  }
  s.lost = lost;
  s.duplicated = duplicated;
  s.consumed = total;
  s.sleeps[1] = rx->sleeps();
  s.waits[1] = rx->waits();
  s.signals[1] = rx->signals_sent();
  s.spins_won[1] = rx->spins_won();
  s.consumer_done = 1;
  return 0;
}

[[noreturn]] void child_main(Word argument) {
  Shared& s = *shared();
  const Word index = (argument >> kIndexShift) % kCores;
  switch (argument & ((Word{1} << kIndexShift) - 1)) {
  case kProducer: sys::task_exit(producer_main());
  case kConsumer: sys::task_exit(consumer_main());
  case kSpinner:
  case kHog:
    for (;;)
      s.counter[index] = s.counter[index] + 1;
  case kCaller:
    // Mostly in the kernel: a kill finds it there, or waiting for the kernel lock.
    for (;;) {
      (void)sys::cap_info(kChildSlotA);
      s.counter[index] = s.counter[index] + 1;
    }
  case kReader: {
    const Word marker = *task::at<volatile Word>(kWatchBase);
    for (;;) {
      const Word seen = *task::at<volatile Word>(kWatchBase);
      if (seen != marker) {
        s.last_bad = seen;
        s.bad_reads = s.bad_reads + 1;
      }
      s.counter[index] = s.counter[index] + 1;
    }
  }
  case kStormer:
    for (;;) {
      (void)sys::cap_info(kChildSlotA);
      s.counter[index] = s.counter[index] + 1;
    }
  default: sys::task_exit(100);
  }
}

// ---- the root's helpers ---------------------------------------------------------------------------

struct World {
  task::Root root;
  Word shared_frame;
  Word ended; // every child's fault notification (badged copies)
};

Word online_cores(const World& w) {
  Word n = 0;
  for (Word core = 0; core < kCores; ++core)
    n += (sys::cpu_info(w.root.memory, core).r1 & abi::kCpuOnline) != 0 ? Word{1} : Word{0};
  return n;
}

struct Child {
  Word task = 0;
  Word view = 0;  // the shared page's copy mapped into it
  Word badge = 0; // on w.ended when it ends
  Word ended_copy = 0;
};

// A child for `core`, with the shared page mapped, its end signalled on w.ended with `badge`; not
// started.
Child make_child(const World& w, Word core, Word badge) {
  Child c;
  c.badge = badge;
  c.ended_copy = task::free_slot();
  if (!CHECK_OK(sys::cap_mint(w.ended, c.ended_copy, abi::kRightSignal, badge)).ok()) return Child{};
  const SyscallResult made = CHECK_OK(task::create(w.root, kChildSlots, kPriority, c.ended_copy));
  if (!made.ok()) return Child{};
  c.task = made.r1;
  CHECK_OK(sys::task_set_core(c.task, core));
  c.view = task::share(c.task, w.shared_frame, kSharedBase, abi::kMapRead | abi::kMapWrite);
  CHECK(c.view != 0);
  return c;
}

void drop_child(Child& c) {
  const Word slots[] = {c.task, c.view, c.ended_copy};
  for (Word slot : slots)
    if (slot != 0) CHECK_OK(sys::cap_delete(slot));
  c = Child{};
}

// Polls `notification` until all of `bits` arrived or `ms` passed; returns what arrived.
Word poll_for(Word notification, Word bits, Word ms) {
  Word seen = 0;
  const Word start = virtual_count();
  while ((seen & bits) != bits && ms_since(start) < ms) {
    const SyscallResult r = sys::poll(notification);
    if (r.ok()) seen |= r.r1;
  }
  return seen;
}

// Waits (spinning at EL0) until counter[index] has grown by `steps` or `ms` passed; true if it did.
bool counter_moves(Word index, Word steps, Word ms) {
  Shared& s = *shared();
  const Word from = s.counter[index];
  const Word start = virtual_count();
  while (s.counter[index] - from < steps) {
    if (ms_since(start) >= ms) return false;
  }
  return true;
}

// Frames free and the root quota's use: what a child's life must leave as it found it.
struct Usage {
  Word free_frames;
  Word quota_used;
};
Usage usage(const World& w) { return Usage{sys::memory_info(w.root.memory).r2, sys::cap_info(w.root.memory).r3}; }

// ---- stream ---------------------------------------------------------------------------------------

void case_stream(World& w, Word messages, Word producer_core, Word consumer_core, Word spin, Word pause_every) {
  check::section("stream");
  Shared& s = *shared();
  s.messages = messages;
  s.spin = spin;
  // A power of two, and far longer than the ring, so the two sides never pause at once; 0: no pauses.
  while ((pause_every & (pause_every - 1)) != 0)
    pause_every &= pause_every - 1;
  if (pause_every != 0 && pause_every < 4 * kRingSlots) pause_every = 4 * kRingSlots;
  s.pause_every = pause_every;
  const SyscallResult ring_frame = CHECK_OK(sys::memory_allocate(w.root.memory, Ring::kBytes));
  if (!ring_frame.ok()) return;
  CHECK_OK(sys::memory_map(ring_frame.r1, kRingBase, abi::kMapRead | abi::kMapWrite));
  CHECK(Ring::format(task::at<void>(kRingBase), Ring::kBytes).ok());
  // data: the consumer waits on it, the producer signals it; space: the other way round.
  const Word data = CHECK_OK(sys::notification_create(w.root.memory)).r1;
  const Word space = CHECK_OK(sys::notification_create(w.root.memory)).r1;

  Child producer = make_child(w, producer_core, 1);
  Child consumer = make_child(w, consumer_core, 2);
  if (producer.task == 0 || consumer.task == 0) return;
  Word ring_views[2] = {};
  const Child* sides[2] = {&producer, &consumer};
  for (unsigned i = 0; i < 2; ++i) {
    ring_views[i] = task::share(sides[i]->task, ring_frame.r1, kRingBase, abi::kMapRead | abi::kMapWrite);
    CHECK(ring_views[i] != 0);
  }
  CHECK_OK(sys::cap_insert_into(producer.task, kChildSlotA, data, abi::kRightSignal, 0));
  CHECK_OK(sys::cap_insert_into(producer.task, kChildSlotB, space, abi::kRightWait, 0));
  CHECK_OK(sys::cap_insert_into(consumer.task, kChildSlotA, space, abi::kRightSignal, 0));
  CHECK_OK(sys::cap_insert_into(consumer.task, kChildSlotB, data, abi::kRightWait, 0));

  print("smp: stream: %llu messages, core %llu -> core %llu, a %llu-slot ring, spin %llu, each side pauses every "
        "%llu\n",
        static_cast<unsigned long long>(messages), static_cast<unsigned long long>(producer_core),
        static_cast<unsigned long long>(consumer_core), static_cast<unsigned long long>(kRingSlots),
        static_cast<unsigned long long>(spin), static_cast<unsigned long long>(pause_every));
  const Word start = virtual_count();
  CHECK_OK(sys::task_start(consumer.task, kConsumer));
  CHECK_OK(sys::task_start(producer.task, kProducer));

  // The watchdog: the consumer reports every 4096 messages; kStallMs without a report is a hang (a
  // lost wake-up leaves both sides asleep for good).
  constexpr Word kStallMs = 10'000;
  Word last = 0;
  Word last_change = virtual_count();
  bool stalled = false;
  while (s.consumer_done == 0 || s.producer_done == 0) {
    if (s.ring_errors != 0) break;
    const Word consumed = s.consumed;
    if (consumed != last) {
      last = consumed;
      last_change = virtual_count();
    } else if (ms_since(last_change) >= kStallMs) {
      stalled = true;
      break;
    }
  }
  const Word elapsed_ms = ms_since(start);
  if (stalled) {
    print("smp: stream: FAIL no progress for %llu ms at %llu produced, %llu consumed\n",
          static_cast<unsigned long long>(kStallMs), static_cast<unsigned long long>(s.produced),
          static_cast<unsigned long long>(s.consumed));
    for (unsigned i = 0; i < 2; ++i) {
      const SyscallResult st = sys::task_status(sides[i]->task);
      print("smp: stream: %s: state %llu, blocked %llu\n", i == 0 ? "producer" : "consumer",
            static_cast<unsigned long long>(st.r1), static_cast<unsigned long long>(st.r3));
    }
  }
  CHECK(!stalled);
  CHECK_EQ(s.ring_errors, 0);
  CHECK_EQ(s.consumed, messages);
  CHECK_EQ(s.lost, 0);
  CHECK_EQ(s.duplicated, 0);
  CHECK_EQ(poll_for(w.ended, abi::kTaskEndedExit | 1 | 2, 5000), abi::kTaskEndedExit | 1 | 2);
  CHECK_EQ(sys::task_status(producer.task).r2, 0); // both exited with 0
  CHECK_EQ(sys::task_status(consumer.task).r2, 0);
  CHECK_EQ(sys::task_core(producer.task).r1, producer_core);
  CHECK_EQ(sys::task_core(consumer.task).r1, consumer_core);
  // Both sides slept: the ring was full or empty again and again. Each pause of one side made the
  // other announce a sleep (it is what ends the pause), so each side slept at least as often as the
  // other paused.
  const Word producer_pauses = pause_every == 0 ? 0 : (messages - 1) / pause_every;
  const Word consumer_pauses =
      pause_every == 0 || messages <= pause_every / 2 ? 0 : (messages - 1 - pause_every / 2) / pause_every + 1;
  CHECK_EQ(s.pauses_timed_out[0], 0);
  CHECK_EQ(s.pauses_timed_out[1], 0);
  CHECK_EQ(s.pauses[0], producer_pauses);
  CHECK_EQ(s.pauses[1], consumer_pauses);
  CHECK(s.sleeps[1] >= producer_pauses);
  CHECK(s.sleeps[0] >= consumer_pauses);
  CHECK(s.waits[0] > 0);
  CHECK(s.waits[1] > 0);
  const Word ms = elapsed_ms == 0 ? 1 : elapsed_ms;
  print("smp: stream: %llu messages in %llu ms (%llu messages/s), lost %llu, duplicated or reordered %llu\n",
        static_cast<unsigned long long>(s.consumed), static_cast<unsigned long long>(elapsed_ms),
        static_cast<unsigned long long>(s.consumed * 1000 / ms), static_cast<unsigned long long>(s.lost),
        static_cast<unsigned long long>(s.duplicated));
  print("smp: stream: producer slept %llu times (%llu waits, %llu signals sent), consumer slept %llu times (%llu "
        "waits, %llu signals sent)\n",
        static_cast<unsigned long long>(s.sleeps[0]), static_cast<unsigned long long>(s.waits[0]),
        static_cast<unsigned long long>(s.signals[0]), static_cast<unsigned long long>(s.sleeps[1]),
        static_cast<unsigned long long>(s.waits[1]), static_cast<unsigned long long>(s.signals[1]));
  print("smp: stream: sleeps avoided by spinning: producer %llu, consumer %llu; pauses: producer %llu, consumer "
        "%llu\n",
        static_cast<unsigned long long>(s.spins_won[0]), static_cast<unsigned long long>(s.spins_won[1]),
        static_cast<unsigned long long>(s.pauses[0]), static_cast<unsigned long long>(s.pauses[1]));

  for (Word view : ring_views)
    if (view != 0) CHECK_OK(sys::cap_delete(view));
  drop_child(producer);
  drop_child(consumer);
  CHECK_OK(sys::cap_delete(data));
  CHECK_OK(sys::cap_delete(space));
  CHECK_OK(sys::memory_unmap(kRingBase));
  CHECK_OK(sys::cap_delete(ring_frame.r1));
}

// ---- kill-remote ----------------------------------------------------------------------------------

void case_kill_remote(World& w) {
  check::section("kill-remote");
  Shared& s = *shared();
  constexpr Word kRounds = 8;
  constexpr Word kCore = 3;
  (void)sys::poll(w.ended);
  const Usage before = usage(w);
  for (Word round = 0; round < kRounds; ++round) {
    // Even rounds spin in EL0, odd ones in a loop of system calls (a kill then finds the child in the
    // kernel or waiting for its lock as often as not).
    const Word role = round % 2 == 0 ? kSpinner : kCaller;
    const Word badge = Word{1} << round;
    Child c = make_child(w, kCore, badge);
    if (c.task == 0) return;
    s.counter[kCore] = 0;
    CHECK_OK(sys::task_start(c.task, role | kCore << kIndexShift));
    CHECK(counter_moves(kCore, 1000, 10'000));
    CHECK_EQ(sys::task_core(c.task).r1, kCore);
    // Let it run a little, a different while every round.
    spin_ms(1 + round * 3);
    CHECK_OK(sys::cap_delete(c.task)); // its last capability: the kill
    c.task = 0;
    // When the call returns, the child is off core 3 for good: not one more step.
    const Word frozen = s.counter[kCore];
    spin_ms(100);
    CHECK_EQ(s.counter[kCore], frozen);
    CHECK_EQ(poll_for(w.ended, badge, 5000), abi::kTaskEndedFault | badge);
    print("smp: kill-remote: round %llu (%s): killed on core %llu after %llu steps, then none\n",
          static_cast<unsigned long long>(round), role == kSpinner ? "spinning" : "calling",
          static_cast<unsigned long long>(kCore), static_cast<unsigned long long>(frozen));
    drop_child(c);
  }
  // Everything the children had (task records, tables, page tables of the shared page) came back.
  (void)sys::yield();
  const Usage after = usage(w);
  CHECK_EQ(after.free_frames, before.free_frames);
  CHECK_EQ(after.quota_used, before.quota_used);
  print("smp: kill-remote: free frames %llu before, %llu after; quota use %llu bytes before, %llu after\n",
        static_cast<unsigned long long>(before.free_frames), static_cast<unsigned long long>(after.free_frames),
        static_cast<unsigned long long>(before.quota_used), static_cast<unsigned long long>(after.quota_used));
}

// ---- unmap-remote ---------------------------------------------------------------------------------

// ESR_EL1 (ARM ARM): EC in [31:26], for aborts the fault status code in [5:0] and WnR in bit 6.
constexpr Word kEcDataAbortLow = 0x24;
constexpr Word kFscMask = 0x3c;
constexpr Word kFscTranslation = 0x04;
constexpr Word kIssWnR = Word{1} << 6;
constexpr Word kMarker = 0x5afe'5afe'5afe'5afeull;
constexpr Word kAfter = 0xbad0'bad0'bad0'bad0ull;

void case_unmap_remote(World& w) {
  check::section("unmap-remote");
  Shared& s = *shared();
  constexpr Word kRounds = 6;
  constexpr Word kCore = 1;
  Word reused = 0;
  for (Word round = 0; round < kRounds; ++round) {
    // Even rounds delete only the copy the child's mapping came from, and the frame stays mapped in
    // the root: what the root writes there afterwards must not reach the child. Odd rounds delete the
    // frame itself (and so the copy): the frame is freed, and the next one allocated is often the
    // same memory, which the child must not see either.
    const bool whole_frame = round % 2 == 1;
    const Word badge = Word{1} << round;
    const SyscallResult frame = CHECK_OK(sys::memory_allocate(w.root.memory, abi::kPageSize));
    if (!frame.ok()) return;
    const Word physical = sys::cap_info(frame.r1).r3;
    CHECK_OK(sys::memory_map(frame.r1, kWatchBase, abi::kMapRead | abi::kMapWrite));
    *task::at<volatile Word>(kWatchBase) = kMarker;
    Child c = make_child(w, kCore, badge);
    if (c.task == 0) return;
    const Word watch = task::share(c.task, frame.r1, kWatchBase, abi::kMapRead);
    CHECK(watch != 0);
    s.counter[kCore] = 0;
    s.bad_reads = 0;
    CHECK_OK(sys::task_start(c.task, kReader | kCore << kIndexShift));
    CHECK(counter_moves(kCore, 1000, 10'000));
    spin_ms(1 + round * 3);

    CHECK_OK(sys::cap_delete(whole_frame ? frame.r1 : watch));
    const Word reads = s.counter[kCore];
    Word reused_frame = 0;
    if (whole_frame) {
      // A new frame, likely the one just freed: the root fills it with another value.
      const SyscallResult again = CHECK_OK(sys::memory_allocate(w.root.memory, abi::kPageSize));
      if (again.ok()) {
        reused_frame = again.r1;
        if (sys::cap_info(again.r1).r3 == physical) ++reused;
        CHECK_OK(sys::memory_map(again.r1, kReuseBase, abi::kMapRead | abi::kMapWrite));
        *task::at<volatile Word>(kReuseBase) = kAfter;
      }
    } else {
      *task::at<volatile Word>(kWatchBase) = kAfter;
    }
    CHECK_EQ(poll_for(w.ended, badge, 5000), abi::kTaskEndedFault | badge);
    // At most the read in flight when the mapping went (its count is stored after it).
    const Word extra = s.counter[kCore] - reads;
    CHECK(extra <= 1);
    CHECK_EQ(s.bad_reads, 0);
    const SyscallResult status = CHECK_OK(sys::task_status(c.task));
    CHECK_EQ(status.r1, static_cast<Word>(abi::TaskState::Faulted));
    CHECK_EQ(status.r2, static_cast<Word>(abi::FaultReason::MemoryAccess));
    CHECK_EQ((status.r3 >> 26) & 0x3f, kEcDataAbortLow);
    CHECK_EQ(status.r3 & kFscMask, kFscTranslation);
    CHECK_EQ(status.r3 & kIssWnR, 0);
    print("smp: unmap-remote: round %llu (%s deleted): %llu reads on core %llu, %llu after the delete returned, "
          "then a translation fault (ESR 0x%llx), %llu stale reads\n",
          static_cast<unsigned long long>(round), whole_frame ? "frame" : "mapped copy",
          static_cast<unsigned long long>(reads), static_cast<unsigned long long>(kCore),
          static_cast<unsigned long long>(extra), static_cast<unsigned long long>(status.r3),
          static_cast<unsigned long long>(s.bad_reads));
    drop_child(c);
    if (!whole_frame) {
      CHECK_OK(sys::memory_unmap(kWatchBase));
      CHECK_OK(sys::cap_delete(frame.r1));
    }
    if (reused_frame != 0) {
      CHECK_OK(sys::memory_unmap(kReuseBase));
      CHECK_OK(sys::cap_delete(reused_frame));
    }
  }
  print("smp: unmap-remote: the freed frame was allocated again in %llu of %llu rounds\n",
        static_cast<unsigned long long>(reused), static_cast<unsigned long long>(kRounds / 2));
}

// ---- hogs -----------------------------------------------------------------------------------------

void case_hogs(World& w, Word steps) {
  check::section("hogs");
  Shared& s = *shared();
  Child hogs[kCores];
  for (Word core = 0; core < kCores; ++core) {
    hogs[core] = make_child(w, core, Word{1} << core);
    if (hogs[core].task == 0) return;
    s.counter[core] = 0;
  }
  Word busy_before[kCores];
  for (Word core = 0; core < kCores; ++core)
    busy_before[core] = sys::cpu_info(w.root.memory, core).r2;
  const Word start = virtual_count();
  for (Word core = 0; core < kCores; ++core)
    CHECK_OK(sys::task_start(hogs[core].task, kHog | core << kIndexShift));
  // The root reads in its own time slices; hog 0 counts in the others.
  constexpr Word kPatienceMs = 30'000;
  bool all = false;
  while (!all && ms_since(start) < kPatienceMs) {
    all = true;
    for (Word core = 0; core < kCores; ++core)
      all = all && s.counter[core] >= steps;
  }
  const Word elapsed_ms = ms_since(start);
  CHECK(all);
  for (Word core = 0; core < kCores; ++core) {
    const SyscallResult where = CHECK_OK(sys::task_core(hogs[core].task));
    const Word busy = sys::cpu_info(w.root.memory, core).r2 - busy_before[core];
    print("smp: hogs: core %llu: counted %llu (on core %llu, %llu migrations), core busy %llu ms\n",
          static_cast<unsigned long long>(core), static_cast<unsigned long long>(s.counter[core]),
          static_cast<unsigned long long>(where.r1), static_cast<unsigned long long>(where.r3),
          static_cast<unsigned long long>(busy * 1000 / counter_frequency()));
    CHECK_EQ(where.r1, core);
    CHECK(s.counter[core] >= steps);
    CHECK(busy > 0);
  }
  print("smp: hogs: all four counted at least %llu in %llu ms\n", static_cast<unsigned long long>(steps),
        static_cast<unsigned long long>(elapsed_ms));
  for (Child& h : hogs)
    drop_child(h);
}

// ---- storm ----------------------------------------------------------------------------------------

// Every core must make at least 1/kStormFairness of the busiest core's calls.
constexpr Word kStormFairness = 10;

void case_storm(World& w, Word window_ms) {
  check::section("storm");
  Shared& s = *shared();
  Child stormers[kCores];
  for (Word core = 1; core < kCores; ++core) {
    stormers[core] = make_child(w, core, Word{1} << core);
    if (stormers[core].task == 0) return;
    CHECK_OK(sys::cap_insert_into(stormers[core].task, kChildSlotA, w.ended, abi::kRightSignal, 0));
    s.counter[core] = 0;
    CHECK_OK(sys::task_start(stormers[core].task, kStormer | core << kIndexShift));
  }
  // Wait for all three to be calling, then count over the window (the root is core 0's stormer).
  for (Word core = 1; core < kCores; ++core)
    CHECK(counter_moves(core, 100, 10'000));
  Word from[kCores];
  for (Word core = 1; core < kCores; ++core)
    from[core] = s.counter[core];
  Word mine = 0;
  const Word start = virtual_count();
  while (ms_since(start) < window_ms) {
    for (int i = 0; i < 16; ++i) {
      (void)sys::cap_info(w.ended);
      ++mine;
    }
  }
  Word calls[kCores] = {mine};
  for (Word core = 1; core < kCores; ++core)
    calls[core] = s.counter[core] - from[core];
  Word least = calls[0];
  Word most = calls[0];
  for (Word n : calls) {
    least = n < least ? n : least;
    most = n > most ? n : most;
  }
  print("smp: storm: calls in %llu ms: core 0 %llu, core 1 %llu, core 2 %llu, core 3 %llu; min/max %llu%%\n",
        static_cast<unsigned long long>(window_ms), static_cast<unsigned long long>(calls[0]),
        static_cast<unsigned long long>(calls[1]), static_cast<unsigned long long>(calls[2]),
        static_cast<unsigned long long>(calls[3]), static_cast<unsigned long long>(least * 100 / most));
  // No core starves: every one made a fair fraction of the busiest one's calls.
  for (Word core = 0; core < kCores; ++core)
    CHECK(calls[core] * kStormFairness >= most);
  for (Word core = 1; core < kCores; ++core)
    drop_child(stormers[core]);
}

// ---- the root -------------------------------------------------------------------------------------

int root_main(const void* startup) {
  World w{};
  if (!CHECK(task::read_root(startup, kProgram, w.root)) || !CHECK(w.root.image != task::kNoImage))
    return bramble::user::check::summary(kProgram);
  const bramble::cmdline::CommandLine command(w.root.boot->command_line);
  char which[32] = {};
  (void)command.value("case", which);
  const Word cores = online_cores(w);
  print("smp: case %s, %llu cores online\n", which, static_cast<unsigned long long>(cores));
  if (!CHECK_EQ(cores, kCores)) return bramble::user::check::summary(kProgram);

  w.shared_frame = task::map_new(w.root, abi::kPageSize, kSharedBase, abi::kMapRead | abi::kMapWrite);
  w.ended = CHECK_OK(sys::notification_create(w.root.memory)).r1;
  if (!CHECK(w.shared_frame != 0)) return bramble::user::check::summary(kProgram);

  bool known = true;
  if (task::same_string(which, "stream"))
    case_stream(w, command.number("messages", kStreamDefault), command.number("producer", 1) % kCores,
                command.number("consumer", 2) % kCores, command.number("spin", ipc::kCrossCoreSpin),
                command.number("pause", kStreamPauseDefault));
  else if (task::same_string(which, "kill-remote"))
    case_kill_remote(w);
  else if (task::same_string(which, "unmap-remote"))
    case_unmap_remote(w);
  else if (task::same_string(which, "hogs"))
    case_hogs(w, command.number("steps", 5'000'000));
  else if (task::same_string(which, "storm"))
    case_storm(w, command.number("window", 3000));
  else
    known = false;
  if (!known) print("smp: FAIL unknown case '%s' (stream, kill-remote, unmap-remote, hogs, storm)\n", which);
  CHECK(known);

  CHECK_OK(sys::cap_delete(w.ended));
  CHECK_OK(sys::memory_unmap(kSharedBase));
  CHECK_OK(sys::cap_delete(w.shared_frame));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
