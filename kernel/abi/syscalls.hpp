// The Bramble system call ABI, declared once for the kernel and for user space: call numbers,
// argument and result registers, and the errors each call can return. docs/syscalls.md describes
// each call in prose; tests/unit/abi checks the document against this header.
//
// Calling convention (AArch64, EL0 -> EL1):
//   svc #0 (the immediate is ignored; 0 by convention)
//   x8        system call number (Syscall)
//   x0 .. x5  arguments, in the order of the "args" column below; argument registers a call does not
//             use are ignored (stubs need not clear them)
//   x0        on return: kSuccess (0) or an Error value
//   x1 .. x3  on success: the results, in the order of the "results" column; on error they are 0
//   every other general-purpose register, SP_EL0, and the FP/SIMD registers are preserved.
// Slots are indices into the caller's capability table unless the name says otherwise; slot 0 is the
// null slot (rights.hpp). A call that creates a capability in the caller's table puts it in the
// lowest free slot and returns that slot.
//
// User-space header: plain C++, no kernel includes, only <cstdint> and lib/align.hpp (itself only
// <cstdint>), so the charges below round exactly as the kernel does.
#pragma once

#include <cstdint>

#include "kernel/abi/errors.hpp"
#include "kernel/abi/rights.hpp"
#include "lib/align.hpp"

namespace bramble::abi {

// X(name, number, "args", "results"). Numbers are grouped by area with room to grow in each group;
// 0 is never a call, so a zeroed x8 fails with InvalidSyscall.
#define BRAMBLE_ABI_SYSCALLS(X)                                                                                        \
  X(debug_write, 1, "buffer, length", "written")                                                                       \
  X(yield, 2, "", "")                                                                                                  \
  X(memory_allocate, 16, "memory, size", "frame")                                                                      \
  X(memory_map, 17, "frame, vaddr, perms", "")                                                                         \
  X(memory_map_into, 18, "task, frame, vaddr, perms", "")                                                              \
  X(memory_unmap, 19, "vaddr", "")                                                                                     \
  X(memory_info, 20, "memory", "frames, free_frames, kernel_frames")                                                   \
  X(memory_split, 21, "memory, bytes", "memory")                                                                       \
  X(notification_create, 32, "memory", "notification")                                                                 \
  X(signal, 33, "notification", "")                                                                                    \
  X(wait, 34, "notification", "bits")                                                                                  \
  X(poll, 35, "notification", "bits")                                                                                  \
  X(wait_timeout, 36, "notification, ticks", "bits")                                                                   \
  X(cap_copy, 48, "source, destination", "")                                                                           \
  X(cap_mint, 49, "source, destination, rights, badge", "")                                                            \
  X(cap_move, 50, "source, destination", "")                                                                           \
  X(cap_delete, 51, "slot", "")                                                                                        \
  X(cap_revoke, 52, "slot", "")                                                                                        \
  X(cap_insert_into, 53, "task, task_slot, source, rights, badge", "")                                                 \
  X(cap_info, 54, "slot", "kind, fact0, fact1")                                                                        \
  X(shmem_register, 64, "registry, name, frame, notification", "")                                                     \
  X(shmem_query, 65, "registry, name", "frame, notification")                                                          \
  X(task_create, 80, "authority, memory, image, slots, priority, fault_notification", "task")                          \
  X(task_start, 81, "task, argument", "")                                                                              \
  X(task_exit, 82, "code", "")                                                                                         \
  X(task_status, 83, "task", "state, code, detail")                                                                    \
  X(task_info, 84, "task", "state, priority, cpu_time")                                                                \
  X(task_set_core, 85, "task, core", "")                                                                               \
  X(task_core, 86, "task", "core, affinity, migrations")                                                               \
  X(irq_handler_create, 96, "irq_control, line, notification", "handler")                                              \
  X(irq_ack, 97, "handler", "")                                                                                        \
  X(device_frame_create, 98, "irq_control, device", "frame")                                                           \
  X(cpu_info, 112, "memory, core", "state, busy_time, switches")

enum class Syscall : std::uint64_t {
#define BRAMBLE_ABI_SYSCALL_ENUMERATOR(name, number, args, results) name = number,
  BRAMBLE_ABI_SYSCALLS(BRAMBLE_ABI_SYSCALL_ENUMERATOR)
#undef BRAMBLE_ABI_SYSCALL_ENUMERATOR
};

// Numbers at or above this are never valid (a dispatch table can be this long).
inline constexpr std::uint64_t kSyscallLimit = 128;
inline constexpr unsigned kMaxSyscallArgs = 6;
inline constexpr unsigned kMaxSyscallResults = 3;

// The errors each call can return, as a mask of error_bit()s. docs/syscalls.md lists the same sets.
[[nodiscard]] constexpr std::uint64_t syscall_errors(Syscall call) {
  using enum Error;
  constexpr std::uint64_t slot = error_bit(InvalidSlot) | error_bit(EmptySlot);
  constexpr std::uint64_t typed = slot | error_bit(WrongType) | error_bit(InsufficientRights);
  constexpr std::uint64_t map = typed | error_bit(Misaligned) | error_bit(InvalidAddress) |
                                error_bit(InvalidPermissions) | error_bit(AlreadyMapped) | error_bit(OutOfMemory);
  constexpr std::uint64_t derive = slot | error_bit(SlotOccupied);
  constexpr std::uint64_t mint = derive | error_bit(InvalidRights) | error_bit(InsufficientRights) |
                                 error_bit(AlreadyBadged) | error_bit(InvalidBadge);
  switch (call) {
  case Syscall::debug_write: return error_bit(BadUserPointer) | error_bit(InvalidSize);
  case Syscall::yield: return 0;
  case Syscall::memory_allocate:
    return typed | error_bit(InvalidSize) | error_bit(QuotaExceeded) | error_bit(OutOfMemory) | error_bit(TableFull);
  case Syscall::memory_map: return map | error_bit(QuotaExceeded);
  case Syscall::memory_map_into: return map | error_bit(QuotaExceeded) | error_bit(InvalidState);
  case Syscall::memory_unmap: return error_bit(Misaligned) | error_bit(InvalidAddress) | error_bit(NotMapped);
  case Syscall::memory_info: return typed;
  case Syscall::memory_split:
    return typed | error_bit(InvalidSize) | error_bit(QuotaExceeded) | error_bit(OutOfMemory) | error_bit(TableFull);
  case Syscall::notification_create:
    return typed | error_bit(QuotaExceeded) | error_bit(OutOfMemory) | error_bit(TableFull);
  case Syscall::signal: return typed;
  case Syscall::wait: return typed | error_bit(ObjectDestroyed);
  case Syscall::poll: return typed;
  case Syscall::wait_timeout: return typed | error_bit(InvalidSize) | error_bit(ObjectDestroyed);
  case Syscall::cap_copy: return derive;
  case Syscall::cap_mint: return mint;
  case Syscall::cap_move: return derive;
  case Syscall::cap_delete: return slot;
  case Syscall::cap_revoke: return slot;
  case Syscall::cap_insert_into: return mint | error_bit(WrongType) | error_bit(InvalidState);
  case Syscall::cap_info: return slot;
  case Syscall::shmem_register:
    return typed | error_bit(NameNotPermitted) | error_bit(NameExists) | error_bit(QuotaExceeded) |
           error_bit(OutOfMemory);
  case Syscall::shmem_query:
    return typed | error_bit(NameNotPermitted) | error_bit(NameNotFound) | error_bit(TableFull);
  case Syscall::task_create:
    return typed | error_bit(InvalidImage) | error_bit(InvalidSize) | error_bit(InvalidPriority) |
           error_bit(QuotaExceeded) | error_bit(OutOfMemory) | error_bit(TableFull);
  case Syscall::task_start: return typed | error_bit(InvalidState);
  case Syscall::task_exit: return 0;
  case Syscall::task_status: return slot | error_bit(WrongType);
  case Syscall::task_info: return typed;
  case Syscall::task_set_core: return typed | error_bit(InvalidCore) | error_bit(InvalidState);
  case Syscall::task_core: return typed;
  case Syscall::cpu_info: return typed | error_bit(InvalidCore);
  case Syscall::irq_handler_create:
    return typed | error_bit(InvalidDevice) | error_bit(DeviceBusy) | error_bit(OutOfMemory) | error_bit(TableFull);
  case Syscall::irq_ack: return typed;
  case Syscall::device_frame_create:
    return typed | error_bit(InvalidDevice) | error_bit(OutOfMemory) | error_bit(TableFull);
  }
  return 0;
}

struct SyscallInfo {
  Syscall call;
  const char* name;
  const char* args;    // comma-separated argument names, x0 first
  const char* results; // comma-separated result names, x1 first
};

inline constexpr SyscallInfo kSyscalls[] = {
#define BRAMBLE_ABI_SYSCALL_INFO(name, number, args, results) {Syscall::name, #name, args, results},
    BRAMBLE_ABI_SYSCALLS(BRAMBLE_ABI_SYSCALL_INFO)
#undef BRAMBLE_ABI_SYSCALL_INFO
};
inline constexpr std::uint64_t kSyscallCount = sizeof(kSyscalls) / sizeof(kSyscalls[0]);

// The call with this number, or nullptr when there is none.
[[nodiscard]] constexpr const SyscallInfo* find_syscall(std::uint64_t number) {
  for (const SyscallInfo& info : kSyscalls) {
    if (static_cast<std::uint64_t>(info.call) == number) return &info;
  }
  return nullptr;
}

// Number of names in a comma-separated list ("" has none).
[[nodiscard]] constexpr unsigned count_names(const char* list) {
  if (list[0] == '\0') return 0;
  unsigned n = 1;
  for (const char* p = list; *p != '\0'; ++p)
    n += (*p == ',') ? 1u : 0u;
  return n;
}

namespace detail {
[[nodiscard]] constexpr bool syscall_table_sane() {
  for (std::uint64_t i = 0; i < kSyscallCount; ++i) {
    const auto number = static_cast<std::uint64_t>(kSyscalls[i].call);
    if (number == 0 || number >= kSyscallLimit) return false;
    if (count_names(kSyscalls[i].args) > kMaxSyscallArgs) return false;
    if (count_names(kSyscalls[i].results) > kMaxSyscallResults) return false;
    for (std::uint64_t j = 0; j < i; ++j) {
      if (kSyscalls[j].call == kSyscalls[i].call) return false;
    }
  }
  return true;
}
} // namespace detail
static_assert(detail::syscall_table_sane(), "syscall numbers unique, in 1..kSyscallLimit-1, args fit x0..x5");

// cap_info results. x1 ("kind") packs the capability's type and rights; x2 and x3 ("fact0",
// "fact1") are facts about the object, which need the Audit right on the types that define it
// (Memory, Frame, Task: without Audit both are 0). The rights in x1 say whether Audit was held.
//   Memory:        fact0 = quota limit in bytes, fact1 = bytes in use
//   Frame:         fact0 = size in bytes,        fact1 = physical address (for audit only)
//   Task:          fact0 = table size in slots,   fact1 = priority
//   Notification:  fact0 = badge,                fact1 = 0
//   ShmemRegistry: fact0 = badge,                fact1 = 0
//   TaskCreate, IrqControl, IrqHandler: 0, 0
inline constexpr unsigned kCapInfoRightsShift = 8;
[[nodiscard]] constexpr std::uint64_t cap_info_kind(CapType type, Rights rights) {
  return static_cast<std::uint64_t>(type) | (std::uint64_t{rights} << kCapInfoRightsShift);
}
[[nodiscard]] constexpr CapType cap_info_type(std::uint64_t kind) { return static_cast<CapType>(kind & 0xff); }
[[nodiscard]] constexpr Rights cap_info_rights(std::uint64_t kind) {
  return static_cast<Rights>((kind >> kCapInfoRightsShift) & kAllRightBits);
}

// memory_info results (a Memory capability with Audit; kernel-wide, not the quota's own figures):
//   frames        = the RAM frames the frame allocator manages (constant after boot)
//   free_frames   = those free now; frames - free_frames are in use by tasks and the objects the
//                   kernel made for them (frames, tables, stacks, images, page tables)
//   kernel_frames = frames the kernel keeps for itself outside `frames`: its image (code, data, BSS
//                   with the object pools, its own translation tables and stack) and the allocator's
//                   per-frame bookkeeping (constant after boot)
// task_info results (a Task capability with Audit):
//   state    = abi::TaskState, as task_status
//   priority = the task's priority
//   cpu_time = generic-timer counter ticks (BootInfo.timer_frequency per second; the same counter
//              EL0 reads as CNTVCT_EL0) during which the task held the CPU, at EL0 and in the kernel
//              on its behalf; idle time is nobody's. 0 before task_start; frozen when the task ends.

// task_create limits: a task's table has at least this many slots (the null slot plus one), and
// priorities run 0 (lowest) .. kMaxPriority.
inline constexpr std::uint64_t kMinTaskSlots = 2;
inline constexpr std::uint64_t kMaxPriority = 31;

// Cores: task_set_core takes a core number below kMaxCores (one that is online) or kAnyCore; a task
// starts on core 0 until someone with Control on it says otherwise.
inline constexpr std::uint64_t kMaxCores = 4;
inline constexpr std::uint64_t kAnyCore = 0xff;
// cpu_info's state: bit 0 the core is online, bit 1 it schedules tasks, bit 2 it runs one right now;
// bits 8-15 how many tasks wait in its ready queues.
inline constexpr std::uint64_t kCpuOnline = 1u << 0;
inline constexpr std::uint64_t kCpuScheduling = 1u << 1;
inline constexpr std::uint64_t kCpuRunning = 1u << 2;
inline constexpr unsigned kCpuReadyShift = 8;

// What memory_allocate charges a quota for `size` bytes: whole pages, rounded up to a power of two
// (the frame allocator hands out blocks of 2^n pages, and the quota pays for the block). A component
// sizing a sub-quota (memory_split) for the frames it will allocate adds these up.
[[nodiscard]] constexpr std::uint64_t allocation_charge(std::uint64_t size) {
  const std::uint64_t pages = div_round_up(size, kPageSize);
  std::uint64_t block = 1;
  while (block < pages)
    block <<= 1;
  return block * kPageSize;
}
// Kernel records (a frame's, a notification's, a sub-quota's, a mapping's, a registry entry's) are
// carved from 4 KiB object pages that belong to one quota and are charged to it in full: a quota's
// first record costs a page, the next kRecordsPerObjectPage - 1 cost nothing more, and a page is
// refunded when its last record goes. Which quota pays: the memory capability named by
// memory_allocate, notification_create and memory_split; for memory_map and memory_map_into the
// quota of the task whose address space changes (its mapping record and page tables); for
// shmem_register the quota of the registering task. A component sizing a sub-quota for N records
// made at once adds record_charge(N).
inline constexpr std::uint64_t kRecordsPerObjectPage = 15;
[[nodiscard]] constexpr std::uint64_t record_charge(std::uint64_t records) {
  return div_round_up(records, kRecordsPerObjectPage) * kPageSize;
}
// What task_create charges besides the table, the image and the page tables: the task's record (one
// page: saved registers, FP state, scheduling) and its stack.
inline constexpr std::uint64_t kTaskRecordCharge = kPageSize;

// wait_timeout's `ticks` (generic-timer counter ticks, BootInfo.timer_frequency per second, as EL0
// reads CNTVCT_EL0) is at most this; more is InvalidSize. 2^58 ticks is over 9 years at 1 GHz, the
// highest counter rate the architecture allows (ARMv8.6 fixes it there), and over 150 years at the
// Pi 4's 54 MHz; a wait meant to last for ever is `wait`. The bound keeps the kernel's deadline (now +
// ticks) from wrapping for centuries of uptime.
inline constexpr std::uint64_t kMaxWaitTicks = std::uint64_t{1} << 58;

// debug_write writes at most this many bytes per call (the result says how many it wrote).
inline constexpr std::uint64_t kMaxDebugWrite = 4096;

} // namespace bramble::abi
