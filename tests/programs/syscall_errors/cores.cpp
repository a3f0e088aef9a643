// task_set_core, task_core and cpu_info: every error each can return, and what they do on the cores
// this boot has (all four unless cores=N).
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

constexpr Word kCoreBadge = 0x8; // the burning child's end, on env.ended

Word online_cores(const Env& env) {
  Word n = 0;
  for (Word core = 0; core < abi::kMaxCores; ++core)
    n += (sys::cpu_info(env.root.memory, core).r1 & abi::kCpuOnline) != 0 ? Word{1} : Word{0};
  return n;
}

void set_core_errors(const Env& env, Word child) {
  CHECK_ERR(sys::task_set_core(0, 0), InvalidSlot);
  CHECK_ERR(sys::task_set_core(env.beyond, 0), InvalidSlot);
  CHECK_ERR(sys::task_set_core(env.empty, 0), EmptySlot);
  CHECK_ERR(sys::task_set_core(env.root.memory, 0), WrongType);
  const Word audit_only = mint(child, abi::kRightAudit, 0);
  CHECK_ERR(sys::task_set_core(audit_only, 0), InsufficientRights);
  CHECK_OK(sys::cap_delete(audit_only));
  CHECK_ERR(sys::task_set_core(child, abi::kMaxCores), InvalidCore);
  CHECK_ERR(sys::task_set_core(child, abi::kAnyCore - 1), InvalidCore);
  CHECK_ERR(sys::task_set_core(child, ~Word{0}), InvalidCore);
  // A core that cores= left offline is refused too.
  for (Word core = 0; core < abi::kMaxCores; ++core) {
    if ((sys::cpu_info(env.root.memory, core).r1 & abi::kCpuOnline) == 0)
      CHECK_ERR(sys::task_set_core(child, core), InvalidCore);
  }
}

void task_core_errors(const Env& env, Word child) {
  CHECK_ERR(sys::task_core(0), InvalidSlot);
  CHECK_ERR(sys::task_core(env.empty), EmptySlot);
  CHECK_ERR(sys::task_core(env.root.memory), WrongType);
  const Word no_audit = mint(child, abi::kRightControl | abi::kRightGrant, 0);
  CHECK_ERR(sys::task_core(no_audit), InsufficientRights);
  CHECK_OK(sys::cap_delete(no_audit));
}

void cpu_info_errors(const Env& env) {
  CHECK_ERR(sys::cpu_info(0, 0), InvalidSlot);
  CHECK_ERR(sys::cpu_info(env.empty, 0), EmptySlot);
  CHECK_ERR(sys::cpu_info(env.root.self, 0), WrongType);
  const Word no_audit = mint(env.root.memory, abi::kRightControl, 0);
  CHECK_ERR(sys::cpu_info(no_audit, 0), InsufficientRights);
  CHECK_OK(sys::cap_delete(no_audit));
  CHECK_ERR(sys::cpu_info(env.root.memory, abi::kMaxCores), InvalidCore);
  CHECK_ERR(sys::cpu_info(env.root.memory, abi::kAnyCore), InvalidCore);
}

} // namespace

void test_core_calls(const Env& env) {
  const Word cores = online_cores(env);
  const Word last = cores - 1;

  check::section("cpu_info");
  cpu_info_errors(env);
  CHECK(cores >= 1);
  // The root runs on core 0 (every task starts there): it is online, schedules and runs a task now.
  const SyscallResult zero = CHECK_OK(sys::cpu_info(env.root.memory, 0));
  CHECK_EQ(zero.r1 & (abi::kCpuOnline | abi::kCpuScheduling | abi::kCpuRunning),
           abi::kCpuOnline | abi::kCpuScheduling | abi::kCpuRunning);
  CHECK(zero.r3 >= 1);
  const SyscallResult zero_later = CHECK_OK(sys::cpu_info(env.root.memory, 0));
  CHECK(zero_later.r2 >= zero.r2); // busy time only grows

  check::section("task_core");
  const Word self = env.root.self;
  SyscallResult where = CHECK_OK(sys::task_core(self));
  CHECK_EQ(where.r1, 0);
  CHECK_EQ(where.r2, 0);

  check::section("task_set_core");
  const Word progress = new_notification(env);
  const Word ended_copy = mint(env.ended, abi::kRightSignal, kCoreBadge);
  const Word child = CHECK_OK(new_child(env, kChildPriority, ended_copy)).r1;
  set_core_errors(env, child);
  check::section("task_core");
  task_core_errors(env, child);
  CHECK_EQ(CHECK_OK(sys::task_core(child)).r2, 0); // a new task is for core 0

  // A child for the last online core runs there.
  check::section("task_set_core");
  CHECK_OK(sys::task_set_core(child, last));
  CHECK_EQ(CHECK_OK(sys::task_core(child)).r2, last);
  CHECK_OK(sys::cap_insert_into(child, kChildNotification, progress, abi::kRightSignal, 0));
  CHECK_OK(sys::task_start(child, kBurn | (env.root.image << kImageShift)));
  CHECK_EQ(sys::wait(progress).status, abi::kSuccess);
  where = CHECK_OK(sys::task_core(child));
  CHECK_EQ(where.r1, last);
  if (cores > 1) {
    // Core `last` loaded the child (whether it still burns there when this asks depends on the host's
    // timing under an emulator, so only what has happened is checked).
    const SyscallResult there = CHECK_OK(sys::cpu_info(env.root.memory, last));
    CHECK((there.r1 & abi::kCpuScheduling) != 0);
    CHECK(there.r3 >= 1);
  }
  CHECK_EQ(sys::wait(progress).status, abi::kSuccess);
  (void)task::wait_for(env.ended, kCoreBadge);
  CHECK_ERR(sys::task_set_core(child, 0), InvalidState); // it ended

  // The root itself moves: the call returns on the new core.
  CHECK_OK(sys::task_set_core(self, last));
  where = CHECK_OK(sys::task_core(self));
  CHECK_EQ(where.r1, last);
  CHECK_EQ(where.r2, last);
  CHECK_OK(sys::task_set_core(self, abi::kAnyCore));
  CHECK_EQ(CHECK_OK(sys::task_core(self)).r2, abi::kAnyCore);
  CHECK_OK(sys::task_set_core(self, 0));
  where = CHECK_OK(sys::task_core(self));
  CHECK_EQ(where.r1, 0);
  if (cores > 1) CHECK(where.r3 >= 2); // there and back

  const Word made[] = {child, ended_copy, progress};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
}

} // namespace syscall_errors
