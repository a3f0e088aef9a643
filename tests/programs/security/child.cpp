// security_child: the attacker, the honest component and the victims of the security suite. The
// root (security) fills the table (security.hpp) and passes role | attack << 8 | image << 16.
#include "tests/programs/security/security.hpp"

namespace sec {

bool hold() {
  if (!sys::signal(kSlotDone).ok()) return false;
  return sys::wait(kSlotGo).ok();
}

int attacker_main(Word attack, Word image) {
  const SyscallResult q = sys::cap_info(kSlotMemory);
  print("attacker: class '%s', quota limit %llu, used %llu (%llu bytes to spend)\n",
        attack < kAttackCount ? kAttackNames[attack] : "?", static_cast<unsigned long long>(q.r2),
        static_cast<unsigned long long>(q.r3), static_cast<unsigned long long>(q.r2 - q.r3));
  // The root sized the quota as this task's price plus the budget: at least the budget is left.
  CHECK(q.r2 - q.r3 >= kBudget);
  switch (attack) {
  case kEndedTask: attack_ended_task(); break;
  case kPtChurn: attack_pt_churn(); break;
  case kPtHoard: attack_pt_hoard(); break;
  case kSplitChain: attack_split_chain(); break;
  case kRegistryFlood: attack_registry_flood(); break;
  case kRevokeGrant: attack_revoke_grant(image); break;
  case kPoolTasks: attack_pool_tasks(image); break;
  case kPoolFrames: attack_pool_frames(); break;
  case kPoolNotifications: attack_pool_notifications(); break;
  case kPoolMappings: attack_pool_mappings(); break;
  case kStale: attack_stale(); break;
  case kBoundaries: attack_boundaries(image); break;
  case kRights: attack_rights(); break;
  default:
    CHECK(false);
    (void)hold();
    break;
  }
  return check::summary("attacker");
}

} // namespace sec

namespace {

using namespace sec;

// An ordinary component with a 64 KiB quota: allocate, map, notify, split and register a name.
int honest() {
  const Word at = task::kTestMapBase;
  const SyscallResult f = CHECK_OK(sys::memory_allocate(kSlotMemory, kPage));
  if (CHECK_OK(sys::memory_map(f.r1, at, abi::kMapRead | abi::kMapWrite)).ok()) {
    *task::at<volatile Word>(at) = 0x4E57;
    CHECK_EQ(*task::at<volatile Word>(at), 0x4E57);
    CHECK_OK(sys::memory_unmap(at));
  }
  const SyscallResult n = CHECK_OK(sys::notification_create(kSlotMemory));
  CHECK_OK(sys::signal(n.r1));
  CHECK_EQ(sys::poll(n.r1).r1, abi::kUnbadgedSignalBits);
  // A one-page frame needs its page and the object page its record lives in (abi::record_charge).
  const SyscallResult s = CHECK_OK(sys::memory_split(kSlotMemory, kPage + abi::record_charge(1)));
  if (s.ok()) {
    const SyscallResult g = CHECK_OK(sys::memory_allocate(s.r1, kPage));
    (void)sys::cap_delete(g.r1);
    (void)sys::cap_delete(s.r1);
  }
  const Word name = kHonestPrefix | 7;
  if (CHECK_OK(sys::shmem_register(kSlotRegistry, name, f.r1, n.r1)).ok()) {
    const SyscallResult q = CHECK_OK(sys::shmem_query(kSlotRegistry, name));
    (void)sys::cap_delete(q.r1);
    (void)sys::cap_delete(q.r2);
  }
  (void)sys::cap_delete(f.r1);
  (void)sys::cap_delete(n.r1);
  return check::summary("honest");
}

} // namespace

int main(const void* startup) {
  const Word arg = reinterpret_cast<Word>(startup);
  switch (role_of(arg)) {
  case kAttacker: return attacker_main(attack_of(arg), image_of(arg));
  case kHonest: return honest();
  case kExitNow: sys::task_exit(kExitNowCode);
  case kBadCall: (void)sys::raw_call(99); return 1;      // killed: no call has that number
  case kBadCallMax: (void)sys::raw_call(kMax); return 1; // killed: x8 = 2^64-1
  case kSpin:
    for (;;)
      (void)sys::yield(); // until revoked or its last capability goes
  default: return 1;
  }
}
