#include "kernel/timer.hpp"

#include "board.hpp"
#include "drivers/generic_timer.hpp"
#include "kernel/irq.hpp"

namespace bramble::timer {
namespace {

drivers::PeriodicTimer<drivers::Aarch64TimerSysregs> g_timer;
volatile std::uint64_t g_ticks = 0;
TickHook g_hook = nullptr;
bool g_attached = false;

void on_timer(std::uint32_t, void*) {
  const std::uint64_t periods = g_timer.on_interrupt();
  g_ticks = g_ticks + (periods ? periods : 1);
  if (g_hook != nullptr) g_hook(g_ticks);
}

} // namespace

bool start(std::uint32_t hz) {
  if (!g_attached) {
    if (!irq::attach(board::Board::kTimerIrq, on_timer, nullptr)) return false;
    g_attached = true;
  }
  g_ticks = 0;
  g_timer.start(hz);
  return true;
}

void stop() { g_timer.stop(); }

std::uint64_t ticks() { return g_ticks; }
std::uint64_t frequency() { return g_timer.frequency(); }
std::uint64_t counter() { return g_timer.counter(); }
std::uint64_t period() { return g_timer.period(); }
void set_tick_hook(TickHook hook) { g_hook = hook; }

} // namespace bramble::timer
