#include "kernel/task/task.hpp"

#include <bit>

#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/mmu.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/loader/elf.hpp"
#include "kernel/loader/load.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/frame.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/panic.hpp"
#include "kernel/task/root.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/timeout.hpp"
#include "lib/align.hpp"
#include "lib/memory.hpp"

namespace bramble::ktask {
namespace {

using abi::Error;

Task* g_first_task = nullptr;
std::size_t g_task_count = 0;
Task* g_reap_first = nullptr;

unsigned order_for_bytes(std::uint64_t bytes) {
  const std::uint64_t pages = div_round_up(bytes, abi::kPageSize);
  return static_cast<unsigned>(std::bit_width(std::bit_ceil(pages < 1 ? 1 : pages)) - 1);
}

// A block of at least `bytes`, charged to `quota` at the size the allocator hands out.
cap::Result<Task::Block> allocate_charged(cap::MemoryQuota& quota, std::uint64_t bytes) {
  const unsigned order = order_for_bytes(bytes);
  if (order > mm::FrameAllocator::kMaxOrder) return err(Error::InvalidSize);
  const std::uint64_t charge = abi::kPageSize << order;
  BRAMBLE_TRY_VOID(quota.check_charge(charge));
  auto pa = kmem::frames().allocate(order);
  if (!pa.ok()) return err(Error::OutOfMemory);
  quota.charge(charge);
  return Task::Block{*pa, order};
}

// A block the task owns: charged now, refunded by release().
cap::Result<Task::Block> take_block(Task& t, std::uint64_t bytes) {
  const Task::Block block = BRAMBLE_TRY(allocate_charged(*t.quota, bytes));
  t.charged += abi::kPageSize << block.order;
  return block;
}

void free_block(Task::Block& block) {
  if (block.pa != 0) (void)kmem::frames().free(block.pa, block.order);
  block = Task::Block{};
}

void link_task(Task& t) {
  t.next_task = g_first_task;
  if (g_first_task != nullptr) g_first_task->prev_task = &t;
  g_first_task = &t;
  ++g_task_count;
}

// Frees the record's page and refunds it. Nothing may read the task afterwards.
void free_task_record(Task& t) {
  if (timeout::armed(t)) panic("task '%s' freed with a timed wait armed", t.name);
  if (t.prev_task != nullptr)
    t.prev_task->next_task = t.next_task;
  else
    g_first_task = t.next_task;
  if (t.next_task != nullptr) t.next_task->prev_task = t.prev_task;
  --g_task_count;
  cap::MemoryQuota& payer = *t.quota;
  const mm::PhysAddr page = arch::virt_to_phys(&t);
  t.~Task();
  (void)kmem::frames().free(page, 0);
  payer.refund(abi::kTaskRecordCharge); // last: may reclaim the quota
}

// Gives back everything the task owns except the record. Capability operations run here, so
// objects whose last capability the task held are destroyed (which may end further tasks: they
// join the reap list).
void release(Task& t) {
  // Deleting takes what was derived along (kernel/cap/cap_ops.hpp): what the task gave away (copies
  // in other tables, registry entries) goes with it, and nothing it made outlives it unseen.
  cap::cap_table_clear(t.table());
  if (t.kernel_slots.constructed()) cap::cap_table_clear(*t.kernel_slots);
  kobj::forget_mappings(t);
  if (t.space_.constructed()) {
    // Never free the tables TTBR0 points at: the walker could still read them speculatively.
    kmem::deactivate_user_space(t.space_->ttbr0_value());
    t.space_->destroy(); // frees (and refunds) every table
  }
  for (auto& block : t.image_blocks)
    free_block(block);
  free_block(t.stack_block);
  free_block(t.boot_info_block);
  free_block(t.table_block);
  t.quota->refund(t.charged);
  t.charged = 0;
  t.released = true;
}

mm::Perms perms_of(const loader::SegmentFlags& f) {
  mm::Perms p = mm::kUserRead;
  p.write = f.write;
  p.execute = f.execute;
  return p;
}

void copy_name(char (&out)[kTaskNameLength], const char* name) {
  std::size_t i = 0;
  for (; name != nullptr && name[i] != '\0' && i + 1 < kTaskNameLength; ++i)
    out[i] = name[i];
  out[i] = '\0';
}

mm::MmError table_refusal(const cap::Result<void>& r) {
  return r.error() == Error::QuotaExceeded ? mm::MmError::QuotaExceeded : mm::MmError::OutOfMemory;
}

Error space_error(mm::MmError e) { return e == mm::MmError::QuotaExceeded ? Error::QuotaExceeded : Error::OutOfMemory; }

} // namespace

Result<mm::PhysAddr, mm::MmError> TaskTables::allocate_table() {
  if (auto room = quota_->check_charge(abi::kPageSize); !room.ok()) return err(table_refusal(room));
  auto pa = kmem::frames().allocate(0);
  if (!pa.ok()) return err(mm::MmError::OutOfMemory);
  quota_->charge(abi::kPageSize);
  return *pa;
}

void TaskTables::free_table(mm::PhysAddr table) {
  (void)kmem::frames().free(table, 0);
  quota_->refund(abi::kPageSize);
}

void Task::on_last_capability_deleted() {
  last_cap_gone = true;
  if (state == abi::TaskState::Created || state == abi::TaskState::Running) {
    end_task(*this, abi::TaskState::Killed, 0, 0);
  } else if (released) {
    free_task_record(*this);
  }
  // Otherwise it is on the reap list: reap() frees the record after the resources.
}

cap::Result<Task*> create_task(const TaskSpec& spec) {
  auto image = loader::parse_elf(std::span<const std::uint8_t>(spec.image, spec.image_size),
                                 loader::UserRange{mm::kUserBase, mm::kChannelWindowBase});
  if (!image.ok()) return err(Error::InvalidImage);
  cap::MemoryQuota& quota = *spec.quota;

  // The record first (one page), then the table's block: the table is built over it.
  const Task::Block record = BRAMBLE_TRY(allocate_charged(quota, abi::kTaskRecordCharge));
  auto table_block = allocate_charged(quota, spec.slots * sizeof(cap::Capability));
  if (!table_block.ok()) {
    (void)kmem::frames().free(record.pa, record.order);
    quota.refund(abi::kTaskRecordCharge);
    return err(table_block.error());
  }
  auto* slots = arch::phys_to_virt<cap::Capability>(table_block->pa);
  void* room = arch::phys_to_virt<void>(record.pa);
  mem::fill(room, 0, abi::kPageSize);
  Task* t = ::new (room) Task(std::span<cap::Capability>(slots, spec.slots), spec.priority, quota);
  t->table_block = *table_block;
  t->charged = abi::kPageSize << table_block->order;
  link_task(*t);
  copy_name(t->name, spec.name);
  t->entry = image->entry;
  t->kernel_slots.emplace(std::span<cap::Capability>(t->kernel_slot_storage));

  // Everything below can run out of quota or memory: on failure the half-built task is released whole.
  auto fail = [t](Error e) -> cap::Result<Task*> {
    t->retire_task();
    release(*t);
    t->last_cap_gone = true;
    free_task_record(*t);
    return err(e);
  };

  auto space = mm::AddressSpace::create(kmem::asids(), t->tables, kmem::tlb(), kmem::window(), kmem::user_forbidden());
  if (!space.ok()) return fail(space_error(space.error()));
  t->space_.emplace(*space);

  std::size_t segment = 0;
  auto loaded = loader::load_segments(*image, [&](const loader::SegmentPlan& plan) -> cap::Result<void> {
    if (segment == kMaxImageSegments) return err(Error::InvalidImage);
    auto block = BRAMBLE_TRY(take_block(*t, plan.size));
    t->image_blocks[segment++] = block;
    plan.fill(0, std::span<std::uint8_t>(arch::phys_to_virt<std::uint8_t>(block.pa), plan.size));
    auto mapped = t->space().map(plan.vaddr, block.pa, plan.size, perms_of(plan.flags));
    if (!mapped.ok()) {
      const bool refused = mapped.error() == mm::MmError::QuotaExceeded || mapped.error() == mm::MmError::OutOfMemory;
      return err(refused ? space_error(mapped.error()) : Error::InvalidImage);
    }
    return {};
  });
  if (!loaded.ok()) return fail(loaded.error());
  arch::sync_instruction_fetch(); // fresh code pages

  auto stack = take_block(*t, abi::kUserStackSize);
  if (!stack.ok()) return fail(stack.error());
  t->stack_block = *stack;
  auto stack_mapped =
      t->space().map(abi::kUserStackTop - abi::kUserStackSize, stack->pa, abi::kUserStackSize, mm::kUserReadWrite);
  if (!stack_mapped.ok()) return fail(space_error(stack_mapped.error()));

  if (spec.fault_notification != nullptr) {
    auto copy = cap::decode_derive(*spec.fault_notification, t->kernel_slot_storage[1],
                                   spec.fault_notification->rights(), abi::kNoBadge);
    if (copy.ok()) cap::invoke_derive(*copy);
  }
  t->state = abi::TaskState::Created;
  return t;
}

cap::Result<void*> give_read_only_page(Task& task, std::uint64_t vaddr) {
  const Task::Block block = BRAMBLE_TRY(take_block(task, abi::kPageSize));
  task.boot_info_block = block;
  void* page = arch::phys_to_virt<void>(block.pa);
  mem::fill(page, 0, abi::kPageSize);
  auto mapped = task.space().map(vaddr, block.pa, abi::kPageSize, mm::kUserRead);
  if (!mapped.ok()) return err(space_error(mapped.error())); // the block goes with the task's release
  return page;
}

void start_task(Task& task, std::uint64_t argument) {
  arch::prepare_user_entry(task.context, task.entry, abi::kUserStackTop, argument);
  task.fp = arch::FpState{};
  task.state = abi::TaskState::Running;
  sched::make_ready(task);
}

void end_task(Task& task, abi::TaskState state, std::uint64_t code, std::uint64_t detail) {
  if (task.state == abi::TaskState::Exited || task.state == abi::TaskState::Faulted ||
      task.state == abi::TaskState::Killed) {
    return;
  }
  task.state = state;
  task.exit_code = code;
  task.fault_detail = detail;
  task.retire_task(); // from here on no call reaches its table or space (InvalidState)
  sched::remove(task);
  if (task.waiting_on != nullptr) task.waiting_on->remove_waiter(task);
  timeout::cancel(task); // remove_waiter did, if it waited; a deadline must never outlive the wait
  const cap::Capability& fault = task.kernel_slot_storage[1];
  if (!fault.empty()) {
    auto* n = cap::object_cast<kobj::Notification>(fault.object());
    const std::uint64_t bits = state == abi::TaskState::Exited ? abi::kTaskEndedExit : abi::kTaskEndedFault;
    if (n != nullptr) n->signal(bits | fault.badge());
  }
  if (task.is_root) root::note_ended(task);
  task.next_reap = g_reap_first;
  g_reap_first = &task;
  sched::note_task_ended();
}

void reap() {
  while (g_reap_first != nullptr) {
    Task* t = g_reap_first;
    g_reap_first = t->next_reap;
    t->next_reap = nullptr;
    if (!t->released) release(*t); // may end and queue more tasks
    if (t->last_cap_gone) free_task_record(*t);
  }
}

std::size_t tasks_in_use() { return g_task_count; }

void for_each_task(void (*fn)(Task&, void*), void* context) {
  for (Task* t = g_first_task; t != nullptr;) {
    Task* const next = t->next_task; // fn may not destroy t, but keep the walk robust anyway
    fn(*t, context);
    t = next;
  }
}

} // namespace bramble::ktask
