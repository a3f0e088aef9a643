// What a task finds when it starts, and what a task's creator learns when it ends.
//
// The root task (the first task, started by the kernel) gets x0 = kBootInfoAddress, where the kernel
// maps one read-only page holding a BootInfo: which of its slots hold which capability, the program
// images linked into the kernel (task_create's `image` is an index into that list), and the kernel's
// command line. A task made with task_create gets x0 = the argument its creator passed to task_start.
// Every task starts with a 64 KiB stack ending at kUserStackTop (sp = kUserStackTop).
//
// User-space header: plain C++, no kernel includes, only <cstdint>.
#pragma once

#include <cstdint>

namespace bramble::abi {

inline constexpr std::uint64_t kBootInfoAddress = 0x0020'0000; // 2 MiB: below programs (4 MiB)
inline constexpr std::uint64_t kUserStackTop = 0x80'0000'0000; // the top of the 39-bit user half
inline constexpr std::uint64_t kUserStackSize = 64 * 1024;
inline constexpr std::uint64_t kProgramBase = 0x0040'0000; // where user/runtime/user.ld links

inline constexpr std::uint64_t kBootInfoMagic = 0x4f46'4e49'544f'4f42; // "BOOTINFO", little endian
inline constexpr std::uint32_t kBootInfoVersion = 1;
inline constexpr unsigned kMaxBootImages = 32;
inline constexpr unsigned kImageNameLength = 24;

struct BootImage {
  char name[kImageNameLength]; // NUL-terminated program name ("root", "producer", ...)
  std::uint64_t size;          // bytes of the ELF image
};

inline constexpr unsigned kMaxBootDevices = 8;
struct BootDevice {
  char name[16];      // "uart0", "gpio"
  std::uint64_t size; // bytes of MMIO the device frame covers
  std::uint64_t irq;  // its interrupt line (irq_handler_create), or ~0 when it has none for user space
};

struct BootInfo {
  std::uint64_t magic;   // kBootInfoMagic
  std::uint32_t version; // kBootInfoVersion
  std::uint32_t size;    // sizeof(BootInfo)
  // The root task's capabilities, by slot.
  std::uint64_t slot_self;        // Task: the root task itself
  std::uint64_t slot_memory;      // Memory: every frame the kernel did not keep, as a quota
  std::uint64_t slot_task_create; // TaskCreate: the authority to create tasks
  std::uint64_t slot_registry;    // ShmemRegistry: unbadged (every name)
  std::uint64_t first_free_slot;  // the lowest slot not used above
  std::uint64_t slot_count;       // size of the root task's table
  std::uint64_t memory_bytes;     // the quota's limit
  std::uint64_t timer_frequency;  // CNTFRQ_EL0, so user space can turn CNTVCT readings into time
  std::uint64_t image_count;
  BootImage images[kMaxBootImages];
  char board[16];         // "rpi4" or "rpi3"
  char command_line[256]; // the kernel's command line (QEMU -append, or /chosen/bootargs)
  // Version 1 ends here; what follows was appended (offsets above never change).
  std::uint64_t slot_irq_control; // IrqControl: the board's devices (interrupt handlers, device frames)
  std::uint64_t device_count;     // device_frame_create's `device` indexes this list
  BootDevice devices[kMaxBootDevices];
};
static_assert(sizeof(BootInfo) <= 4096, "the boot info fits its page");

// What a task's fault notification receives when the task ends (signal ORs these into the word,
// together with the notification capability's badge; keep badges below bit 56):
inline constexpr std::uint64_t kTaskEndedExit = std::uint64_t{1} << 56;  // it called task_exit
inline constexpr std::uint64_t kTaskEndedFault = std::uint64_t{1} << 57; // the kernel killed it

// task_status results (x1 = state, x2 = code, x3 = detail).
enum class TaskState : std::uint64_t {
  Created = 1, // made by task_create, not started
  Running = 2, // started: ready, running or blocked (detail = 1 while blocked in wait, else 0)
  Exited = 3,  // called task_exit; code = its exit code
  Faulted = 4, // killed by the kernel; code = the FaultReason, detail = ESR_EL1 (or the bad number)
  Killed = 5,  // destroyed because the last capability to it was deleted (nobody can ask, but the
               // fault notification is signalled with kTaskEndedFault)
};
enum class FaultReason : std::uint64_t {
  MemoryAccess = 1,         // data or instruction abort (detail: ESR; FAR is not reported)
  UndefinedInstruction = 2, // or any other synchronous exception the kernel does not handle
  BadSyscall = 3,           // x8 named no system call (detail: the number)
  Alignment = 4,            // PC or SP alignment fault
};

} // namespace bramble::abi
