// Typed system call wrappers: one inline function per call in kernel/abi/syscalls.hpp, named as the
// call, taking its arguments in the ABI's order and returning the raw SyscallResult (status in x0,
// results in x1..x3), so a test can look at every error the kernel returns. Slots, addresses and
// sizes are plain 64-bit numbers on purpose: tests pass out-of-range and malformed values.
//
// Header-only: tests/programs programs include it as "user/lib/sys.hpp" and need no extra target.
#pragma once

#include <cstdint>

#include "kernel/abi/boot_info.hpp"
#include "kernel/abi/syscalls.hpp"
#include "user/runtime/syscall.hpp"

namespace bramble::user::sys {

using Word = std::uint64_t;
using abi::Syscall;

[[nodiscard]] inline SyscallResult debug_write(Word buffer, Word length) {
  return syscall2(Syscall::debug_write, buffer, length);
}
[[nodiscard]] inline SyscallResult yield() { return syscall0(Syscall::yield); }

[[nodiscard]] inline SyscallResult memory_allocate(Word memory, Word size) {
  return syscall2(Syscall::memory_allocate, memory, size);
}
[[nodiscard]] inline SyscallResult memory_map(Word frame, Word vaddr, Word perms) {
  return syscall3(Syscall::memory_map, frame, vaddr, perms);
}
[[nodiscard]] inline SyscallResult memory_map_into(Word task, Word frame, Word vaddr, Word perms) {
  return syscall4(Syscall::memory_map_into, task, frame, vaddr, perms);
}
[[nodiscard]] inline SyscallResult memory_unmap(Word vaddr) { return syscall1(Syscall::memory_unmap, vaddr); }
// r1 = frames, r2 = free_frames, r3 = kernel_frames (needs Audit on `memory`).
[[nodiscard]] inline SyscallResult memory_info(Word memory) { return syscall1(Syscall::memory_info, memory); }
// r1 = a Memory capability to a new quota of `bytes`, charged to `memory`'s quota until it is reclaimed.
[[nodiscard]] inline SyscallResult memory_split(Word memory, Word bytes) {
  return syscall2(Syscall::memory_split, memory, bytes);
}

[[nodiscard]] inline SyscallResult notification_create(Word memory) {
  return syscall1(Syscall::notification_create, memory);
}
[[nodiscard]] inline SyscallResult signal(Word notification) { return syscall1(Syscall::signal, notification); }
[[nodiscard]] inline SyscallResult wait(Word notification) { return syscall1(Syscall::wait, notification); }
[[nodiscard]] inline SyscallResult poll(Word notification) { return syscall1(Syscall::poll, notification); }
// r1 = the bits, or 0 when `ticks` (CNTVCT_EL0 ticks, user/lib/counter.hpp) passed without a signal.
[[nodiscard]] inline SyscallResult wait_timeout(Word notification, Word ticks) {
  return syscall2(Syscall::wait_timeout, notification, ticks);
}

[[nodiscard]] inline SyscallResult cap_copy(Word source, Word destination) {
  return syscall2(Syscall::cap_copy, source, destination);
}
[[nodiscard]] inline SyscallResult cap_mint(Word source, Word destination, Word rights, Word badge) {
  return syscall4(Syscall::cap_mint, source, destination, rights, badge);
}
[[nodiscard]] inline SyscallResult cap_move(Word source, Word destination) {
  return syscall2(Syscall::cap_move, source, destination);
}
[[nodiscard]] inline SyscallResult cap_delete(Word slot) { return syscall1(Syscall::cap_delete, slot); }
[[nodiscard]] inline SyscallResult cap_revoke(Word slot) { return syscall1(Syscall::cap_revoke, slot); }
[[nodiscard]] inline SyscallResult cap_insert_into(Word task, Word task_slot, Word source, Word rights, Word badge) {
  return syscall5(Syscall::cap_insert_into, task, task_slot, source, rights, badge);
}
[[nodiscard]] inline SyscallResult cap_info(Word slot) { return syscall1(Syscall::cap_info, slot); }

[[nodiscard]] inline SyscallResult shmem_register(Word registry, Word name, Word frame, Word notification) {
  return syscall4(Syscall::shmem_register, registry, name, frame, notification);
}
[[nodiscard]] inline SyscallResult shmem_query(Word registry, Word name) {
  return syscall2(Syscall::shmem_query, registry, name);
}

[[nodiscard]] inline SyscallResult task_create(Word authority, Word memory, Word image, Word slots, Word priority,
                                               Word fault_notification) {
  return syscall6(Syscall::task_create, authority, memory, image, slots, priority, fault_notification);
}
[[nodiscard]] inline SyscallResult task_start(Word task, Word argument) {
  return syscall2(Syscall::task_start, task, argument);
}
[[noreturn]] inline void task_exit(std::int64_t code) { user::task_exit(code); }
[[nodiscard]] inline SyscallResult task_status(Word task) { return syscall1(Syscall::task_status, task); }
// r1 = state (abi::TaskState), r2 = priority, r3 = cpu_time in counter ticks (needs Audit on `task`).
[[nodiscard]] inline SyscallResult task_info(Word task) { return syscall1(Syscall::task_info, task); }
// Where the task may run: a core number or abi::kAnyCore (needs Control on `task`).
[[nodiscard]] inline SyscallResult task_set_core(Word task, Word core) {
  return syscall2(Syscall::task_set_core, task, core);
}
// r1 = the core it runs on (or last ran on, or waits for), r2 = its affinity, r3 = times it changed
// cores (needs Audit on `task`).
[[nodiscard]] inline SyscallResult task_core(Word task) { return syscall1(Syscall::task_core, task); }
// r1 = abi::kCpu* state bits and the ready count, r2 = time not idle in counter ticks, r3 = context
// switches (needs Audit on `memory`).
[[nodiscard]] inline SyscallResult cpu_info(Word memory, Word core) {
  return syscall2(Syscall::cpu_info, memory, core);
}

// A call by number, for numbers that name no call (the enum's fixed underlying type holds any value).
[[nodiscard]] inline SyscallResult irq_handler_create(Word irq_control, Word line, Word notification) {
  return syscall3(Syscall::irq_handler_create, irq_control, line, notification);
}
[[nodiscard]] inline SyscallResult irq_ack(Word handler) { return syscall1(Syscall::irq_ack, handler); }
[[nodiscard]] inline SyscallResult device_frame_create(Word irq_control, Word device) {
  return syscall2(Syscall::device_frame_create, irq_control, device);
}
[[nodiscard]] inline SyscallResult raw_call(Word number) { return syscall0(static_cast<Syscall>(number)); }

// cap_info's x1, split (layout in abi/syscalls.hpp).
[[nodiscard]] constexpr abi::CapType info_type(const SyscallResult& info) { return abi::cap_info_type(info.r1); }
[[nodiscard]] constexpr abi::Rights info_rights(const SyscallResult& info) { return abi::cap_info_rights(info.r1); }

// task_status's x1, typed.
[[nodiscard]] constexpr abi::TaskState status_state(const SyscallResult& status) {
  return static_cast<abi::TaskState>(status.r1);
}

} // namespace bramble::user::sys
