// syscall_errors: the root runs every group of checks, then prints the per-call table and the
// summary. Children (started from this image) play the parts that need a second task.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {

int child_main(Word argument) {
  const Word image = argument >> kImageShift;
  switch (argument & kRoleMask) {
  case kWaitForDestroy: {
    // Exits with the wait's status: ObjectDestroyed (24) when the root destroys the notification.
    const SyscallResult woken = sys::wait(kChildNotification);
    return static_cast<int>(woken.status);
  }
  case kTimedWaitForDestroy: {
    // As kWaitForDestroy, in a timed wait whose deadline (a minute away) is not what ends it.
    const SyscallResult woken = sys::wait_timeout(kChildNotification, 60 * bramble::user::counter_frequency());
    return static_cast<int>(woken.status);
  }
  case kCreateHigher: {
    // At priority kChildPriority: one above its own is refused, its own is allowed.
    const SyscallResult higher =
        sys::task_create(kChildTaskCreate, kChildMemory, image, kChildSlots, kChildPriority + 1, 0);
    const SyscallResult same = sys::task_create(kChildTaskCreate, kChildMemory, image, kChildSlots, kChildPriority, 0);
    if (same.ok()) (void)sys::cap_delete(same.r1);
    const bool good = higher.status == static_cast<Word>(abi::Error::InvalidPriority) && same.ok();
    return good ? 0 : static_cast<int>(higher.status * 100 + same.status);
  }
  case kExitFive: sys::task_exit(kExitFiveCode);
  case kIdle: return 0;
  case kExhaust: return exhaust(image);
  case kBurn: return burn();
  case kPublish: return publish();
  case kManyTasks: {
    // Tasks that are never started; they go when this task ends (they hang below its memory capability).
    Word made = 0;
    for (; made < kManyTaskCount; ++made) {
      if (!sys::task_create(kChildTaskCreate, kChildMemory, image, abi::kMinTaskSlots, 1, 0).ok()) break;
    }
    return static_cast<int>(made);
  }
  default: return -1;
  }
}

} // namespace syscall_errors

namespace {

using namespace syscall_errors;

int root_main(const void* startup) {
  Env env{};
  if (!CHECK(task::read_root(startup, kProgram, env.root)) || !CHECK(env.root.image != task::kNoImage)) {
    return check::summary(kProgram);
  }
  env.beyond = env.root.boot->slot_count;
  env.empty = env.beyond - 1;
  CHECK_ERR(sys::cap_info(env.empty), EmptySlot);
  env.ended = CHECK_OK(sys::notification_create(env.root.memory)).r1;
  const Word used_at_start = quota_used(env);

  test_debug_write(env);
  test_yield(env);
  test_memory_allocate(env);
  test_memory_map(env);
  test_memory_map_into(env);
  test_memory_unmap(env);
  test_notification_create(env);
  test_signal_wait_poll(env);
  test_cap_copy_mint_move(env);
  test_cap_delete_revoke_info(env);
  test_cap_insert_into(env);
  test_shmem(env);
  test_task_calls(env);
  test_device_calls(env);
  test_table_full(env);
  test_quota_exceeded(env);
  test_task_info(env);
  test_memory_info(env);
  test_memory_split(env);
  test_core_calls(env);

  // Everything the groups made was deleted again: the quota is back where it started.
  check::section("memory_allocate");
  CHECK_EQ(quota_used(env), used_at_start);
  CHECK_OK(sys::cap_delete(env.ended));

  check::print_sections("syscall ");
  bool all_covered = true;
  for (const abi::SyscallInfo& info : abi::kSyscalls) {
    bool found = false;
    for (unsigned i = 0; i < check::tally.section_count; ++i) {
      found = found || task::same_string(check::tally.sections[i].name, info.name);
    }
    if (!found) bramble::user::print("syscall %s: no checks\n", info.name);
    all_covered = all_covered && found;
  }
  check::section("(coverage)");
  CHECK(all_covered);
  return check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
