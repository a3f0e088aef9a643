// Attacks on what the kernel keeps for everyone: page tables (map/unmap churn at fresh 2 MiB
// addresses, and mappings hoarded without unmapping), quota records (a chain of splits), registry
// entries, and the task, frame, notification and mapping records. With every record charged to the
// quota that pays for the object, each attack must end in QuotaExceeded within the attacker's
// budget, and everything must come back when it lets go.
#include "tests/programs/security/security.hpp"

namespace sec {
namespace {

constexpr Word kMaxMade = 4096;
Word g_made[kMaxMade]; // slots the attack filled, to give back in phase two

void give_back(Word count) {
  bool all = true;
  for (Word i = 0; i < count; ++i)
    all = sys::cap_delete(g_made[i]).ok() && all;
  CHECK(all);
}

void print_count(const char* what, Word count, const SyscallResult& last) {
  print("attacker: %s: %llu made, then %s\n", what, static_cast<unsigned long long>(count),
        check::status_name(last.status));
}

} // namespace

// One frame mapped and unmapped at a fresh 2 MiB-aligned address, as many times as the machine has
// free frames (each round needs a new last-level table, and a new one above it every 1 GiB): a
// kernel that never frees page tables runs out of memory for everyone before the end.
void attack_pt_churn() {
  const SyscallResult f = ALLOWED("allocate the frame to churn", sys::memory_allocate(kSlotMemory, kPage));
  const Word used = used_of(kSlotMemory);
  const Word frames = free_frames(kSlotMemory);
  Word rounds = frames + 64;
  if (rounds > (kFreshTop - kFreshBase) / kTwoMiB) rounds = (kFreshTop - kFreshBase) / kTwoMiB;
  Word done = 0;
  SyscallResult last{};
  for (; done < rounds && f.ok(); ++done) {
    const Word at = kFreshBase + done * kTwoMiB;
    last = sys::memory_map(f.r1, at, abi::kMapRead);
    if (!last.ok()) break;
    last = sys::memory_unmap(at);
    if (!last.ok()) break;
  }
  print("attacker: %llu of %llu map+unmap rounds at fresh 2 MiB-aligned addresses (%llu frames were free), last %s\n",
        static_cast<unsigned long long>(done), static_cast<unsigned long long>(rounds),
        static_cast<unsigned long long>(frames), check::status_name(last.status));
  VERDICT("map+unmap one frame at more fresh 2 MiB addresses than the machine has free frames", done == rounds);
  VERDICT("after the churn the quota's use is as before (empty page tables freed and refunded)",
          used_of(kSlotMemory) == used);
  VERDICT("after the churn the machine's free frames are as before", free_frames(kSlotMemory) == frames);
  (void)hold();
  if (f.ok()) CHECK_OK(sys::cap_delete(f.r1));
}

// Mappings never unmapped, each at a fresh 2 MiB address (a page table apiece): they must be
// charged to the attacker's quota, so QuotaExceeded comes within its budget.
void attack_pt_hoard() {
  const Word used = used_of(kSlotMemory);
  const Word budget_pages = left_of(kSlotMemory) / kPage;
  const SyscallResult f = ALLOWED("allocate the frame to map", sys::memory_allocate(kSlotMemory, kPage));
  Word count = 0;
  SyscallResult last{};
  for (Word slot = kFirstFree; f.ok() && slot < 256 && count < kMaxMade; ++slot) {
    if (slot == f.r1) continue;
    last = sys::cap_copy(f.r1, slot);
    if (!last.ok()) break;
    g_made[count] = slot;
    last = sys::memory_map(slot, kFreshBase + count * kTwoMiB, abi::kMapRead);
    if (!last.ok()) {
      (void)sys::cap_delete(slot);
      break;
    }
    ++count;
  }
  print_count("mappings at fresh 2 MiB addresses, never unmapped", count, last);
  REFUSED("map one more fresh 2 MiB region once the page tables used the quota", last, QuotaExceeded);
  VERDICT("no more hoarded mappings than the budget pays page tables for", count < budget_pages);
  (void)hold();
  give_back(count); // deleting a copy removes its mapping
  if (f.ok()) CHECK_OK(sys::cap_delete(f.r1));
  VERDICT("after unmapping everything the quota's use is as before", used_of(kSlotMemory) == used);
}

// Each level splits all it can off the level before; every level's record costs its parent, so the
// chain must end in QuotaExceeded within the budget. Deleting a level's parent capability takes the
// level along (a split hangs below the capability it was split through), so no level outlives the
// capabilities that name its ancestors.
void attack_split_chain() {
  const Word used = used_of(kSlotMemory);
  Word first = 0;
  Word current = kSlotMemory;
  Word levels = 0;
  SyscallResult last{};
  for (; levels < 1024; ++levels) {
    const Word left = left_of(current) & ~(kPage - 1);
    last = SyscallResult{status(Error::QuotaExceeded), 0, 0, 0};
    // The largest page multiple that fits (a record may cost a little beyond the bytes).
    for (Word bytes = left, tries = 0; bytes >= kPage && tries < 4; bytes -= kPage, ++tries) {
      last = sys::memory_split(current, bytes);
      if (last.ok() || last.status != status(Error::QuotaExceeded)) break;
    }
    if (!last.ok()) break;
    if (first == 0) first = last.r1;
    current = last.r1;
  }
  print_count("levels of a split chain", levels, last);
  REFUSED("split one more level", last, QuotaExceeded);
  VERDICT("the chain is no deeper than the budget has pages", levels <= kBudget / kPage + 1);
  (void)hold();
  if (first != 0) CHECK_OK(sys::cap_delete(first)); // the whole chain goes with its first level
  REFUSED("use the deepest level once the first is deleted", sys::cap_info(current), EmptySlot);
  VERDICT("after deleting the chain the quota's use is as before", used_of(kSlotMemory) == used);
}

// One frame and one notification registered under ever new names of the attacker's block.
void attack_registry_flood() {
  const Word used = used_of(kSlotMemory);
  const SyscallResult f = ALLOWED("allocate the frame to register", sys::memory_allocate(kSlotMemory, kPage));
  const SyscallResult n = ALLOWED("create the notification to register", sys::notification_create(kSlotMemory));
  Word count = 0;
  SyscallResult last{};
  for (; f.ok() && n.ok() && count < 16384; ++count) {
    last = sys::shmem_register(kSlotRegistry, kAttackerPrefix | count, f.r1, n.r1);
    if (!last.ok()) break;
  }
  print_count("registry entries", count, last);
  REFUSED("register one more name", last, QuotaExceeded);
  (void)hold();
  // The entries hang below the root's grant, not below our frame (docs/syscalls.md, shmem_register):
  // we cannot withdraw them, and they stay charged to our quota, nobody else's, until the root
  // deletes the grant (it then checks that its quota and the machine's frames are all back).
  const Word with_entries = used_of(kSlotMemory);
  if (f.ok()) CHECK_OK(sys::cap_revoke(f.r1));
  if (f.ok()) CHECK_OK(sys::cap_delete(f.r1));
  if (n.ok()) CHECK_OK(sys::cap_delete(n.r1));
  const SyscallResult q =
      ALLOWED("query a name after deleting its frame", sys::shmem_query(kSlotRegistry, kAttackerPrefix));
  if (q.ok()) {
    CHECK_OK(sys::cap_delete(q.r1));
    CHECK_OK(sys::cap_delete(q.r2));
  }
  VERDICT("the entries stay charged to the flooder", with_entries > used && used_of(kSlotMemory) == with_entries);
}

// Tasks that exit at once, their capabilities kept: the records stay, so they stay charged.
void attack_pool_tasks(Word image) {
  const Word used = used_of(kSlotMemory);
  Word count = 0;
  SyscallResult last{};
  for (; count < 500; ++count) {
    last = sys::task_create(kSlotTaskCreate, kSlotMemory, image, kGrandchildSlots, kChildPriority, 0);
    if (!last.ok()) break;
    g_made[count] = last.r1;
    if (!CHECK_OK(sys::task_start(last.r1, argument(kExitNow, 0, image))).ok()) {
      ++count;
      break;
    }
    // The same priority as ours: yielding lets it run to its exit.
    for (int i = 0; i < 100000 && sys::task_status(last.r1).r1 == static_cast<Word>(abi::TaskState::Running); ++i) {
      (void)sys::yield();
    }
  }
  print_count("tasks that exited, capabilities kept", count, last);
  REFUSED("create one more task", last, QuotaExceeded);
  (void)hold();
  give_back(count);
  VERDICT("after deleting the tasks the quota's use is as before", used_of(kSlotMemory) == used);
}

// 4 KiB frames until the quota is spent.
void attack_pool_frames() {
  const Word used = used_of(kSlotMemory);
  const Word budget_pages = left_of(kSlotMemory) / kPage;
  Word count = 0;
  SyscallResult last{};
  for (; count < kMaxMade; ++count) {
    last = sys::memory_allocate(kSlotMemory, kPage);
    if (!last.ok()) break;
    g_made[count] = last.r1;
  }
  print_count("4 KiB frames", count, last);
  REFUSED("allocate one more frame", last, QuotaExceeded);
  VERDICT("no more frames than the budget has pages", count <= budget_pages);
  (void)hold();
  give_back(count);
  VERDICT("after deleting the frames the quota's use is as before", used_of(kSlotMemory) == used);
}

// Notifications until the quota is spent (a budget of 64 KiB at 64 bytes each was the whole pool).
void attack_pool_notifications() {
  const Word used = used_of(kSlotMemory);
  Word count = 0;
  SyscallResult last{};
  for (; count < kMaxMade; ++count) {
    last = sys::notification_create(kSlotMemory);
    if (!last.ok()) break;
    g_made[count] = last.r1;
  }
  print_count("notifications", count, last);
  REFUSED("create one more notification", last, QuotaExceeded);
  (void)hold();
  give_back(count);
  VERDICT("after deleting the notifications the quota's use is as before", used_of(kSlotMemory) == used);
}

// Copies of one frame mapped page after page: every mapping record is charged.
void attack_pool_mappings() {
  const Word used = used_of(kSlotMemory);
  const SyscallResult f = ALLOWED("allocate the frame to map", sys::memory_allocate(kSlotMemory, kPage));
  Word count = 0;
  SyscallResult last{};
  const Word size = sys::cap_info(kSlotSelf).r2; // our table's size
  for (Word slot = kFirstFree; f.ok() && slot < size && count < kMaxMade; ++slot) {
    if (slot == f.r1) continue;
    last = sys::cap_copy(f.r1, slot);
    if (!last.ok()) break;
    g_made[count] = slot;
    last = sys::memory_map(slot, kArena + count * kPage, abi::kMapRead);
    if (!last.ok()) {
      (void)sys::cap_delete(slot);
      break;
    }
    ++count;
  }
  print_count("mappings of one frame, page after page", count, last);
  REFUSED("map one more page", last, QuotaExceeded);
  (void)hold();
  give_back(count);
  if (f.ok()) CHECK_OK(sys::cap_delete(f.r1));
  VERDICT("after deleting the mappings the quota's use is as before", used_of(kSlotMemory) == used);
}

} // namespace sec
