// timed_wait: wait_timeout (docs/syscalls.md) on a real kernel, every core online. The root runs the
// cases in order; each measures with the generic timer (CNTVCT_EL0) and bounds its own waits, so a
// lost wake-up fails a check instead of hanging the run. The cases:
//
//   at-once     ticks = 0 on an empty word returns 0 without blocking; a non-zero word is returned at
//               once whatever the timeout.
//   timeout     nobody signals: the root's wait returns Ok with bits 0 after at least its timeout and
//               at most kSlack more (every other core idles: core 0's tick serves the deadline).
//   early       a child on core 1 signals after ~20 ms: the root's 300 ms wait returns its bits early;
//               the cancelled deadline does not cut the root's next wait short.
//   remote      a child pinned to core 2 times out while the root on core 0 sleeps too (every core
//               idles, core 2 without its tick): the child reports bits 0 after its timeout.
//   killed      a child in a timed wait is killed; its deadline passes afterwards: nothing happens (the
//               root's own timed wait across it lasts its full time) and every frame comes back.
//   destroyed   the notification of a child's timed wait is destroyed: ObjectDestroyed, early; its
//               deadline passes afterwards without effect.
//   order       kOrderChildren children on one core wait on one notification, in an order unlike that
//               of their deadlines: they wake in deadline order, each after its own deadline; the
//               notification's queue is empty afterwards (a signal stays in the word).
//   race        a child on core 1 keeps waiting with deadlines of about a tick while a child on core 2
//               signals at random moments: every wait ends once, with bits or with 0.
#include <cstdint>

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
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "timed_wait";
constexpr Word kPriority = abi::kMaxPriority; // the root's, and every child's
constexpr Word kChildSlots = 4;
constexpr Word kChildNotification = 1; // where each child finds its notification
constexpr Word kSharedBase = task::kTestMapBase;
// How late a wait may end: one tick (10 ms) is the kernel's resolution; QEMU on a shared host is slow.
constexpr Word kSlackMs = 200;
constexpr Word kOrderChildren = 6;
constexpr Word kRaceRounds = 200;

enum Role : Word { kSignalLater = 1, kTimeOut, kTimedWaitForever, kOrdered, kRaceWaiter, kRaceSignaller };
constexpr unsigned kIndexShift = 8;

struct Shared {
  volatile Word start;                    // order: the common origin of the deadlines
  volatile Word deadline[kOrderChildren]; // order: child i's, relative to start
  volatile Word woken;                    // order: how many woke so far
  volatile Word log[kOrderChildren];      // order: who woke, in the order they ran
  volatile Word late[kOrderChildren];     // order: 1 if child i woke before its deadline or with bits
  volatile Word race_done;                // race: the waiter finished
  volatile Word race_timeouts, race_signals, race_errors;
};
Shared* shared() { return task::at<Shared>(kSharedBase); }

Word ticks_per_ms() { return counter_frequency() / 1000; }
Word ms_of(Word ticks) { return ticks / ticks_per_ms(); }
void spin_ms(Word ms) {
  const Word start = virtual_count();
  while (virtual_count() - start < ms * ticks_per_ms()) {
  }
}

// The result of a child's timed wait, as its exit code: the elapsed milliseconds, plus kBadBits if it
// got bits (it should have timed out), plus the status times kStatusScale.
constexpr Word kBadBits = 1u << 20;
constexpr Word kEarly = 1u << 21;
constexpr Word kStatusScale = 1u << 22;

int timed_out_code(Word ticks) {
  const Word start = virtual_count();
  const SyscallResult r = sys::wait_timeout(kChildNotification, ticks);
  const Word elapsed = virtual_count() - start;
  Word code = ms_of(elapsed);
  if (r.r1 != 0) code |= kBadBits;
  if (elapsed < ticks) code |= kEarly;
  return static_cast<int>(code + r.status * kStatusScale);
}

[[noreturn]] void child_main(Word argument) {
  const Word index = argument >> kIndexShift;
  Shared& s = *shared();
  switch (argument & ((Word{1} << kIndexShift) - 1)) {
  case kSignalLater: // signal after ~20 ms of work
    spin_ms(20);
    sys::task_exit(sys::signal(kChildNotification).ok() ? 0 : 1);
  case kTimeOut: // a 100 ms wait nobody ends
    sys::task_exit(timed_out_code(100 * ticks_per_ms()));
  case kTimedWaitForever: { // a 300 ms wait: killed, or its notification destroyed, before it ends
    const SyscallResult r = sys::wait_timeout(kChildNotification, 300 * ticks_per_ms());
    sys::task_exit(static_cast<std::int64_t>(r.status * kStatusScale + r.r1));
  }
  case kOrdered: {
    const Word deadline = s.start + s.deadline[index];
    const Word now = virtual_count();
    const SyscallResult r = sys::wait_timeout(kChildNotification, deadline > now ? deadline - now : 1);
    const Word at = __atomic_fetch_add(&s.woken, 1, __ATOMIC_SEQ_CST);
    if (at < kOrderChildren) s.log[at] = index;
    s.late[index] = (!r.ok() || r.r1 != 0 || virtual_count() < deadline) ? 1 : 0;
    sys::task_exit(0);
  }
  case kRaceWaiter: {
    Word state = 0x9E3779B97F4A7C15ull;
    for (Word round = 0; round < kRaceRounds; ++round) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const Word ticks = 1 + (state >> 33) % (2 * 10 * ticks_per_ms()); // up to two ticks
      const SyscallResult r = sys::wait_timeout(kChildNotification, ticks);
      if (!r.ok())
        s.race_errors = s.race_errors + 1;
      else if (r.r1 == 0)
        s.race_timeouts = s.race_timeouts + 1;
      else
        s.race_signals = s.race_signals + 1;
    }
    s.race_done = 1;
    sys::task_exit(0);
  }
  case kRaceSignaller: {
    Word state = 0x2545F4914F6CDD1Dull;
    while (s.race_done == 0) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const Word until = virtual_count() + (state >> 33) % (15 * ticks_per_ms());
      while (virtual_count() < until && s.race_done == 0) {
      }
      (void)sys::signal(kChildNotification);
    }
    sys::task_exit(0);
  }
  default: sys::task_exit(-1);
  }
}

// ---- the root -------------------------------------------------------------------------------------

struct World {
  task::Root root;
  Word shared_frame;
  Word ended; // every child's fault notification (badged copies)
  Word next_badge;
  Word seen; // badges of ends that arrived and were not collected yet (one word can carry several)
};

struct Child {
  Word task = 0;
  Word view = 0;
  Word ended_copy = 0;
  Word badge = 0;
};

// A child on `core` (or kAnyCore) with the shared page and `notification` (with `rights`) in slot 1;
// not started.
Child make_child(World& w, Word core, Word notification, Word rights) {
  Child c;
  c.badge = w.next_badge;
  w.next_badge <<= 1;
  c.ended_copy = task::free_slot();
  CHECK_OK(sys::cap_mint(w.ended, c.ended_copy, abi::kRightSignal, c.badge));
  c.task = CHECK_OK(task::create(w.root, kChildSlots, kPriority, c.ended_copy)).r1;
  CHECK_OK(sys::task_set_core(c.task, core));
  c.view = task::share(c.task, w.shared_frame, kSharedBase, abi::kMapRead | abi::kMapWrite);
  CHECK(c.view != 0);
  if (notification != 0) CHECK_OK(sys::cap_insert_into(c.task, kChildNotification, notification, rights, 0));
  return c;
}

// Sleeps until the end of the child with `badge` was reported (at most kEndMs); false if it was not.
constexpr Word kEndMs = 10'000;
bool await_end(World& w, Word badge) {
  const Word start = virtual_count();
  while ((w.seen & badge) == 0 && virtual_count() - start < kEndMs * ticks_per_ms()) {
    const SyscallResult r = sys::wait_timeout(w.ended, kEndMs * ticks_per_ms());
    if (!r.ok()) break;
    w.seen |= r.r1;
  }
  const bool ended = CHECK((w.seen & badge) != 0);
  w.seen &= ~badge;
  return ended;
}

// Waits until the child ended (this core sleeps meanwhile); returns its state and code.
struct Ending {
  Word state;
  Word code;
};
Ending finish(World& w, Child& c) {
  if (!await_end(w, c.badge)) return Ending{};
  const SyscallResult status = CHECK_OK(sys::task_status(c.task));
  const Word slots[] = {c.task, c.view, c.ended_copy};
  for (Word slot : slots)
    CHECK_OK(sys::cap_delete(slot));
  c = Child{};
  return Ending{status.r1, status.r2};
}

// Until the child is blocked in its wait (task_status detail 1), or `ms` passed.
bool until_blocked(Word child, Word ms) {
  const Word start = virtual_count();
  while (virtual_count() - start < ms * ticks_per_ms()) {
    const SyscallResult status = sys::task_status(child);
    if (status.ok() && status.r1 == static_cast<Word>(abi::TaskState::Running) && status.r3 == 1) return true;
    (void)sys::yield();
  }
  return false;
}

Word new_notification(const World& w) { return CHECK_OK(sys::notification_create(w.root.memory)).r1; }

// The root's own timed wait on `n`: the result, and how long it took.
struct Timed {
  SyscallResult result;
  Word elapsed;
};
Timed timed_wait(Word n, Word ticks) {
  const Word start = virtual_count();
  const SyscallResult r = sys::wait_timeout(n, ticks);
  return Timed{r, virtual_count() - start};
}

// A wait that timed out: Ok, bits 0, at least `ticks`, at most kSlackMs more.
void check_timed_out(const Timed& t, Word ticks) {
  CHECK_OK(t.result);
  CHECK_EQ(t.result.r1, 0);
  CHECK(t.elapsed >= ticks);
  CHECK(t.elapsed <= ticks + kSlackMs * ticks_per_ms());
}

void case_at_once(World& w) {
  check::section("at-once");
  const Word n = new_notification(w);
  // A poll: no sleep, not even until the next tick. One call's time says little under QEMU (the host
  // may stall a vCPU for milliseconds), so kPolls of them: sleeping to a tick each would take about
  // kPolls ticks (10 ms each), twice the bound.
  constexpr Word kPolls = 100;
  const Word start = virtual_count();
  for (Word i = 0; i < kPolls; ++i) {
    const SyscallResult polled = sys::wait_timeout(n, 0);
    CHECK_OK(polled);
    CHECK_EQ(polled.r1, 0);
  }
  CHECK(virtual_count() - start < kPolls * 5 * ticks_per_ms());
  CHECK_OK(sys::signal(n));
  // The longest wait there is: a word already there ends it (were it to block, the run would hang).
  CHECK_EQ(CHECK_OK(sys::wait_timeout(n, abi::kMaxWaitTicks)).r1, abi::kUnbadgedSignalBits);
  CHECK_OK(sys::signal(n));
  CHECK_EQ(CHECK_OK(sys::wait_timeout(n, 0)).r1, abi::kUnbadgedSignalBits); // ticks 0 still takes the word
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0);                                   // and cleared it
  CHECK_OK(sys::cap_delete(n));
}

void case_timeout(World& w) {
  check::section("timeout");
  const Word n = new_notification(w);
  const Word asked[] = {10, 50, 120};
  for (Word ms : asked) {
    const Timed t = timed_wait(n, ms * ticks_per_ms());
    check_timed_out(t, ms * ticks_per_ms());
    print("timed_wait: timeout: %llu ms asked, %llu ms waited\n", static_cast<unsigned long long>(ms),
          static_cast<unsigned long long>(ms_of(t.elapsed)));
  }
  CHECK_OK(sys::cap_delete(n));
}

void case_early(World& w) {
  check::section("early");
  const Word n = new_notification(w);
  const Word badged = task::free_slot();
  CHECK_OK(sys::cap_mint(n, badged, abi::kRightSignal | abi::kRightGrant, 0x40)); // Grant: to insert it
  Child c = make_child(w, 1, badged, abi::kRightSignal);
  CHECK_OK(sys::task_start(c.task, kSignalLater));
  const Timed t = timed_wait(n, 300 * ticks_per_ms());
  CHECK_EQ(CHECK_OK(t.result).r1, 0x40u);
  CHECK(t.elapsed < 250 * ticks_per_ms());
  print("timed_wait: early: signalled after %llu ms of a 300 ms wait\n",
        static_cast<unsigned long long>(ms_of(t.elapsed)));
  const Ending e = finish(w, c);
  CHECK_EQ(e.state, static_cast<Word>(abi::TaskState::Exited));
  CHECK_EQ(e.code, 0);
  // The first wait's deadline (300 ms after it began) falls inside this one: were it still armed it
  // would end this wait then, with 0, too early.
  const Timed next = timed_wait(n, 400 * ticks_per_ms());
  check_timed_out(next, 400 * ticks_per_ms());
  CHECK_OK(sys::cap_delete(badged));
  CHECK_OK(sys::cap_delete(n));
}

void case_remote(World& w) {
  check::section("remote");
  const Word n = new_notification(w);
  Child c = make_child(w, 2, n, abi::kRightWait);
  CHECK_OK(sys::task_start(c.task, kTimeOut));
  const Ending e = finish(w, c); // the root sleeps in wait: core 0 idles too
  CHECK_EQ(e.state, static_cast<Word>(abi::TaskState::Exited));
  CHECK_EQ(e.code & ~(kBadBits - 1), 0); // status Ok, bits 0, not early
  CHECK(e.code % kBadBits >= 100);
  CHECK(e.code % kBadBits <= 100 + kSlackMs);
  print("timed_wait: remote: a 100 ms wait on core 2 ended after %llu ms\n",
        static_cast<unsigned long long>(e.code % kBadBits));
  CHECK_OK(sys::cap_delete(n));
}

Word free_frames(const World& w) { return sys::memory_info(w.root.memory).r2; }

void case_killed(World& w) {
  check::section("killed");
  const Word frames_before = free_frames(w);
  const Word n = new_notification(w);
  Child c = make_child(w, 1, n, abi::kRightWait);
  CHECK_OK(sys::task_start(c.task, kTimedWaitForever));
  CHECK(until_blocked(c.task, 1000));
  CHECK_OK(sys::cap_delete(c.task)); // its last capability: killed while its deadline is armed
  c.task = 0;
  CHECK(await_end(w, c.badge));
  // Its deadline (300 ms after it began) passes during this wait, which must last its full time.
  const Timed t = timed_wait(n, 500 * ticks_per_ms());
  check_timed_out(t, 500 * ticks_per_ms());
  CHECK_OK(sys::signal(n)); // nobody is queued on it any more: the bit stays in the word
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, abi::kUnbadgedSignalBits);
  CHECK_OK(sys::cap_delete(c.view));
  CHECK_OK(sys::cap_delete(c.ended_copy));
  CHECK_OK(sys::cap_delete(n));
  CHECK_EQ(free_frames(w), frames_before);
}

void case_destroyed(World& w) {
  check::section("destroyed");
  const Word n = new_notification(w);
  Child c = make_child(w, 3, n, abi::kRightWait);
  CHECK_OK(sys::task_start(c.task, kTimedWaitForever));
  CHECK(until_blocked(c.task, 1000));
  const Word start = virtual_count();
  CHECK_OK(sys::cap_revoke(n)); // the child's copy
  CHECK_OK(sys::cap_delete(n)); // the last one: destroyed with the child waiting
  const Ending e = finish(w, c);
  CHECK(virtual_count() - start < 250 * ticks_per_ms()); // not the timeout that ended it
  CHECK_EQ(e.state, static_cast<Word>(abi::TaskState::Exited));
  CHECK_EQ(e.code, static_cast<Word>(abi::Error::ObjectDestroyed) * kStatusScale);
  // The child's deadline passes during this wait: no effect on anything.
  const Word other = new_notification(w);
  const Timed t = timed_wait(other, 400 * ticks_per_ms());
  check_timed_out(t, 400 * ticks_per_ms());
  CHECK_OK(sys::cap_delete(other));
}

void case_order(World& w) {
  check::section("order");
  Shared& s = *shared();
  const Word n = new_notification(w);
  // Started (and queued on n) in index order; deadlines 30 ms apart, three ticks, in another order.
  const Word rank[kOrderChildren] = {3, 0, 5, 1, 4, 2};
  s.woken = 0;
  s.start = virtual_count() + 500 * ticks_per_ms(); // time for all of them to start and block
  for (Word i = 0; i < kOrderChildren; ++i) {
    s.deadline[i] = (rank[i] + 1) * 30 * ticks_per_ms();
    s.log[i] = ~Word{0};
    s.late[i] = 1;
  }
  Child c[kOrderChildren];
  for (Word i = 0; i < kOrderChildren; ++i) {
    c[i] = make_child(w, 1, n, abi::kRightWait);
    CHECK_OK(sys::task_start(c[i].task, kOrdered | i << kIndexShift));
  }
  for (Word i = 0; i < kOrderChildren; ++i)
    CHECK(until_blocked(c[i].task, 1000));
  CHECK(virtual_count() < s.start); // else the test measured nothing
  for (Word i = 0; i < kOrderChildren; ++i) {
    const Ending e = finish(w, c[i]);
    CHECK_EQ(e.code, 0);
  }
  CHECK_EQ(s.woken, kOrderChildren);
  for (Word at = 0; at < kOrderChildren; ++at) {
    CHECK(s.log[at] < kOrderChildren);
    if (s.log[at] < kOrderChildren) CHECK_EQ(rank[s.log[at]], at);
  }
  for (Word i = 0; i < kOrderChildren; ++i)
    CHECK_EQ(s.late[i], 0);
  print("timed_wait: order: woke %llu %llu %llu %llu %llu %llu\n", static_cast<unsigned long long>(s.log[0]),
        static_cast<unsigned long long>(s.log[1]), static_cast<unsigned long long>(s.log[2]),
        static_cast<unsigned long long>(s.log[3]), static_cast<unsigned long long>(s.log[4]),
        static_cast<unsigned long long>(s.log[5]));
  CHECK_OK(sys::signal(n)); // every waiter left n's queue when it timed out: the bit stays
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, abi::kUnbadgedSignalBits);
  CHECK_OK(sys::cap_delete(n));
}

void case_race(World& w) {
  check::section("race");
  Shared& s = *shared();
  s.race_done = 0;
  s.race_timeouts = 0;
  s.race_signals = 0;
  s.race_errors = 0;
  const Word n = new_notification(w);
  Child waiter = make_child(w, 1, n, abi::kRightWait);
  Child signaller = make_child(w, 2, n, abi::kRightSignal);
  CHECK_OK(sys::task_start(waiter.task, kRaceWaiter));
  CHECK_OK(sys::task_start(signaller.task, kRaceSignaller));
  const Ending a = finish(w, waiter);
  const Ending b = finish(w, signaller);
  CHECK_EQ(a.code, 0);
  CHECK_EQ(b.code, 0);
  CHECK_EQ(s.race_errors, 0);
  CHECK_EQ(s.race_timeouts + s.race_signals, kRaceRounds); // each wait ended once
  print("timed_wait: race: %llu waits, %llu timed out, %llu signalled\n", static_cast<unsigned long long>(kRaceRounds),
        static_cast<unsigned long long>(s.race_timeouts), static_cast<unsigned long long>(s.race_signals));
  CHECK_OK(sys::cap_delete(n));
}

Word online_cores(const World& w) {
  Word n = 0;
  for (Word core = 0; core < abi::kMaxCores; ++core)
    n += (sys::cpu_info(w.root.memory, core).r1 & abi::kCpuOnline) != 0 ? Word{1} : Word{0};
  return n;
}

int root_main(const void* startup) {
  World w{};
  w.next_badge = 1;
  if (!CHECK(task::read_root(startup, kProgram, w.root)) || !CHECK(w.root.image != task::kNoImage))
    return check::summary(kProgram);
  if (!CHECK_EQ(online_cores(w), abi::kMaxCores)) return check::summary(kProgram);
  print("timed_wait: counter %llu Hz\n", static_cast<unsigned long long>(counter_frequency()));
  w.shared_frame = task::map_new(w.root, abi::kPageSize, kSharedBase, abi::kMapRead | abi::kMapWrite);
  w.ended = CHECK_OK(sys::notification_create(w.root.memory)).r1;
  if (!CHECK(w.shared_frame != 0)) return check::summary(kProgram);

  case_at_once(w);
  case_timeout(w);
  case_early(w);
  case_remote(w);
  case_killed(w);
  case_destroyed(w);
  case_order(w);
  case_race(w);

  CHECK_OK(sys::cap_delete(w.ended));
  CHECK_OK(sys::memory_unmap(kSharedBase));
  CHECK_OK(sys::cap_delete(w.shared_frame));
  return check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
