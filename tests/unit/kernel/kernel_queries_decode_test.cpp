// Decoding of the console's kernel queries (docs/console.md): task_info and memory_info accept a capability
// of their type only with the Audit right, and return nothing but the errors the ABI lists for them.
#include <doctest/doctest.h>

#include "kernel/cap/syscall_decode.hpp"
#include "tests/unit/cap/fake_objects.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

namespace {

constexpr DecodeLimits kLimits{0x1000, std::uint64_t{1} << 39, std::uint64_t{1} << 22, 1, 31, 256, 8192};

// Slots of the caller's table: the originals, then copies with fewer rights.
enum : std::uint64_t {
  kQuota = 1,
  kTask,
  kNotification,
  kQuotaAuditOnly,
  kQuotaNoAudit,
  kTaskAuditOnly,
  kTaskNoAudit,
  kEmpty,
  kTableSize
};

struct Fixture {
  OwnedTable<kTableSize> t;
  FakeQuota quota{16 * kPageSize};
  FakeTask<4> task{7};
  FakeObject notification{CapType::Notification};
  Caller caller{t.table, kLimits};

  Fixture() {
    invoke_install(decode_install(t.table, kQuota, quota).value());
    invoke_install(decode_install(t.table, kTask, task).value());
    invoke_install(decode_install(t.table, kNotification, notification).value());
    mint(kQuota, kQuotaAuditOnly, kRightAudit);
    mint(kQuota, kQuotaNoAudit, kRightControl | kRightGrant);
    mint(kTask, kTaskAuditOnly, kRightAudit);
    mint(kTask, kTaskNoAudit, kRightControl | kRightGrant);
  }
  void mint(std::uint64_t from, std::uint64_t to, Rights rights) {
    invoke_derive(decode_mint(t.table, from, to, rights, kNoBadge).value());
  }
};

SyscallArgs call(Syscall number, std::uint64_t slot) { return SyscallArgs{static_cast<std::uint64_t>(number), {slot}}; }

template <typename T> std::uint64_t code(const Result<T>& r) {
  return r.ok() ? kSuccess : static_cast<std::uint64_t>(r.error());
}
constexpr std::uint64_t code(Error e) { return static_cast<std::uint64_t>(e); }

} // namespace

TEST_CASE("task_info needs a task capability with Audit") {
  Fixture f;
  auto full = decode_task_info(call(Syscall::task_info, kTask), f.caller);
  REQUIRE(full.ok());
  CHECK(full.value() == &f.task);
  CHECK(full.value()->priority() == 7);
  auto audit_only = decode_task_info(call(Syscall::task_info, kTaskAuditOnly), f.caller);
  REQUIRE(audit_only.ok());
  CHECK(audit_only.value() == &f.task);
  auto decode = [&](std::uint64_t slot) { return code(decode_task_info(call(Syscall::task_info, slot), f.caller)); };
  CHECK(decode(kTaskNoAudit) == code(Error::InsufficientRights));
  CHECK(decode(kQuota) == code(Error::WrongType));
  CHECK(decode(kNotification) == code(Error::WrongType));
  CHECK(decode(kEmpty) == code(Error::EmptySlot));
  CHECK(decode(0) == code(Error::InvalidSlot));
  CHECK(decode(kTableSize) == code(Error::InvalidSlot));
  // task_status, by contrast, answers through the copy without Audit.
  CHECK(decode_task_status(call(Syscall::task_status, kTaskNoAudit), f.caller).ok());
}

TEST_CASE("memory_info needs a memory capability with Audit") {
  Fixture f;
  auto full = decode_memory_info(call(Syscall::memory_info, kQuota), f.caller);
  REQUIRE(full.ok());
  CHECK(full.value() == &f.quota);
  CHECK(decode_memory_info(call(Syscall::memory_info, kQuotaAuditOnly), f.caller).ok());
  auto decode = [&](std::uint64_t slot) {
    return code(decode_memory_info(call(Syscall::memory_info, slot), f.caller));
  };
  CHECK(decode(kQuotaNoAudit) == code(Error::InsufficientRights));
  CHECK(decode(kTask) == code(Error::WrongType));
  CHECK(decode(kEmpty) == code(Error::EmptySlot));
  CHECK(decode(0) == code(Error::InvalidSlot));
  CHECK(decode(kTableSize) == code(Error::InvalidSlot));
  CHECK(f.quota.used() == 0); // a query charges nothing
}

TEST_CASE("task_info and memory_info decoders return only their documented errors, and change nothing") {
  Fixture f;
  for (std::uint64_t slot = 0; slot <= kTableSize + 2; ++slot) {
    for (Syscall number : {Syscall::task_info, Syscall::memory_info}) {
      CAPTURE(slot);
      const std::array<Capability, kTableSize> before = f.t.storage;
      const std::uint64_t result = number == Syscall::task_info
                                       ? code(decode_task_info(call(number, slot), f.caller))
                                       : code(decode_memory_info(call(number, slot), f.caller));
      if (result != kSuccess) CHECK((error_bit(static_cast<Error>(result)) & syscall_errors(number)) != 0);
      for (std::uint64_t i = 0; i < kTableSize; ++i) {
        CHECK(before[i].object() == f.t.storage[i].object());
        CHECK(before[i].rights() == f.t.storage[i].rights());
      }
    }
  }
}
