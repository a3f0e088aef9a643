// The attacks tried first on every call: stale capabilities after revoke, delete and reuse; every
// size, address, slot and count at its boundary and at 2^64-1; rights and badges amplified through
// copy, mint, move and insert. Each must be refused with the documented error.
#include <initializer_list>

#include "tests/programs/security/security.hpp"

namespace sec {
namespace {

constexpr Word kR = abi::kMapRead;
constexpr Word kRw = abi::kMapRead | abi::kMapWrite;
constexpr abi::Rights kFrameAll =
    abi::kRightRead | abi::kRightWrite | abi::kRightExecute | abi::kRightGrant | abi::kRightAudit;

Word mint(Word source, abi::Rights rights, Word badge) {
  const Word slot = task::free_slot();
  return CHECK_OK(sys::cap_mint(source, slot, rights, badge)).ok() ? slot : 0;
}

char g_big[abi::kMaxDebugWrite + 1]; // readable, one byte too long for debug_write

Word page(Word size = kPage) { return CHECK_OK(sys::memory_allocate(kSlotMemory, size)).r1; }

} // namespace

void attack_stale() {
  const Word used = used_of(kSlotMemory);
  Word f = page();
  const Word copy = mint(f, kFrameAll, 0);
  CHECK_OK(sys::cap_revoke(f));
  REFUSED("map a copy after its source was revoked", sys::memory_map(copy, kArena, kR), EmptySlot);
  REFUSED("cap_info on a revoked copy", sys::cap_info(copy), EmptySlot);
  CHECK_OK(sys::cap_delete(f));
  REFUSED("map a deleted frame", sys::memory_map(f, kArena, kR), EmptySlot);
  REFUSED("revoke a deleted frame", sys::cap_revoke(f), EmptySlot);

  // A mapping belongs to the capability it was made through.
  f = page();
  const Word mapper = mint(f, kFrameAll, 0);
  CHECK_OK(sys::memory_map(mapper, kArena, kRw));
  *task::at<volatile Word>(kArena) = 0xDEAD;
  CHECK_OK(sys::cap_delete(mapper));
  REFUSED("unmap what a deleted copy mapped", sys::memory_unmap(kArena), NotMapped);

  // Memory reused after free is zeroed: write a whole frame, free it, take a new one.
  CHECK_OK(sys::memory_map(f, kArena, kRw));
  for (Word i = 0; i < kPage / sizeof(Word); ++i)
    task::at<volatile Word>(kArena)[i] = ~i;
  CHECK_OK(sys::memory_unmap(kArena));
  CHECK_OK(sys::cap_delete(f));
  f = page();
  Word dirty = 0;
  if (CHECK_OK(sys::memory_map(f, kArena, kR)).ok()) {
    for (Word i = 0; i < kPage / sizeof(Word); ++i)
      dirty += task::at<volatile Word>(kArena)[i] != 0 ? Word{1} : Word{0};
    CHECK_OK(sys::memory_unmap(kArena));
  }
  VERDICT("a frame allocated after another was freed reads as zero", dirty == 0);

  const Word n = CHECK_OK(sys::notification_create(kSlotMemory)).r1;

  // Notifications: revoke removes the copies, delete the object.
  const Word signaller = mint(n, abi::kRightSignal, 0x8);
  CHECK_OK(sys::cap_revoke(n));
  REFUSED("signal through a revoked badged copy", sys::signal(signaller), EmptySlot);
  CHECK_OK(sys::cap_delete(n));
  REFUSED("poll a deleted notification", sys::poll(n), EmptySlot);

  // A sub-quota whose capability is gone can be named no more, and what was made from it is gone too.
  const Word sub = CHECK_OK(sys::memory_split(kSlotMemory, 2 * kPage)).r1;
  const Word child_frame = CHECK_OK(sys::memory_allocate(sub, kPage)).r1;
  CHECK_OK(sys::cap_delete(sub));
  REFUSED("allocate from a deleted sub-quota", sys::memory_allocate(sub, kPage), EmptySlot);
  REFUSED("use a frame made from a deleted sub-quota", sys::cap_info(child_frame), EmptySlot);
  CHECK_OK(sys::cap_delete(f));
  VERDICT("after the stale-capability attacks the quota's use is as before", used_of(kSlotMemory) == used);
  (void)hold();

  // Last: objects made through a derived memory capability go when the memory capability is revoked.
  const Word derived = mint(kSlotMemory, abi::kRightControl | abi::kRightAudit, 0);
  const Word made_frame = CHECK_OK(sys::memory_allocate(derived, kPage)).r1;
  const Word made_notification = CHECK_OK(sys::notification_create(derived)).r1;
  const Word made_quota = CHECK_OK(sys::memory_split(derived, kPage)).r1;
  CHECK_OK(sys::cap_revoke(kSlotMemory));
  REFUSED("allocate through a revoked memory capability", sys::memory_allocate(derived, kPage), EmptySlot);
  REFUSED("use a frame made through a revoked memory capability", sys::cap_info(made_frame), EmptySlot);
  REFUSED("use a notification made through a revoked memory capability", sys::signal(made_notification), EmptySlot);
  REFUSED("use a sub-quota split through a revoked memory capability", sys::memory_split(made_quota, kPage), EmptySlot);
  VERDICT("after the revoke the quota's use is as before", used_of(kSlotMemory) == used);

  // A registry entry hangs below the root's grant our memory came from, not below our capabilities
  // (docs/syscalls.md, shmem_register): our own revoke and delete of everything we published, and
  // of our memory capability's derivations, leave it; the name stays taken, and what it holds stays
  // charged to us until the root revokes the grant (the root checks that it gets it all back).
  const Word kept_frame = page();
  const Word kept_note = CHECK_OK(sys::notification_create(kSlotMemory)).r1;
  const Word name = kAttackerPrefix | 0x51;
  const Word published = mint(kept_frame, kFrameAll, 0);
  CHECK_OK(sys::shmem_register(kSlotRegistry, name, published, kept_note));
  const Word with_entry = used_of(kSlotMemory);
  CHECK_OK(sys::cap_revoke(kept_frame)); // takes `published`
  CHECK_OK(sys::cap_delete(kept_frame));
  CHECK_OK(sys::cap_delete(kept_note));
  CHECK_OK(sys::cap_revoke(kSlotMemory));
  const SyscallResult kept =
      ALLOWED("query a name after deleting all we published", sys::shmem_query(kSlotRegistry, name));
  const Word other = page();
  const Word other_note = CHECK_OK(sys::notification_create(kSlotMemory)).r1;
  REFUSED("register its name again", sys::shmem_register(kSlotRegistry, name, other, other_note), NameExists);
  CHECK_OK(sys::cap_delete(other));
  CHECK_OK(sys::cap_delete(other_note));
  if (kept.ok()) {
    CHECK_OK(sys::cap_delete(kept.r1)); // the copies we got are ours to drop, the entry is not
    CHECK_OK(sys::cap_delete(kept.r2));
  }
  VERDICT("the entry keeps what it holds, charged to us", used_of(kSlotMemory) == with_entry);
}

void attack_boundaries(Word image) {
  char buffer[8] = {'b', 'o', 'u', 'n', 'd', '\n', 0, 0};
  const Word buf = reinterpret_cast<Word>(buffer);
  ALLOWED("debug_write of 0 bytes at 2^64-1", sys::debug_write(kMax, 0));
  REFUSED("debug_write of 4097 readable bytes", sys::debug_write(reinterpret_cast<Word>(g_big), sizeof g_big),
          InvalidSize);
  // Too long and leaving the window at once: either documented refusal will do, nothing may be written.
  const SyscallResult huge = sys::debug_write(buf, kMax);
  VERDICT("debug_write of 2^64-1 bytes is refused (InvalidSize or BadUserPointer)",
          huge.status == status(Error::InvalidSize) || huge.status == status(Error::BadUserPointer));
  REFUSED("debug_write at 2^64-1", sys::debug_write(kMax, 1), BadUserPointer);
  REFUSED("debug_write at 0", sys::debug_write(0, 1), BadUserPointer);
  REFUSED("debug_write across the top of the user window", sys::debug_write(abi::kUserStackTop - 8, 16),
          BadUserPointer);
  REFUSED("debug_write from the kernel", sys::debug_write(0xFFFF'FF80'0008'0000, 16), BadUserPointer);

  const Word sizes[] = {0, 1, kPage - 1, kPage + 1, kMax, kMax & ~(kPage - 1), Word{1} << 63, (Word{4} << 20) + kPage};
  for (Word size : sizes)
    REFUSED("memory_allocate of a bad size", sys::memory_allocate(kSlotMemory, size), InvalidSize);
  REFUSED("memory_allocate of 4 MiB on a 64 KiB budget", sys::memory_allocate(kSlotMemory, Word{4} << 20),
          QuotaExceeded);
  REFUSED("memory_split of 0", sys::memory_split(kSlotMemory, 0), InvalidSize);
  REFUSED("memory_split of 2^64-1", sys::memory_split(kSlotMemory, kMax), InvalidSize);
  REFUSED("memory_split of 2^64-4096", sys::memory_split(kSlotMemory, kMax & ~(kPage - 1)), QuotaExceeded);
  REFUSED("memory_split of 2^63", sys::memory_split(kSlotMemory, Word{1} << 63), QuotaExceeded);
  REFUSED("memory_split of a page more than is left",
          sys::memory_split(kSlotMemory, (left_of(kSlotMemory) & ~(kPage - 1)) + kPage), QuotaExceeded);

  const Word f = page();
  const Word big = page(4 * kPage);
  const Word addresses[] = {0, kMax & ~(kPage - 1), abi::kUserStackTop, 0xFFFF'FF80'0000'0000, Word{1} << 47};
  for (Word at : addresses)
    REFUSED("memory_map outside the user window", sys::memory_map(f, at, kR), InvalidAddress);
  REFUSED("memory_map at 1", sys::memory_map(f, 1, kR), Misaligned);
  REFUSED("memory_map at 2^64-1", sys::memory_map(f, kMax, kR), Misaligned);
  REFUSED("memory_map 16 KiB that wraps past 2^64", sys::memory_map(big, kMax & ~(kPage - 1), kR), InvalidAddress);
  REFUSED("memory_map 16 KiB past the window's top", sys::memory_map(big, abi::kUserStackTop - 2 * kPage, kR),
          InvalidAddress);
  REFUSED("memory_map over the stack", sys::memory_map(f, abi::kUserStackTop - kPage, kR), AlreadyMapped);
  REFUSED("memory_map over the program", sys::memory_map(f, abi::kProgramBase, kR), AlreadyMapped);
  const Word perms[] = {0, abi::kMapWrite, kMax, abi::kMapRead | abi::kMapWrite | abi::kMapExecute, Word{1} << 3 | kR};
  for (Word p : perms)
    REFUSED("memory_map with bad permissions", sys::memory_map(f, kArena, p), InvalidPermissions);
  REFUSED("memory_unmap at 0", sys::memory_unmap(0), InvalidAddress);
  REFUSED("memory_unmap at 2^64-1", sys::memory_unmap(kMax), Misaligned);
  REFUSED("memory_unmap at 2^64-4096", sys::memory_unmap(kMax & ~(kPage - 1)), InvalidAddress);
  REFUSED("memory_unmap of the stack", sys::memory_unmap(abi::kUserStackTop - abi::kUserStackSize), NotMapped);
  REFUSED("memory_unmap of the program", sys::memory_unmap(abi::kProgramBase), NotMapped);
  REFUSED("memory_unmap where nothing is", sys::memory_unmap(kArena), NotMapped);

  // Slots: 0, the table's size, 2^32, 2^63 and 2^64-1, for every call that takes one.
  const Word size = sys::cap_info(kSlotSelf).r2;
  const Word slots[] = {0, size, Word{1} << 32, Word{1} << 63, kMax};
  for (Word s : slots) {
    REFUSED("cap_info of a bad slot", sys::cap_info(s), InvalidSlot);
    REFUSED("cap_delete of a bad slot", sys::cap_delete(s), InvalidSlot);
    REFUSED("cap_revoke of a bad slot", sys::cap_revoke(s), InvalidSlot);
    REFUSED("cap_copy to a bad slot", sys::cap_copy(f, s), InvalidSlot);
    REFUSED("cap_copy from a bad slot", sys::cap_copy(s, task::free_slot()), InvalidSlot);
    REFUSED("cap_move to a bad slot", sys::cap_move(f, s), InvalidSlot);
    REFUSED("cap_mint to a bad slot", sys::cap_mint(f, s, abi::kRightRead, 0), InvalidSlot);
    REFUSED("cap_insert_into a bad slot of a task", sys::cap_insert_into(kSlotSelf, s, f, abi::kRightRead, 0),
            InvalidSlot);
    REFUSED("memory_allocate from a bad slot", sys::memory_allocate(s, kPage), InvalidSlot);
    REFUSED("memory_split from a bad slot", sys::memory_split(s, kPage), InvalidSlot);
    REFUSED("memory_map of a bad slot", sys::memory_map(s, kArena, kR), InvalidSlot);
    REFUSED("memory_map_into a bad slot", sys::memory_map_into(s, f, kArena, kR), InvalidSlot);
    REFUSED("notification_create from a bad slot", sys::notification_create(s), InvalidSlot);
    REFUSED("signal a bad slot", sys::signal(s), InvalidSlot);
    REFUSED("poll a bad slot", sys::poll(s), InvalidSlot);
    REFUSED("task_start a bad slot", sys::task_start(s, 0), InvalidSlot);
    REFUSED("task_status of a bad slot", sys::task_status(s), InvalidSlot);
    REFUSED("shmem_query through a bad slot", sys::shmem_query(s, kAttackerPrefix), InvalidSlot);
    REFUSED("task_create with a bad fault notification slot",
            sys::task_create(kSlotTaskCreate, kSlotMemory, image, 4, 1, s == 0 ? size : s), InvalidSlot);
  }
  const Word tc = kSlotTaskCreate, mem = kSlotMemory;
  for (Word count : {Word{0}, Word{1}, Word{4097}, Word{1} << 32, kMax}) {
    REFUSED("task_create with a bad table size", sys::task_create(tc, mem, image, count, 1, 0), InvalidSize);
  }
  for (Word p : {kChildPriority + 1, abi::kMaxPriority + 1, kMax}) {
    REFUSED("task_create above our priority", sys::task_create(tc, mem, image, 4, p, 0), InvalidPriority);
  }
  for (Word i : {Word{1} << 32, kMax}) {
    REFUSED("task_create from a bad image", sys::task_create(tc, mem, i, 4, 1, 0), InvalidImage);
  }
  REFUSED("task_create on a 64 KiB budget", sys::task_create(tc, mem, image, 4, 1, 0), QuotaExceeded);
  REFUSED("task_start ourselves", sys::task_start(kSlotSelf, kMax), InvalidState);
  REFUSED("cap_mint with rights 2^64-1", sys::cap_mint(f, task::free_slot(), kMax, 0), InvalidRights);
  REFUSED("cap_mint with an undefined right", sys::cap_mint(f, task::free_slot(), 1u << 8, 0), InvalidRights);
  REFUSED("shmem_query of name 2^64-1", sys::shmem_query(kSlotRegistry, kMax), NameNotPermitted);
  REFUSED("shmem_query of an unregistered name", sys::shmem_query(kSlotRegistry, kAttackerPrefix | 0xFFFF),
          NameNotFound);
  const Word n = CHECK_OK(sys::notification_create(kSlotMemory)).r1;
  REFUSED("shmem_register name 0", sys::shmem_register(kSlotRegistry, 0, f, n), NameNotPermitted);
  REFUSED("shmem_register name 2^64-1", sys::shmem_register(kSlotRegistry, kMax, f, n), NameNotPermitted);
  ALLOWED("shmem_register the highest name of our block",
          sys::shmem_register(kSlotRegistry, kAttackerPrefix | (kMax >> 8), f, n));
  REFUSED("shmem_register it twice", sys::shmem_register(kSlotRegistry, kAttackerPrefix | (kMax >> 8), f, n),
          NameExists);
  CHECK_OK(sys::cap_revoke(f));
  (void)hold();
  CHECK_OK(sys::cap_delete(n));
  CHECK_OK(sys::cap_delete(big));
  CHECK_OK(sys::cap_delete(f));
}

void attack_rights() {
  const Word f = page();
  const Word n = CHECK_OK(sys::notification_create(kSlotMemory)).r1;
  const Word read_only = mint(f, abi::kRightRead, 0);
  REFUSED("mint Read+Write from Read", sys::cap_mint(read_only, task::free_slot(), kRw, 0), InsufficientRights);
  REFUSED("mint Read+Grant from Read",
          sys::cap_mint(read_only, task::free_slot(), abi::kRightRead | abi::kRightGrant, 0), InsufficientRights);
  const Word copied = task::free_slot();
  CHECK_OK(sys::cap_copy(read_only, copied));
  const Word moved = task::free_slot();
  CHECK_OK(sys::cap_move(copied, moved));
  VERDICT("a copy, then a move, of a Read capability has Read only",
          sys::info_rights(sys::cap_info(moved)) == abi::kRightRead);
  REFUSED("map a moved Read copy writable", sys::memory_map(moved, kArena, kRw), InsufficientRights);
  REFUSED("map a Read capability executable", sys::memory_map(read_only, kArena, kR | abi::kMapExecute),
          InsufficientRights);
  REFUSED("insert a capability without Grant",
          sys::cap_insert_into(kSlotSelf, task::free_slot(), read_only, abi::kRightRead, 0), InsufficientRights);
  const Word grantable = mint(f, abi::kRightRead | abi::kRightGrant, 0);
  REFUSED("insert Read+Write from Read+Grant", sys::cap_insert_into(kSlotSelf, task::free_slot(), grantable, kRw, 0),
          InsufficientRights);
  REFUSED("insert with an undefined right", sys::cap_insert_into(kSlotSelf, task::free_slot(), grantable, 1u << 8, 0),
          InvalidRights);
  const Word inserted = task::free_slot();
  CHECK_OK(sys::cap_insert_into(kSlotSelf, inserted, grantable, abi::kRightRead, 0));
  VERDICT("an inserted capability has the asked subset only",
          sys::info_rights(sys::cap_info(inserted)) == abi::kRightRead);

  const Word no_control = mint(kSlotMemory, abi::kRightGrant | abi::kRightAudit, 0);
  REFUSED("allocate without Control", sys::memory_allocate(no_control, kPage), InsufficientRights);
  REFUSED("split without Control", sys::memory_split(no_control, kPage), InsufficientRights);
  REFUSED("notification_create without Control", sys::notification_create(no_control), InsufficientRights);
  REFUSED("task_create from memory without Control", sys::task_create(kSlotTaskCreate, no_control, 0, 4, 1, 0),
          InsufficientRights);
  REFUSED("mint Control back", sys::cap_mint(no_control, task::free_slot(), abi::kRightControl, 0), InsufficientRights);
  const Word no_audit = mint(kSlotMemory, abi::kRightControl, 0);
  REFUSED("memory_info without Audit", sys::memory_info(no_audit), InsufficientRights);
  const SyscallResult hidden = sys::cap_info(no_audit);
  VERDICT("cap_info without Audit reports no quota figures", hidden.ok() && hidden.r2 == 0 && hidden.r3 == 0);

  const Word audit_task = mint(kSlotSelf, abi::kRightAudit, 0);
  REFUSED("task_start without Control", sys::task_start(audit_task, 0), InsufficientRights);
  REFUSED("insert into a task without Control",
          sys::cap_insert_into(audit_task, task::free_slot(), grantable, abi::kRightRead, 0), InsufficientRights);
  REFUSED("map into a task without Control", sys::memory_map_into(audit_task, f, kArena, kR), InsufficientRights);
  REFUSED("mint Grant onto our own task", sys::cap_mint(kSlotSelf, task::free_slot(), abi::kRightGrant, 0),
          InsufficientRights);
  REFUSED("mint Grant onto the task-create authority",
          sys::cap_mint(kSlotTaskCreate, task::free_slot(), abi::kRightControl | abi::kRightGrant, 0),
          InsufficientRights);

  const Word signal_only = mint(n, abi::kRightSignal, 0);
  REFUSED("poll with Signal only", sys::poll(signal_only), InsufficientRights);
  REFUSED("wait with Signal only", sys::wait(signal_only), InsufficientRights);
  REFUSED("signal the root's go notification (Wait only)", sys::signal(kSlotGo), InsufficientRights);
  REFUSED("wait on the root's done notification (Signal only)", sys::wait(kSlotDone), InsufficientRights);
  REFUSED("mint Signal from a Wait-only capability", sys::cap_mint(kSlotGo, task::free_slot(), abi::kRightSignal, 0),
          InsufficientRights);
  REFUSED("re-badge the root's badged notification", sys::cap_mint(kSlotDone, task::free_slot(), abi::kRightSignal, 1),
          AlreadyBadged);
  const Word badged = mint(n, abi::kRightSignal | abi::kRightWait, 0x10);
  REFUSED("re-badge a badged capability", sys::cap_mint(badged, task::free_slot(), abi::kRightSignal, 0x20),
          AlreadyBadged);
  REFUSED("re-badge through insert",
          sys::cap_insert_into(kSlotSelf, task::free_slot(), badged, abi::kRightSignal, 0x20),
          InsufficientRights); // no Grant on it: refused before the badge is looked at
  const Word kept = mint(badged, abi::kRightSignal, 0);
  CHECK_OK(sys::signal(kept));
  VERDICT("a badge 0 mint keeps the source's badge", sys::poll(n).r1 == 0x10);
  REFUSED("badge a frame", sys::cap_mint(f, task::free_slot(), abi::kRightRead, 5), InvalidBadge);
  REFUSED("widen the registry badge",
          sys::cap_mint(kSlotRegistry, task::free_slot(), abi::kRightRead, abi::registry_badge(0, 1)), AlreadyBadged);
  REFUSED("register outside our block", sys::shmem_register(kSlotRegistry, kHonestPrefix | 1, grantable, n),
          NameNotPermitted);
  REFUSED("query outside our block", sys::shmem_query(kSlotRegistry, kRootPrefix | 1), NameNotPermitted);
  const Word read_registry = mint(kSlotRegistry, abi::kRightRead, 0);
  REFUSED("register with a Read-only registry", sys::shmem_register(read_registry, kAttackerPrefix | 1, f, n),
          InsufficientRights);
  REFUSED("register a frame without Grant", sys::shmem_register(kSlotRegistry, kAttackerPrefix | 2, read_only, n),
          InsufficientRights);
  REFUSED("move over an occupied slot", sys::cap_move(f, kSlotMemory), SlotOccupied);
  (void)hold();
  // Children first: deleting a capability deletes what was derived from it.
  for (Word s : {moved, inserted, kept, read_only, grantable, no_control, no_audit, audit_task, signal_only, badged,
                 read_registry, n, f}) {
    CHECK_OK(sys::cap_delete(s));
  }
}

} // namespace sec
