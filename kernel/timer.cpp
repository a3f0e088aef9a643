#include "kernel/timer.hpp"

#include "board.hpp"
#include "drivers/generic_timer.hpp"
#include "kernel/arch/smp.hpp"
#include "kernel/irq.hpp"

namespace bramble::timer {
namespace {

// One per core: each drives its own core's EL1 physical timer (the registers are per core).
drivers::PeriodicTimer<drivers::Aarch64TimerSysregs> g_timers[arch::kMaxCores];
volatile std::uint64_t g_ticks = 0;
TickHook g_hook = nullptr;
bool g_attached = false;
std::uint32_t g_hz = 0;

void on_timer(std::uint32_t, void*) {
  const std::uint32_t me = arch::core_id();
  const std::uint64_t periods = g_timers[me].on_interrupt();
  if (me == 0) g_ticks = g_ticks + (periods ? periods : 1);
  if (g_hook != nullptr) g_hook(g_ticks);
}

} // namespace

bool start(std::uint32_t hz) {
  if (!g_attached) {
    if (!irq::attach(board::Board::kTimerIrq, on_timer, nullptr, irq::Locking::PerCore)) return false;
    g_attached = true;
  }
  g_ticks = 0;
  g_hz = hz;
  g_timers[0].start(hz);
  return true;
}

bool start_this_core() {
  const std::uint32_t me = arch::core_id();
  if (!g_attached || me == 0 || me >= arch::kMaxCores || !irq::enable_here(board::Board::kTimerIrq)) return false;
  g_timers[me].start(g_hz);
  return true;
}

void stop() { g_timers[arch::core_id()].stop(); }

void resume() {
  if (g_hz != 0) g_timers[arch::core_id()].start(g_hz);
}

std::uint64_t ticks() { return g_ticks; }
std::uint64_t frequency() { return g_timers[0].frequency(); }
std::uint64_t counter() { return g_timers[0].counter(); }
std::uint64_t period() { return g_timers[0].period(); }
void set_tick_hook(TickHook hook) { g_hook = hook; }

} // namespace bramble::timer
