// The security suite: one attack class per QEMU test (`-append "attack=<class>"`). The root program
// `security` builds a small world (an attacker child with a budget of 64 KiB beyond its own task,
// sometimes victims and an honest child), lets the attacker do its worst, and checks that the root
// and an honest component keep working. The attacker, honest and victim roles live in the separate
// program `security_child`. Every attack prints one `attack: <what> -> <result>` line and counts as
// a check that passes only when the kernel refused with the documented error (or, for what must
// work, succeeded), so the suite fails on a kernel with the hole and passes on one without it.
#pragma once

#include <cstdint>

#include "lib/align.hpp"
#include "user/lib/check.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace sec {

using bramble::user::print;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;
namespace check = bramble::user::check;
using abi::Error;

inline constexpr const char* kRootProgram = "security";
inline constexpr const char* kChildProgram = "security_child";

inline constexpr Word kPage = abi::kPageSize;
inline constexpr Word kMax = ~Word{0};
inline constexpr Word kTwoMiB = Word{2} << 20;
// What an attacker may spend beyond the price of its own task.
inline constexpr Word kBudget = 64 * 1024;

// Attack classes, in the order the command line names them (kAttackNames).
enum Attack : Word {
  kEndedTask = 1,
  kPtChurn,
  kPtHoard,
  kSplitChain,
  kRegistryFlood,
  kRevokeGrant,
  kPoolTasks,
  kPoolFrames,
  kPoolNotifications,
  kPoolMappings,
  kStale,
  kBoundaries,
  kRights,
  kAttackCount
};
inline constexpr const char* kAttackNames[kAttackCount] = {
    "",           "ended-task",  "pt-churn",           "pt-hoard",      "split-chain", "registry-flood", "revoke-grant",
    "pool-tasks", "pool-frames", "pool-notifications", "pool-mappings", "stale",       "boundaries",     "rights"};

// Child roles. task_start's argument: role | attack << 8 | image << 16.
enum Role : Word { kAttacker = 1, kHonest = 2, kExitNow = 3, kBadCall = 4, kSpin = 5, kBadCallMax = 6 };
inline constexpr std::int64_t kExitNowCode = 42;
[[nodiscard]] constexpr Word argument(Role role, Word attack, Word image) { return role | attack << 8 | image << 16; }
[[nodiscard]] constexpr Word role_of(Word arg) { return arg & 0xff; }
[[nodiscard]] constexpr Word attack_of(Word arg) { return (arg >> 8) & 0xff; }
[[nodiscard]] constexpr Word image_of(Word arg) { return arg >> 16; }

// A child's table, as the root fills it before task_start.
inline constexpr Word kSlotMemory = 1;     // its quota: Control, Grant, Audit
inline constexpr Word kSlotTaskCreate = 2; // Control
inline constexpr Word kSlotRegistry = 3;   // Read, Write, Grant; badged to the child's own names
inline constexpr Word kSlotGo = 4;         // Wait: the root says "go on"
inline constexpr Word kSlotDone = 5;       // Signal, badged: "attack made, I hold everything"
inline constexpr Word kSlotEnded = 6;      // Signal, badged kGrandchildBit: fault notification for its tasks
inline constexpr Word kSlotSelf = 7;       // its own task: Control, Audit
inline constexpr Word kSlotTarget = 8;     // ended-task: an Exited victim; revoke-grant: the granted quota
inline constexpr Word kSlotTarget2 = 9;    // ended-task: a Faulted victim
inline constexpr Word kFirstFree = 10;

inline constexpr Word kChildPriority = 10;
inline constexpr Word kGrandchildPriority = 1;
inline constexpr Word kGrandchildSlots = 16;

// Bits in the root's event notification: a child's end (fault notification badge) and its hold.
inline constexpr Word kAttackerEndBit = 1u << 0;
inline constexpr Word kHonestEndBit = 1u << 1;
inline constexpr Word kVictimEndBit = 1u << 2;
inline constexpr Word kVictim2EndBit = 1u << 3;
inline constexpr Word kGrandchildBit = 1u << 4;
inline constexpr Word kAttackerHoldBit = 1u << 8;

// Registry names: each party has its own top byte.
inline constexpr Word kAttackerPrefix = Word{0xA1} << 56;
inline constexpr Word kHonestPrefix = Word{0xB2} << 56;
inline constexpr Word kRootPrefix = Word{0xC3} << 56;

// Where children map things: the attacker's arena, and far up for fresh 2 MiB regions.
inline constexpr Word kArena = 0x2000'0000;
inline constexpr Word kFreshBase = Word{1} << 32;
inline constexpr Word kFreshTop = abi::kUserStackTop - (Word{1} << 30); // a GiB below the stack's table

[[nodiscard]] constexpr Word page_round(Word bytes) { return bramble::align_up(bytes, kPage); }
[[nodiscard]] constexpr Word status(Error e) { return static_cast<Word>(e); }

// `what` was refused with `want`: one attack line, one check.
inline SyscallResult refused(const char* what, const SyscallResult& r, Error want, const char* file, int line) {
  const bool good = check::count(r.status == status(want));
  print("attack: %s -> %s%s\n", what, check::status_name(r.status), good ? "" : " (not the documented refusal)");
  if (!good) print("FAIL %s:%d: %s: want %s\n", check::short_file(file), line, what, check::status_name(status(want)));
  return r;
}
// `what` must work (the honest side of an attack).
inline SyscallResult allowed(const char* what, const SyscallResult& r, const char* file, int line) {
  const bool good = check::count(r.ok());
  if (!good) print("FAIL %s:%d: %s -> %s\n", check::short_file(file), line, what, check::status_name(r.status));
  return r;
}
// An attack judged by a condition (a count, a figure that must come back).
inline bool verdict(const char* what, bool good, const char* file, int line) {
  check::count(good);
  print("attack: %s -> %s\n", what, good ? "held" : "BROKEN");
  if (!good) print("FAIL %s:%d: %s\n", check::short_file(file), line, what);
  return good;
}

// Quota figures through cap_info (Audit): limit and bytes in use.
[[nodiscard]] inline Word limit_of(Word memory) { return sys::cap_info(memory).r2; }
[[nodiscard]] inline Word used_of(Word memory) { return sys::cap_info(memory).r3; }
[[nodiscard]] inline Word left_of(Word memory) {
  const SyscallResult info = sys::cap_info(memory);
  return info.r2 > info.r3 ? info.r2 - info.r3 : 0;
}
// Machine-wide free frames (memory_info through a Memory capability with Audit).
[[nodiscard]] inline Word free_frames(Word memory) { return sys::memory_info(memory).r2; }

// Child side (security_child).
int attacker_main(Word attack, Word image);
void attack_ended_task();
void attack_pt_churn();
void attack_pt_hoard();
void attack_split_chain();
void attack_registry_flood();
void attack_revoke_grant(Word image);
void attack_pool_tasks(Word image);
void attack_pool_frames();
void attack_pool_notifications();
void attack_pool_mappings();
void attack_stale();
void attack_boundaries(Word image);
void attack_rights();
// Tells the root the attack is made and waits until it has checked the world; false when the root
// could not be told (the attacker then ends, and the root sees it ended early).
bool hold();

} // namespace sec

#define REFUSED(what, call, name) ::sec::refused(what, (call), ::bramble::abi::Error::name, __FILE__, __LINE__)
#define ALLOWED(what, call) ::sec::allowed(what, (call), __FILE__, __LINE__)
#define VERDICT(what, cond) ::sec::verdict(what, static_cast<bool>(cond), __FILE__, __LINE__)
