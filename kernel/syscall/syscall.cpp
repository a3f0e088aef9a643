#include "kernel/syscall/syscall.hpp"

#include "kernel/arch/cpu.hpp"
#include "kernel/arch/uaccess.hpp"
#include "kernel/cap/cap_ops.hpp"
#include "kernel/cap/invariants.hpp"
#include "kernel/cap/syscall_decode.hpp"
#include "kernel/loader/embedded.hpp"
#include "kernel/log.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/object/device.hpp"
#include "kernel/object/frame.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/object/quota.hpp"
#include "kernel/object/registry.hpp"
#include "kernel/panic.hpp"
#include "kernel/syscall/entry.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/task/task.hpp"
#include "kernel/task/timeout.hpp"
#include "mm/address_space.hpp"

#include <utility>

// The table vectors.S indexes (defined at the end of this file).
extern "C" std::array<std::uintptr_t (*)(bramble::arch::ExceptionFrame*), bramble::abi::kSyscallLimit + 1>
    bramble_syscall_entries;

namespace bramble::syscall {
namespace {

using abi::Error;
using abi::Syscall;
using ktask::Task;

// What a call leaves in x0..x3; `deferred`: the task blocked or ended, nothing is written now.
struct Reply {
  std::uint64_t status = abi::kSuccess;
  std::uint64_t r[3] = {0, 0, 0};
  bool deferred = false;
};

Reply ok(std::uint64_t r1 = 0, std::uint64_t r2 = 0, std::uint64_t r3 = 0) {
  return Reply{abi::kSuccess, {r1, r2, r3}, false};
}
Reply fail(Error e) { return Reply{static_cast<std::uint64_t>(e), {0, 0, 0}, false}; }
Reply deferred() { return Reply{abi::kSuccess, {0, 0, 0}, true}; }
Reply done(const cap::Result<void>& r) { return r.ok() ? ok() : fail(r.error()); }
// The value of a Result, or, on error, a return of the failed Reply from the enclosing handler (as
// BRAMBLE_TRY does for Results; a GNU statement expression).
#define REPLY_TRY(expr)                                                                                                \
  __extension__({                                                                                                      \
    auto _reply_try = (expr);                                                                                          \
    if (!_reply_try.ok()) return fail(_reply_try.error());                                                             \
    std::move(_reply_try).value();                                                                                     \
  })

constexpr std::uint64_t kMaxAllocation = abi::kPageSize << mm::FrameAllocator::kMaxOrder; // 4 MiB
constexpr std::uint64_t kMaxTaskSlots = 4096;

// The invariant check's counters (set_invariant_check_interval, at the end): calls made while it is
// on, and how often it runs.
std::uint64_t g_calls = 0;
std::uint64_t g_check_interval = 0;

// Every capability table that exists: each task's (alive or ended but not yet released), each task's
// kernel slots, each registry entry's and each interrupt handler's. The checker needs all of them to
// see every link; a run with more tables than fit here is not checked (and says so).
void check_capability_invariants() {
  constexpr std::size_t kMaxTables = 2048;
  static const cap::CapTable* tables[kMaxTables];
  struct Collector {
    const cap::CapTable** tables;
    std::size_t count;
    bool overflow;
    void add(const cap::CapTable& t) {
      if (count < kMaxTables)
        tables[count++] = &t;
      else
        overflow = true;
    }
  } collector{tables, 0, false};
  ktask::for_each_task(
      [](Task& t, void* context) {
        auto* c = static_cast<Collector*>(context);
        if (!t.released) c->add(t.table());
        if (t.kernel_slots.constructed()) c->add(*t.kernel_slots);
      },
      &collector);
  kobj::registry().for_each_table(
      [](const cap::CapTable& t, void* context) { static_cast<Collector*>(context)->add(t); }, &collector);
  kobj::for_each_irq_table([](const cap::CapTable& t, void* context) { static_cast<Collector*>(context)->add(t); },
                           &collector);
  if (collector.overflow) {
    kprintf("kernel: invariant check skipped after %llu calls: more than %zu tables\n",
            static_cast<unsigned long long>(g_calls), kMaxTables);
    return;
  }
  const cap::InvariantReport report =
      cap::check_invariants(std::span<const cap::CapTable* const>(tables, collector.count));
  if (!report.ok())
    panic("capability invariant violated after %llu calls: %s", static_cast<unsigned long long>(g_calls),
          report.violation);
}

// The limits the decoders check against. All but the caller's priority are fixed at boot (the image
// table is fixed at link time), so a call stores one field instead of building the struct (and a
// 64-byte struct copy is a memcpy call in the freestanding kernel). Guarded by the kernel being
// single-core and not preemptible: only handle() writes it, before the decoders read it.
cap::DecodeLimits g_limits{mm::kUserBase,
                           mm::kUserTop,
                           kMaxAllocation,
                           loader::embedded_programs().size(),
                           0,
                           kMaxTaskSlots,
                           abi::kTaskRecordCharge + abi::kUserStackSize,
                           mm::kChannelWindowBase,
                           mm::kChannelWindowEnd};

// Only task_create's decoder reads the caller's priority, so only that call stores it.
const cap::DecodeLimits& limits_for(const Task& self) {
  g_limits.max_priority = self.priority();
  return g_limits;
}

std::uint64_t slot_of(const Task& self, const cap::Capability* cap) { return self.caps().index_of(cap); }

// The text goes out attributed: every line starts "[<task name>] " and control characters are shown,
// not obeyed (kernel/log.hpp), so no task can print a line that passes for the kernel's or another
// task's.
Reply debug_write(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_debug_write(call, caller));
  char chunk[256];
  std::uint64_t written = 0;
  while (written < a.length) {
    const std::uint64_t n = a.length - written < sizeof chunk ? a.length - written : sizeof chunk;
    const std::size_t missing = copy_from_user(chunk, reinterpret_cast<const void*>(a.buffer + written), n);
    kwrite_task(&self, self.name, chunk, n - missing);
    written += n - missing;
    if (missing != 0) break; // an unmapped part: a short count
  }
  return ok(written);
}

Reply memory_allocate(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_memory_allocate(call, caller));
  const auto frame = REPLY_TRY(kobj::Frame::create(*a.quota, a.size));
  cap::invoke_install(cap::InstallOp{a.destination, frame, a.memory});
  return ok(slot_of(self, a.destination));
}

Reply memory_map(Task& self, const cap::SyscallArgs& call, cap::Caller caller, bool into) {
  const auto a = REPLY_TRY(into ? cap::decode_memory_map_into(call, caller) : cap::decode_memory_map(call, caller));
  Task& target = a.task != nullptr ? static_cast<Task&>(*a.task) : self; // alive: decode checked
  return done(kobj::map_frame(target, *a.frame_cap, a.vaddr, a.perms));
}

Reply memory_unmap(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_memory_unmap(call, caller));
  return done(kobj::unmap_at(self, a.vaddr));
}

Reply memory_info(const cap::SyscallArgs& call, cap::Caller caller) {
  (void)REPLY_TRY(cap::decode_memory_info(call, caller)); // the answer is kernel-wide: only the right matters
  const mm::FrameAllocator& frames = kmem::frames();
  return ok(frames.total_frames(), frames.free_frames(), kmem::kernel_frames());
}

Reply memory_split(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_memory_split(call, caller));
  const auto quota = REPLY_TRY(kobj::SubQuota::create(*a.parent, a.bytes));
  cap::invoke_install(cap::InstallOp{a.destination, quota, a.memory});
  return ok(slot_of(self, a.destination));
}

Reply notification_create(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_notification_create(call, caller));
  const auto n = REPLY_TRY(kobj::Notification::create(*a.quota));
  cap::invoke_install(cap::InstallOp{a.destination, n, a.memory});
  return ok(slot_of(self, a.destination));
}

// The decoder's lookup tested the object's type tag already (a capability's type is its object's,
// Capability::type): no second test.
kobj::Notification& notification_of(const cap::NotificationArgs& a) {
  return static_cast<kobj::Notification&>(*a.notification);
}

[[gnu::always_inline]] inline Reply signal(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_signal(call, caller));
  notification_of(a).signal(a.signal_bits);
  return ok();
}

[[gnu::always_inline]] inline Reply wait(Task& self, sched::detail::Core& here, const cap::SyscallArgs& call,
                                         cap::Caller caller, bool block) {
  const auto a = REPLY_TRY(cap::decode_wait(call, caller));
  kobj::Notification& n = notification_of(a);
  if (!block) return ok(n.poll());
  const std::uint64_t word = n.wait_or_enqueue(self);
  if (word != 0) return ok(word);
  sched::block_current(here); // signal() or the notification's destruction completes the call
  return deferred();
}

// The deadline is armed after the task is queued, under the same lock: a signal and the deadline
// both find it in both places, and whichever runs first takes it out of both (timeout.hpp).
Reply wait_timeout(Task& self, sched::detail::Core& here, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_wait_timeout(call, caller));
  auto& n = *cap::object_cast<kobj::Notification>(a.notification);
  if (a.ticks == 0) return ok(n.poll());
  const std::uint64_t now = arch::physical_count(); // before queueing: the wait lasts at least `ticks`
  const std::uint64_t word = n.wait_or_enqueue(self);
  if (word != 0) return ok(word);
  timeout::arm(self, now + a.ticks); // no wrap: ticks <= kMaxWaitTicks (abi/syscalls.hpp)
  sched::block_current(here);        // a signal, the deadline or the notification's end completes the call
  return deferred();
}

template <typename Op> Reply derive(cap::Result<Op> decoded) {
  const auto op = REPLY_TRY(decoded);
  cap::invoke_derive(op);
  return ok();
}

[[gnu::always_inline]] inline Reply cap_info(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_cap_info(call, caller));
  const cap::CapInfo info = cap::cap_info(*a);
  return ok(info.kind, info.fact0, info.fact1);
}

Reply shmem_register(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_shmem_register(call, caller));
  // The entry is the registering task's to pay for: its names are bounded by its own quota.
  const cap::CapTable* tables[2] = {&self.table(), nullptr};
  std::size_t count = 1;
  if (self.kernel_slots.constructed()) tables[count++] = &*self.kernel_slots;
  return done(kobj::registry().publish(a.name, *a.frame, *a.notification, *self.quota,
                                       std::span<const cap::CapTable* const>(tables, count)));
}

Reply shmem_query(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_shmem_query(call, caller));
  if (auto r = kobj::registry().lookup(a.name, *a.frame_destination, *a.notification_destination); !r.ok()) {
    return fail(r.error());
  }
  return ok(slot_of(self, a.frame_destination), slot_of(self, a.notification_destination));
}

Reply task_create(Task& self, const cap::SyscallArgs& call, cap::CapTable& caps) {
  const auto a = REPLY_TRY(cap::decode_task_create(call, cap::Caller{caps, limits_for(self)}));
  const loader::EmbeddedProgram& program = loader::embedded_programs()[a.image];
  const ktask::TaskSpec spec{program.name, program.data, program.size,        a.slots,
                             a.priority,   a.quota,      a.fault_notification};
  const auto task = REPLY_TRY(ktask::create_task(spec));
  cap::invoke_install(cap::InstallOp{a.destination, task, a.memory});
  return ok(slot_of(self, a.destination));
}

Reply task_start(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_task_start(call, caller));
  Task& task = static_cast<Task&>(*a.task);
  if (task.state != abi::TaskState::Created) return fail(Error::InvalidState);
  ktask::start_task(task, a.argument);
  return ok();
}

Reply task_status(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_task_status(call, caller));
  const Task& task = static_cast<const Task&>(*a);
  if (task.state == abi::TaskState::Running) {
    return ok(static_cast<std::uint64_t>(task.state), 0, task.waiting_on != nullptr ? 1 : 0);
  }
  return ok(static_cast<std::uint64_t>(task.state), task.exit_code, task.fault_detail);
}

Reply task_info(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_task_info(call, caller));
  const Task& task = static_cast<const Task&>(*a);
  return ok(static_cast<std::uint64_t>(task.state), task.priority(), sched::cpu_time(task));
}

Reply task_set_core(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_task_set_core(call, caller));
  if (auto r = sched::set_affinity(static_cast<Task&>(*a.task), a.core); !r.ok()) return fail(r.error());
  return ok();
}

Reply task_core(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_task_core(call, caller));
  const Task& task = static_cast<const Task&>(*a);
  return ok(task.core, task.affinity, task.migrations);
}

Reply cpu_info(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto core = REPLY_TRY(cap::decode_cpu_info(call, caller));
  const sched::CpuFigures f = sched::cpu_figures(static_cast<std::uint32_t>(core));
  return ok(f.state, f.busy_time, f.switches);
}

Reply irq_handler_create(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_irq_handler_create(call, caller));
  const auto h = REPLY_TRY(kobj::create_irq_handler(a.line, *a.notification));
  cap::invoke_install(cap::InstallOp{a.destination, h});
  return ok(slot_of(self, a.destination));
}

Reply irq_ack(const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_irq_ack(call, caller));
  cap::object_cast<kobj::IrqHandler>(a)->acknowledge();
  return ok();
}

Reply device_frame_create(Task& self, const cap::SyscallArgs& call, cap::Caller caller) {
  const auto a = REPLY_TRY(cap::decode_device_frame_create(call, caller));
  const auto frame = REPLY_TRY(kobj::create_device_frame(a.device));
  cap::invoke_install(cap::InstallOp{a.destination, frame});
  return ok(slot_of(self, a.destination));
}

// Each call's entry writes its own results into the frame (an inline handler's Reply never goes
// through memory). A deferred reply (the caller blocked or ended) writes nothing: wake() fills the
// results in later, or nobody reads them. A caller that ended in its own call still has its record
// (reap() runs on the way out), so writing into its frame is harmless.
// A failure's results are zeros by construction (fail()).
[[gnu::always_inline]] inline void put(arch::ExceptionFrame& frame, const Reply& reply) {
  if (reply.deferred) return;
  if (reply.status != abi::kSuccess)
    arch::set_syscall_error(frame, reply.status);
  else
    arch::set_syscall_result(frame, abi::kSuccess, reply.r[0], reply.r[1], reply.r[2]);
}

// The call's registers as the decoders read them. A handler inlined into its entry keeps only the
// arguments it reads; one out of line gets the whole struct.
[[gnu::always_inline]] inline cap::SyscallArgs args_of(const arch::ExceptionFrame& frame) {
  return cap::SyscallArgs{arch::syscall_number(frame),
                          {arch::syscall_argument(frame, 0), arch::syscall_argument(frame, 1),
                           arch::syscall_argument(frame, 2), arch::syscall_argument(frame, 3),
                           arch::syscall_argument(frame, 4), arch::syscall_argument(frame, 5)}};
}
[[gnu::always_inline]] inline cap::Caller caller_of(Task& self) { return cap::Caller{self.caps(), g_limits}; }

using arch::ExceptionFrame;
using detail::Handler;

// Each declared call's handler: call<S>(frame, self, here) decodes (every argument and capability
// checked), invokes and writes its results into the frame; `here` is this core's scheduling state.
// Always inlined, into the number's own entry (below, where the handler's body then needs no call of
// its own) and into the general table's handler<S>.
using sched::detail::Core;
template <Syscall S> void call(ExceptionFrame& f, Task& s, Core& here) = delete;
#define BRAMBLE_CALL(name)                                                                                             \
  template <>                                                                                                          \
  [[gnu::always_inline]] inline void call<Syscall::name>(ExceptionFrame & f, Task & s, [[maybe_unused]] Core & here)
BRAMBLE_CALL(debug_write) { put(f, debug_write(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(yield) {
  sched::yield_current(here, static_cast<unsigned>(s.priority()));
  put(f, ok());
}
BRAMBLE_CALL(memory_allocate) { put(f, memory_allocate(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(memory_map) { put(f, memory_map(s, args_of(f), caller_of(s), false)); }
BRAMBLE_CALL(memory_map_into) { put(f, memory_map(s, args_of(f), caller_of(s), true)); }
BRAMBLE_CALL(memory_unmap) { put(f, memory_unmap(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(memory_info) { put(f, memory_info(args_of(f), caller_of(s))); }
BRAMBLE_CALL(memory_split) { put(f, memory_split(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(notification_create) { put(f, notification_create(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(signal) { put(f, signal(args_of(f), caller_of(s))); }
BRAMBLE_CALL(wait) { put(f, wait(s, here, args_of(f), caller_of(s), true)); }
BRAMBLE_CALL(poll) { put(f, wait(s, here, args_of(f), caller_of(s), false)); }
BRAMBLE_CALL(wait_timeout) { put(f, wait_timeout(s, here, args_of(f), caller_of(s))); }
BRAMBLE_CALL(cap_copy) { put(f, derive(cap::decode_cap_copy(args_of(f), caller_of(s)))); }
BRAMBLE_CALL(cap_mint) { put(f, derive(cap::decode_cap_mint(args_of(f), caller_of(s)))); }
BRAMBLE_CALL(cap_insert_into) { put(f, derive(cap::decode_cap_insert_into(args_of(f), caller_of(s)))); }
BRAMBLE_CALL(cap_move) {
  const auto op = cap::decode_cap_move(args_of(f), caller_of(s));
  if (!op.ok()) return put(f, fail(op.error()));
  cap::invoke_move(op.value());
  put(f, ok());
}
BRAMBLE_CALL(cap_delete) {
  const auto op = cap::decode_cap_delete(args_of(f), caller_of(s));
  if (!op.ok()) return put(f, fail(op.error()));
  cap::invoke_delete(op.value());
  put(f, ok());
}
BRAMBLE_CALL(cap_revoke) {
  const auto op = cap::decode_cap_revoke(args_of(f), caller_of(s));
  if (!op.ok()) return put(f, fail(op.error()));
  put(f, ok(cap::invoke_revoke(op.value())));
}
BRAMBLE_CALL(cap_info) { put(f, cap_info(args_of(f), caller_of(s))); }
BRAMBLE_CALL(shmem_register) { put(f, shmem_register(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(shmem_query) { put(f, shmem_query(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(task_create) { put(f, task_create(s, args_of(f), s.caps())); }
BRAMBLE_CALL(task_start) { put(f, task_start(args_of(f), caller_of(s))); }
BRAMBLE_CALL(task_exit) {
  ktask::end_task(s, abi::TaskState::Exited, arch::syscall_argument(f, 0), 0); // nothing to write
}
BRAMBLE_CALL(task_status) { put(f, task_status(args_of(f), caller_of(s))); }
BRAMBLE_CALL(task_info) { put(f, task_info(args_of(f), caller_of(s))); }
BRAMBLE_CALL(task_set_core) { put(f, task_set_core(args_of(f), caller_of(s))); }
BRAMBLE_CALL(task_core) { put(f, task_core(args_of(f), caller_of(s))); }
BRAMBLE_CALL(cpu_info) { put(f, cpu_info(args_of(f), caller_of(s))); }
BRAMBLE_CALL(irq_handler_create) { put(f, irq_handler_create(s, args_of(f), caller_of(s))); }
BRAMBLE_CALL(irq_ack) { put(f, irq_ack(args_of(f), caller_of(s))); }
BRAMBLE_CALL(device_frame_create) { put(f, device_frame_create(s, args_of(f), caller_of(s))); }
#undef BRAMBLE_CALL

// The general form of a call's handler (its address goes into the table handle() indexes).
template <Syscall S> void handler(ExceptionFrame& f, Task& s) { call<S>(f, s, sched::core_of(smp::this_cpu())); }

// One entry per call number the ABI declares (kernel/abi/syscalls.hpp); nullptr for the others,
// which handle() treats as a bad system call. A table, not a switch: one bounds test and one load
// find the handler.
template <std::size_t N> constexpr Handler handler_for() {
  if constexpr (cap::kDeclaredSyscallNumbers[N])
    return &handler<static_cast<Syscall>(N)>; // a declared call without its call<S> does not compile
  else
    return nullptr;
}
constexpr std::array<Handler, abi::kSyscallLimit> kHandlers = []<std::size_t... N>(std::index_sequence<N...>) {
  return std::array<Handler, abi::kSyscallLimit>{handler_for<N>()...};
}
(std::make_index_sequence<abi::kSyscallLimit>{});

} // namespace

namespace {

// With the invariant check on, every declared number's entry runs this: the call, then the count and,
// every g_check_interval calls, the check. Off (the default), each number's entry has its handler
// inlined and a call pays for neither.
void call_and_check(arch::ExceptionFrame& frame, Task& self) {
  kHandlers[arch::syscall_number(frame)](frame, self); // the entry checked the number
  if (++g_calls % g_check_interval == 0) check_capability_invariants();
}

// The vectors' entry (kernel/arch/aarch64/vectors.S) calls entries[min(x8, kSyscallLimit)]: each
// declared number's own instantiation of enter() with its handler inlined; the others, and every
// number from kSyscallLimit on, the bad-call entry.
using Entry = std::uintptr_t (*)(arch::ExceptionFrame* frame);

template <std::size_t N> std::uintptr_t entry(arch::ExceptionFrame* frame) {
  return enter(frame, [](arch::ExceptionFrame& f, Task& t, Core& here) { call<static_cast<Syscall>(N)>(f, t, here); });
}
std::uintptr_t bad_entry(arch::ExceptionFrame* frame) {
  return enter(frame, [](arch::ExceptionFrame& f, Task& t, Core&) { detail::bad_syscall(f, t); });
}
std::uintptr_t checked_entry(arch::ExceptionFrame* frame) {
  return enter(frame, [](arch::ExceptionFrame& f, Task& t, Core&) { call_and_check(f, t); });
}

template <std::size_t N> constexpr Entry entry_for() {
  if constexpr (N < abi::kSyscallLimit && kHandlers[N] != nullptr)
    return &entry<N>;
  else
    return &bad_entry;
}

constexpr auto kEntries = []<std::size_t... N>(std::index_sequence<N...>) {
  return std::array<Entry, sizeof...(N)>{entry_for<N>()...};
}
(std::make_index_sequence<abi::kSyscallLimit + 1>{});

} // namespace

namespace detail {

constinit std::array<Handler, abi::kSyscallLimit> g_handlers = kHandlers;

void bad_syscall(arch::ExceptionFrame& frame, Task& self) {
  const std::uint64_t number = arch::syscall_number(frame);
  kprintf("kernel: task '%s' killed: bad system call %llu\n", self.name, static_cast<unsigned long long>(number));
  ktask::end_task(self, abi::TaskState::Faulted, static_cast<std::uint64_t>(abi::FaultReason::BadSyscall), number);
}

} // namespace detail

void set_invariant_check_interval(std::uint64_t interval) {
  g_check_interval = interval;
  for (std::size_t n = 0; n < abi::kSyscallLimit; ++n) {
    if (kHandlers[n] == nullptr) continue;
    detail::g_handlers[n] = interval != 0 ? call_and_check : kHandlers[n];
    bramble_syscall_entries[n] = interval != 0 ? checked_entry : kEntries[n];
  }
}

} // namespace bramble::syscall

// The table vectors.S indexes (an unmangled name for the assembly).
extern "C" {
constinit std::array<std::uintptr_t (*)(bramble::arch::ExceptionFrame*), bramble::abi::kSyscallLimit + 1>
    bramble_syscall_entries = bramble::syscall::kEntries;
}
static_assert(bramble::abi::kSyscallLimit == 128, "vectors.S: SYSCALL_LIMIT");
