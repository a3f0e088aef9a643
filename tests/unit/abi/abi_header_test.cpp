// The ABI header's own promises: numbers, names, error sets, rights, badges and map permissions.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "kernel/abi/syscalls.hpp"

using namespace bramble::abi;

TEST_CASE("every core call is declared, with a unique number in range") {
  const char* core[] = {"memory_allocate",
                        "memory_map",
                        "memory_map_into",
                        "memory_unmap",
                        "notification_create",
                        "signal",
                        "wait",
                        "poll",
                        "wait_timeout",
                        "cap_insert_into",
                        "cap_copy",
                        "cap_mint",
                        "cap_move",
                        "cap_delete",
                        "cap_revoke",
                        "shmem_register",
                        "shmem_query",
                        "task_create",
                        "task_start",
                        "task_exit",
                        "yield",
                        "debug_write",
                        "cap_info",
                        "task_status",
                        "irq_handler_create",
                        "irq_ack",
                        "device_frame_create",
                        "task_info",
                        "memory_info",
                        "memory_split",
                        "task_set_core",
                        "task_core",
                        "cpu_info"};
  std::set<std::string> declared;
  std::set<std::uint64_t> numbers;
  for (const SyscallInfo& info : kSyscalls) {
    declared.insert(info.name);
    numbers.insert(static_cast<std::uint64_t>(info.call));
    CHECK(static_cast<std::uint64_t>(info.call) > 0);
    CHECK(static_cast<std::uint64_t>(info.call) < kSyscallLimit);
    CHECK(find_syscall(static_cast<std::uint64_t>(info.call)) == &info);
  }
  for (const char* name : core)
    CHECK_MESSAGE(declared.count(name) == 1, name);
  CHECK(declared.size() == std::size(core));
  CHECK(numbers.size() == kSyscallCount);
  CHECK(find_syscall(0) == nullptr);
  CHECK(find_syscall(kSyscallLimit) == nullptr);
}

TEST_CASE("wait_timeout: in the notification group, wait's errors plus InvalidSize for its bound") {
  const SyscallInfo* info = find_syscall(36);
  REQUIRE(info != nullptr);
  CHECK(info->call == Syscall::wait_timeout);
  CHECK(std::string(info->args) == "notification, ticks");
  CHECK(std::string(info->results) == "bits");
  CHECK(syscall_errors(Syscall::wait_timeout) == (syscall_errors(Syscall::wait) | error_bit(Error::InvalidSize)));
  // The deadline the kernel computes (counter + ticks) must not wrap in any plausible uptime: even at
  // the architecture's fastest counter (1 GHz), centuries pass before the counter gets that close.
  CHECK(kMaxWaitTicks < (std::uint64_t{1} << 60));
  CHECK(kMaxWaitTicks >= std::uint64_t{1'000'000'000} * 60 * 60 * 24 * 365); // a year at 1 GHz
}

TEST_CASE("the console's queries: task_info and memory_info take one audited capability") {
  const SyscallInfo* task_info = find_syscall(84);
  const SyscallInfo* memory_info = find_syscall(20);
  REQUIRE(task_info != nullptr);
  REQUIRE(memory_info != nullptr);
  CHECK(task_info->call == Syscall::task_info);
  CHECK(memory_info->call == Syscall::memory_info);
  CHECK(std::string(task_info->args) == "task");
  CHECK(std::string(task_info->results) == "state, priority, cpu_time");
  CHECK(std::string(memory_info->args) == "memory");
  CHECK(std::string(memory_info->results) == "frames, free_frames, kernel_frames");
  // Slot errors, the wrong type, and no Audit; nothing else (they neither allocate nor block).
  const std::uint64_t expected = error_bit(Error::InvalidSlot) | error_bit(Error::EmptySlot) |
                                 error_bit(Error::WrongType) | error_bit(Error::InsufficientRights);
  CHECK(syscall_errors(Syscall::task_info) == expected);
  CHECK(syscall_errors(Syscall::memory_info) == expected);
  // task_info answers more than task_status, which needs no right: only Audit adds InsufficientRights.
  CHECK((syscall_errors(Syscall::task_info) & ~syscall_errors(Syscall::task_status)) ==
        error_bit(Error::InsufficientRights));
}

TEST_CASE("memory_split: number 21 in the memory group, memory_allocate's errors") {
  const SyscallInfo* split = find_syscall(21);
  REQUIRE(split != nullptr);
  CHECK(split->call == Syscall::memory_split);
  CHECK(std::string(split->args) == "memory, bytes");
  CHECK(std::string(split->results) == "memory");
  // The same checks as an allocation from the parent (slot, type, Control, size, quota, a pool slot for
  // the new quota, a table slot), so the same error set.
  CHECK(syscall_errors(Syscall::memory_split) == syscall_errors(Syscall::memory_allocate));
  CHECK((syscall_errors(Syscall::memory_split) & error_bit(Error::InsufficientRights)) != 0);
  CHECK((syscall_errors(Syscall::memory_split) & error_bit(Error::OutOfMemory)) != 0);
}

TEST_CASE("allocation_charge: whole pages, rounded up to a power of two") {
  CHECK(allocation_charge(1) == kPageSize);
  CHECK(allocation_charge(kPageSize) == kPageSize);
  CHECK(allocation_charge(kPageSize + 1) == 2 * kPageSize);
  CHECK(allocation_charge(3 * kPageSize) == 4 * kPageSize);
  CHECK(allocation_charge(4 * kPageSize) == 4 * kPageSize);
  CHECK(allocation_charge(5 * kPageSize) == 8 * kPageSize);
  CHECK(allocation_charge(std::uint64_t{4} << 20) == std::uint64_t{4} << 20);
  CHECK(record_charge(0) == 0);
  CHECK(record_charge(1) == kPageSize);
  CHECK(record_charge(kRecordsPerObjectPage) == kPageSize);
  CHECK(record_charge(kRecordsPerObjectPage + 1) == 2 * kPageSize);
  CHECK(kTaskRecordCharge == kPageSize);
}

TEST_CASE("argument and result lists fit the registers") {
  CHECK(count_names("") == 0);
  CHECK(count_names("a") == 1);
  CHECK(count_names("a, b, c") == 3);
  for (const SyscallInfo& info : kSyscalls) {
    CAPTURE(info.name);
    CHECK(count_names(info.args) <= kMaxSyscallArgs);
    CHECK(count_names(info.results) <= kMaxSyscallResults);
  }
  CHECK(count_names(find_syscall(static_cast<std::uint64_t>(Syscall::task_create))->args) == 6);
}

TEST_CASE("errors are dense from 1, named, and every call's set names only real errors") {
  std::uint64_t all = 0;
  for (const ErrorInfo& e : kErrors) {
    CHECK(std::string(error_name(static_cast<std::uint64_t>(e.error))) == e.name);
    CHECK(std::string(e.meaning).size() > 10);
    all |= error_bit(e.error);
  }
  CHECK(error_name(kSuccess) == nullptr);
  CHECK(error_name(kErrorCount + 1) == nullptr);
  CHECK(all == ((std::uint64_t{1} << (kErrorCount + 1)) - 2));
  std::uint64_t used = 0;
  for (const SyscallInfo& info : kSyscalls) {
    CHECK((syscall_errors(info.call) & ~all) == 0);
    CHECK((syscall_errors(info.call) & error_bit(Error::InvalidSyscall)) == 0); // the dispatcher's
    used |= syscall_errors(info.call);
  }
  // Every error except InvalidSyscall is some call's.
  CHECK((used | error_bit(Error::InvalidSyscall)) == all);
}

TEST_CASE("rights per type: subsets, and no type uses a right outside the defined bits") {
  for (std::uint8_t t = 0; t < kCapTypeCount; ++t) {
    CHECK((valid_rights(static_cast<CapType>(t)) & ~kAllRightBits) == 0);
  }
  CHECK(valid_rights(CapType::Null) == 0);
  CHECK(valid_rights(CapType::Notification) == (kRightSignal | kRightWait | kRightGrant));
  CHECK((valid_rights(CapType::Frame) & kRightSignal) == 0);
  CHECK(rights_subset(kRightRead, kRightRead | kRightWrite));
  CHECK_FALSE(rights_subset(kRightRead | kRightExecute, kRightRead | kRightWrite));
  CHECK(rights_subset(0, 0));
  CHECK(type_has_badge(CapType::Notification));
  CHECK(type_has_badge(CapType::ShmemRegistry));
  CHECK_FALSE(type_has_badge(CapType::Frame));
}

TEST_CASE("map permissions: Read required, W^X, no unknown bits; each needs its frame right") {
  CHECK(map_perms_valid(kMapRead));
  CHECK(map_perms_valid(kMapRead | kMapWrite));
  CHECK(map_perms_valid(kMapRead | kMapExecute));
  CHECK_FALSE(map_perms_valid(0));
  CHECK_FALSE(map_perms_valid(kMapWrite));
  CHECK_FALSE(map_perms_valid(kMapExecute));
  CHECK_FALSE(map_perms_valid(kMapRead | kMapWrite | kMapExecute));
  CHECK_FALSE(map_perms_valid(kMapRead | 8));
  CHECK_FALSE(map_perms_valid(kMapRead | (std::uint64_t{1} << 63)));
  CHECK(rights_for_map(kMapRead | kMapWrite) == (kRightRead | kRightWrite));
  CHECK(rights_for_map(kMapRead | kMapExecute) == (kRightRead | kRightExecute));
}

TEST_CASE("registry badges cover a block of names by prefix") {
  const Badge ab = registry_badge(std::uint64_t{0xAB} << 56, 8);
  CHECK(registry_badge_valid(ab));
  CHECK(registry_name_permitted(ab, std::uint64_t{0xAB} << 56));
  CHECK(registry_name_permitted(ab, (std::uint64_t{0xAB} << 56) | 0xFFFF));
  CHECK_FALSE(registry_name_permitted(ab, std::uint64_t{0xAC} << 56));
  CHECK_FALSE(registry_name_permitted(ab, 0));
  const Badge narrow = registry_badge(std::uint64_t{0xABCD} << 48, 16);
  CHECK(registry_name_permitted(narrow, (std::uint64_t{0xABCD} << 48) | 5));
  CHECK_FALSE(registry_name_permitted(narrow, (std::uint64_t{0xABCE} << 48) | 5));
  const Badge longest = registry_badge(std::uint64_t{0x123456789ABCDE} << 8, 56);
  CHECK(registry_badge_valid(longest));
  CHECK(registry_name_permitted(longest, (std::uint64_t{0x123456789ABCDE} << 8) | 0xFF));
  CHECK_FALSE(registry_name_permitted(longest, (std::uint64_t{0x123456789ABCDF} << 8)));
  CHECK(registry_name_permitted(kNoBadge, 12345));                     // the broker's unbadged capability
  CHECK_FALSE(registry_badge_valid(std::uint64_t{0xAB} << 56));        // 0 prefix bits
  CHECK_FALSE(registry_badge_valid((std::uint64_t{0xAB} << 56) | 57)); // too many
  CHECK_FALSE(registry_badge_valid((std::uint64_t{0xAB} << 48) | 8));  // bits below the prefix
  CHECK_FALSE(registry_name_permitted((std::uint64_t{0xAB} << 48) | 8, std::uint64_t{0xAB} << 48));
}

TEST_CASE("cap_info's kind packs type and rights") {
  const std::uint64_t kind = cap_info_kind(CapType::Frame, kRightRead | kRightAudit);
  CHECK(cap_info_type(kind) == CapType::Frame);
  CHECK(cap_info_rights(kind) == (kRightRead | kRightAudit));
  CHECK(cap_info_type(cap_info_kind(CapType::ShmemRegistry, kAllRightBits)) == CapType::ShmemRegistry);
  CHECK(cap_info_rights(cap_info_kind(CapType::Null, 0)) == 0);
}
