// The decode half of every system call: from the raw registers of a call and the caller's table to
// a typed, checked argument struct, or the error the call returns. Nothing here changes state, so a
// handler is "decode (here), then the object-specific checks only the kernel can make (is the range
// already mapped, is the registry name taken, are there free frames), then invoke".
// The errors each decoder returns are a subset of abi::syscall_errors() for its call (tested).
#pragma once

#include "kernel/abi/syscalls.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/memory_quota.hpp"
#include "kernel/cap/objects.hpp"

namespace bramble::cap {

using abi::MapPerms;
using abi::Syscall;

// The registers of a call: x8 and x0..x5.
struct SyscallArgs {
  ktl::uint64_t number;
  std::array<ktl::uint64_t, abi::kMaxSyscallArgs> arg;
};

// Kernel configuration the checks depend on.
struct DecodeLimits {
  ktl::uint64_t user_va_base;   // lowest mappable user address (above 0, so page 0 stays unmapped)
  ktl::uint64_t user_va_limit;  // one past the highest user address (the TTBR0 region's size)
  ktl::uint64_t max_allocation; // largest memory_allocate size in bytes
  ktl::uint64_t image_count;    // program images linked into the kernel
  ktl::uint64_t max_priority;   // highest priority this caller may give a task (<= abi::kMaxPriority)
  ktl::uint64_t max_task_slots; // largest capability table task_create may ask for
  ktl::uint64_t task_cost;      // quota bytes a task costs at least on top of its table's block
  // The channel window [base, end): shared rings only, never executable, never device memory.
  ktl::uint64_t channel_window_base = 0;
  ktl::uint64_t channel_window_end = 0;
};

struct Caller {
  CapTable& caps;
  const DecodeLimits& limits;
};

// Which numbers below kSyscallLimit name a call: one load on every system call, where
// abi::find_syscall() would walk the table (and every call added to the ABI would slow the others).
// Inline: it runs on every system call.
inline constexpr auto kDeclaredSyscallNumbers = [] {
  std::array<bool, abi::kSyscallLimit> declared{};
  for (const abi::SyscallInfo& info : abi::kSyscalls)
    declared[static_cast<ktl::size_t>(info.call)] = true;
  return declared;
}();

[[nodiscard]] inline Result<Syscall> decode_syscall_number(ktl::uint64_t number) {
  if (number >= abi::kSyscallLimit || !kDeclaredSyscallNumbers[number]) return err(Error::InvalidSyscall);
  return static_cast<Syscall>(number);
}

// [base, base+size) is a page-aligned range inside the user window (Misaligned, InvalidAddress).
[[nodiscard]] Result<void> check_user_range(ktl::uint64_t base, ktl::uint64_t size, const DecodeLimits& limits);
// [buffer, buffer+length) lies inside the user window (BadUserPointer). Whether it is mapped is
// found out when the kernel copies it.
[[nodiscard]] Result<void> check_user_buffer(ktl::uint64_t buffer, ktl::uint64_t length, const DecodeLimits& limits);

struct DebugWriteArgs {
  ktl::uint64_t buffer;
  ktl::uint64_t length;
};
[[nodiscard]] Result<DebugWriteArgs> decode_debug_write(const SyscallArgs& call, Caller caller);

// Calls that make an object name the memory capability that pays (`memory`): the new object's first
// capability becomes its child (cap_ops.hpp, InstallOp).
struct MemoryAllocateArgs {
  Capability* memory;
  MemoryQuota* quota;
  ktl::uint64_t size;
  Capability* destination;
};
[[nodiscard]] Result<MemoryAllocateArgs> decode_memory_allocate(const SyscallArgs& call, Caller caller);

// Everything about the arguments is checked here (range, permissions and rights, the capability not
// mapping yet, the channel window's and device memory's rules); what is left for the invoke step is
// what only the address space knows (a page already mapped there) and paying for it.
struct MemoryMapArgs {
  TaskObject* task; // nullptr: the caller's own address space (memory_map)
  Capability* frame_cap;
  FrameObject* frame;
  ktl::uint64_t vaddr;
  MapPerms perms;
};
[[nodiscard]] Result<MemoryMapArgs> decode_memory_map(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<MemoryMapArgs> decode_memory_map_into(const SyscallArgs& call, Caller caller);

struct MemoryUnmapArgs {
  ktl::uint64_t vaddr;
};
[[nodiscard]] Result<MemoryUnmapArgs> decode_memory_unmap(const SyscallArgs& call, Caller caller);

struct NotificationCreateArgs {
  Capability* memory;
  MemoryQuota* quota;
  Capability* destination;
};
[[nodiscard]] Result<NotificationCreateArgs> decode_notification_create(const SyscallArgs& call, Caller caller);

struct NotificationArgs {
  Capability* cap;
  KernelObject* notification;
  ktl::uint64_t signal_bits; // signal: the bits to OR in (the badge, or kUnbadgedSignalBits)
};
// A notification capability with `rights` in `slot`, and the bits a signal through it sets. Inline,
// with decode_signal and decode_wait: a notification round trip is two of each.
[[nodiscard]] inline Result<NotificationArgs> decode_notification(ktl::uint64_t slot, Rights rights, Caller caller) {
  Capability* cap = BRAMBLE_TRY(caller.caps.lookup(slot, CapType::Notification, rights));
  const ktl::uint64_t bits = (cap->badge() != abi::kNoBadge) ? cap->badge() : abi::kUnbadgedSignalBits;
  return NotificationArgs{cap, cap->object(), bits};
}
[[nodiscard]] inline Result<NotificationArgs> decode_signal(const SyscallArgs& call, Caller caller) {
  return decode_notification(call.arg[0], abi::kRightSignal, caller);
}
// wait and poll
[[nodiscard]] inline Result<NotificationArgs> decode_wait(const SyscallArgs& call, Caller caller) {
  return decode_notification(call.arg[0], abi::kRightWait, caller);
}
// wait_timeout: Wait on a notification (as wait), then `ticks` at most abi::kMaxWaitTicks (InvalidSize).
struct WaitTimeoutArgs {
  Capability* cap;
  KernelObject* notification;
  ktl::uint64_t ticks; // 0: poll
};
[[nodiscard]] Result<WaitTimeoutArgs> decode_wait_timeout(const SyscallArgs& call, Caller caller);

[[nodiscard]] Result<DeriveOp> decode_cap_copy(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<DeriveOp> decode_cap_mint(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<MoveOp> decode_cap_move(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<DeleteOp> decode_cap_delete(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<RevokeOp> decode_cap_revoke(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<DeriveOp> decode_cap_insert_into(const SyscallArgs& call, Caller caller);

// cap_info: x1..x3 of the reply (layout in abi/syscalls.hpp).
struct CapInfo {
  ktl::uint64_t kind;
  ktl::uint64_t fact0;
  ktl::uint64_t fact1;
};
// Inline: cap_info of an invalid slot is the kernel's null system call (kbench), so its decode is the
// one the fast path is measured by.
[[nodiscard]] inline Result<const Capability*> decode_cap_info(const SyscallArgs& call, Caller caller) {
  const Capability* cap = BRAMBLE_TRY(caller.caps.occupied(call.arg[0]));
  return cap;
}
// Inline with decode_cap_info, so that cap_info's entry calls nothing.
[[nodiscard]] inline CapInfo cap_info(const Capability& cap) {
  CapInfo info{abi::cap_info_kind(cap.type(), cap.rights()), 0, 0};
  const bool audit = cap.has_rights(abi::kRightAudit);
  switch (cap.type()) {
  case CapType::Memory:
    if (audit) {
      const auto& quota = static_cast<const MemoryQuota&>(*cap.object());
      info.fact0 = quota.limit();
      info.fact1 = quota.used();
    }
    break;
  case CapType::Frame:
    if (audit) {
      const auto& frame = static_cast<const FrameObject&>(*cap.object());
      info.fact0 = frame.size();
      info.fact1 = frame.physical_address();
    }
    break;
  case CapType::Task:
    if (audit) {
      const auto& task = static_cast<const TaskObject&>(*cap.object());
      info.fact0 = task.alive() ? task.caps().size() : 0; // an ended task has no table
      info.fact1 = task.priority();
    }
    break;
  case CapType::Notification:
  case CapType::ShmemRegistry: info.fact0 = cap.badge(); break;
  case CapType::Null:
  case CapType::TaskCreate:
  case CapType::IrqControl:
  case CapType::IrqHandler: break;
  }
  return info;
}

struct ShmemRegisterArgs {
  Capability* registry;
  ktl::uint64_t name;
  Capability* frame;
  Capability* notification;
};
[[nodiscard]] Result<ShmemRegisterArgs> decode_shmem_register(const SyscallArgs& call, Caller caller);

struct ShmemQueryArgs {
  Capability* registry;
  ktl::uint64_t name;
  Capability* frame_destination;
  Capability* notification_destination;
};
[[nodiscard]] Result<ShmemQueryArgs> decode_shmem_query(const SyscallArgs& call, Caller caller);

struct TaskCreateArgs {
  Capability* memory;
  MemoryQuota* quota;
  ktl::uint64_t image;
  ktl::uint64_t slots;
  ktl::uint64_t priority;
  Capability* fault_notification; // nullptr when the argument was the null slot
  ktl::uint64_t cost;             // quota bytes the task needs at least (the invoke step charges the rest)
  Capability* destination;
};
[[nodiscard]] Result<TaskCreateArgs> decode_task_create(const SyscallArgs& call, Caller caller);

struct TaskStartArgs {
  TaskObject* task;
  ktl::uint64_t argument;
};
[[nodiscard]] Result<TaskStartArgs> decode_task_start(const SyscallArgs& call, Caller caller);
// irq_handler_create / device_frame_create: the IrqControl authority (Control), the notification the
// handler signals (Signal), a free slot. Whether the line or device exists is the board's to say.
struct IrqHandlerCreateArgs {
  ktl::uint64_t line;
  Capability* notification;
  Capability* destination;
};
[[nodiscard]] Result<IrqHandlerCreateArgs> decode_irq_handler_create(const SyscallArgs& call, Caller caller);
[[nodiscard]] Result<KernelObject*> decode_irq_ack(const SyscallArgs& call, Caller caller);
struct DeviceFrameCreateArgs {
  ktl::uint64_t device;
  Capability* destination;
};
[[nodiscard]] Result<DeviceFrameCreateArgs> decode_device_frame_create(const SyscallArgs& call, Caller caller);

// task_status: any task capability (no right needed).
[[nodiscard]] Result<TaskObject*> decode_task_status(const SyscallArgs& call, Caller caller);
// task_info: a task capability with Audit (its state, priority and CPU time are audit facts, as
// cap_info's are).
[[nodiscard]] Result<TaskObject*> decode_task_info(const SyscallArgs& call, Caller caller);
// task_set_core: Control on the task (as task_start), a core below abi::kMaxCores or abi::kAnyCore
// (InvalidCore). Whether that core is online, and whether the task has ended, the invoke step says.
struct TaskSetCoreArgs {
  TaskObject* task;
  ktl::uint64_t core;
};
[[nodiscard]] Result<TaskSetCoreArgs> decode_task_set_core(const SyscallArgs& call, Caller caller);
// task_core: a task capability with Audit (where a task runs is an audit fact, as its CPU time is).
[[nodiscard]] Result<TaskObject*> decode_task_core(const SyscallArgs& call, Caller caller);
// cpu_info: a memory capability with Audit (kernel-wide facts, as memory_info's), a core below
// abi::kMaxCores (InvalidCore); a core that is not online answers with its state 0.
[[nodiscard]] Result<ktl::uint64_t> decode_cpu_info(const SyscallArgs& call, Caller caller);
// memory_split: Control on the parent quota, `bytes` a non-zero page multiple the parent can still
// cover (charged to it in full by the invoke step), a free slot for the new quota's capability.
// Whether the kernel has room for one more quota object is the invoke step's to find out.
struct MemorySplitArgs {
  Capability* memory;
  MemoryQuota* parent;
  ktl::uint64_t bytes;
  Capability* destination;
};
[[nodiscard]] Result<MemorySplitArgs> decode_memory_split(const SyscallArgs& call, Caller caller);

// memory_info: a memory capability with Audit. The answer is kernel-wide, so a component holding a
// sub-quota without Audit learns nothing about the rest of the machine.
[[nodiscard]] Result<MemoryQuota*> decode_memory_info(const SyscallArgs& call, Caller caller);

} // namespace bramble::cap
