// notify: notifications across address spaces. signal ORs the capability's badge (1 when unbadged)
// into the word; wait blocks until the word is non-zero, returns it and clears it; poll returns and
// clears it without blocking. Checked in one task first, then between tasks: two children with
// differently badged copies OR into one word; a child blocked in wait is woken by the root and by a
// sibling; the root blocked in wait is woken by a lower-priority child; a child's poll of an empty
// notification returns at once.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::abi::TaskState;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "notify";

// Child roles (the task_start argument). Every child finds its notifications in slots 1 and 2.
enum Role : Word {
  kSignalIn = 1,        // signal slot 1, exit 0
  kWaitIn = 2,          // wait on slot 1, signal slot 2, exit with the bits it got
  kYieldThenSignal = 3, // yield a few times, then signal slot 1, exit 0
  kPollIn = 4,          // poll slot 1, exit with status * 0x1000 + bits
};
constexpr Word kIn = 1;
constexpr Word kOut = 2;
constexpr Word kChildSlots = 4;
constexpr Word kLow = 10;
constexpr Word kMiddle = 30;
constexpr Word kSame = abi::kMaxPriority; // the root's own priority
constexpr Word kChildStatusScale = 0x1000;

int child_main(Word role) {
  switch (role) {
  case kSignalIn: return sys::signal(kIn).ok() ? 0 : 1;
  case kWaitIn: {
    const SyscallResult woken = sys::wait(kIn);
    if (!woken.ok()) return static_cast<int>(woken.status * kChildStatusScale);
    (void)sys::signal(kOut);
    return static_cast<int>(woken.r1);
  }
  case kYieldThenSignal:
    for (int i = 0; i < 8; ++i)
      (void)sys::yield();
    return sys::signal(kIn).ok() ? 0 : 1;
  case kPollIn: {
    const SyscallResult polled = sys::poll(kIn);
    return static_cast<int>(polled.status * kChildStatusScale + polled.r1);
  }
  default: return -1;
  }
}

struct Fixture {
  task::Root root;
  Word ended;      // fault notification: every child's end is reported here
  Word next_badge; // each child's copy of `ended` gets its own bit
  Word seen;       // end reports received and not yet collected by finish()
};

struct Child {
  Word task;
  Word ended_copy;
  Word badge;
};

// A stopped child at `priority` with `in`/`out` (either may be 0) put into its slots 1 and 2.
Child make_child(Fixture& f, Word priority, Word in, Word in_rights, Word in_badge, Word out, Word out_badge) {
  Child child{0, task::free_slot(), f.next_badge};
  f.next_badge <<= 1;
  CHECK_OK(sys::cap_mint(f.ended, child.ended_copy, abi::kRightSignal, child.badge));
  child.task = CHECK_OK(task::create(f.root, kChildSlots, priority, child.ended_copy)).r1;
  if (in != 0) CHECK_OK(sys::cap_insert_into(child.task, kIn, in, in_rights, in_badge));
  if (out != 0) CHECK_OK(sys::cap_insert_into(child.task, kOut, out, abi::kRightSignal, out_badge));
  return child;
}

// Waits until the child reported its end; returns its exit code. Ends of other children that arrive
// in the same word are kept in `f.seen` for their own finish().
Word finish(Fixture& f, const Child& child) {
  while ((f.seen & child.badge) == 0) {
    const SyscallResult woken = CHECK_OK(sys::wait(f.ended));
    if (!woken.ok()) break;
    f.seen |= woken.r1;
  }
  CHECK((f.seen & abi::kTaskEndedExit) != 0);
  CHECK_EQ(f.seen & abi::kTaskEndedFault, 0);
  f.seen &= ~child.badge;
  if ((f.seen & (abi::kTaskEndedExit - 1)) == 0) f.seen = 0; // every reported end was collected
  const SyscallResult status = CHECK_OK(sys::task_status(child.task));
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
  CHECK_OK(sys::cap_delete(child.task));
  CHECK_OK(sys::cap_delete(child.ended_copy));
  return status.r2;
}

Word new_notification(const task::Root& root) { return CHECK_OK(sys::notification_create(root.memory)).r1; }

Word mint(Word source, Word rights, Word badge) {
  const Word slot = task::free_slot();
  CHECK_OK(sys::cap_mint(source, slot, rights, badge));
  return slot;
}

void in_one_task(const task::Root& root) {
  const Word n = new_notification(root);
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0); // nothing signalled: 0, and no blocking
  CHECK_OK(sys::signal(n));
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, abi::kUnbadgedSignalBits);
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0); // poll cleared it
  const Word a = mint(n, abi::kRightSignal, 0x10);
  const Word b = mint(n, abi::kRightSignal, 0x200);
  CHECK_OK(sys::signal(a));
  CHECK_OK(sys::signal(b));
  CHECK_OK(sys::signal(a)); // ORed, not counted
  CHECK_EQ(CHECK_OK(sys::wait(n)).r1, 0x210u);
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0); // wait cleared it
  CHECK_OK(sys::cap_delete(a));
  CHECK_OK(sys::cap_delete(b));
  CHECK_OK(sys::cap_delete(n));
}

int root_main(const void* startup) {
  Fixture f{};
  f.next_badge = 1;
  if (!CHECK(task::read_root(startup, kProgram, f.root)) || !CHECK(f.root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  const task::Root& root = f.root;
  in_one_task(root);
  f.ended = new_notification(root);

  // Two children signal one notification through copies badged 0x10 and 0x200: the word holds both.
  {
    const Word n = new_notification(root);
    const Child a = make_child(f, kMiddle, n, abi::kRightSignal, 0x10, 0, 0);
    const Child b = make_child(f, kMiddle, n, abi::kRightSignal, 0x200, 0, 0);
    CHECK_OK(sys::task_start(a.task, kSignalIn));
    CHECK_OK(sys::task_start(b.task, kSignalIn));
    CHECK_EQ(finish(f, a), 0);
    CHECK_EQ(finish(f, b), 0);
    CHECK_EQ(CHECK_OK(sys::poll(n)).r1, 0x210u);
    CHECK_OK(sys::cap_delete(n));
  }

  // A child blocked in wait is woken by the root's signal (badge 0x80 on the root's copy).
  {
    const Word n = new_notification(root);
    const Word reply = new_notification(root);
    const Child w = make_child(f, kSame, n, abi::kRightWait, 0, reply, 0x4);
    CHECK_OK(sys::task_start(w.task, kWaitIn));
    CHECK(task::yield_until_blocked(w.task));   // same priority: the child runs and blocks in wait
    CHECK_EQ(CHECK_OK(sys::poll(reply)).r1, 0); // it has not been woken yet
    const Word badged = mint(n, abi::kRightSignal, 0x80);
    CHECK_OK(sys::signal(badged));
    CHECK_EQ(finish(f, w), 0x80u);
    CHECK_EQ(CHECK_OK(sys::poll(reply)).r1, 0x4u);
    CHECK_OK(sys::cap_delete(badged));
    CHECK_OK(sys::cap_delete(reply));
    CHECK_OK(sys::cap_delete(n));
  }

  // A child blocked in wait is woken by a sibling's signal (badge 0x8), neither of them the root.
  {
    const Word n = new_notification(root);
    const Word reply = new_notification(root);
    const Child w = make_child(f, kMiddle, n, abi::kRightWait, 0, reply, 0x1);
    const Child s = make_child(f, kMiddle, n, abi::kRightSignal, 0x8, 0, 0);
    CHECK_OK(sys::task_start(w.task, kWaitIn));
    CHECK_OK(sys::task_start(s.task, kYieldThenSignal));
    CHECK_EQ(finish(f, s), 0);
    CHECK_EQ(finish(f, w), 0x8u);
    CHECK_EQ(CHECK_OK(sys::poll(reply)).r1, 0x1u);
    CHECK_OK(sys::cap_delete(reply));
    CHECK_OK(sys::cap_delete(n));
  }

  // The root blocked in wait is woken by a child that can only run while the root is blocked.
  {
    const Word n = new_notification(root);
    const Child k = make_child(f, kLow, n, abi::kRightSignal, 0x20, 0, 0);
    CHECK_OK(sys::task_start(k.task, kYieldThenSignal));
    CHECK_EQ(CHECK_OK(sys::wait(n)).r1, 0x20u);
    CHECK_EQ(finish(f, k), 0);
    CHECK_OK(sys::cap_delete(n));
  }

  // A child's poll of an empty notification returns 0 at once (a blocking poll would hang here).
  {
    const Word n = new_notification(root);
    const Child p = make_child(f, kMiddle, n, abi::kRightWait, 0, 0, 0);
    CHECK_OK(sys::task_start(p.task, kPollIn));
    CHECK_EQ(finish(f, p), 0);
    // And a poll that finds bits returns them: the root signals before the child polls.
    const Child q = make_child(f, kMiddle, n, abi::kRightWait, 0, 0, 0);
    CHECK_OK(sys::signal(n));
    CHECK_OK(sys::task_start(q.task, kPollIn));
    CHECK_EQ(finish(f, q), abi::kUnbadgedSignalBits);
    CHECK_OK(sys::cap_delete(n));
  }

  CHECK_EQ(CHECK_OK(sys::poll(f.ended)).r1, 0); // no stray end reports
  CHECK_OK(sys::cap_delete(f.ended));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
