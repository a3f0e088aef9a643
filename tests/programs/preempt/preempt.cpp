// preempt: the timer takes the CPU away from tasks that never give it up.
//
// Two children at the root's priority spin incrementing their own counter in a shared frame and
// make no system call. The root spins too, reading the counters without yielding: it can only run
// again, and so see a counter move, when the timer preempts a child and round robin comes back to
// it. It requires that it saw each counter change kRequiredSightings times (so each child ran in at
// least that many separate slices between root slices) before it gives up after kPatience reads,
// then deletes the children (which kills them) and checks that the counters stop.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "preempt";
constexpr unsigned kChildren = 2;
constexpr Word kChildSlots = 2;
constexpr Word kRequiredSightings = 5;
// Root reads before it gives up: at 100-300 M instructions/s and a third of the CPU this is tens
// of seconds, far more than the ~15 time slices of 10 ms the test needs.
constexpr Word kPatience = Word{1} << 31;

struct Shared {
  volatile Word counter[kChildren];
};

[[noreturn]] void child_main(Word index) {
  auto* shared = task::at<Shared>(task::kTestMapBase);
  for (;;)
    shared->counter[index] = shared->counter[index] + 1;
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  const Word frame = task::map_new(root, abi::kPageSize, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  if (!CHECK(frame != 0)) return bramble::user::check::summary(kProgram);
  auto* shared = task::at<Shared>(task::kTestMapBase);

  Word child[kChildren] = {};
  Word view[kChildren] = {};
  for (unsigned i = 0; i < kChildren; ++i) {
    child[i] = CHECK_OK(task::create(root, kChildSlots, abi::kMaxPriority, 0)).r1;
    view[i] = task::share(child[i], frame, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
    CHECK(view[i] != 0);
  }
  for (unsigned i = 0; i < kChildren; ++i)
    CHECK_OK(sys::task_start(child[i], i));

  Word last[kChildren] = {};
  Word sightings[kChildren] = {};
  Word reads = 0;
  for (; reads < kPatience; ++reads) {
    bool done = true;
    for (unsigned i = 0; i < kChildren; ++i) {
      const Word now = shared->counter[i];
      if (now != last[i]) {
        last[i] = now;
        ++sightings[i];
      }
      done = done && sightings[i] >= kRequiredSightings;
    }
    if (done) break;
  }
  for (unsigned i = 0; i < kChildren; ++i) {
    bramble::user::print("preempt: child %u counted to %llu, seen moving %llu times\n", i,
                         static_cast<unsigned long long>(last[i]), static_cast<unsigned long long>(sightings[i]));
    CHECK(sightings[i] >= kRequiredSightings);
    CHECK(last[i] > 0);
  }

  // Deleting a running task's last capability kills it: the counters stop. The root then yields and
  // spins for several time slices, which a surviving child at its priority would share and count in.
  for (unsigned i = 0; i < kChildren; ++i)
    CHECK_OK(sys::cap_delete(child[i]));
  Word frozen[kChildren] = {};
  for (unsigned i = 0; i < kChildren; ++i)
    frozen[i] = shared->counter[i];
  for (int i = 0; i < 4; ++i)
    (void)sys::yield();
  volatile Word spin = 0;
  while (spin < 5'000'000)
    spin = spin + 1;
  for (unsigned i = 0; i < kChildren; ++i)
    CHECK_EQ(shared->counter[i], frozen[i]);

  for (unsigned i = 0; i < kChildren; ++i)
    CHECK_OK(sys::cap_delete(view[i]));
  CHECK_OK(sys::memory_unmap(task::kTestMapBase));
  CHECK_OK(sys::cap_delete(frame));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
