#include "kernel/smp.hpp"

#include "kernel/arch/cpu.hpp"
#include "kernel/arch/exceptions.hpp"
#include "kernel/arch/pmu.hpp"
#include "kernel/cmdline.hpp"
#include "kernel/irq.hpp"
#include "kernel/log.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/timer.hpp"
#include "lib/cmdline.hpp"
#include "lib/ticket_lock.hpp"

namespace bramble::smp {
namespace {

constexpr std::size_t kStackSize = 16 * 1024;
// Cores 1-3's kernel stacks (core 0 keeps the boot stack of the linker script).
alignas(16) std::uint8_t g_stacks[kMaxCores - 1][kStackSize];
Cpu g_cpus[kMaxCores];
using detail::g_kernel_lock;
using detail::g_lock_sleepers;

// What a secondary runs once the scheduler starts (start_scheduling()); nullptr until then.
std::atomic<void (*)()> g_join{nullptr};

// How long a core waiting for the kernel lock spins before it sleeps until the holder hands over:
// longer than the usual critical section on hardware (a system call is well under a microsecond), so
// sleeping is for a holder that was held up, as a virtual CPU is when its host thread is descheduled.
constexpr std::uint32_t kSpinsBeforeSleep = 2000;

// How long bring_up() waits for the started cores to report: two seconds. A core answers in
// microseconds on hardware; under an emulator on a loaded host a virtual CPU may not run for a
// while, and a core reported missing at boot stays out of the scheduler for good.
constexpr std::uint64_t kReportTimeoutSeconds = 2;

[[noreturn]] void secondary_main(std::uint32_t id) {
  Cpu& me = g_cpus[id];
  arch::set_cpu_data(&me);
  arch::finish_secondary_mmu(kmem::empty_user_ttbr0());
  arch::install_exception_vectors();
  arch::allow_el0_virtual_count();
  irq::init_this_core();
  if (pmu::running()) { // pmu=el0: every core counts, so a benchmark task may run on any of them
    pmu::start_counters();
    pmu::allow_el0_access();
  }
  me.online.store(true, std::memory_order_release);
  // Sleep (answering IPIs) until the scheduler starts, then join it. The check is made with IRQs
  // masked, and a pending interrupt still ends the WFI, so the IPI of start_scheduling() cannot slip
  // between the check and the wait.
  for (;;) {
    if (void (*join)() = g_join.load(std::memory_order_acquire); join != nullptr) join();
    arch::wait_for_interrupt();
    arch::take_pending_irqs();
  }
}

// Runs what another core posted for this one, if anything (the IPI handler, and a core waiting for
// the kernel lock: the holder may be waiting for this very call).
void run_posted_call(Cpu& me) {
  if (me.running_call) return; // this is the wait for the lock inside the call itself
  const std::uint64_t requested = me.requested.load(std::memory_order_acquire);
  if (requested == me.done.load(std::memory_order_relaxed)) return; // a wake-up only
  me.running_call = true;
  me.call(me.call_argument);
  me.running_call = false;
  me.done.store(requested, std::memory_order_release);
}

// Bounded waits for another core.
bool wait_until(const std::atomic<std::uint64_t>& value, std::uint64_t target, std::uint32_t timeout_ms = 1000) {
  const std::uint64_t deadline = arch::physical_count() + timer::frequency() * timeout_ms / 1000;
  while (value.load(std::memory_order_acquire) != target) {
    if (arch::physical_count() > deadline) return false;
    arch::spin_pause();
  }
  return true;
}

} // namespace

void init_boot_core(std::uintptr_t stack_top) {
  for (std::uint32_t i = 0; i < kMaxCores; ++i)
    g_cpus[i].id = i;
  g_cpus[0].stack_top = stack_top;
  g_cpus[0].online.store(true, std::memory_order_relaxed);
  arch::set_cpu_data(&g_cpus[0]);
}

std::uint32_t wanted_cores() {
  char value[8];
  if (!cmdline::option("cores", value, sizeof value)) return kMaxCores;
  const std::uint64_t n = cmdline::decimal(value, kMaxCores);
  return n == 0 ? 1 : (n > kMaxCores ? kMaxCores : static_cast<std::uint32_t>(n));
}

void park_unwanted(std::uint32_t wanted) {
  std::uint32_t mask = 0;
  for (std::uint32_t id = wanted; id < kMaxCores; ++id)
    mask |= 1u << id;
  if (mask == 0) return;
  const std::uint32_t parked = arch::park_secondaries(mask);
  if (parked != mask) kprintf("smp: cores 0x%x did not park (they may not exist)\n", mask & ~parked);
}

std::uint32_t bring_up(std::uint32_t wanted) {
  irq::set_ipi_handler(handle_ipi);
  irq::init_this_core();
  for (std::uint32_t id = 1; id < wanted; ++id) {
    Cpu& core = g_cpus[id];
    core.stack_top = reinterpret_cast<std::uintptr_t>(g_stacks[id - 1] + kStackSize);
    arch::start_secondary(id, secondary_main, core.stack_top, kmem::kernel_ttbr1());
  }
  const std::uint64_t deadline = arch::physical_count() + timer::frequency() * kReportTimeoutSeconds;
  for (std::uint32_t id = 1; id < wanted; ++id) {
    while (!g_cpus[id].online.load(std::memory_order_acquire) && arch::physical_count() < deadline)
      arch::spin_pause();
    if (!g_cpus[id].online.load(std::memory_order_acquire)) kprintf("smp: core %u did not come up\n", id);
  }
  return online_count();
}

std::uint32_t online_count() {
  std::uint32_t n = 0;
  for (const Cpu& c : g_cpus)
    if (c.online.load(std::memory_order_acquire)) ++n;
  return n;
}

Cpu& cpu(std::uint32_t id) { return g_cpus[id]; }

bool post(std::uint32_t core, void (*fn)(void*), void* argument) {
  if (core >= kMaxCores || !g_cpus[core].online.load(std::memory_order_acquire)) return false;
  Cpu& target = g_cpus[core];
  const std::uint64_t previous = target.requested.load(std::memory_order_relaxed);
  if (!wait_until(target.done, previous)) return false;
  target.call = fn;
  target.call_argument = argument;
  target.requested.store(previous + 1, std::memory_order_release);
  return irq::send_ipi(core);
}

bool wait(std::uint32_t core, std::uint32_t timeout_ms) {
  if (core >= kMaxCores) return false;
  Cpu& target = g_cpus[core];
  return wait_until(target.done, target.requested.load(std::memory_order_relaxed), timeout_ms);
}

bool run_on(std::uint32_t core, void (*fn)(void*), void* argument) { return post(core, fn, argument) && wait(core); }

void handle_ipi() {
  Cpu& me = this_cpu();
  ++me.ipis;
  run_posted_call(me);
}

void start_scheduling(void (*join)()) {
  g_join.store(join, std::memory_order_release);
  for (std::uint32_t id = 1; id < kMaxCores; ++id) {
    if (g_cpus[id].online.load(std::memory_order_acquire)) (void)irq::send_ipi(id);
  }
}

namespace detail {

// The wait for the kernel lock when it is held: answer posted calls, spin, then sleep.
[[gnu::noinline]] void wait_for_lock(Cpu& me, std::uint32_t ticket) {
  for (std::uint32_t spins = 0; !g_kernel_lock.served(ticket); ++spins) {
    // Answer posted calls while waiting: the holder may be waiting for one (a remote stop). IRQs
    // are masked around it, so the IPI handler cannot run the same call a second time.
    const std::uint64_t daif = arch::save_and_disable_irqs();
    run_posted_call(me);
    if (me.in_interrupt == 0 && spins >= kSpinsBeforeSleep) {
      // Held for long: sleep until the holder hands over (unlock_kernel() sends this core an IPI).
      // Counted and told before checking once more, and checked after, so the hand-over cannot be
      // missed (both sides order their store before their load: the store-buffering pattern with
      // seq_cst; the holder reads the count first and the per-core words only when it is not 0).
      g_lock_sleepers.fetch_add(1, std::memory_order_seq_cst);
      me.lock_sleep.store(kLockSleeping | ticket, std::memory_order_seq_cst);
      if (!g_kernel_lock.served(ticket)) {
        arch::wait_for_interrupt(); // IRQs masked: a pending one (the IPI) still ends the wait
      }
      me.lock_sleep.store(0, std::memory_order_relaxed);
      g_lock_sleepers.fetch_sub(1, std::memory_order_relaxed);
    }
    arch::restore_irqs(daif);
    arch::spin_pause();
  }
}

// The hand-over: the core that holds ticket `next` sleeps (or is about to); wake it.
[[gnu::noinline]] void wake_sleeper(std::uint32_t next) {
  for (Cpu& c : g_cpus) {
    if (c.lock_sleep.load(std::memory_order_relaxed) == (kLockSleeping | next)) {
      (void)irq::send_ipi(c.id);
      break;
    }
  }
}

} // namespace detail

// Out of line for everyone but the system-call entry (smp.hpp has the inline forms).
void lock_kernel() { lock_kernel(this_cpu()); }

void unlock_kernel() { unlock_kernel(this_cpu()); }

std::uint64_t measure_lock_pair() {
  // Called with the lock held once (kernel_main) and nobody else asking for it: give it up, then time
  // an empty span and a take-and-release span, and take it back.
  unlock_kernel();
  const std::uint64_t t0 = pmu::instructions();
  const std::uint64_t t1 = pmu::instructions();
  lock_kernel();
  unlock_kernel();
  const std::uint64_t t2 = pmu::instructions();
  lock_kernel();
  return (t2 - t1) - (t1 - t0);
}

} // namespace bramble::smp
