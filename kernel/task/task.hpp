// Tasks: an EL0 thread of execution with its own address space and capability table.
//
// Everything a task takes is charged to the quota it was created from (Task::quota), and refunded when
// it goes: its record (this object, one page of its own), its capability table at the block size the
// allocator hands out, its stack and program image, its page tables as they are made (TaskTables),
// and the records of the mappings in its space (frame.hpp). The root task is charged to the root quota.
//
// Lifetime: ending (exit, fault, kill) retires the task at once (TaskObject::alive() turns false, so no
// call reaches its table or space again) and queues the release of everything it owns (reap()); the
// record itself lives on (task_status) until the last capability to it goes, and then its page is
// freed and refunded. References to a task from elsewhere are cut when it ends: the scheduler's and a
// notification's queues and the timed-wait list (end_task), mappings made into its space
// (forget_mappings).
#pragma once

#include "kernel/abi/boot_info.hpp"
#include "kernel/abi/syscalls.hpp"
#include "kernel/arch/context.hpp"
#include "kernel/cap/objects.hpp"
#include "kernel/task/deadline_list.hpp"
#include "lib/lazy.hpp"
#include "mm/address_space.hpp"

namespace bramble::kobj {
class Notification;
struct Mapping;
} // namespace bramble::kobj

namespace bramble::ktask {

// The task's translation tables, from the frame allocator, each charged to the task's quota (a map
// that needs a table the quota cannot pay for fails with QuotaExceeded) and refunded when unmap or the
// task's end frees it.
class TaskTables final : public mm::TableAllocator {
public:
  explicit TaskTables(cap::MemoryQuota& quota) : quota_(&quota) {}
  [[nodiscard]] Result<mm::PhysAddr, mm::MmError> allocate_table() override;
  void free_table(mm::PhysAddr table) override;

private:
  cap::MemoryQuota* quota_;
};

inline constexpr std::size_t kMaxImageSegments = 8; // = loader::kMaxSegments
inline constexpr std::size_t kTaskNameLength = 24;

class Task final : public cap::TaskObject {
public:
  struct Block {
    mm::PhysAddr pa = 0;
    unsigned order = 0;
  };

  Task(std::span<cap::Capability> slots, std::uint64_t priority, cap::MemoryQuota& payer)
      : TaskObject(table_, priority), quota(&payer), tables(payer), table_(slots) {}
  ~Task() = default;

  void on_last_capability_deleted() override;

  // Precondition: alive() (an ended task's space is being or has been released).
  [[nodiscard]] mm::AddressSpace& space() { return *space_; }
  // The task has ended: no call may reach its table or space any more.
  void retire_task() { retire(); }
  // The table, for the kernel's own teardown and checks (callers use caps(), which alive() guards).
  [[nodiscard]] cap::CapTable& table() { return table_; }
  [[nodiscard]] const cap::CapTable& table() const { return table_; }

  char name[kTaskNameLength] = {};
  abi::TaskState state = abi::TaskState::Created;
  std::uint64_t exit_code = 0;
  std::uint64_t fault_detail = 0;
  bool released = false;      // resources given back (ended and reaped)
  bool last_cap_gone = false; // no capability names it: free the record once released
  bool is_root = false;
  std::uint64_t cpu_time = 0; // counter ticks charged so far (sched::cpu_time() adds the running slice)

  arch::ExceptionFrame context{};
  arch::FpState fp{};

  // Scheduler and notification queues (intrusive).
  Task* next_ready = nullptr;
  Task* prev_ready = nullptr;
  bool queued = false;
  std::uint8_t affinity = 0;    // the core it may run on, or abi::kAnyCore (task_set_core)
  std::uint8_t core = 0;        // the core whose queue holds it, that runs it, or that ran it last
  std::uint32_t migrations = 0; // times it changed cores
  kobj::Notification* waiting_on = nullptr;
  Task* next_waiter = nullptr;
  // wait_timeout's deadline: linked into the timed-wait list (kernel/task/timeout.hpp) only while it
  // waits on `waiting_on`.
  DeadlineLink<Task> timed_wait;
  Task* next_reap = nullptr;
  // Every task record, for for_each_task.
  Task* next_task = nullptr;
  Task* prev_task = nullptr;

  // Mappings in this space (frame.hpp), newest first.
  kobj::Mapping* mappings = nullptr;

  // What it owns and who pays.
  cap::MemoryQuota* quota;
  TaskTables tables;
  Lazy<mm::AddressSpace> space_;
  Block table_block{};
  Block stack_block{};
  Block image_blocks[kMaxImageSegments] = {};
  Block boot_info_block{};
  std::uint64_t charged = 0;                   // blocks charged to quota (the record's page is refunded on its own)
  cap::Capability kernel_slot_storage[2] = {}; // [1] = the creator's fault notification (a copy)
  Lazy<cap::CapTable> kernel_slots;
  std::uint64_t entry = 0;

private:
  cap::CapTable table_;
};
static_assert(sizeof(Task) <= abi::kTaskRecordCharge, "a task record fits the page it is charged for");

struct TaskSpec {
  const char* name;
  const std::uint8_t* image; // ELF
  std::size_t image_size;
  std::uint64_t slots;
  std::uint64_t priority;
  cap::MemoryQuota* quota;             // charged for everything the task takes
  cap::Capability* fault_notification; // copied into the task's kernel slot, or nullptr
};

// Builds a task in the Created state: record, table, address space, image, stack, each charged to the
// quota as it is taken. Everything is undone on failure (QuotaExceeded, OutOfMemory, InvalidImage).
[[nodiscard]] cap::Result<Task*> create_task(const TaskSpec& spec);

// Gives the task a page of its own (mapped read-only at vaddr), charged like the rest; the root task's
// boot information. OutOfMemory / QuotaExceeded.
[[nodiscard]] cap::Result<void*> give_read_only_page(Task& task, std::uint64_t vaddr);

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

} // namespace bramble::ktask
