// Decoding of every system call's registers: what each accepts, each error it returns, and a random
// test that no decoder returns an error its call does not document.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <vector>

#include "fake_objects.hpp"
#include "kernel/cap/syscall_decode.hpp"

using namespace bramble::cap;
using namespace bramble::cap::test;
using namespace bramble::abi;

namespace {

constexpr std::uint64_t kPage = kPageSize;
constexpr DecodeLimits kLimits{
    .user_va_base = 0x1000,
    .user_va_limit = std::uint64_t{1} << 39,
    .max_allocation = std::uint64_t{1} << 24,
    .image_count = 3,
    .max_priority = 10,
    .max_task_slots = 256,
    .task_cost = 2 * kPage,
    .channel_window_base = 0x9000'0000,
    .channel_window_end = 0xA000'0000,
};

// Slots of the caller's table in the fixture.
enum : std::uint64_t { kQuota = 1, kFrame, kTask, kNotification, kRegistry, kAuthority, kFirstFree };

struct Fixture {
  OwnedTable<12> t;
  OwnedTable<16> attic; // where weaken() keeps the capabilities it replaced (their copies live on them)
  std::uint64_t attic_next = 1;
  FakeQuota quota{64 * kPage};
  FakeFrame frame{0x2000'0000, 2 * kPage, &quota};
  FakeTask<4> task{5};
  FakeObject notification{CapType::Notification};
  FakeObject registry{CapType::ShmemRegistry};
  FakeObject authority{CapType::TaskCreate};
  Caller caller{t.table, kLimits};

  Fixture() {
    KernelObject* objects[] = {&quota, &frame, &task, &notification, &registry, &authority};
    for (std::uint64_t i = 0; i < 6; ++i)
      invoke_install(decode_install(t.table, kQuota + i, *objects[i]).value());
  }
  // Replaces a slot's capability by a copy with fewer rights (and a badge).
  // Uses slot 11 as scratch, so call it before fill_table().
  void weaken(std::uint64_t slot, Rights rights, Badge badge = 0) {
    // Deleting a capability deletes what was derived from it, so the original moves to the attic
    // and the weaker copy is derived from it there.
    const std::uint64_t kept = attic_next++;
    invoke_move(decode_move(t.table, slot, attic.table, kept).value());
    auto mint = decode_derive(attic.storage[kept], t.storage[slot], rights, badge);
    REQUIRE(mint.ok());
    invoke_derive(mint.value());
  }
  void fill_table() {
    for (std::uint64_t s = kFirstFree; s < t.table.size(); ++s) {
      if (t.table.at(s).empty()) invoke_derive(decode_copy(t.table, kNotification, s).value());
    }
  }
};

SyscallArgs call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0, std::uint64_t a3 = 0,
                 std::uint64_t a4 = 0, std::uint64_t a5 = 0) {
  return SyscallArgs{static_cast<std::uint64_t>(number), {a0, a1, a2, a3, a4, a5}};
}

// Runs the decoder of any call; the error, or nullopt-like success (0).
std::uint64_t decode_any(const SyscallArgs& args, Caller caller) {
  auto code = [](const auto& result) { return result.ok() ? kSuccess : static_cast<std::uint64_t>(result.error()); };
  Result<Syscall> number = decode_syscall_number(args.number);
  if (!number.ok()) return code(number);
  switch (number.value()) {
  case Syscall::debug_write: return code(decode_debug_write(args, caller));
  case Syscall::yield: return kSuccess;
  case Syscall::memory_allocate: return code(decode_memory_allocate(args, caller));
  case Syscall::memory_map: return code(decode_memory_map(args, caller));
  case Syscall::memory_map_into: return code(decode_memory_map_into(args, caller));
  case Syscall::memory_unmap: return code(decode_memory_unmap(args, caller));
  case Syscall::notification_create: return code(decode_notification_create(args, caller));
  case Syscall::signal: return code(decode_signal(args, caller));
  case Syscall::wait: return code(decode_wait(args, caller));
  case Syscall::poll: return code(decode_wait(args, caller));
  case Syscall::wait_timeout: return code(decode_wait_timeout(args, caller));
  case Syscall::cap_copy: return code(decode_cap_copy(args, caller));
  case Syscall::cap_mint: return code(decode_cap_mint(args, caller));
  case Syscall::cap_move: return code(decode_cap_move(args, caller));
  case Syscall::cap_delete: return code(decode_cap_delete(args, caller));
  case Syscall::cap_revoke: return code(decode_cap_revoke(args, caller));
  case Syscall::cap_insert_into: return code(decode_cap_insert_into(args, caller));
  case Syscall::cap_info: return code(decode_cap_info(args, caller));
  case Syscall::shmem_register: return code(decode_shmem_register(args, caller));
  case Syscall::shmem_query: return code(decode_shmem_query(args, caller));
  case Syscall::task_create: return code(decode_task_create(args, caller));
  case Syscall::task_start: return code(decode_task_start(args, caller));
  case Syscall::task_exit: return kSuccess;
  case Syscall::task_status: return code(decode_task_status(args, caller));
  case Syscall::irq_handler_create: return code(decode_irq_handler_create(args, caller));
  case Syscall::irq_ack: return code(decode_irq_ack(args, caller));
  case Syscall::device_frame_create: return code(decode_device_frame_create(args, caller));
  case Syscall::task_info: return code(decode_task_info(args, caller));
  case Syscall::task_set_core: return code(decode_task_set_core(args, caller));
  case Syscall::task_core: return code(decode_task_core(args, caller));
  case Syscall::cpu_info: return code(decode_cpu_info(args, caller));
  case Syscall::memory_info: return code(decode_memory_info(args, caller));
  case Syscall::memory_split: return code(decode_memory_split(args, caller));
  }
  return kSuccess;
}

std::uint64_t decode_error(Fixture& f, const SyscallArgs& args) { return decode_any(args, f.caller); }
constexpr std::uint64_t code(Error e) { return static_cast<std::uint64_t>(e); }

} // namespace

TEST_CASE("syscall numbers: every declared call decodes, 0 and unknown numbers do not") {
  for (const SyscallInfo& info : kSyscalls)
    CHECK(decode_syscall_number(static_cast<std::uint64_t>(info.call)).ok());
  CHECK(decode_syscall_number(0).error() == Error::InvalidSyscall);
  CHECK(decode_syscall_number(3).error() == Error::InvalidSyscall);
  CHECK(decode_syscall_number(kSyscallLimit).error() == Error::InvalidSyscall);
  CHECK(decode_syscall_number(~std::uint64_t{0}).error() == Error::InvalidSyscall);
}

TEST_CASE("user ranges and buffers stay inside the user window") {
  CHECK(check_user_range(0x1000, kPage, kLimits).ok());
  CHECK(check_user_range(kLimits.user_va_limit - kPage, kPage, kLimits).ok());
  CHECK(check_user_range(0x1001, kPage, kLimits).error() == Error::Misaligned);
  CHECK(check_user_range(0, kPage, kLimits).error() == Error::InvalidAddress); // page 0 stays unmapped
  CHECK(check_user_range(kLimits.user_va_limit - kPage, 2 * kPage, kLimits).error() == Error::InvalidAddress);
  CHECK(check_user_range(kLimits.user_va_limit, kPage, kLimits).error() == Error::InvalidAddress);
  CHECK(check_user_range(0xffff'0000'0000'0000, kPage, kLimits).error() == Error::InvalidAddress);      // kernel half
  CHECK(check_user_range(0x1000, ~std::uint64_t{0} - 0xfff, kLimits).error() == Error::InvalidAddress); // wraps
  CHECK(check_user_range(0x1000, 0, kLimits).error() == Error::InvalidAddress);

  CHECK(check_user_buffer(0x1234, 10, kLimits).ok());
  CHECK(check_user_buffer(0, 0, kLimits).ok()); // nothing to read
  CHECK(check_user_buffer(0x10, 4, kLimits).error() == Error::BadUserPointer);
  CHECK(check_user_buffer(kLimits.user_va_limit - 4, 8, kLimits).error() == Error::BadUserPointer);
  CHECK(check_user_buffer(0x1000, ~std::uint64_t{0}, kLimits).error() == Error::BadUserPointer);
}

TEST_CASE("debug_write") {
  Fixture f;
  auto ok = decode_debug_write(call(Syscall::debug_write, 0x4000, 12), f.caller);
  REQUIRE(ok.ok());
  CHECK(ok->buffer == 0x4000);
  CHECK(ok->length == 12);
  CHECK(decode_error(f, call(Syscall::debug_write, 0x100, 12)) == code(Error::BadUserPointer));
  CHECK(decode_error(f, call(Syscall::debug_write, 0x4000, kMaxDebugWrite + 1)) == code(Error::InvalidSize));
}

TEST_CASE("memory_allocate") {
  Fixture f;
  auto ok = decode_memory_allocate(call(Syscall::memory_allocate, kQuota, 4 * kPage), f.caller);
  REQUIRE(ok.ok());
  CHECK(ok->quota == &f.quota);
  CHECK(ok->size == 4 * kPage);
  CHECK(ok->destination == &f.t.storage[kFirstFree]);
  CHECK(decode_error(f, call(Syscall::memory_allocate, 0, kPage)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::memory_allocate, 10, kPage)) == code(Error::EmptySlot));
  CHECK(decode_error(f, call(Syscall::memory_allocate, kFrame, kPage)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::memory_allocate, kQuota, 0)) == code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::memory_allocate, kQuota, kPage + 1)) == code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::memory_allocate, kQuota, kLimits.max_allocation + kPage)) ==
        code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::memory_allocate, kQuota, 65 * kPage)) == code(Error::QuotaExceeded));
  f.fill_table();
  CHECK(decode_error(f, call(Syscall::memory_allocate, kQuota, kPage)) == code(Error::TableFull));
  Fixture g;
  g.weaken(kQuota, kRightGrant);
  CHECK(decode_error(g, call(Syscall::memory_allocate, kQuota, kPage)) == code(Error::InsufficientRights));
}

TEST_CASE("memory_split") {
  Fixture f;
  auto ok = decode_memory_split(call(Syscall::memory_split, kQuota, 8 * kPage), f.caller);
  REQUIRE(ok.ok());
  CHECK(ok->parent == &f.quota);
  CHECK(ok->bytes == 8 * kPage);
  CHECK(ok->destination == &f.t.storage[kFirstFree]);
  CHECK(f.quota.used() == 0); // decoding charges nothing
  // The whole quota may be split off; no allocation limit applies (a split allocates nothing).
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, 64 * kPage)) == kSuccess);
  CHECK(decode_error(f, call(Syscall::memory_split, 0, kPage)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::memory_split, 12, kPage)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::memory_split, 10, kPage)) == code(Error::EmptySlot));
  CHECK(decode_error(f, call(Syscall::memory_split, kFrame, kPage)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, 0)) == code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, kPage + 8)) == code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, 65 * kPage)) == code(Error::QuotaExceeded));
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, ~std::uint64_t{0} & ~(kPage - 1))) ==
        code(Error::QuotaExceeded));
  f.quota.charge(60 * kPage); // what is in use cannot be split off
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, 4 * kPage)) == kSuccess);
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, 5 * kPage)) == code(Error::QuotaExceeded));
  f.quota.refund(60 * kPage);
  f.fill_table();
  CHECK(decode_error(f, call(Syscall::memory_split, kQuota, kPage)) == code(Error::TableFull));
  Fixture g;
  g.weaken(kQuota, kRightGrant | kRightAudit);
  CHECK(decode_error(g, call(Syscall::memory_split, kQuota, kPage)) == code(Error::InsufficientRights));
}

TEST_CASE("memory_map: every argument rule is decode's (mapped once, the window, device memory)") {
  Fixture f;
  // Execute is never allowed in the channel window; outside it, a readable executable mapping is fine.
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead | kMapExecute)) ==
        code(Error::InvalidPermissions));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x4000'0000, kMapRead | kMapExecute)) == kSuccess);
  // A capability that already maps its frame (its kernel word names the mapping).
  f.t.storage[kFrame].set_kernel_word(0x1234);
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x4000'0000, kMapRead)) == code(Error::AlreadyMapped));
  CHECK(decode_error(f, call(Syscall::memory_map_into, kTask, kFrame, 0x4000'0000, kMapRead)) ==
        code(Error::AlreadyMapped));
  f.t.storage[kFrame].set_kernel_word(0);
  // Device memory: never in the window, never executable.
  FakeFrame mmio(0xFE20'1000, kPage, nullptr, true);
  invoke_install(decode_install(f.t.table, kFirstFree, mmio).value());
  CHECK(decode_error(f, call(Syscall::memory_map, kFirstFree, 0x9000'0000, kMapRead)) == code(Error::InvalidAddress));
  CHECK(decode_error(f, call(Syscall::memory_map, kFirstFree, 0x4000'0000, kMapRead | kMapExecute)) ==
        code(Error::InvalidPermissions));
  CHECK(decode_error(f, call(Syscall::memory_map, kFirstFree, 0x4000'0000, kMapRead | kMapWrite)) == kSuccess);
  // Nor is device memory a ring to publish.
  CHECK(decode_error(f, call(Syscall::shmem_register, kRegistry, 1, kFirstFree, kNotification)) ==
        code(Error::WrongType));
}

TEST_CASE("memory_map and memory_map_into") {
  Fixture f;
  auto ok = decode_memory_map(call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead | kMapWrite), f.caller);
  REQUIRE(ok.ok());
  CHECK(ok->task == nullptr);
  CHECK(ok->frame == &f.frame);
  CHECK(ok->perms == (kMapRead | kMapWrite));
  auto into = decode_memory_map_into(call(Syscall::memory_map_into, kTask, kFrame, 0x9000'0000, kMapRead), f.caller);
  REQUIRE(into.ok());
  CHECK(into->task == &f.task);

  CHECK(decode_error(f, call(Syscall::memory_map, kTask, 0x9000'0000, kMapRead)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0800, kMapRead)) == code(Error::Misaligned));
  // The frame is two pages: the last page of the window is too little room.
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, kLimits.user_va_limit - kPage, kMapRead)) ==
        code(Error::InvalidAddress));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, 0)) == code(Error::InvalidPermissions));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapWrite)) == code(Error::InvalidPermissions));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead | kMapWrite | kMapExecute)) ==
        code(Error::InvalidPermissions)); // W^X
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, 8 | kMapRead)) ==
        code(Error::InvalidPermissions));
  CHECK(decode_error(f, call(Syscall::memory_map_into, kFrame, kFrame, 0x9000'0000, kMapRead)) ==
        code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::memory_map_into, 0, kFrame, 0x9000'0000, kMapRead)) == code(Error::InvalidSlot));

  f.weaken(kFrame, kRightRead | kRightGrant); // a read-only copy cannot map writable
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead)) == kSuccess);
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead | kMapWrite)) ==
        code(Error::InsufficientRights));
  CHECK(decode_error(f, call(Syscall::memory_map, kFrame, 0x9000'0000, kMapRead | kMapExecute)) ==
        code(Error::InsufficientRights));
  f.weaken(kTask, kRightAudit); // no Control over the task
  CHECK(decode_error(f, call(Syscall::memory_map_into, kTask, kFrame, 0x9000'0000, kMapRead)) ==
        code(Error::InsufficientRights));
}

TEST_CASE("memory_unmap") {
  Fixture f;
  CHECK(decode_memory_unmap(call(Syscall::memory_unmap, 0x9000'0000), f.caller)->vaddr == 0x9000'0000);
  CHECK(decode_error(f, call(Syscall::memory_unmap, 0x9000'0004)) == code(Error::Misaligned));
  CHECK(decode_error(f, call(Syscall::memory_unmap, 0)) == code(Error::InvalidAddress));
  CHECK(decode_error(f, call(Syscall::memory_unmap, kLimits.user_va_limit)) == code(Error::InvalidAddress));
}

TEST_CASE("wait_timeout: Wait on a notification, then ticks up to kMaxWaitTicks") {
  Fixture f;
  auto timed = decode_wait_timeout(call(Syscall::wait_timeout, kNotification, 1000), f.caller);
  REQUIRE(timed.ok());
  CHECK(timed->cap == &f.t.storage[kNotification]);
  CHECK(timed->notification == &f.notification);
  CHECK(timed->ticks == 1000);
  CHECK(decode_wait_timeout(call(Syscall::wait_timeout, kNotification, 0), f.caller)->ticks == 0); // a poll
  CHECK(decode_wait_timeout(call(Syscall::wait_timeout, kNotification, kMaxWaitTicks), f.caller)->ticks ==
        kMaxWaitTicks);
  CHECK(decode_error(f, call(Syscall::wait_timeout, kNotification, kMaxWaitTicks + 1)) == code(Error::InvalidSize));
  CHECK(decode_error(f, call(Syscall::wait_timeout, kNotification, ~std::uint64_t{0})) == code(Error::InvalidSize));
  // The capability is checked first, as for every call: a bad slot with a bad count is a slot error.
  CHECK(decode_error(f, call(Syscall::wait_timeout, 0, ~std::uint64_t{0})) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::wait_timeout, 12, 5)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::wait_timeout, 11, 5)) == code(Error::EmptySlot));
  CHECK(decode_error(f, call(Syscall::wait_timeout, kFrame, 5)) == code(Error::WrongType));
  f.weaken(kNotification, kRightSignal | kRightGrant); // everything but Wait
  CHECK(decode_error(f, call(Syscall::wait_timeout, kNotification, 5)) == code(Error::InsufficientRights));
}

TEST_CASE("notification_create, signal, wait and poll") {
  Fixture f;
  auto made = decode_notification_create(call(Syscall::notification_create, kQuota), f.caller);
  REQUIRE(made.ok());
  CHECK(decode_error(f, call(Syscall::notification_create, kFrame)) == code(Error::WrongType));

  auto unbadged = decode_signal(call(Syscall::signal, kNotification), f.caller);
  REQUIRE(unbadged.ok());
  CHECK(unbadged->signal_bits == kUnbadgedSignalBits);
  CHECK(decode_wait(call(Syscall::wait, kNotification), f.caller).ok());
  CHECK(decode_error(f, call(Syscall::signal, kFrame)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::poll, 11)) == code(Error::EmptySlot));

  f.weaken(kNotification, kRightSignal, 0x30); // a badged signal-only copy
  auto badged = decode_signal(call(Syscall::signal, kNotification), f.caller);
  REQUIRE(badged.ok());
  CHECK(badged->signal_bits == 0x30);
  CHECK(decode_error(f, call(Syscall::wait, kNotification)) == code(Error::InsufficientRights));
  CHECK(decode_error(f, call(Syscall::poll, kNotification)) == code(Error::InsufficientRights));
  f.weaken(kNotification, 0);
  CHECK(decode_error(f, call(Syscall::signal, kNotification)) == code(Error::InsufficientRights));

  // The record's charge is found out when it is made (a new object page, or room in one): decode
  // passes even a quota with almost nothing left, the invoke step says QuotaExceeded.
  FakeQuota tiny(32);
  invoke_install(decode_install(f.t.table, 10, tiny).value());
  auto tiny_made = decode_notification_create(call(Syscall::notification_create, 10), f.caller);
  REQUIRE(tiny_made.ok());
  CHECK(tiny_made->memory == &f.t.storage[10]);
  f.fill_table();
  CHECK(decode_error(f, call(Syscall::notification_create, kQuota)) == code(Error::TableFull));
}

TEST_CASE("cap_* calls decode into capability operations on the caller's table") {
  Fixture f;
  CHECK(decode_cap_copy(call(Syscall::cap_copy, kFrame, 8), f.caller)->destination == &f.t.storage[8]);
  auto mint = decode_cap_mint(call(Syscall::cap_mint, kNotification, 8, kRightSignal, 0x4), f.caller);
  REQUIRE(mint.ok());
  CHECK(mint->badge == 0x4);
  CHECK(decode_cap_move(call(Syscall::cap_move, kFrame, 8), f.caller).ok());
  CHECK(decode_cap_delete(call(Syscall::cap_delete, kFrame), f.caller)->target == &f.t.storage[kFrame]);
  CHECK(decode_cap_revoke(call(Syscall::cap_revoke, kFrame), f.caller).ok());
  CHECK(decode_error(f, call(Syscall::cap_copy, kFrame, kFrame)) == code(Error::SlotOccupied));
  CHECK(decode_error(f, call(Syscall::cap_mint, kFrame, 8, kRightSignal, 0)) == code(Error::InvalidRights));
  CHECK(decode_error(f, call(Syscall::cap_move, 8, 9)) == code(Error::EmptySlot));
  CHECK(decode_error(f, call(Syscall::cap_delete, 12)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::cap_revoke, 0)) == code(Error::InvalidSlot));
}

TEST_CASE("cap_insert_into targets the task's table and needs Control on the task and Grant on the source") {
  Fixture f;
  auto op = decode_cap_insert_into(call(Syscall::cap_insert_into, kTask, 2, kFrame, kRightRead, 0), f.caller);
  REQUIRE(op.ok());
  CHECK(op->destination == &f.task.storage[2]);
  CHECK(op->rights == kRightRead);
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 4, kFrame, kRightRead, 0)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 0, kFrame, kRightRead, 0)) == code(Error::InvalidSlot));
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kFrame, 2, kFrame, kRightRead, 0)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 2, kFrame, kRightWait, 0)) == code(Error::InvalidRights));
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 2, kFrame, kRightRead, 5)) == code(Error::InvalidBadge));
  invoke_derive(op.value());
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 2, kFrame, kRightRead, 0)) == code(Error::SlotOccupied));
  f.weaken(kNotification, kRightSignal | kRightGrant, 0x8);
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 3, kNotification, kRightSignal, 0x10)) ==
        code(Error::AlreadyBadged));
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 3, kNotification, kRightSignal | kRightWait, 0)) ==
        code(Error::InsufficientRights));
  f.weaken(kFrame, kRightRead); // no Grant: cannot be given away
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 3, kFrame, kRightRead, 0)) ==
        code(Error::InsufficientRights));
  f.weaken(kTask, kRightGrant);
  CHECK(decode_error(f, call(Syscall::cap_insert_into, kTask, 3, kNotification, kRightSignal, 0)) ==
        code(Error::InsufficientRights));
}

TEST_CASE("cap_info reports type and rights always, object facts only with Audit") {
  Fixture f;
  const Capability* frame = decode_cap_info(call(Syscall::cap_info, kFrame), f.caller).value();
  CapInfo info = cap_info(*frame);
  CHECK(cap_info_type(info.kind) == CapType::Frame);
  CHECK(cap_info_rights(info.kind) == valid_rights(CapType::Frame));
  CHECK(info.fact0 == 2 * kPage);
  CHECK(info.fact1 == 0x2000'0000);
  info = cap_info(f.t.table.at(kTask));
  CHECK(info.fact0 == 4);
  CHECK(info.fact1 == 5);
  info = cap_info(f.t.table.at(kQuota));
  CHECK(info.fact0 == 64 * kPage);
  CHECK(info.fact1 == f.quota.used());
  f.weaken(kFrame, kRightRead);
  info = cap_info(f.t.table.at(kFrame));
  CHECK(cap_info_rights(info.kind) == kRightRead);
  CHECK(info.fact0 == 0);
  CHECK(info.fact1 == 0);
  f.weaken(kNotification, kRightWait, 0x77);
  info = cap_info(f.t.table.at(kNotification));
  CHECK(cap_info_type(info.kind) == CapType::Notification);
  CHECK(info.fact0 == 0x77);
  CHECK(decode_error(f, call(Syscall::cap_info, 11)) == code(Error::EmptySlot));
  CHECK(decode_error(f, call(Syscall::cap_info, 99)) == code(Error::InvalidSlot));
}

TEST_CASE("shmem_register and shmem_query") {
  Fixture f;
  const std::uint64_t name = (std::uint64_t{0xAB} << 56) | 7;
  auto reg = decode_shmem_register(call(Syscall::shmem_register, kRegistry, name, kFrame, kNotification), f.caller);
  REQUIRE(reg.ok());
  CHECK(reg->name == name);
  auto query = decode_shmem_query(call(Syscall::shmem_query, kRegistry, name), f.caller);
  REQUIRE(query.ok());
  CHECK(query->frame_destination == &f.t.storage[kFirstFree]);
  CHECK(query->notification_destination == &f.t.storage[kFirstFree + 1]);
  CHECK(decode_error(f, call(Syscall::shmem_register, kRegistry, name, kTask, kNotification)) ==
        code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::shmem_register, kRegistry, name, kFrame, 0)) == code(Error::InvalidSlot));

  f.weaken(kRegistry, kRightRead, registry_badge(std::uint64_t{0xAB} << 56, 8)); // query-only, names 0xAB...
  CHECK(decode_error(f, call(Syscall::shmem_query, kRegistry, name)) == kSuccess);
  CHECK(decode_error(f, call(Syscall::shmem_query, kRegistry, std::uint64_t{0xAC} << 56)) ==
        code(Error::NameNotPermitted));
  CHECK(decode_error(f, call(Syscall::shmem_register, kRegistry, name, kFrame, kNotification)) ==
        code(Error::InsufficientRights));
  f.weaken(kFrame, kRightRead | kRightWrite); // no Grant: may not be published
  FakeObject open_registry(CapType::ShmemRegistry);
  invoke_install(decode_install(f.t.table, 10, open_registry).value());
  CHECK(decode_error(f, call(Syscall::shmem_register, 10, name, kFrame, kNotification)) ==
        code(Error::InsufficientRights));
  // Two result slots are needed: one free slot is not enough.
  f.fill_table();
  invoke_delete(decode_delete(f.t.table, 11).value());
  CHECK(decode_error(f, call(Syscall::shmem_query, 10, name)) == code(Error::TableFull));
}

TEST_CASE("task_create and task_start") {
  Fixture f;
  auto made = decode_task_create(call(Syscall::task_create, kAuthority, kQuota, 2, 64, 10, kNotification), f.caller);
  REQUIRE(made.ok());
  CHECK(made->image == 2);
  CHECK(made->slots == 64);
  CHECK(made->priority == 10);
  CHECK(made->fault_notification == &f.t.storage[kNotification]);
  CHECK(made->cost == kLimits.task_cost + kPage); // 64 slots of 64 bytes: one page
  auto no_fault = decode_task_create(call(Syscall::task_create, kAuthority, kQuota, 0, 2, 0, 0), f.caller);
  REQUIRE(no_fault.ok());
  CHECK(no_fault->fault_notification == nullptr);

  auto err_of = [&](std::uint64_t a0, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3, std::uint64_t a4,
                    std::uint64_t a5) { return decode_error(f, call(Syscall::task_create, a0, a1, a2, a3, a4, a5)); };
  CHECK(err_of(kQuota, kQuota, 0, 8, 1, 0) == code(Error::WrongType));
  CHECK(err_of(kAuthority, kFrame, 0, 8, 1, 0) == code(Error::WrongType));
  CHECK(err_of(kAuthority, kQuota, 3, 8, 1, 0) == code(Error::InvalidImage));
  CHECK(err_of(kAuthority, kQuota, 0, 1, 1, 0) == code(Error::InvalidSize));
  CHECK(err_of(kAuthority, kQuota, 0, 257, 1, 0) == code(Error::InvalidSize));
  CHECK(err_of(kAuthority, kQuota, 0, 8, 11, 0) == code(Error::InvalidPriority));
  CHECK(err_of(kAuthority, kQuota, 0, 8, 1, kFrame) == code(Error::WrongType));
  CHECK(err_of(kAuthority, kQuota, 0, 8, 1, 12) == code(Error::InvalidSlot));
  FakeQuota small(2 * kPage);
  invoke_install(decode_install(f.t.table, 10, small).value());
  CHECK(err_of(kAuthority, 10, 0, 8, 1, 0) == code(Error::QuotaExceeded)); // task + one page of table
  f.weaken(kNotification, kRightWait);
  CHECK(err_of(kAuthority, kQuota, 0, 8, 1, kNotification) == code(Error::InsufficientRights));
  f.weaken(kAuthority, kRightGrant);
  CHECK(err_of(kAuthority, kQuota, 0, 8, 1, 0) == code(Error::InsufficientRights));
  Fixture full;
  full.fill_table();
  CHECK(decode_error(full, call(Syscall::task_create, kAuthority, kQuota, 0, 8, 1, 0)) == code(Error::TableFull));

  auto start = decode_task_start(call(Syscall::task_start, kTask, 0x1234), f.caller);
  REQUIRE(start.ok());
  CHECK(start->task == &f.task);
  CHECK(start->argument == 0x1234);
  CHECK(decode_error(f, call(Syscall::task_start, kFrame)) == code(Error::WrongType));
  f.weaken(kTask, kRightAudit);
  CHECK(decode_error(f, call(Syscall::task_start, kTask)) == code(Error::InsufficientRights));
  // task_status needs no right at all: the weakened capability still answers.
  auto status = decode_task_status(call(Syscall::task_status, kTask), f.caller);
  REQUIRE(status.ok());
  CHECK(status.value() == &f.task);
  CHECK(decode_error(f, call(Syscall::task_status, kFrame)) == code(Error::WrongType));
  CHECK(decode_error(f, call(Syscall::task_status, 0)) == code(Error::InvalidSlot)); // the null slot
}

TEST_CASE("random registers: decoders change nothing and return only their call's documented errors") {
  std::mt19937_64 rng(2024);
  std::uint64_t accepted = 0;
  for (int round = 0; round < 200; ++round) {
    Fixture f;
    if (round % 4 == 2) f.weaken(kNotification, kRightSignal, 0x10);
    if (round % 3 == 1) f.fill_table();
    auto value = [&](int arg) -> std::uint64_t {
      switch (rng() % 6) {
      case 0: return rng() % 14;                          // a slot, valid or not
      case 1: return (rng() % 64) * kPage;                // a page-aligned size or address
      case 2: return rng() % 8;                           // rights, perms, image, priority
      case 3: return 0x9000'0000 + (rng() % 3) * 0x800;   // an address, maybe misaligned
      case 4: return static_cast<std::uint64_t>(arg) + 1; // a plausible slot in argument order
      default: return rng();
      }
    };
    for (const SyscallInfo& info : kSyscalls) {
      for (int trial = 0; trial < 20; ++trial) {
        SyscallArgs args{static_cast<std::uint64_t>(info.call), {}};
        for (int a = 0; a < 6; ++a)
          args.arg[static_cast<std::size_t>(a)] = value(a);
        std::vector<unsigned char> before(sizeof f.t.storage);
        std::memcpy(before.data(), f.t.storage.data(), before.size());
        const std::uint64_t result = decode_any(args, f.caller);
        CHECK(std::memcmp(before.data(), f.t.storage.data(), before.size()) == 0);
        if (result == kSuccess) {
          ++accepted;
        } else {
          INFO(info.name << " returned " << error_name(result));
          CHECK(((std::uint64_t{1} << result) & syscall_errors(info.call)) != 0);
        }
      }
    }
  }
  CHECK(accepted > 1000);
}
