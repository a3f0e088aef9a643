// task_info, memory_info, and the generic timer's virtual count at EL0 (the time base of task_info's
// cpu_time), for the console's `tasks`, `mem` and `bench`.
#include "tests/programs/syscall_errors/syscall_errors.hpp"
#include "user/lib/counter.hpp"

namespace syscall_errors {
namespace {

using abi::TaskState;

constexpr Word kBurnBadge = 0x4; // the burning child's end, on env.ended

using bramble::user::counter_frequency;
using bramble::user::virtual_count;

// Spins (at EL0, no system call) until CNTVCT_EL0 has advanced by `ticks`.
void spin_for(Word ticks) {
  const Word start = virtual_count();
  while (virtual_count() - start < ticks) {
  }
}

// A short stretch of work: 5 ms of counter ticks (the kernel's time slice is 10 ms).
[[nodiscard]] Word burn_ticks() { return counter_frequency() / 200; }

[[nodiscard]] Word cpu_time(Word task) { return sys::task_info(task).r3; }

void counter_checks(const Env& env) {
  CHECK_EQ(counter_frequency(), env.root.boot->timer_frequency);
  const Word first = virtual_count();
  Word later = first;
  for (int i = 0; i < 1'000'000 && later == first; ++i)
    later = virtual_count();
  CHECK(later > first); // it advances
}

void task_info_errors(const Env& env, Word child) {
  CHECK_ERR(sys::task_info(0), InvalidSlot);
  CHECK_ERR(sys::task_info(env.beyond), InvalidSlot);
  CHECK_ERR(sys::task_info(env.empty), EmptySlot);
  CHECK_ERR(sys::task_info(env.root.memory), WrongType);
  CHECK_ERR(sys::task_info(env.ended), WrongType);
  const Word no_audit = mint(child, abi::kRightControl | abi::kRightGrant, 0);
  CHECK_ERR(sys::task_info(no_audit), InsufficientRights);
  const Word audit_only = mint(child, abi::kRightAudit, 0);
  CHECK_EQ(CHECK_OK(sys::task_info(audit_only)).r2, kChildPriority);
  CHECK_OK(sys::cap_delete(no_audit));
  CHECK_OK(sys::cap_delete(audit_only));
}

void self_checks(const Env& env) {
  const Word self = env.root.self;
  const SyscallResult me = CHECK_OK(sys::task_info(self));
  CHECK_EQ(me.r1, static_cast<Word>(TaskState::Running));
  CHECK_EQ(me.r2, sys::cap_info(self).r3); // cap_info's priority (Audit)
  CHECK(me.r3 > 0);                        // it has run since boot
  // Nobody else is ready at the root's priority, so all of a spin is the root's, and the kernel cannot
  // have charged more than the wall-clock time between the readings.
  const Word ticks = burn_ticks();
  const Word wall_before = virtual_count();
  const Word before = cpu_time(self);
  spin_for(ticks);
  const Word after = cpu_time(self);
  const Word wall_after = virtual_count();
  CHECK(after - before >= ticks);
  CHECK(after - before <= wall_after - wall_before);
}

// Created (cpu 0) -> running a while (cpu grows) -> exited (cpu frozen), for a child at kChildPriority
// that burns CPU in two stretches and signals after each (kBurn).
void child_checks(const Env& env) {
  const Word progress = new_notification(env);
  const Word ended_copy = mint(env.ended, abi::kRightSignal, kBurnBadge);
  const Word child = CHECK_OK(new_child(env, kChildPriority, ended_copy)).r1;
  SyscallResult info = CHECK_OK(sys::task_info(child));
  CHECK_EQ(info.r1, static_cast<Word>(TaskState::Created));
  CHECK_EQ(info.r2, kChildPriority);
  CHECK_EQ(info.r3, 0);
  task_info_errors(env, child);

  CHECK_OK(sys::cap_insert_into(child, kChildNotification, progress, abi::kRightSignal, 0));
  const Word ticks = burn_ticks();
  const Word wall_start = virtual_count();
  CHECK_OK(sys::task_start(child, kBurn | (env.root.image << kImageShift)));
  CHECK_EQ(sys::wait(progress).status, abi::kSuccess); // the first stretch is done
  info = CHECK_OK(sys::task_info(child));
  const Word first = info.r3;
  CHECK_EQ(info.r1, static_cast<Word>(TaskState::Running));
  CHECK(first >= ticks);                               // it spun that long with the CPU to itself
  CHECK(first <= virtual_count() - wall_start);        // and not longer than it existed
  CHECK_EQ(sys::wait(progress).status, abi::kSuccess); // the second
  const Word second = cpu_time(child);
  CHECK(second >= first + ticks);

  const Word bits = task::wait_for(env.ended, kBurnBadge);
  CHECK_EQ(bits & ~(abi::kTaskEndedExit | abi::kTaskEndedFault), kBurnBadge);
  CHECK_EQ(CHECK_OK(sys::task_status(child)).r2, 0); // exited with 0: its counter reads worked
  info = CHECK_OK(sys::task_info(child));
  CHECK_EQ(info.r1, static_cast<Word>(TaskState::Exited));
  CHECK_EQ(info.r2, kChildPriority);
  const Word at_end = info.r3;
  CHECK(at_end >= second);
  spin_for(ticks);
  CHECK_OK(sys::yield());
  CHECK_EQ(cpu_time(child), at_end); // an ended task's total stays

  const Word made[] = {child, ended_copy, progress};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

void memory_info_errors(const Env& env) {
  const Word memory = env.root.memory;
  CHECK_ERR(sys::memory_info(0), InvalidSlot);
  CHECK_ERR(sys::memory_info(env.beyond), InvalidSlot);
  CHECK_ERR(sys::memory_info(env.empty), EmptySlot);
  CHECK_ERR(sys::memory_info(env.root.self), WrongType);
  CHECK_ERR(sys::memory_info(env.ended), WrongType);
  const Word no_audit = mint(memory, abi::kRightControl | abi::kRightGrant, 0);
  CHECK_ERR(sys::memory_info(no_audit), InsufficientRights);
  const Word audit_only = mint(memory, abi::kRightAudit, 0);
  CHECK_EQ(CHECK_OK(sys::memory_info(audit_only)).r1, sys::memory_info(memory).r1);
  CHECK_OK(sys::cap_delete(no_audit));
  CHECK_OK(sys::cap_delete(audit_only));
}

} // namespace

int burn() {
  // kBurn: two stretches of CPU work, a signal after each; 0 when every counter read worked.
  const Word ticks = burn_ticks();
  for (int stretch = 0; stretch < 2; ++stretch) {
    spin_for(ticks);
    if (!sys::signal(kChildNotification).ok()) return 1;
  }
  return ticks > 0 ? 0 : 2;
}

void test_task_info(const Env& env) {
  check::section("task_info");
  counter_checks(env);
  self_checks(env);
  child_checks(env);
}

void test_memory_info(const Env& env) {
  check::section("memory_info");
  const Word memory = env.root.memory;
  memory_info_errors(env);

  const SyscallResult start = CHECK_OK(sys::memory_info(memory));
  const Word frames = start.r1;
  CHECK(frames > 0);
  CHECK(start.r2 <= frames);
  CHECK(start.r3 > 0);                                        // the kernel image at least
  CHECK(sys::cap_info(memory).r2 <= frames * abi::kPageSize); // the root's quota came out of these

  // N pages (a power of two: a block is exactly that many frames) take exactly N free frames.
  constexpr Word kPages = 4;
  const Word four = new_frame(env, kPages * abi::kPageSize);
  const SyscallResult after_four = CHECK_OK(sys::memory_info(memory));
  CHECK_EQ(after_four.r1, frames);
  CHECK_EQ(start.r2 - after_four.r2, kPages);
  CHECK_EQ((after_four.r1 - after_four.r2) - (frames - start.r2), kPages); // used grew by as much
  CHECK_EQ(after_four.r3, start.r3);
  const Word one = new_frame(env, abi::kPageSize);
  CHECK_EQ(start.r2 - sys::memory_info(memory).r2, kPages + 1);
  CHECK_OK(sys::cap_delete(four));
  CHECK_OK(sys::cap_delete(one));
  CHECK_EQ(CHECK_OK(sys::memory_info(memory)).r2, start.r2); // all given back

  // A task's table, address space, image and stack are frames too, and come back when it goes.
  const Word child = CHECK_OK(new_child(env, kChildPriority, 0)).r1;
  CHECK(sys::memory_info(memory).r2 < start.r2);
  CHECK_OK(sys::cap_delete(child));
  CHECK_EQ(sys::memory_info(memory).r2, start.r2);
}

} // namespace syscall_errors
