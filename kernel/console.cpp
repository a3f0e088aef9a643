#include "kernel/console.hpp"

#include "board.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/log.hpp"

namespace bramble::kconsole {
namespace {

using board::Board;
constexpr drivers::Pl011<> kUart{arch::phys_to_virt_address(Board::kUart0Base)};

bool g_quiet = false;

void write_uart(const char* text, std::size_t length) {
  if (!g_quiet) kUart.write(text, length);
}

} // namespace

void init() {
  // GPIO14 = TXD0, GPIO15 = RXD0 on ALT0 (BCM2835 ARM Peripherals 6.2, "Alternative Function
  // Assignments"), no pulls.
  const drivers::Gpio<> gpio{arch::phys_to_virt_address(Board::kGpioBase), Board::kGpioPullStyle};
  constexpr unsigned kUartPins[] = {14, 15};
  for (unsigned pin : kUartPins) {
    gpio.set_function(pin, drivers::GpioFunction::Alt0);
    gpio.disable_pull(pin);
  }
  kUart.init(Board::kUartClockHz, Board::kConsoleBaud);
  set_console_sink(write_uart);
}

int try_read() { return kUart.try_get(); }

void set_quiet(bool quiet) { g_quiet = quiet; }

void flush() { kUart.flush(); }

} // namespace bramble::kconsole
