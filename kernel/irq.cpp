#include "kernel/irq.hpp"

#include "board.hpp"
#include "drivers/irq_controller.hpp"
#include "kernel/arch/cpu.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/smp.hpp"
#include "kernel/smp.hpp"

namespace bramble::irq {
namespace {

using Controller = board::Board::IrqController;
static_assert(drivers::SmpIrqController<Controller>);

struct Slot {
  Handler handler = nullptr;
  void* context = nullptr;
  bool without_lock = false; // a core-private line whose handler touches only its core's state
};

Controller g_controller = board::Board::make_irq_controller(arch::kKernelVirtualBase);
Slot g_slots[kMaxLines];
std::uint64_t g_unexpected = 0;
void (*g_ipi_handler)() = nullptr;

} // namespace

void init() {
  g_controller.init();
  for (auto& slot : g_slots)
    slot = Slot{};
}

void init_this_core() {
  const std::uint32_t me = arch::core_id();
  if (me != 0) (void)g_controller.init_cpu(me); // core 0's part is in init()
  (void)g_controller.enable_on(me, board::Board::kIpiLine);
}

bool send_ipi(std::uint32_t core) {
  arch::write_barrier(); // what the IPI announces is in memory before the IPI can be seen
  return g_controller.send_ipi(core);
}

void set_ipi_handler(void (*handler)()) { g_ipi_handler = handler; }

bool attach(std::uint32_t line, Handler handler, void* context, Locking locking) {
  if (line >= kMaxLines || handler == nullptr || g_slots[line].handler != nullptr) return false;
  g_slots[line] = Slot{handler, context, locking == Locking::PerCore};
  if (!g_controller.enable(line)) {
    g_slots[line] = Slot{};
    return false;
  }
  return true;
}

bool enable_here(std::uint32_t line) {
  return line < kMaxLines && g_slots[line].handler != nullptr && g_controller.enable_on(arch::core_id(), line);
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

namespace {
void dispatch_lines(std::uint32_t me) {
  // Bounded: a line that keeps re-asserting must not keep the CPU here forever.
  for (int round = 0; round < 64; ++round) {
    const drivers::IrqAck ack = g_controller.acknowledge_on(me);
    const std::uint32_t line = ack.line;
    if (line == drivers::kNoInterrupt) return;
    ++smp::this_cpu().interrupts;
    if (line == board::Board::kIpiLine) {
      arch::read_barrier(); // the acknowledgement before reading what the IPI announces
      if (g_ipi_handler != nullptr) g_ipi_handler();
    } else if (line < kMaxLines && g_slots[line].without_lock) {
      g_slots[line].handler(line, g_slots[line].context);
    } else {
      const smp::KernelLock lock; // spins only: see smp::Cpu::in_interrupt
      if (line < kMaxLines && g_slots[line].handler != nullptr) {
        g_slots[line].handler(line, g_slots[line].context);
      } else {
        ++g_unexpected;
        (void)g_controller.disable(line);
      }
    }
    g_controller.end_of_interrupt(ack);
  }
}
} // namespace

void dispatch() {
  smp::Cpu& cpu = smp::this_cpu();
  ++cpu.in_interrupt;
  dispatch_lines(arch::core_id());
  --cpu.in_interrupt;
}

std::uint64_t unexpected_count() { return g_unexpected; }

const char* controller_name() { return board::Board::kIrqControllerName; }

} // namespace bramble::irq
