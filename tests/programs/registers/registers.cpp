// registers: a system call preserves every register but x0..x3 (docs/syscalls.md), however it returns.
//
// The kernel's system-call entry saves only the registers its C code may change and keeps x19..x29
// and SP_EL0 in the registers; only a call whose way back has work (a switch, a tick) stores them into
// the task's frame. So each way back is exercised here, with x4..x30 and SP holding a pattern
// (call.S) that must survive:
//   - a call that returns at once (cap_info of an invalid slot, yield with nobody else ready);
//   - many calls in a row, so that timer ticks land in some of them (the way back then looks at
//     round robin without switching);
//   - yields between two tasks of the same priority (a switch in both directions);
//   - a wait that blocks until the peer signals (the caller leaves the CPU inside its call).
// The child runs the same checks with its own patterns; each side counts mismatches.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "registers";
constexpr Word kInvalidSlot = 0xffff'ffff;
constexpr Word kChildSlots = 8;
constexpr Word kBurst = 50'000; // calls in a row: several 10 ms ticks land inside calls
constexpr Word kSwitches = 2'000;

} // namespace

extern "C" Word registers_call(Word number, Word a0, Word a1, Word seed, Word* out);

namespace {

struct Shared {
  volatile Word mismatches[2];
  volatile Word calls[2];
  volatile Word stop;
};

Shared& shared() { return *task::at<Shared>(task::kTestMapBase); }

// One call; false (and a line) if a preserved register changed. `status` is x0 after the call.
bool call(unsigned id, Word number, Word a0, Word a1, Word seed, Word& status) {
  Word out[33] = {};
  registers_call(number, a0, a1, seed, out);
  status = out[0];
  bool ok = true;
  for (unsigned r = 4; r <= 30; ++r) {
    const Word want = r == 8 ? number : seed + (Word{r} << 12);
    if (out[r] != want) {
      bramble::user::print("registers: task %u, call %llu: x%u is 0x%llx, want 0x%llx\n", id,
                           static_cast<unsigned long long>(number), r, static_cast<unsigned long long>(out[r]),
                           static_cast<unsigned long long>(want));
      ok = false;
    }
  }
  if (out[31] != out[32]) {
    bramble::user::print("registers: task %u, call %llu: SP is 0x%llx, was 0x%llx\n", id,
                         static_cast<unsigned long long>(number), static_cast<unsigned long long>(out[31]),
                         static_cast<unsigned long long>(out[32]));
    ok = false;
  }
  shared().calls[id] = shared().calls[id] + 1;
  if (!ok) shared().mismatches[id] = shared().mismatches[id] + 1;
  return ok;
}

constexpr Word seed_of(unsigned id, Word i) { return (Word{id + 1} << 56) | (i << 20); }
constexpr Word number(abi::Syscall s) { return static_cast<Word>(s); }

// Yields until the other side says stop, checking every call.
void yield_loop(unsigned id) {
  Word status = 0;
  for (Word i = 0; shared().stop == 0; ++i)
    call(id, number(abi::Syscall::yield), 0, 0, seed_of(id, i), status);
}

int child_main(Word argument) {
  const Word ping = argument & 0xffff; // wait here
  const Word pong = argument >> 16;    // signal here
  Word status = 0;
  // The blocking part: wait for the root's signal (the root then waits for ours), ten times.
  for (Word i = 0; i < 10; ++i) {
    call(1, number(abi::Syscall::wait), ping, 0, seed_of(1, i), status);
    call(1, number(abi::Syscall::signal), pong, 0, seed_of(1, i + 100), status);
  }
  yield_loop(1);
  return shared().mismatches[1] == 0 ? 0 : 1;
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage))
    return bramble::user::check::summary(kProgram);
  const Word frame = task::map_new(root, abi::kPageSize, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  if (!CHECK(frame != 0)) return bramble::user::check::summary(kProgram);
  Word status = 0;

  // Calls that return at once, and a burst long enough for ticks to land in some of them.
  for (Word i = 0; i < kBurst; ++i) {
    if (!call(0, number(abi::Syscall::cap_info), kInvalidSlot, 0, seed_of(0, i), status)) break;
    if (status != static_cast<Word>(abi::Error::InvalidSlot)) {
      CHECK_EQ(status, static_cast<Word>(abi::Error::InvalidSlot));
      break;
    }
  }
  for (Word i = 0; i < 100; ++i)
    CHECK(call(0, number(abi::Syscall::yield), 0, 0, seed_of(0, i + kBurst), status) && status == abi::kSuccess);

  // A peer at the same priority: blocking waits first, then yields back and forth.
  const Word ended = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word ping = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word pong = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word ended_copy = task::free_slot();
  CHECK_OK(sys::cap_mint(ended, ended_copy, abi::kRightSignal, 1));
  const Word child = CHECK_OK(task::create(root, kChildSlots, abi::kMaxPriority, ended_copy)).r1;
  const Word view = task::share(child, frame, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  CHECK(view != 0);
  // The child's copies of ping (wait) and pong (signal), in its slots 1 and 2.
  CHECK_OK(sys::cap_insert_into(child, 1, ping, abi::kRightWait, 0));
  CHECK_OK(sys::cap_insert_into(child, 2, pong, abi::kRightSignal, 0));
  CHECK_OK(sys::task_start(child, 1 | (Word{2} << 16)));
  for (Word i = 0; i < 10; ++i) {
    call(0, number(abi::Syscall::signal), ping, 0, seed_of(0, 2 * i), status);
    CHECK_EQ(status, abi::kSuccess);
    call(0, number(abi::Syscall::wait), pong, 0, seed_of(0, 2 * i + 1), status); // blocks: the child runs
    CHECK_EQ(status, abi::kSuccess);
  }
  const Word before = shared().calls[1];
  for (Word i = 0; i < kSwitches; ++i)
    call(0, number(abi::Syscall::yield), 0, 0, seed_of(0, i + 1000), status);
  CHECK(shared().calls[1] >= before + kSwitches / 2); // the yields really switched
  shared().stop = 1;
  CHECK_EQ(task::wait_for(ended, 1) & (1 | abi::kTaskEndedFault), 1);
  const bramble::user::SyscallResult child_status = CHECK_OK(sys::task_status(child));
  CHECK_EQ(child_status.r1, static_cast<Word>(abi::TaskState::Exited));
  CHECK_EQ(child_status.r2, 0);

  bramble::user::print(
      "registers: root %llu calls, child %llu calls, mismatches %llu / %llu\n",
      static_cast<unsigned long long>(shared().calls[0]), static_cast<unsigned long long>(shared().calls[1]),
      static_cast<unsigned long long>(shared().mismatches[0]), static_cast<unsigned long long>(shared().mismatches[1]));
  CHECK_EQ(shared().mismatches[0], 0);
  CHECK_EQ(shared().mismatches[1], 0);
  CHECK_OK(sys::cap_delete(child));
  CHECK_OK(sys::cap_delete(view));
  CHECK_OK(sys::cap_delete(ended_copy));
  CHECK_OK(sys::cap_delete(ended));
  CHECK_OK(sys::cap_delete(ping));
  CHECK_OK(sys::cap_delete(pong));
  CHECK_OK(sys::memory_unmap(task::kTestMapBase));
  CHECK_OK(sys::cap_delete(frame));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
