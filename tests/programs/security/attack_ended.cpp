// Attacks through ended tasks and through a granted quota that is then revoked.
//
// ended-task: the attacker holds Control on two ended tasks (one exited, one faulted). It first
// takes as many fresh frames as its budget allows (a kernel that freed the ended tasks' tables hands
// those pages out again) and checks they read as zero, fills them with a pattern, then calls
// everything that could reach an ended task's table or address space. Each call must be refused with
// InvalidState (the queries must keep working), and no word of its frames may change: a write into
// a freed table would land in them, and a kernel capability (with kernel pointers) would show.
//
// revoke-grant: the attacker splits, allocates, maps, creates notifications and starts a task through
// a quota the root granted; after the root revokes the grant every one of those capabilities must be
// gone and every mapping made with them removed.
#include "tests/programs/security/security.hpp"

namespace sec {
namespace {

constexpr Word kMaxFrames = 32;
constexpr Word kVictimSlots = 8; // ended_victim() in root.cpp
constexpr Word kPattern = 0x5EC0'7E57'0000'0000;

struct Arena {
  Word frame[kMaxFrames];
  Word count;
};

[[nodiscard]] volatile Word* word_at(Word frame_index, Word i) {
  return task::at<volatile Word>(kArena + frame_index * kPage) + i;
}

// Words that differ from what we wrote (or, before writing, any non-zero word).
Word changed_words(const Arena& a, bool written) {
  Word changed = 0;
  for (Word f = 0; f < a.count; ++f) {
    for (Word i = 0; i < kPage / sizeof(Word); ++i) {
      const Word want = written ? (kPattern | (f << 16) | i) : 0;
      if (*word_at(f, i) != want) ++changed;
    }
  }
  return changed;
}

void probe(const Arena& a, Word target, abi::TaskState state, Word source, const char* which) {
  print("attacker: probing the %s task\n", which);
  const SyscallResult info = ALLOWED("cap_info on an ended task", sys::cap_info(target));
  CHECK(sys::info_type(info) == abi::CapType::Task);
  // The table size fact: the size the task had, or 0 once its table is gone; never freed memory.
  VERDICT("cap_info's table size of an ended task is its old size or 0", info.r2 == kVictimSlots || info.r2 == 0);
  CHECK_EQ(ALLOWED("task_status on an ended task", sys::task_status(target)).r1, static_cast<Word>(state));
  CHECK_EQ(ALLOWED("task_info on an ended task", sys::task_info(target)).r1, static_cast<Word>(state));
  for (Word slot = 1; slot < kVictimSlots; ++slot) {
    REFUSED("cap_insert_into an ended task's table", sys::cap_insert_into(target, slot, source, abi::kRightSignal, 0),
            InvalidState);
    VERDICT("no word of my frames changed", changed_words(a, true) == 0);
  }
  REFUSED("cap_insert_into an ended task, with a badge",
          sys::cap_insert_into(target, 1, source, abi::kRightSignal | abi::kRightWait, 0x77), InvalidState);
  const Word copy = task::free_slot();
  if (CHECK_OK(sys::cap_copy(a.frame[0], copy)).ok()) {
    REFUSED("memory_map_into an ended task", sys::memory_map_into(target, copy, kArena, abi::kMapRead), InvalidState);
    REFUSED("memory_map_into an ended task, writable",
            sys::memory_map_into(target, copy, task::kTestMapBase, abi::kMapRead | abi::kMapWrite), InvalidState);
    CHECK_OK(sys::cap_delete(copy));
  }
  REFUSED("task_start an ended task", sys::task_start(target, 0), InvalidState);
  const Word alias = task::free_slot();
  if (CHECK_OK(sys::cap_copy(target, alias)).ok()) {
    REFUSED("cap_insert_into an ended task through a copy of its capability",
            sys::cap_insert_into(alias, 2, source, abi::kRightSignal, 0), InvalidState);
    CHECK_OK(sys::cap_delete(alias));
  }
  VERDICT("after every call on the ended task my frames are exactly as I wrote them", changed_words(a, true) == 0);
}

} // namespace

void attack_ended_task() {
  const SyscallResult source = ALLOWED("a notification to insert", sys::notification_create(kSlotMemory));
  Arena a{};
  while (a.count < kMaxFrames) {
    const SyscallResult f = sys::memory_allocate(kSlotMemory, kPage);
    if (!f.ok()) break;
    a.frame[a.count] = f.r1;
    if (!CHECK_OK(sys::memory_map(f.r1, kArena + a.count * kPage, abi::kMapRead | abi::kMapWrite)).ok()) {
      (void)sys::cap_delete(f.r1);
      break;
    }
    ++a.count;
  }
  print("attacker: %llu fresh frames mapped\n", static_cast<unsigned long long>(a.count));
  if (!CHECK(a.count > 0) || !source.ok()) return (void)hold();
  VERDICT("fresh frames read as zero (no freed table or kernel data in them)", changed_words(a, false) == 0);
  for (Word f = 0; f < a.count; ++f) {
    for (Word i = 0; i < kPage / sizeof(Word); ++i)
      *word_at(f, i) = kPattern | (f << 16) | i;
  }
  probe(a, kSlotTarget, abi::TaskState::Exited, source.r1, "exited");
  probe(a, kSlotTarget2, abi::TaskState::Faulted, source.r1, "faulted");
  (void)hold();
  VERDICT("after the root's own calls on the ended task my frames are unchanged", changed_words(a, true) == 0);
  for (Word f = 0; f < a.count; ++f)
    CHECK_OK(sys::cap_delete(a.frame[f]));
  CHECK_OK(sys::cap_delete(source.r1));
}

void attack_revoke_grant(Word image) {
  // A page of our own in the arena's 2 MiB region: the grant's mappings below need no new page table,
  // so the root's "free frames as before the grant" compares like with like.
  // Moved out of kSlotTarget (the lowest free slot), where the root puts the grant.
  constexpr Word kOwn = kFirstFree + 32;
  const SyscallResult own = ALLOWED("allocate our own page", sys::memory_allocate(kSlotMemory, kPage));
  const bool own_mapped = own.ok() && CHECK_OK(sys::cap_move(own.r1, kOwn)).ok() &&
                          CHECK_OK(sys::memory_map(kOwn, kArena, abi::kMapRead | abi::kMapWrite)).ok();
  if (!hold()) return;

  const Word grant = kSlotTarget;
  const SyscallResult info = sys::cap_info(grant);
  if (!VERDICT("the root granted a quota", info.ok() && sys::info_type(info) == abi::CapType::Memory))
    return (void)hold();
  const Word keep = 32 * 1024;
  const SyscallResult sub =
      ALLOWED("split a sub-quota off the grant", sys::memory_split(grant, (info.r2 - keep) & ~(kPage - 1)));
  const SyscallResult f1 = ALLOWED("allocate from the sub-quota", sys::memory_allocate(sub.r1, kPage));
  ALLOWED("map it", sys::memory_map(f1.r1, kArena + kPage, abi::kMapRead | abi::kMapWrite));
  const SyscallResult n1 = ALLOWED("notification from the sub-quota", sys::notification_create(sub.r1));
  const SyscallResult t1 =
      ALLOWED("a task from the sub-quota",
              sys::task_create(kSlotTaskCreate, sub.r1, image, kGrandchildSlots, kGrandchildPriority, kSlotEnded));
  if (t1.ok()) ALLOWED("start it", sys::task_start(t1.r1, argument(kSpin, 0, image)));
  const SyscallResult f2 = ALLOWED("allocate from the grant", sys::memory_allocate(grant, kPage));
  ALLOWED("map it", sys::memory_map(f2.r1, kArena + 2 * kPage, abi::kMapRead | abi::kMapWrite));
  *task::at<volatile Word>(kArena + 2 * kPage) = 0x6A;
  const SyscallResult n2 = ALLOWED("notification from the grant", sys::notification_create(grant));
  const SyscallResult s2 = ALLOWED("a second sub-quota", sys::memory_split(grant, 2 * kPage));
  const SyscallResult f3 = ALLOWED("allocate from it", sys::memory_allocate(s2.r1, kPage));
  const Word copy = task::free_slot();
  ALLOWED("copy a frame made from the grant", sys::cap_copy(f2.r1, copy));
  if (!hold()) return;

  // The root revoked the grant: nothing made through it may be left.
  REFUSED("use the revoked grant", sys::memory_allocate(grant, kPage), EmptySlot);
  REFUSED("use the sub-quota split off the revoked grant", sys::memory_allocate(sub.r1, kPage), EmptySlot);
  REFUSED("split the sub-quota of the revoked grant", sys::memory_split(s2.r1, kPage), EmptySlot);
  REFUSED("map a frame made from the sub-quota", sys::memory_map(f1.r1, kArena + 3 * kPage, abi::kMapRead), EmptySlot);
  REFUSED("map a frame made from the grant", sys::memory_map(f2.r1, kArena + 3 * kPage, abi::kMapRead), EmptySlot);
  REFUSED("map a frame made from the second sub-quota", sys::memory_map(f3.r1, kArena + 3 * kPage, abi::kMapRead),
          EmptySlot);
  REFUSED("map the copy of a frame made from the grant", sys::memory_map(copy, kArena + 3 * kPage, abi::kMapRead),
          EmptySlot);
  REFUSED("signal a notification made from the sub-quota", sys::signal(n1.r1), EmptySlot);
  REFUSED("signal a notification made from the grant", sys::signal(n2.r1), EmptySlot);
  REFUSED("ask about the task made from the sub-quota", sys::task_status(t1.r1), EmptySlot);
  REFUSED("unmap the sub-quota's frame (its mapping went with it)", sys::memory_unmap(kArena + kPage), NotMapped);
  REFUSED("unmap the grant's frame (its mapping went with it)", sys::memory_unmap(kArena + 2 * kPage), NotMapped);
  // What was ours stays ours.
  if (own_mapped) {
    *task::at<volatile Word>(kArena) = 0x77;
    CHECK_EQ(*task::at<volatile Word>(kArena), 0x77);
    CHECK_OK(sys::memory_unmap(kArena));
  }
  if (own.ok()) CHECK_OK(sys::cap_delete(kOwn));
}

} // namespace sec
