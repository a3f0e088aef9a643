// The cores: which are online, each core's per-CPU record, and the kernel lock.
//
// The kernel lock: one fair ticket lock (lib/ticket_lock.hpp) around everything the kernel does for a
// task or an interrupt. A core takes it when it enters the kernel (kernel/trap.cpp: a system call, a
// fault, an interrupt) and gives it back on the way out to EL0, or before it waits in WFI. Everything
// shared between cores (tasks, capabilities, objects, memory, the run queues) is touched only with it
// held; what a core keeps for itself (its Cpu record below) needs no lock. Code that runs before the
// secondaries start, or in a core's own bring-up, needs none either.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "kernel/arch/smp.hpp"
#include "lib/ticket_lock.hpp"

namespace bramble::smp {

inline constexpr std::uint32_t kMaxCores = arch::kMaxCores;
inline constexpr std::uint64_t kLockSleeping = std::uint64_t{1} << 32;

// One per core, reached through the architecture's per-CPU pointer; only its own core writes it.
struct Cpu {
  std::uint32_t id = 0;
  std::atomic<bool> online{false};
  std::uintptr_t stack_top = 0; // this core's kernel stack, where the kernel runs after an exception from EL0
  std::uint64_t interrupts = 0; // interrupts taken on this core (IPIs included)
  std::uint64_t ipis = 0;       // IPIs taken on this core

  // A function another core asked this one to run (post()), and how far it got: `requested` counts
  // the posts, `done` the ones run. Written by the sender (function, argument, then requested) and by
  // this core (done).
  void (*call)(void*) = nullptr;
  void* call_argument = nullptr;
  std::atomic<std::uint64_t> requested{0};
  std::atomic<std::uint64_t> done{0};
  bool running_call = false; // a posted call runs (a wait for the lock inside it must not start it again)
  // Interrupt handlers running on this core (irq::dispatch). A core inside one waits for the kernel
  // lock by spinning only: while its interrupt is active, an interrupt controller with priorities (the
  // GIC) does not signal the hand-over IPI, so a WFI would never end.
  std::uint32_t in_interrupt = 0;

  // Waiting for the kernel lock: kLockSleeping | ticket while the core sleeps in WFI until the holder
  // hands the lock over with an IPI (lock_kernel()), 0 otherwise. One word, so the holder never pairs
  // a sleeper's flag with an older ticket.
  std::atomic<std::uint64_t> lock_sleep{0};
  // How often this core holds the kernel lock through lock_kernel() (0: not that way). Kernel code that
  // runs with interrupts enabled, as the boot-time test scenarios do, takes an interrupt on the core
  // that already holds the lock: that takes it again, as a count. A system call's entry holds the lock
  // without counting it (kernel/syscall/entry.hpp: nothing a call runs takes the lock again, as
  // interrupts stay masked), and its way out counts it (1) before anything there may give the lock up
  // (the scheduler's idle wait), which is what the count is for.
  std::uint32_t lock_depth = 0;
};

// kernel/arch/aarch64/vectors.S reads stack_top through the per-CPU pointer.
static_assert(offsetof(Cpu, stack_top) == 8, "vectors.S: CPU_STACK_TOP");

// Core 0, early in kernel_main: its record and the per-CPU pointer.
void init_boot_core(std::uintptr_t stack_top);
// As soon as the command line is known: sends the cores beyond `wanted` to sleep for good, so they stop
// polling the spin table before anything is measured.
void park_unwanted(std::uint32_t wanted);
// Once memory is up: starts cores 1..wanted-1 into the kernel and waits (bounded) for each to report.
// Returns how many cores are online, core 0 included.
std::uint32_t bring_up(std::uint32_t wanted);
// cores=N from the command line, clamped to 1..kMaxCores; kMaxCores when absent or malformed.
[[nodiscard]] std::uint32_t wanted_cores();

[[nodiscard]] inline Cpu& this_cpu() { return *static_cast<Cpu*>(arch::cpu_data()); }
[[nodiscard]] std::uint32_t online_count();
[[nodiscard]] Cpu& cpu(std::uint32_t id);

// Runs `fn(argument)` on `core`, from its IPI handler, without the kernel lock (so a sender holding it
// may wait for the answer). post() returns once the IPI is sent (false: the core is not online, or
// its previous call did not finish within a second); wait() waits, bounded (a second by default),
// until it has run (false: it did not). One call at a time per target core.
bool post(std::uint32_t core, void (*fn)(void*), void* argument);
bool wait(std::uint32_t core, std::uint32_t timeout_ms = 1000);
bool run_on(std::uint32_t core, void (*fn)(void*), void* argument);
// The IPI handler (irq::set_ipi_handler): runs this core's posted call, if any.
void handle_ipi();
// The scheduler starts: every other online core leaves its wait and calls `join` (sched::start).
void start_scheduling(void (*join)());

// The kernel lock. A core waiting for it runs what the holder posts to it (post()), so the holder may
// wait for another core's answer. A core that holds it may take it again (an interrupt taken while kernel code runs
// with interrupts enabled); it is released when every lock_kernel() has had its unlock_kernel().
void lock_kernel();
void unlock_kernel();

// The lock's state and slow paths, for the inline fast paths below (kernel/smp.cpp owns them).
namespace detail {
inline TicketLock g_kernel_lock;
// Cores asleep waiting for it (their Cpu::lock_sleep says for which ticket): the holder scans for
// the one to wake only when this is not 0.
inline std::atomic<std::uint32_t> g_lock_sleepers{0};
// The wait when the ticket is not served at once: answer posted calls, spin, then sleep.
void wait_for_lock(Cpu& me, std::uint32_t ticket);
// The hand-over: the core that holds ticket `next` sleeps (or is about to); wake it.
void wake_sleeper(std::uint32_t next);
// wake_sleeper(next), then `value`: out of line, so that a fast path whose release found a sleeper
// returns through it as a tail call and keeps its own code free of calls (and of a stack frame).
template <typename T> [[gnu::noinline]] T wake_sleeper_and_return(std::uint32_t next, T value) {
  wake_sleeper(next);
  return value;
}
} // namespace detail

// The release itself, without the nesting count (Cpu::lock_depth): what unlock_kernel() and
// release_kernel_to_user() do once the count says so, and what a system call's entry does (it holds
// the lock without counting it) with the ticket it kept (`held`). Returns true when a core sleeps
// waiting for ticket `next`: the caller wakes it (detail::wake_sleeper).
[[nodiscard]] inline bool release_uncounted(std::uint32_t held, std::uint32_t& next) {
  next = detail::g_kernel_lock.unlock(held, std::memory_order_seq_cst);
  return detail::g_lock_sleepers.load(std::memory_order_seq_cst) != 0;
}
// The same when the ticket is not at hand.
[[nodiscard]] inline bool release_uncounted(std::uint32_t& next) {
  next = detail::g_kernel_lock.unlock(std::memory_order_seq_cst);
  return detail::g_lock_sleepers.load(std::memory_order_seq_cst) != 0;
}

// lock_kernel() and unlock_kernel() for a caller that has this core's record at hand (`me` must be
// this_cpu()): inline, for the system-call entry, which reads the per-CPU pointer once. A nested take
// is a count, an uncontended one a ticket that is served at once; the release looks for a sleeper
// only when one said it sleeps. The release's store and that look are both seq_cst, as are the
// sleeper's count and its look at the ticket (detail::wait_for_lock): the store-buffering pattern,
// which seq_cst makes safe (the holder sees the sleeper, or the sleeper sees its ticket served).
// AArch64 orders a store-release before a later load-acquire, so this needs no barrier.
inline void lock_kernel(Cpu& me) {
  if (me.lock_depth != 0) [[unlikely]] {
    ++me.lock_depth;
    return;
  }
  const std::uint32_t ticket = detail::g_kernel_lock.take_ticket();
  if (!detail::g_kernel_lock.served(ticket)) [[unlikely]]
    detail::wait_for_lock(me, ticket);
  me.lock_depth = 1;
}
inline void unlock_kernel(Cpu& me) {
  if (--me.lock_depth != 0) [[unlikely]]
    return;
  if (std::uint32_t next = 0; release_uncounted(next)) [[unlikely]]
    detail::wake_sleeper(next);
}

// The release on a system call's slow way back to EL0 (sched::finish_call): the core holds the lock
// exactly once there, counted, so the count is cleared, not tested. Returns as release_uncounted().
[[nodiscard]] inline bool release_kernel_to_user(Cpu& me, std::uint32_t& next) {
  me.lock_depth = 0;
  return release_uncounted(next);
}

// Instructions one uncontended lock_kernel() + unlock_kernel() pair retires (PMU running, the lock
// held once by this core and wanted by no other: kernel_main, before the first task starts).
[[nodiscard]] std::uint64_t measure_lock_pair();

// Holds the kernel lock for a scope.
class KernelLock {
public:
  KernelLock() { lock_kernel(); }
  ~KernelLock() { unlock_kernel(); }
  KernelLock(const KernelLock&) = delete;
  KernelLock& operator=(const KernelLock&) = delete;
};

} // namespace bramble::smp
