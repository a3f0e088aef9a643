// The root side of the classes that need more than "start the attacker, check, let it finish":
// ended tasks (victims that exit and fault before the attacker gets their capabilities), the
// revocation of a granted quota, and the one boundary only a dying task can try (x8 = 2^64-1).
#include "tests/programs/security/root.hpp"

namespace sec {
namespace {

// What the root itself may and may not do with an ended task's capability.
void root_on_ended(World& w, Word victim, abi::TaskState state, const char* which) {
  print("security: the root probes the %s victim\n", which);
  const SyscallResult s = ALLOWED("root: task_status on an ended task", sys::task_status(victim));
  CHECK_EQ(s.r1, static_cast<Word>(state));
  const SyscallResult i = ALLOWED("root: task_info on an ended task", sys::task_info(victim));
  CHECK_EQ(i.r1, static_cast<Word>(state));
  const SyscallResult c = ALLOWED("root: cap_info on an ended task", sys::cap_info(victim));
  CHECK(sys::info_type(c) == abi::CapType::Task);
  REFUSED("root: cap_insert_into an ended task", sys::cap_insert_into(victim, 1, w.events, abi::kRightSignal, 0),
          InvalidState);
  const SyscallResult f = sys::memory_allocate(w.root.memory, kPage);
  if (CHECK(f.ok())) {
    REFUSED("root: memory_map_into an ended task",
            sys::memory_map_into(victim, f.r1, task::kTestMapBase, abi::kMapRead), InvalidState);
    CHECK_OK(sys::cap_delete(f.r1));
  }
  REFUSED("root: task_start on an ended task", sys::task_start(victim, 0), InvalidState);
}

} // namespace

// Two victims end (one exits, one is killed for a bad call); the root and then an attacker holding
// Control on both try every call that reaches an ended task's table or address space.
void run_ended_task(World& w) {
  Child exited_child = ended_victim(w, kExitNow, kVictimEndBit);
  Child faulted_child = ended_victim(w, kBadCall, kVictim2EndBit);
  const Word exited = exited_child.task, faulted = faulted_child.task;
  if (!CHECK(exited != 0 && faulted != 0)) return release(exited_child), release(faulted_child);
  CHECK_EQ(sys::task_status(exited).r2, static_cast<Word>(kExitNowCode));
  root_on_ended(w, exited, abi::TaskState::Exited, "exited");
  root_on_ended(w, faulted, abi::TaskState::Faulted, "faulted");

  Child c = spawn(w, 64, kBudget, kAttackerEndBit, kAttackerPrefix);
  const abi::Rights all = abi::kRightControl | abi::kRightGrant | abi::kRightAudit;
  const bool given = c.task != 0 && CHECK_OK(sys::cap_insert_into(c.task, kSlotTarget, exited, all, 0)).ok() &&
                     CHECK_OK(sys::cap_insert_into(c.task, kSlotTarget2, faulted, all, 0)).ok();
  if (given && start(w, c, kAttacker, kEndedTask) && await_hold(w)) {
    root_on_ended(w, exited, abi::TaskState::Exited, "exited");
    root_keeps_working(w, "after the attacker's calls on ended tasks");
  }
  finish(w, c, kAttackerEndBit, true);
  release(exited_child);
  release(faulted_child);
}

// The root grants the attacker a quota that covers a task of its own, lets it split, allocate, map
// and start a task through the grant, then revokes the grant: everything made through it must be
// gone, the task killed, and the root's quota and the free frames as before the grant.
void run_revoke_grant(World& w) {
  const Word grandchild_cost = task_cost(w, kGrandchildSlots);
  Child c = spawn(w, 64, kBudget, kAttackerEndBit, kAttackerPrefix);
  if (!start(w, c, kAttacker, kRevokeGrant) || !await_hold(w)) return finish(w, c, kAttackerEndBit, true);

  const Word used_before = used_of(w.root.memory);
  const Word free_before = free_frames(w.root.memory);
  const SyscallResult grant =
      ALLOWED("root: memory_split for the grant", sys::memory_split(w.root.memory, kBudget + grandchild_cost));
  if (!grant.ok()) return finish(w, c, kAttackerEndBit, true);
  CHECK_OK(
      sys::cap_insert_into(c.task, kSlotTarget, grant.r1, abi::kRightControl | abi::kRightGrant | abi::kRightAudit, 0));
  (void)sys::signal(w.go);
  if (!await_hold(w)) {
    CHECK_OK(sys::cap_delete(grant.r1));
    return finish(w, c, kAttackerEndBit, true);
  }
  VERDICT("root: the attacker spent part of the grant", used_of(w.root.memory) > used_before);

  CHECK_OK(sys::cap_revoke(grant.r1));
  CHECK_OK(sys::cap_delete(grant.r1));
  // The grandchild was made through a sub-quota of the grant: revoking the grant killed it, and the
  // kernel reported that through its fault notification (the attacker's badged copy of ours).
  bool grandchild_ended = (w.seen & kGrandchildBit) != 0;
  for (int i = 0; i < 200 && !grandchild_ended; ++i) {
    (void)sys::yield();
    w.seen |= sys::poll(w.events).r1;
    grandchild_ended = (w.seen & kGrandchildBit) != 0;
  }
  w.seen &= ~kGrandchildBit;
  VERDICT("revoke of the grant killed the task made through it", grandchild_ended);
  const Word used_after = used_of(w.root.memory);
  const Word free_after = free_frames(w.root.memory);
  print("security: after the revoke: quota used %llu (before the grant %llu), free frames %llu (before %llu)\n",
        static_cast<unsigned long long>(used_after), static_cast<unsigned long long>(used_before),
        static_cast<unsigned long long>(free_after), static_cast<unsigned long long>(free_before));
  VERDICT("revoke of the grant: the root's quota use is back", used_after == used_before);
  VERDICT("revoke of the grant: the machine's free frames are back", free_after == free_before);
  root_keeps_working(w, "after revoking the grant");
  finish(w, c, kAttackerEndBit, true);
}

// Boundaries: the attacker tries sizes, addresses, counts and slots at their limits; the root adds
// a task that calls x8 = 2^64-1 (only the kernel's kill can answer that).
void run_boundaries(World& w) {
  Child victim = ended_victim(w, kBadCallMax, kVictimEndBit);
  if (victim.task != 0) {
    const SyscallResult s = CHECK_OK(sys::task_status(victim.task));
    VERDICT("a call with x8 = 2^64-1 kills only its caller (Faulted, BadSyscall, detail = the number)",
            s.r1 == static_cast<Word>(abi::TaskState::Faulted) &&
                s.r2 == static_cast<Word>(abi::FaultReason::BadSyscall) && s.r3 == kMax);
  }
  release(victim);
  run_simple(w, kBoundaries, 64, kBudget);
}

} // namespace sec
