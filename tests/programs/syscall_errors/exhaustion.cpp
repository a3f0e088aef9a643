// TableFull (the root fills its own table) and QuotaExceeded (a child with a big table allocates the
// whole quota, in chunks no larger than the kernel's allocation limit, then asks for more).
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

constexpr Word kTableName = Word{0xCD} << 56;
constexpr Word kLargestChunk = Word{4} << 20; // the kernel's allocation limit today; halved on refusal

// exhaust()'s exit code: one bit per outcome.
enum Outcome : Word {
  kAllocateQuotaExceeded = 1u << 0,
  kNotificationQuotaExceeded = 1u << 1,
  kNotificationOutOfMemory = 1u << 2,
  kTaskQuotaExceeded = 1u << 3,
  kAllocateOutOfMemorySeen = 1u << 4,
  kUnexpected = 1u << 5,
};

constexpr Word error_value(abi::Error e) { return static_cast<Word>(e); }

} // namespace

int exhaust(Word image) {
  Word outcome = 0;
  // Frames first, in the largest chunks the kernel takes, down to single pages.
  for (Word size = kLargestChunk; size >= abi::kPageSize;) {
    const SyscallResult frame = sys::memory_allocate(kChildMemory, size);
    if (frame.ok()) continue;
    if (frame.status == error_value(abi::Error::OutOfMemory))
      outcome |= kAllocateOutOfMemorySeen;
    else if (frame.status != error_value(abi::Error::QuotaExceeded) &&
             frame.status != error_value(abi::Error::InvalidSize)) {
      outcome |= kUnexpected;
      break;
    }
    size /= 2;
  }
  if (sys::memory_allocate(kChildMemory, abi::kPageSize).status == error_value(abi::Error::QuotaExceeded)) {
    outcome |= kAllocateQuotaExceeded;
  }
  // Then notifications, which cost less than a page, until the rest is gone too.
  for (;;) {
    const SyscallResult n = sys::notification_create(kChildMemory);
    if (n.ok()) continue;
    if (n.status == error_value(abi::Error::QuotaExceeded))
      outcome |= kNotificationQuotaExceeded;
    else if (n.status == error_value(abi::Error::OutOfMemory))
      outcome |= kNotificationOutOfMemory;
    else
      outcome |= kUnexpected;
    break;
  }
  if (sys::task_create(kChildTaskCreate, kChildMemory, image, kChildSlots, 0, 0).status ==
      error_value(abi::Error::QuotaExceeded)) {
    outcome |= kTaskQuotaExceeded;
  }
  return static_cast<int>(outcome); // everything it made is freed when it ends
}

void test_quota_exceeded(const Env& env) {
  const Word ended_copy = mint(env.ended, abi::kRightSignal, 0x4);
  const SyscallResult made = task::create(env.root, kExhaustSlots, kChildPriority, ended_copy);
  check::section("memory_allocate");
  if (!CHECK_OK(made).ok()) return;
  const Word child = made.r1;
  CHECK_OK(sys::cap_insert_into(child, kChildTaskCreate, env.root.task_create, abi::kRightControl, 0));
  CHECK_OK(sys::cap_insert_into(child, kChildMemory, env.root.memory, abi::kRightControl, 0));
  CHECK_OK(sys::task_start(child, kExhaust | (env.root.image << kImageShift)));
  CHECK_EQ(task::wait_for(env.ended, 0x4), abi::kTaskEndedExit | 0x4);
  const SyscallResult status = CHECK_OK(sys::task_status(child));
  CHECK_EQ(status.r1, static_cast<Word>(abi::TaskState::Exited));
  const Word outcome = status.r2;
  bramble::user::print("syscall_errors: quota exhaustion outcome 0x%llx%s\n", static_cast<unsigned long long>(outcome),
                       (outcome & kAllocateOutOfMemorySeen) != 0 ? " (memory_allocate OutOfMemory seen on the way)"
                                                                 : "");
  CHECK_EQ(outcome & kUnexpected, 0);
  CHECK_EQ(outcome & kAllocateQuotaExceeded, kAllocateQuotaExceeded);
  check::section("notification_create");
  CHECK((outcome & (kNotificationQuotaExceeded | kNotificationOutOfMemory)) != 0);
  check::section("task_create");
  CHECK_EQ(outcome & kTaskQuotaExceeded, kTaskQuotaExceeded);
  CHECK_OK(sys::cap_delete(child));
  CHECK_OK(sys::cap_delete(ended_copy));
}

void test_table_full(const Env& env) {
  const Word frame = new_frame(env, abi::kPageSize);
  const Word n = new_notification(env);
  check::section("shmem_query");
  CHECK_OK(sys::shmem_register(env.root.registry, kTableName, frame, n));

  // Fill every empty slot with a copy of the memory capability (copies cost no quota).
  Word filled[256] = {};
  Word count = 0;
  for (Word slot = task::free_slot(); slot != 0 && count < 256; slot = task::free_slot(slot)) {
    if (!sys::cap_copy(env.root.memory, slot).ok()) break;
    filled[count++] = slot;
  }
  CHECK(count > 0 && task::free_slot() == 0);

  // One slot free: too few for a query's two capabilities.
  CHECK_OK(sys::cap_delete(filled[--count]));
  CHECK_ERR(sys::shmem_query(env.root.registry, kTableName), TableFull);
  CHECK_OK(sys::cap_copy(env.root.memory, filled[count++]));
  CHECK_ERR(sys::shmem_query(env.root.registry, kTableName), TableFull);
  check::section("memory_allocate");
  CHECK_ERR(sys::memory_allocate(env.root.memory, abi::kPageSize), TableFull);
  check::section("notification_create");
  CHECK_ERR(sys::notification_create(env.root.memory), TableFull);
  check::section("task_create");
  CHECK_ERR(task::create(env.root, kChildSlots, 1, 0), TableFull);
  check::section("memory_split");
  const Word used_before = quota_used(env);
  CHECK_ERR(sys::memory_split(env.root.memory, abi::kPageSize), TableFull);
  CHECK_EQ(quota_used(env), used_before); // refused before the parent was charged

  bool all_deleted = true;
  for (Word i = 0; i < count; ++i)
    all_deleted = sys::cap_delete(filled[i]).ok() && all_deleted;
  CHECK(all_deleted);
  check::section("shmem_query");
  CHECK_OK(sys::cap_revoke(frame)); // withdraws the entry
  CHECK_OK(sys::cap_delete(frame));
  CHECK_OK(sys::cap_delete(n));
}

} // namespace syscall_errors
