// Helpers for test programs that create tasks: read the root task's BootInfo, find a program image
// by name, find free slots, create children and share frames with them.
//
// The test programs start their children from their own image: the root task gets x0 =
// kBootInfoAddress (is_root()), a child gets x0 = the argument its creator gave task_start, which
// the programs use to say which role the child plays.
#pragma once

#include <cstdint>

#include "kernel/abi/boot_info.hpp"
#include "user/lib/sys.hpp"

namespace bramble::user::task {

using sys::Word;

inline constexpr Word kNoImage = ~Word{0};

// Where the test programs map frames they share: clear of the boot info page (2 MiB), the program
// (4 MiB..16 MiB), the channel window (0x9000_0000..0xA000_0000) and the stack (the top 64 KiB).
inline constexpr Word kTestMapBase = 0x1000'0000;

// The root task's view of the kernel's hand-over.
struct Root {
  const abi::BootInfo* boot;
  Word self;
  Word memory;
  Word task_create;
  Word registry;
  Word image; // this program's image index (task_create's `image`), or kNoImage
};

[[nodiscard]] inline bool is_root(const void* startup) {
  return reinterpret_cast<std::uintptr_t>(startup) == abi::kBootInfoAddress;
}

[[nodiscard]] inline bool same_string(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

// The index of the embedded program called `name`, or kNoImage.
[[nodiscard]] inline Word find_image(const abi::BootInfo& boot, const char* name) {
  const Word count = boot.image_count < abi::kMaxBootImages ? boot.image_count : abi::kMaxBootImages;
  for (Word i = 0; i < count; ++i) {
    // The kernel NUL-terminates names; do not trust it past the array.
    char copy[abi::kImageNameLength + 1] = {};
    for (unsigned j = 0; j < abi::kImageNameLength; ++j)
      copy[j] = boot.images[i].name[j];
    if (same_string(copy, name)) return i;
  }
  return kNoImage;
}

// The index of the board device called `name` (device_frame_create's argument), or kNoDevice.
inline constexpr Word kNoDevice = ~Word{0};
[[nodiscard]] inline Word find_device(const abi::BootInfo& boot, const char* name) {
  const Word count = boot.device_count < abi::kMaxBootDevices ? boot.device_count : abi::kMaxBootDevices;
  for (Word i = 0; i < count; ++i) {
    char copy[sizeof boot.devices[i].name + 1] = {};
    for (unsigned j = 0; j < sizeof boot.devices[i].name; ++j)
      copy[j] = boot.devices[i].name[j];
    if (same_string(copy, name)) return i;
  }
  return kNoDevice;
}

// Reads the BootInfo page; false when its magic or version is wrong.
[[nodiscard]] inline bool read_root(const void* startup, const char* program, Root& root) {
  const auto* boot = static_cast<const abi::BootInfo*>(startup);
  if (boot->magic != abi::kBootInfoMagic || boot->version != abi::kBootInfoVersion) return false;
  root = Root{boot,
              boot->slot_self,
              boot->slot_memory,
              boot->slot_task_create,
              boot->slot_registry,
              find_image(*boot, program)};
  return true;
}

// The lowest empty slot at or above `from` in the caller's table, or 0 when there is none.
[[nodiscard]] inline Word free_slot(Word from = 1) {
  for (Word slot = from == 0 ? 1 : from;; ++slot) {
    const SyscallResult info = sys::cap_info(slot);
    if (info.status == static_cast<Word>(abi::Error::EmptySlot)) return slot;
    if (info.status == static_cast<Word>(abi::Error::InvalidSlot)) return 0;
  }
}

// A new task from this program's image (stopped); r1 = its slot.
[[nodiscard]] inline SyscallResult create(const Root& root, Word slots, Word priority, Word fault_notification) {
  return sys::task_create(root.task_create, root.memory, root.image, slots, priority, fault_notification);
}

// Allocates `size` bytes and maps them at `vaddr` in the caller with `perms`. Returns the frame's
// slot, or 0 when either call failed.
[[nodiscard]] inline Word map_new(const Root& root, Word size, Word vaddr, Word perms) {
  const SyscallResult frame = sys::memory_allocate(root.memory, size);
  if (!frame.ok()) return 0;
  if (!sys::memory_map(frame.r1, vaddr, perms).ok()) {
    (void)sys::cap_delete(frame.r1);
    return 0;
  }
  return frame.r1;
}

// Maps `frame` into `task` at `vaddr` through a fresh copy of the capability (a capability maps
// once). Returns the copy's slot (deleting it removes the mapping), or 0 on failure.
[[nodiscard]] inline Word share(Word task, Word frame, Word vaddr, Word perms) {
  const Word copy = free_slot();
  if (copy == 0 || !sys::cap_copy(frame, copy).ok()) return 0;
  if (!sys::memory_map_into(task, copy, vaddr, perms).ok()) {
    (void)sys::cap_delete(copy);
    return 0;
  }
  return copy;
}

// Waits on `notification` until all of `bits` have arrived; returns everything that arrived (0 when
// the wait failed).
[[nodiscard]] inline Word wait_for(Word notification, Word bits) {
  Word seen = 0;
  while ((seen & bits) != bits) {
    const SyscallResult woken = sys::wait(notification);
    if (!woken.ok()) return 0;
    seen |= woken.r1;
  }
  return seen;
}

// Yields until `task` (a task capability) is blocked in wait (task_status detail 1): one yield is not
// enough, a timer tick can hand the CPU back before the task gets there. False if it never blocked.
[[nodiscard]] inline bool yield_until_blocked(Word task, int attempts = 10000) {
  for (int i = 0; i < attempts; ++i) {
    (void)sys::yield();
    const SyscallResult status = sys::task_status(task);
    if (status.ok() && status.r1 == static_cast<Word>(abi::TaskState::Running) && status.r3 == 1) return true;
  }
  return false;
}

template <typename T> [[nodiscard]] inline T* at(Word vaddr) { return reinterpret_cast<T*>(vaddr); }

} // namespace bramble::user::task
