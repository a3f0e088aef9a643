// shmem_register, shmem_query.
#include "tests/programs/syscall_errors/syscall_errors.hpp"

namespace syscall_errors {
namespace {

constexpr Word kPrefix = Word{0xAB} << 56;
constexpr Word kOutside = Word{0xAC} << 56;
constexpr Word kName = kPrefix | 0x1234;
constexpr Word kLimitedName = kPrefix | 0x99;
constexpr Word kFillBase = kPrefix | 0x10000;
// More names than the fixed table the registry once had (128): every one is taken.
constexpr Word kFillLimit = 1024;
// kPublish: the name it registers, what it writes first, and the two badges it reports with on
// env.ended (its ready signal, its end).
constexpr Word kChildName = kPrefix | 0x77;
constexpr Word kChildPattern = 0x5EED'C0DE'0BAD'F00D;
constexpr Word kReadyBadge = 0x10;
constexpr Word kEndBadge = 0x20;
// The root's split the child gets: room for a sub-quota of a page and its record, a notification,
// and the object pages their records need.
constexpr Word kSplitBytes = 16 * abi::kPageSize;

[[nodiscard]] Word used_of(Word memory) { return sys::cap_info(memory).r3; }

// A producer whose memory came from the root's split ends; its consumer keeps the memory until the
// root revokes the split.
void test_entry_outlives_producer(const Env& env) {
  const Word used = quota_used(env);
  const Word split = CHECK_OK(sys::memory_split(env.root.memory, kSplitBytes)).r1;
  const Word ready = mint(env.ended, abi::kRightSignal | abi::kRightGrant, kReadyBadge);
  const Word ended_copy = mint(env.ended, abi::kRightSignal, kEndBadge);
  const SyscallResult made = task::create(env.root, kPublishSlots, kChildPriority, ended_copy);
  if (!CHECK_OK(made).ok()) return;
  const Word child = made.r1;
  CHECK_OK(sys::cap_insert_into(child, kPublishMemory, split, abi::kRightControl, 0));
  CHECK_OK(sys::cap_insert_into(child, kPublishRegistry, env.root.registry, abi::kRightWrite, 0));
  CHECK_OK(sys::cap_insert_into(child, kPublishReady, ready, abi::kRightSignal, 0));
  CHECK_OK(sys::task_start(child, kPublish | (env.root.image << kImageShift)));
  Word seen = 0;
  while ((seen & (kReadyBadge | kEndBadge)) == 0) {
    const SyscallResult woken = sys::wait(env.ended);
    if (!CHECK_OK(woken).ok()) break;
    seen |= woken.r1;
  }
  const SyscallResult q = sys::shmem_query(env.root.registry, kChildName);
  if (!CHECK((seen & kReadyBadge) != 0) || !CHECK_OK(q).ok()) {
    bramble::user::print("syscall_errors: the publishing child ended early: %llu\n",
                         static_cast<unsigned long long>(sys::task_status(child).r2));
    (void)sys::cap_delete(child);
    (void)sys::cap_delete(split);
    return;
  }
  if (CHECK_OK(sys::memory_map(q.r1, kMapA, abi::kMapRead)).ok()) {
    CHECK_EQ(*task::at<volatile Word>(kMapA), kChildPattern);
  }
  const Word charged = used_of(split);
  CHECK(charged >= 2 * abi::kPageSize); // at least the frame and an object page

  // Killed (its task capability was the last): its table is cleared, its sub-quota detached.
  CHECK_OK(sys::cap_delete(child));
  CHECK((task::wait_for(env.ended, kEndBadge) & abi::kTaskEndedFault) != 0);
  CHECK(sys::info_type(sys::cap_info(q.r1)) == abi::CapType::Frame);
  CHECK(sys::info_type(sys::cap_info(q.r2)) == abi::CapType::Notification);
  CHECK_EQ(*task::at<volatile Word>(kMapA), kChildPattern); // still mapped, still its data
  const SyscallResult again = CHECK_OK(sys::shmem_query(env.root.registry, kChildName));
  CHECK_ERR(sys::shmem_register(env.root.registry, kChildName, q.r1, q.r2), NameExists);
  CHECK_OK(sys::signal(q.r2));
  CHECK_EQ(used_of(split), charged); // nothing freed: the entry holds the frame and the notification

  // Revoking the split withdraws the entry and every copy made from it, and frees the memory: the
  // detached sub-quota the frame came from is reclaimed at the frame's refund.
  CHECK_OK(sys::cap_revoke(split));
  CHECK_ERR(sys::shmem_query(env.root.registry, kChildName), NameNotFound);
  CHECK_ERR(sys::cap_info(q.r1), EmptySlot);
  CHECK_ERR(sys::cap_info(q.r2), EmptySlot);
  CHECK_ERR(sys::cap_info(again.r1), EmptySlot);
  CHECK_ERR(sys::cap_info(again.r2), EmptySlot);
  CHECK_ERR(sys::memory_unmap(kMapA), NotMapped);
  CHECK_EQ(used_of(split), 0);
  CHECK_OK(sys::cap_delete(split));
  CHECK_OK(sys::cap_delete(ready));
  CHECK_OK(sys::cap_delete(ended_copy));
  // The entry's record (charged to the child's quota, the root's) went with the entry.
  CHECK_EQ(quota_used(env), used);
}

} // namespace

// The producer: a frame from a sub-quota of its own (so the producer's end detaches that quota while
// the frame lives on), a notification, a registered copy it then deletes itself.
int publish() {
  const SyscallResult sub = sys::memory_split(kPublishMemory, abi::kPageSize + abi::record_charge(1));
  if (!sub.ok()) return 1;
  const SyscallResult f = sys::memory_allocate(sub.r1, abi::kPageSize);
  const SyscallResult n = sys::notification_create(kPublishMemory);
  if (!f.ok() || !n.ok()) return 2;
  if (!sys::memory_map(f.r1, kMapA, kRw).ok()) return 3;
  *task::at<volatile Word>(kMapA) = kChildPattern;
  const Word published = task::free_slot();
  if (!sys::cap_mint(f.r1, published, abi::kRightRead | abi::kRightGrant, 0).ok()) return 4;
  if (!sys::shmem_register(kPublishRegistry, kChildName, published, n.r1).ok()) return 5;
  // Its own capabilities no longer reach the entry: the memory came from the root.
  if (!sys::cap_delete(published).ok()) return 6;
  if (sys::shmem_register(kPublishRegistry, kChildName, f.r1, n.r1).status != static_cast<Word>(abi::Error::NameExists))
    return 7;
  if (!sys::signal(kPublishReady).ok()) return 8; // an end the root sees instead of waiting for ever
  for (;;)
    (void)sys::wait(n.r1);
}

void test_shmem(const Env& env) {
  const Word registry = env.root.registry;
  const Word used = quota_used(env);
  const Word frame = new_frame(env, abi::kPageSize);
  const Word n = new_notification(env);
  const Word limited = mint(registry, abi::kRightRead | abi::kRightWrite, kPrefix | 8);

  check::section("shmem_register");
  CHECK_OK(sys::shmem_register(registry, kName, frame, n));
  CHECK_ERR(sys::shmem_register(registry, kName, frame, n), NameExists);
  CHECK_OK(sys::shmem_register(limited, kLimitedName, frame, n));
  CHECK_ERR(sys::shmem_register(limited, kOutside | 1, frame, n), NameNotPermitted);
  CHECK_ERR(sys::shmem_register(0, kName + 1, frame, n), InvalidSlot);
  CHECK_ERR(sys::shmem_register(env.beyond, kName + 1, frame, n), InvalidSlot);
  CHECK_ERR(sys::shmem_register(env.empty, kName + 1, frame, n), EmptySlot);
  CHECK_ERR(sys::shmem_register(env.root.memory, kName + 1, frame, n), WrongType);
  const Word read_only = mint(registry, abi::kRightRead, 0);
  CHECK_ERR(sys::shmem_register(read_only, kName + 1, frame, n), InsufficientRights);
  CHECK_ERR(sys::shmem_register(registry, kName + 1, env.empty, n), EmptySlot);
  CHECK_ERR(sys::shmem_register(registry, kName + 1, n, n), WrongType);
  const Word frame_no_grant = mint(frame, abi::kRightRead | abi::kRightWrite, 0);
  CHECK_ERR(sys::shmem_register(registry, kName + 1, frame_no_grant, n), InsufficientRights);
  CHECK_ERR(sys::shmem_register(registry, kName + 1, frame, frame), WrongType);
  const Word n_no_grant = mint(n, abi::kRightSignal | abi::kRightWait, 0);
  CHECK_ERR(sys::shmem_register(registry, kName + 1, frame, n_no_grant), InsufficientRights);
  // No kernel-wide limit: each entry is a record charged to the registering task's quota (the root's
  // is large), far past the 128 entries a fixed table once held. A small quota's QuotaExceeded is
  // the security suite's (a child with a small quota floods the registry).
  Word registered = 0;
  const Word used_before_fill = quota_used(env);
  for (Word i = 0; i < kFillLimit; ++i)
    registered += sys::shmem_register(registry, kFillBase + i, frame, n).ok() ? Word{1} : Word{0};
  bramble::user::print("syscall_errors: the registry took %llu more names\n",
                       static_cast<unsigned long long>(registered));
  CHECK_EQ(registered, kFillLimit);
  CHECK(quota_used(env) >= used_before_fill + abi::record_charge(kFillLimit) - abi::record_charge(1));
  CHECK(quota_used(env) <= used_before_fill + abi::record_charge(kFillLimit));

  check::section("shmem_query");
  const Word lowest = task::free_slot();
  const SyscallResult found = CHECK_OK(sys::shmem_query(registry, kName));
  CHECK_EQ(found.r1, lowest);
  CHECK(found.r2 > found.r1);
  CHECK(sys::info_type(sys::cap_info(found.r1)) == abi::CapType::Frame);
  CHECK(sys::info_type(sys::cap_info(found.r2)) == abi::CapType::Notification);
  // The copy is the registered memory and the registered notification.
  CHECK_OK(sys::memory_map(frame, kMapA, kRw));
  *task::at<volatile Word>(kMapA) = 0xfeed;
  if (CHECK_OK(sys::memory_map(found.r1, kMapB, abi::kMapRead)).ok()) {
    CHECK_EQ(*task::at<volatile Word>(kMapB), 0xfeed);
  }
  CHECK_OK(sys::signal(found.r2));
  CHECK_EQ(CHECK_OK(sys::poll(n)).r1, abi::kUnbadgedSignalBits);
  CHECK_OK(sys::shmem_query(limited, kLimitedName));
  CHECK_ERR(sys::shmem_query(limited, kOutside | 1), NameNotPermitted);
  CHECK_ERR(sys::shmem_query(registry, kPrefix | 0x5555), NameNotFound);
  CHECK_ERR(sys::shmem_query(0, kName), InvalidSlot);
  CHECK_ERR(sys::shmem_query(env.beyond, kName), InvalidSlot);
  CHECK_ERR(sys::shmem_query(env.empty, kName), EmptySlot);
  CHECK_ERR(sys::shmem_query(env.root.memory, kName), WrongType);
  const Word write_only = mint(registry, abi::kRightWrite, 0);
  CHECK_ERR(sys::shmem_query(write_only, kName), InsufficientRights);
  // TableFull: test_table_full.

  // The root's frame and notification have no ancestor outside its own table (boot roots), so the
  // entries hang below the published capabilities: revoking them withdraws every entry (and the
  // copies handed out), as it would for any registrant's own memory.
  CHECK_OK(sys::cap_revoke(frame));
  CHECK_OK(sys::cap_revoke(n));
  CHECK_ERR(sys::shmem_query(registry, kName), NameNotFound);
  CHECK_ERR(sys::cap_info(found.r1), EmptySlot);
  CHECK_ERR(sys::memory_unmap(kMapB), NotMapped);
  CHECK_OK(sys::shmem_register(registry, kName, frame, n)); // the name is free again
  CHECK_OK(sys::cap_revoke(frame));

  CHECK_OK(sys::memory_unmap(kMapA));
  const Word made[] = {write_only, read_only, limited, frame, n};
  for (Word slot : made)
    CHECK_OK(sys::cap_delete(slot));
  // An entry withdrawn through its frame keeps nothing alive: deleting the notification's last
  // capability destroyed it and refunded its quota.
  check::section("shmem_register");
  CHECK_EQ(quota_used(env), used);
  test_entry_outlives_producer(env);
}

} // namespace syscall_errors
