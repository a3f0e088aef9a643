// Tasks: an EL0 thread of execution with its own address space and capability table.
//
// A task owns: its capability table (in frames from the allocator), its address space (TTBR0 tree
// and ASID), its stack and program image frames, its saved registers (general, FP/SIMD) and a kernel
// slot holding a copy of its creator's fault notification. Everything is charged to the quota it was
// created from (the root task's to nobody). Ending (exit or fault) releases all of that at once; the
// Task object itself lives on as a record (task_status) until the last capability to it goes.
#pragma once

#include "kernel/abi/boot_info.hpp"
#include "kernel/arch/aarch64/exception_frame.hpp"
#include "kernel/cap/objects.hpp"
#include "lib/lazy.hpp"
#include "mm/address_space.hpp"

namespace bramble::kobj {

class Notification;

// q0-q31, FPCR, FPSR (saved and restored by fp_save/fp_restore in context.S).
struct alignas(16) FpState {
  std::uint64_t q[64];
  std::uint64_t fpcr;
  std::uint64_t fpsr;
};
static_assert(sizeof(FpState) == 528);

inline constexpr std::size_t kMaxImageSegments = 8; // = loader::kMaxSegments
inline constexpr std::size_t kTaskNameLength = 24;

class Task final : public cap::TaskObject {
public:
  struct Block {
    mm::PhysAddr pa = 0;
    unsigned order = 0;
  };

  Task(cap::CapTable& table, std::uint64_t priority) : TaskObject(table, priority) {}
  ~Task() = default;

  void on_last_capability_deleted() override;

  [[nodiscard]] mm::AddressSpace& space() { return *space_; }
  [[nodiscard]] bool has_space() const { return space_.constructed() && !released; }

  char name[kTaskNameLength] = {};
  abi::TaskState state = abi::TaskState::Created;
  std::uint64_t exit_code = 0;
  std::uint64_t fault_detail = 0;
  bool released = false;        // resources given back (ended and reaped)
  bool last_cap_gone = false;   // no capability names it: free the record once released
  bool is_root = false;
  std::uint64_t cpu_time = 0; // counter ticks charged so far (sched::cpu_time() adds the running slice)

  arch::ExceptionFrame context{};
  FpState fp{};

  // Scheduler and notification queues (intrusive).
  Task* next_ready = nullptr;
  Task* prev_ready = nullptr;
  bool queued = false;
  Notification* waiting_on = nullptr;
  Task* next_waiter = nullptr;
  Task* next_reap = nullptr;

  // Owned memory.
  Lazy<mm::AddressSpace> space_;
  cap::CapTable* table_object = nullptr; // caps(): lives in a pool, its slots in table_block
  Block table_block{};
  Block stack_block{};
  Block image_blocks[kMaxImageSegments] = {};
  Block boot_info_block{};
  cap::Capability kernel_slot_storage[2] = {}; // [1] = the creator's fault notification (a copy)
  Lazy<cap::CapTable> kernel_slots;
  cap::MemoryQuota* quota = nullptr;
  std::uint64_t charged = 0;
  std::uint64_t entry = 0;
};

struct TaskSpec {
  const char* name;
  const std::uint8_t* image; // ELF
  std::size_t image_size;
  std::uint64_t slots;
  std::uint64_t priority;
  cap::MemoryQuota* quota;      // charged for everything (nullptr: the kernel, for the root task)
  std::uint64_t charge;         // bytes already checked against quota
  cap::Capability* fault_notification; // copied into the task's kernel slot, or nullptr
};

// Builds a task in the Created state: table, address space, image, stack. Everything is undone on
// failure (OutOfMemory / InvalidImage).
[[nodiscard]] cap::Result<Task*> create_task(const TaskSpec& spec);

// Makes a Created task runnable at its entry with x0 = argument.
void start_task(Task& task, std::uint64_t argument);

// Ends a task (exit or fault): takes it off every queue, signals its fault notification and queues
// its resources for release (reap()). The caller must not touch the task's space afterwards.
void end_task(Task& task, abi::TaskState state, std::uint64_t code, std::uint64_t detail);

// Releases the resources of ended tasks. Runs after the operation that ended them, never inside a
// capability operation (its hooks must not call capability operations).
void reap();

[[nodiscard]] std::size_t tasks_in_use();
// Calls fn(Task&) for every task record.
void for_each_task(void (*fn)(Task&, void*), void* context);

} // namespace bramble::kobj
