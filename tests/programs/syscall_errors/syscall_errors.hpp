// syscall_errors: every system call's success path and every error in abi::syscall_errors() that a
// user program can provoke, with the checks counted per call (check::section(<call name>)) so the
// run prints `syscall <name>: N checks` for each. One file per group of calls; main.cpp runs them and
// holds the children some cases need.
#pragma once

#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/task.hpp"

namespace syscall_errors {

using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;
namespace check = bramble::user::check;

inline constexpr const char* kProgram = "syscall_errors";

// Addresses the tests map at (task::kTestMapBase and up, one 2 MiB window per use).
inline constexpr Word kMapA = task::kTestMapBase;
inline constexpr Word kMapB = task::kTestMapBase + 0x20'0000;
inline constexpr Word kMapC = task::kTestMapBase + 0x40'0000;
inline constexpr Word kNeverMapped = 0x3000'0000;
inline constexpr Word kKernelAddress = 0xFFFF'FF80'0000'0000; // the kernel's half (TTBR1)
inline constexpr Word kAboveUserWindow = 0x8000'0000'0000;    // 2^47: beyond the 39-bit user half
inline constexpr Word kRw = abi::kMapRead | abi::kMapWrite;

// Child roles (task_start's argument: role | image << kImageShift).
enum Role : Word {
  kWaitForDestroy = 1,
  kCreateHigher = 2,
  kExitFive = 3,
  kIdle = 4,
  kExhaust = 5,
  kBurn = 6,
  kManyTasks = 7,
  kTimedWaitForDestroy = 8,
  kPublish = 9
};
// kManyTasks: more tasks than an 8-bit ASID space holds (255) and than the fixed task pool the kernel
// once had (64); it exits with how many it made.
inline constexpr Word kManyTaskCount = 300;
inline constexpr unsigned kImageShift = 16;
inline constexpr Word kRoleMask = (Word{1} << kImageShift) - 1;
inline constexpr std::int64_t kExitFiveCode = 5;
inline constexpr Word kChildSlots = 4;
inline constexpr Word kChildPriority = 10;
// kCreateHigher's table.
inline constexpr Word kChildTaskCreate = 1;
inline constexpr Word kChildMemory = 2;
// kExhaust's table (the same two, in a table big enough to hold every frame of the quota).
inline constexpr Word kExhaustSlots = 1024;
// kWaitForDestroy's, kTimedWaitForDestroy's and kBurn's table.
inline constexpr Word kChildNotification = 1;
// kPublish's table: memory from a split of the root's, the registry, a notification to report on.
inline constexpr Word kPublishSlots = 12;
inline constexpr Word kPublishMemory = 1;
inline constexpr Word kPublishRegistry = 2;
inline constexpr Word kPublishReady = 3;

struct Env {
  task::Root root;
  Word empty;  // a slot that stays empty (the table's last)
  Word beyond; // the table's size: out of range
  Word ended;  // notification: the kernel reports children's ends here
};

// cap_mint into the lowest free slot; returns the slot (0 when the mint failed, which is a FAIL).
[[nodiscard]] inline Word mint(Word source, Word rights, Word badge) {
  const Word slot = task::free_slot();
  if (!CHECK_OK(sys::cap_mint(source, slot, rights, badge)).ok()) return 0;
  return slot;
}

// A new notification / frame in the lowest free slot (0 on failure, which is a FAIL).
[[nodiscard]] inline Word new_notification(const Env& env) {
  return CHECK_OK(sys::notification_create(env.root.memory)).r1;
}
[[nodiscard]] inline Word new_frame(const Env& env, Word size) {
  return CHECK_OK(sys::memory_allocate(env.root.memory, size)).r1;
}

// The quota's bytes in use (cap_info fact1 with Audit).
[[nodiscard]] inline Word quota_used(const Env& env) { return sys::cap_info(env.root.memory).r3; }

// A child of this program, not started: r1 = its slot.
[[nodiscard]] inline SyscallResult new_child(const Env& env, Word priority, Word fault_notification) {
  return task::create(env.root, kChildSlots, priority, fault_notification);
}

void test_debug_write(const Env& env);
void test_yield(const Env& env);
void test_memory_allocate(const Env& env);
void test_memory_map(const Env& env);
void test_memory_map_into(const Env& env);
void test_memory_unmap(const Env& env);
void test_notification_create(const Env& env);
void test_signal_wait_poll(const Env& env);
void test_cap_copy_mint_move(const Env& env);
void test_cap_delete_revoke_info(const Env& env);
void test_cap_insert_into(const Env& env);
void test_shmem(const Env& env);
void test_device_calls(const Env& env);
void test_task_calls(const Env& env);
void test_table_full(const Env& env);
void test_quota_exceeded(const Env& env);
void test_task_info(const Env& env);
void test_memory_info(const Env& env);
void test_core_calls(const Env& env);
void test_memory_split(const Env& env);

int child_main(Word argument);
// kExhaust: uses up the quota, then reports which QuotaExceeded cases it saw (exhaustion.cpp).
int exhaust(Word image);
// kBurn: burns CPU in two stretches, signalling kChildNotification after each (kernel_queries.cpp).
int burn();
// kPublish: registers a frame it wrote, signals kPublishReady, waits to be killed (registry.cpp).
int publish();

} // namespace syscall_errors
