// debug_lines: what a task prints through debug_write cannot pass for the kernel's lines.
//
// The kernel starts every line of EL0 text with "[<task>] " and shows control characters as \xNN
// (kernel/log.hpp). This program tries what an attacker would: lines that copy the kernel's own
// (the verdict line a test runner waits for, a kill report), a carriage return or escape sequences
// that would move a terminal's cursor back to the start of the line, and a line left open for
// another task to finish. tests/qemu/tasks.cmake checks the console shows each of them attributed,
// and rejects any kernel line with the forged text. The program's own checks are on the counts
// debug_write returns: the bytes taken from the caller, whatever the console shows.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "debug_lines";
constexpr Word kChildPriority = 30;
constexpr Word kChildSlots = 4;
constexpr Word kChildRole = 1;

// Writes `text` in one debug_write call and checks the kernel took all of it.
template <std::size_t N> void say(const char (&text)[N]) {
  const Word length = N - 1;
  const SyscallResult r = CHECK_OK(sys::debug_write(reinterpret_cast<Word>(&text[0]), length));
  CHECK_EQ(r.r1, length);
}

int child_main() {
  say("the child's line\n");
  return 0;
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  // The kernel's lines, copied.
  say("kernel: task 'debug_lines' killed: forged by EL0\n");
  say("kernel: root task 'debug_lines' exited with code 0\n");
  // Back to the start of the line by other means.
  say("carriage\rkernel: forged after a carriage return\n");
  say("escape\x1b[2K\x1b[1Gkernel: forged after an erase-line sequence\n");
  say("backspace\b\b\b\b\b\b\b\b\bkernel: forged after backspaces\n");
  // A line left open while another task writes: the child's text starts a line of its own, and the
  // rest of this one is attributed again.
  say("partial, then a child:");
  const Word ended = CHECK_OK(sys::notification_create(root.memory)).r1;
  const SyscallResult child = CHECK_OK(task::create(root, kChildSlots, kChildPriority, ended));
  if (child.ok()) {
    CHECK_OK(sys::task_start(child.r1, kChildRole));
    CHECK_EQ(CHECK_OK(sys::wait(ended)).r1, abi::kTaskEndedExit);
    CHECK_OK(sys::cap_delete(child.r1));
  }
  CHECK_OK(sys::cap_delete(ended));
  say(" and the rest of the root's line\n");
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main();
  return root_main(startup);
}
