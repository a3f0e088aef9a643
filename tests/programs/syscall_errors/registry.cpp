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

} // namespace

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

  // Revoking the published capabilities withdraws every entry (and the copies handed out).
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
}

} // namespace syscall_errors
