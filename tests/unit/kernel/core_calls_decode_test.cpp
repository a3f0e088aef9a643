// Decoding of the calls about cores (docs/syscalls.md): task_set_core needs Control on a task and a core
// number below kMaxCores or kAnyCore; task_core needs Audit on a task; cpu_info needs Audit on a memory
// capability and a core number below kMaxCores. Whether a core is online is the kernel's to say.
#include <doctest/doctest.h>

#include "kernel/cap/syscall_decode.hpp"
#include "tests/unit/cap/fake_objects.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

namespace {

constexpr DecodeLimits kLimits{0x1000, std::uint64_t{1} << 39, std::uint64_t{1} << 22, 1, 31, 256, 8192};

enum : std::uint64_t { kQuota = 1, kTask, kTaskAuditOnly, kTaskControlOnly, kQuotaNoAudit, kEmpty, kTableSize };

struct Fixture {
  OwnedTable<kTableSize> t;
  FakeQuota quota{16 * kPageSize};
  FakeTask<4> task{7};
  Caller caller{t.table, kLimits};

  Fixture() {
    invoke_install(decode_install(t.table, kQuota, quota).value());
    invoke_install(decode_install(t.table, kTask, task).value());
    mint(kTask, kTaskAuditOnly, kRightAudit);
    mint(kTask, kTaskControlOnly, kRightControl);
    mint(kQuota, kQuotaNoAudit, kRightControl);
  }
  void mint(std::uint64_t from, std::uint64_t to, Rights rights) {
    invoke_derive(decode_mint(t.table, from, to, rights, kNoBadge).value());
  }
};

SyscallArgs call(Syscall number, std::uint64_t a0, std::uint64_t a1 = 0) {
  return SyscallArgs{static_cast<std::uint64_t>(number), {a0, a1}};
}
template <typename T> std::uint64_t code(const Result<T>& r) {
  return r.ok() ? kSuccess : static_cast<std::uint64_t>(r.error());
}
constexpr std::uint64_t code(Error e) { return static_cast<std::uint64_t>(e); }

} // namespace

TEST_CASE("task_set_core: Control on a task, a core below kMaxCores or kAnyCore") {
  Fixture f;
  for (std::uint64_t core = 0; core < kMaxCores; ++core) {
    auto r = decode_task_set_core(call(Syscall::task_set_core, kTask, core), f.caller);
    REQUIRE(r.ok());
    CHECK(r->task == &f.task);
    CHECK(r->core == core);
  }
  CHECK(decode_task_set_core(call(Syscall::task_set_core, kTaskControlOnly, kAnyCore), f.caller).ok());
  auto decode = [&](std::uint64_t slot, std::uint64_t core) {
    return code(decode_task_set_core(call(Syscall::task_set_core, slot, core), f.caller));
  };
  CHECK(decode(kTask, kMaxCores) == code(Error::InvalidCore));
  CHECK(decode(kTask, kAnyCore - 1) == code(Error::InvalidCore));
  CHECK(decode(kTask, kAnyCore + 1) == code(Error::InvalidCore));
  CHECK(decode(kTask, ~std::uint64_t{0}) == code(Error::InvalidCore));
  CHECK(decode(kTaskAuditOnly, 0) == code(Error::InsufficientRights));
  CHECK(decode(kQuota, 0) == code(Error::WrongType));
  CHECK(decode(kEmpty, 0) == code(Error::EmptySlot));
  CHECK(decode(0, 0) == code(Error::InvalidSlot));
  // The capability is checked before the core: a bad slot with a bad core says the slot.
  CHECK(decode(kEmpty, kMaxCores) == code(Error::EmptySlot));
}

TEST_CASE("task_core: Audit on a task") {
  Fixture f;
  auto r = decode_task_core(call(Syscall::task_core, kTaskAuditOnly), f.caller);
  REQUIRE(r.ok());
  CHECK(r.value() == &f.task);
  CHECK(code(decode_task_core(call(Syscall::task_core, kTaskControlOnly), f.caller)) ==
        code(Error::InsufficientRights));
  CHECK(code(decode_task_core(call(Syscall::task_core, kQuota), f.caller)) == code(Error::WrongType));
}

TEST_CASE("cpu_info: Audit on a memory capability, a core below kMaxCores") {
  Fixture f;
  for (std::uint64_t core = 0; core < kMaxCores; ++core) {
    auto r = decode_cpu_info(call(Syscall::cpu_info, kQuota, core), f.caller);
    REQUIRE(r.ok());
    CHECK(r.value() == core);
  }
  auto decode = [&](std::uint64_t slot, std::uint64_t core) {
    return code(decode_cpu_info(call(Syscall::cpu_info, slot, core), f.caller));
  };
  CHECK(decode(kQuota, kMaxCores) == code(Error::InvalidCore));
  CHECK(decode(kQuota, kAnyCore) == code(Error::InvalidCore));
  CHECK(decode(kQuotaNoAudit, 0) == code(Error::InsufficientRights));
  CHECK(decode(kTask, 0) == code(Error::WrongType));
  CHECK(f.quota.used() == 0);
}

TEST_CASE("the core calls return only their documented errors") {
  Fixture f;
  for (std::uint64_t slot = 0; slot <= kTableSize + 1; ++slot) {
    for (std::uint64_t core : {std::uint64_t{0}, std::uint64_t{3}, kMaxCores, kAnyCore, ~std::uint64_t{0}}) {
      CAPTURE(slot);
      CAPTURE(core);
      const std::uint64_t results[] = {
          code(decode_task_set_core(call(Syscall::task_set_core, slot, core), f.caller)),
          code(decode_task_core(call(Syscall::task_core, slot), f.caller)),
          code(decode_cpu_info(call(Syscall::cpu_info, slot, core), f.caller)),
      };
      const Syscall calls[] = {Syscall::task_set_core, Syscall::task_core, Syscall::cpu_info};
      for (int i = 0; i < 3; ++i) {
        if (results[i] != kSuccess) CHECK((error_bit(static_cast<Error>(results[i])) & syscall_errors(calls[i])) != 0);
      }
    }
  }
}
