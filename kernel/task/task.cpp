#include "kernel/task/task.hpp"

#include <bit>

#include "kernel/arch/aarch64/memory_layout.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/loader/elf.hpp"
#include "kernel/loader/load.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/frame.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/object/pool.hpp"
#include "kernel/task/root.hpp"
#include "kernel/task/scheduler.hpp"

namespace bramble::kobj {
namespace {

using abi::Error;

constexpr std::size_t kMaxTasks = 64;
Pool<Task, kMaxTasks> g_tasks;
Pool<cap::CapTable, kMaxTasks> g_tables;
Task* g_reap_first = nullptr;

unsigned order_for_bytes(std::uint64_t bytes) {
  const std::uint64_t pages = (bytes + abi::kPageSize - 1) / abi::kPageSize;
  return static_cast<unsigned>(std::bit_width(std::bit_ceil(pages < 1 ? 1 : pages)) - 1);
}

cap::Result<Task::Block> allocate_block(std::uint64_t bytes) {
  const unsigned order = order_for_bytes(bytes);
  if (order > mm::FrameAllocator::kMaxOrder) return err(Error::InvalidSize);
  auto pa = kmem::frames().allocate(order);
  if (!pa.ok()) return err(Error::OutOfMemory);
  return Task::Block{*pa, order};
}

void free_block(Task::Block& block) {
  if (block.pa != 0) (void)kmem::frames().free(block.pa, block.order);
  block = Task::Block{};
}

// Gives back everything the task owns except the record. Capability operations run here, so
// objects whose last capability the task held are destroyed (which may end further tasks: they
// join the reap list).
void release(Task& t) {
  // Deleting takes what was derived along (kernel/cap/cap_ops.hpp): what the task gave away (copies
  // in other tables, registry entries) goes with it, and nothing it made outlives it unseen.
  if (t.table_object != nullptr) cap::cap_table_clear(*t.table_object);
  if (t.kernel_slots.constructed()) cap::cap_table_clear(*t.kernel_slots);
  forget_mappings(t);
  if (t.space_.constructed()) {
    // Never free the tables TTBR0 points at: the walker could still read them speculatively.
    kmem::deactivate_user_space(t.space_->ttbr0_value());
    t.space_->destroy();
  }
  for (auto& block : t.image_blocks) free_block(block);
  free_block(t.stack_block);
  free_block(t.boot_info_block);
  if (t.table_object != nullptr) g_tables.destroy(t.table_object);
  t.table_object = nullptr;
  free_block(t.table_block);
  if (t.quota != nullptr) t.quota->refund(t.charged);
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
  for (; name != nullptr && name[i] != '\0' && i + 1 < kTaskNameLength; ++i) out[i] = name[i];
  out[i] = '\0';
}

} // namespace

void Task::on_last_capability_deleted() {
  last_cap_gone = true;
  if (state == abi::TaskState::Created || state == abi::TaskState::Running) {
    end_task(*this, abi::TaskState::Killed, 0, 0);
  } else if (released) {
    g_tasks.destroy(this);
  }
  // Otherwise it is on the reap list: reap() frees the record after the resources.
}

cap::Result<Task*> create_task(const TaskSpec& spec) {
  auto image = loader::parse_elf(std::span<const std::uint8_t>(spec.image, spec.image_size),
                                 loader::UserRange{mm::kUserBase, mm::kChannelWindowBase});
  if (!image.ok()) return err(Error::InvalidImage);

  auto table_block = BRAMBLE_TRY(allocate_block(spec.slots * sizeof(cap::Capability)));
  auto* slots = arch::phys_to_virt<cap::Capability>(table_block.pa);
  cap::CapTable* table = g_tables.create(std::span<cap::Capability>(slots, spec.slots));
  Task* t = table != nullptr ? g_tasks.create(*table, spec.priority) : nullptr;
  if (t == nullptr) {
    if (table != nullptr) g_tables.destroy(table);
    (void)kmem::frames().free(table_block.pa, table_block.order);
    return err(Error::OutOfMemory);
  }
  t->table_object = table;
  t->table_block = table_block;
  copy_name(t->name, spec.name);
  t->quota = spec.quota;
  t->entry = image->entry;
  t->kernel_slots.emplace(std::span<cap::Capability>(t->kernel_slot_storage));

  // Everything below can run out of memory: on failure the half-built task is released whole.
  auto fail = [t](Error e) -> cap::Result<Task*> {
    release(*t);
    t->last_cap_gone = true;
    g_tasks.destroy(t);
    return err(e);
  };

  auto space = mm::AddressSpace::create(kmem::asids(), kmem::table_allocator(), kmem::tlb(), kmem::window(),
                                        kmem::user_forbidden());
  if (!space.ok()) return fail(Error::OutOfMemory);
  t->space_.emplace(*space);

  std::size_t segment = 0;
  auto loaded = loader::load_segments(*image, [&](const loader::SegmentPlan& plan) -> cap::Result<void> {
    if (segment == kMaxImageSegments) return err(Error::InvalidImage);
    auto block = BRAMBLE_TRY(allocate_block(plan.size));
    t->image_blocks[segment++] = block;
    plan.fill(0, std::span<std::uint8_t>(arch::phys_to_virt<std::uint8_t>(block.pa), plan.size));
    if (!t->space().map(plan.vaddr, block.pa, plan.size, perms_of(plan.flags)).ok()) return err(Error::InvalidImage);
    return {};
  });
  if (!loaded.ok()) return fail(loaded.error());
  // Fresh code pages: make the instruction side see what was just written (ARM ARM D7.5.9: clean the
  // data cache to the point of unification, invalidate the instruction cache).
  asm volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");

  auto stack = allocate_block(abi::kUserStackSize);
  if (!stack.ok()) return fail(stack.error());
  t->stack_block = *stack;
  if (!t->space().map(abi::kUserStackTop - abi::kUserStackSize, stack->pa, abi::kUserStackSize, mm::kUserReadWrite).ok()) {
    return fail(Error::OutOfMemory);
  }

  if (spec.fault_notification != nullptr) {
    auto copy = cap::decode_derive(*spec.fault_notification, t->kernel_slot_storage[1],
                                   spec.fault_notification->rights(), abi::kNoBadge);
    if (copy.ok()) cap::invoke_derive(*copy);
  }
  if (spec.quota != nullptr) {
    spec.quota->charge(spec.charge);
    t->charged = spec.charge;
  }
  t->state = abi::TaskState::Created;
  return t;
}

void start_task(Task& task, std::uint64_t argument) {
  task.context = arch::ExceptionFrame{};
  task.context.x[0] = argument;
  task.context.elr = task.entry;
  task.context.sp_el0 = abi::kUserStackTop;
  task.context.spsr = 0; // EL0t, interrupts unmasked
  task.fp = FpState{};
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
  sched::remove(task);
  if (task.waiting_on != nullptr) task.waiting_on->remove_waiter(task);
  const cap::Capability& fault = task.kernel_slot_storage[1];
  if (!fault.empty()) {
    auto* n = cap::object_cast<Notification>(fault.object());
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
    if (t->last_cap_gone) g_tasks.destroy(t);
  }
}

std::size_t tasks_in_use() { return g_tasks.in_use(); }

void for_each_task(void (*fn)(Task&, void*), void* context) {
  g_tasks.for_each([&](Task& t) { fn(t, context); });
}

} // namespace bramble::kobj
