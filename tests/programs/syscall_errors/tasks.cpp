// task_create, task_start, task_exit, task_status.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

using abi::TaskState;

constexpr Word kBadge = 0x2;

[[nodiscard]] Word argument(const Env& env, Role role) { return role | (env.root.image << kImageShift); }

// Waits for the child with fault-notification badge kBadge to end; returns its task_status.
SyscallResult finish(const Env& env, Word child) {
  const Word bits = task::wait_for(env.ended, kBadge);
  CHECK_EQ(bits & ~(abi::kTaskEndedExit | abi::kTaskEndedFault), kBadge);
  return CHECK_OK(sys::task_status(child));
}

void create_errors(const Env& env, Word signal_only_wait) {
  const Word tc = env.root.task_create;
  const Word mem = env.root.memory;
  const Word image = env.root.image;
  CHECK_ERR(sys::task_create(0, mem, image, kChildSlots, 1, 0), InvalidSlot);
  CHECK_ERR(sys::task_create(env.beyond, mem, image, kChildSlots, 1, 0), InvalidSlot);
  CHECK_ERR(sys::task_create(env.empty, mem, image, kChildSlots, 1, 0), EmptySlot);
  CHECK_ERR(sys::task_create(mem, mem, image, kChildSlots, 1, 0), WrongType);
  const Word weak_tc = mint(tc, abi::kRightGrant, 0);
  CHECK_ERR(sys::task_create(weak_tc, mem, image, kChildSlots, 1, 0), InsufficientRights);
  CHECK_ERR(sys::task_create(tc, 0, image, kChildSlots, 1, 0), InvalidSlot);
  CHECK_ERR(sys::task_create(tc, env.empty, image, kChildSlots, 1, 0), EmptySlot);
  CHECK_ERR(sys::task_create(tc, tc, image, kChildSlots, 1, 0), WrongType);
  const Word weak_mem = mint(mem, abi::kRightAudit | abi::kRightGrant, 0);
  CHECK_ERR(sys::task_create(tc, weak_mem, image, kChildSlots, 1, 0), InsufficientRights);
  CHECK_ERR(sys::task_create(tc, mem, env.root.boot->image_count, kChildSlots, 1, 0), InvalidImage);
  CHECK_ERR(sys::task_create(tc, mem, 1000, kChildSlots, 1, 0), InvalidImage);
  CHECK_ERR(sys::task_create(tc, mem, image, 0, 1, 0), InvalidSize);
  CHECK_ERR(sys::task_create(tc, mem, image, 1, 1, 0), InvalidSize); // below kMinTaskSlots
  CHECK_ERR(sys::task_create(tc, mem, image, Word{1} << 40, 1, 0), InvalidSize);
  CHECK_ERR(sys::task_create(tc, mem, image, kChildSlots, abi::kMaxPriority + 1, 0), InvalidPriority);
  CHECK_ERR(sys::task_create(tc, mem, image, kChildSlots, 1, env.beyond), InvalidSlot);
  CHECK_ERR(sys::task_create(tc, mem, image, kChildSlots, 1, env.empty), EmptySlot);
  CHECK_ERR(sys::task_create(tc, mem, image, kChildSlots, 1, mem), WrongType);
  CHECK_ERR(sys::task_create(tc, mem, image, kChildSlots, 1, signal_only_wait), InsufficientRights);
  CHECK_OK(sys::cap_delete(weak_tc));
  CHECK_OK(sys::cap_delete(weak_mem));
}

// The only limit on tasks is memory: a child makes kManyTaskCount tasks (each with an address space
// and so an ASID of its own) from the smallest program image, and the quota comes back when it ends.
void many_tasks(const Env& env) {
  const abi::BootInfo& boot = *env.root.boot;
  Word smallest = env.root.image;
  for (Word i = 0; i < boot.image_count; ++i) {
    if (boot.images[i].size < boot.images[smallest].size) smallest = i;
  }
  const Word used = quota_used(env);
  const Word ended_copy = mint(env.ended, abi::kRightSignal, 0x8);
  const SyscallResult made = task::create(env.root, kExhaustSlots, kChildPriority, ended_copy);
  if (!CHECK_OK(made).ok()) return;
  const Word child = made.r1;
  CHECK_OK(sys::cap_insert_into(child, kChildTaskCreate, env.root.task_create, abi::kRightControl, 0));
  CHECK_OK(sys::cap_insert_into(child, kChildMemory, env.root.memory, abi::kRightControl, 0));
  CHECK_OK(sys::task_start(child, kManyTasks | (smallest << kImageShift)));
  CHECK_EQ(task::wait_for(env.ended, 0x8), abi::kTaskEndedExit | 0x8);
  const SyscallResult status = CHECK_OK(sys::task_status(child));
  bramble::user::print("syscall_errors: one child made %llu tasks\n", static_cast<unsigned long long>(status.r2));
  CHECK_EQ(status.r2, kManyTaskCount);
  CHECK_OK(sys::cap_delete(child));
  CHECK_OK(sys::cap_delete(ended_copy));
  CHECK_EQ(quota_used(env), used);
}

} // namespace

void test_task_calls(const Env& env) {
  const Word ended_copy = mint(env.ended, abi::kRightSignal, kBadge);
  const Word wait_only = mint(env.ended, abi::kRightWait, 0);

  check::section("task_create");
  const Word lowest = task::free_slot();
  const SyscallResult made = CHECK_OK(new_child(env, kChildPriority, ended_copy));
  const Word child = made.r1;
  CHECK_EQ(child, lowest);
  SyscallResult info = CHECK_OK(sys::cap_info(child));
  CHECK(sys::info_type(info) == abi::CapType::Task);
  CHECK_EQ(sys::info_rights(info), abi::valid_rights(abi::CapType::Task));
  CHECK_EQ(info.r2, kChildSlots);
  CHECK_EQ(info.r3, kChildPriority);
  CHECK_EQ(CHECK_OK(sys::task_status(child)).r1, static_cast<Word>(TaskState::Created));
  create_errors(env, wait_only);
  // InvalidPriority from a task below the maximum: a child at kChildPriority asks for one more.
  {
    const Word creator = CHECK_OK(new_child(env, kChildPriority, ended_copy)).r1;
    CHECK_OK(sys::cap_insert_into(creator, kChildTaskCreate, env.root.task_create, abi::kRightControl, 0));
    CHECK_OK(sys::cap_insert_into(creator, kChildMemory, env.root.memory, abi::kRightControl, 0));
    CHECK_OK(sys::task_start(creator, argument(env, kCreateHigher)));
    const SyscallResult status = finish(env, creator);
    CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
    CHECK_EQ(status.r2, 0); // InvalidPriority for its priority + 1, success for its own
    CHECK_OK(sys::cap_delete(creator));
  }

  many_tasks(env);

  check::section("task_start");
  const Word no_control = mint(child, abi::kRightGrant | abi::kRightAudit, 0);
  CHECK_ERR(sys::task_start(0, 0), InvalidSlot);
  CHECK_ERR(sys::task_start(env.beyond, 0), InvalidSlot);
  CHECK_ERR(sys::task_start(env.empty, 0), EmptySlot);
  CHECK_ERR(sys::task_start(env.root.memory, 0), WrongType);
  CHECK_ERR(sys::task_start(no_control, argument(env, kIdle)), InsufficientRights);
  CHECK_OK(sys::task_start(child, argument(env, kExitFive)));
  CHECK_ERR(sys::task_start(child, argument(env, kExitFive)), InvalidState); // started twice
  CHECK_ERR(sys::task_start(env.root.self, 0), InvalidState);                // running already

  check::section("task_exit");
  SyscallResult status = finish(env, child);
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
  CHECK_EQ(status.r2, static_cast<Word>(kExitFiveCode));
  check::section("task_start");
  CHECK_ERR(sys::task_start(child, 0), InvalidState); // ended

  check::section("task_status");
  status = CHECK_OK(sys::task_status(no_control)); // no right needed
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
  const Word no_rights = mint(child, 0, 0);
  CHECK_EQ(CHECK_OK(sys::task_status(no_rights)).r2, static_cast<Word>(kExitFiveCode));
  CHECK_EQ(CHECK_OK(sys::task_status(env.root.self)).r1, static_cast<Word>(TaskState::Running));
  CHECK_ERR(sys::task_status(0), InvalidSlot);
  CHECK_ERR(sys::task_status(env.beyond), InvalidSlot);
  CHECK_ERR(sys::task_status(env.empty), EmptySlot);
  CHECK_ERR(sys::task_status(env.ended), WrongType);

  const Word made_slots[] = {no_rights, no_control, child, wait_only, ended_copy};
  for (Word slot : made_slots)
    CHECK_OK(sys::cap_delete(slot));
}

} // namespace syscall_errors
