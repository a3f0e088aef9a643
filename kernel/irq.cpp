#include "kernel/irq.hpp"

#include "board.hpp"
#include "drivers/irq_controller.hpp"
#include "kernel/arch/memory_layout.hpp"

namespace bramble::irq {
namespace {

using Controller = board::Board::IrqController;
static_assert(drivers::IrqController<Controller>);

struct Slot {
  Handler handler = nullptr;
  void* context = nullptr;
};

Controller g_controller = board::Board::make_irq_controller(arch::kKernelVirtualBase);
Slot g_slots[kMaxLines];
std::uint64_t g_unexpected = 0;

} // namespace

void init() {
  g_controller.init();
  for (auto& slot : g_slots)
    slot = Slot{};
}

bool attach(std::uint32_t line, Handler handler, void* context) {
  if (line >= kMaxLines || handler == nullptr || g_slots[line].handler != nullptr) return false;
  g_slots[line] = Slot{handler, context};
  if (!g_controller.enable(line)) {
    g_slots[line] = Slot{};
    return false;
  }
  return true;
}

void detach(std::uint32_t line) {
  if (line >= kMaxLines) return;
  (void)g_controller.disable(line);
  g_slots[line] = Slot{};
}

bool attached(std::uint32_t line) { return line < kMaxLines && g_slots[line].handler != nullptr; }

void mask(std::uint32_t line) {
  if (attached(line)) (void)g_controller.disable(line);
}

void unmask(std::uint32_t line) {
  if (attached(line)) (void)g_controller.enable(line);
}

void dispatch() {
  // Bounded: a line that keeps re-asserting must not keep the CPU here forever.
  for (int round = 0; round < 64; ++round) {
    const std::uint32_t line = g_controller.acknowledge();
    if (line == drivers::kNoInterrupt) return;
    if (line < kMaxLines && g_slots[line].handler != nullptr) {
      g_slots[line].handler(line, g_slots[line].context);
    } else {
      ++g_unexpected;
      (void)g_controller.disable(line);
    }
    g_controller.end_of_interrupt(line);
  }
}

std::uint64_t unexpected_count() { return g_unexpected; }

const char* controller_name() { return board::Board::kIrqControllerName; }

} // namespace bramble::irq
