// Devices for user-space drivers (docs/syscalls.md): the IrqControl authority, device frames (board MMIO
// only, mapped as Device memory, never in the channel window, never executable), interrupt handlers
// (only lines the board gives user space; one per line), and a real interrupt-driven receive: this
// program takes the console UART, enables its receive interrupt, sleeps on the handler's
// notification, reads the line the test harness types, acknowledges each interrupt, and answers on
// the UART itself. While it owns the UART the kernel's console is quiet.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace {

using namespace bramble;
using namespace bramble::user;
using task::Word;

constexpr Word kUartMap = task::kTestMapBase;
constexpr Word kGpioMap = task::kTestMapBase + 0x10'0000;

// PL011 registers (TRM DDI 0183G, Table 3-1), as word offsets.
constexpr Word kDr = 0x00 / 4, kFr = 0x18 / 4, kImsc = 0x38 / 4, kIcr = 0x44 / 4;
constexpr std::uint32_t kFrRxfe = 1u << 4, kFrTxff = 1u << 5;
constexpr std::uint32_t kRxim = 1u << 4, kRtim = 1u << 6; // receive, receive timeout

void uart_write(volatile std::uint32_t* uart, const char* text) {
  for (; *text != '\0'; ++text) {
    while ((uart[kFr] & kFrTxff) != 0) {
    }
    if (*text == '\n') uart[kDr] = '\r';
    uart[kDr] = static_cast<std::uint8_t>(*text);
  }
}

} // namespace

int main(const void* startup) {
  task::Root root{};
  if (!task::read_root(startup, "devices", root)) return 90;
  const abi::BootInfo& boot = *root.boot;
  const Word irq = boot.slot_irq_control;
  const Word uart = task::find_device(boot, "uart0");
  const Word gpio = task::find_device(boot, "gpio");
  CHECK(uart != task::kNoDevice && gpio != task::kNoDevice);
  const Word uart_line = boot.devices[uart].irq;
  CHECK(uart_line != ~Word{0});

  // Errors.
  const Word n = CHECK_OK(sys::notification_create(root.memory)).r1;
  CHECK_ERR(sys::device_frame_create(irq, boot.device_count), InvalidDevice);
  CHECK_ERR(sys::device_frame_create(irq, ~Word{0}), InvalidDevice);
  CHECK_ERR(sys::device_frame_create(root.memory, uart), WrongType);
  CHECK_ERR(sys::irq_handler_create(irq, 30, n), InvalidDevice); // the GIC timer PPI: the kernel's
  CHECK_ERR(sys::irq_handler_create(irq, 1, n), InvalidDevice);  // the BCM2836 timer line: the kernel's
  CHECK_ERR(sys::irq_handler_create(irq, 100000, n), InvalidDevice);
  CHECK_ERR(sys::irq_handler_create(root.task_create, uart_line, n), WrongType);
  const Word wait_only = task::free_slot();
  CHECK_OK(sys::cap_mint(n, wait_only, abi::kRightWait, 0));
  CHECK_ERR(sys::irq_handler_create(irq, uart_line, wait_only), InsufficientRights); // needs Signal
  CHECK_OK(sys::cap_delete(wait_only));

  // A device frame is real MMIO: the GPIO function-select register shows GPIO14/15 on ALT0 (0b100),
  // where the kernel's console set them.
  const Word gpio_frame = CHECK_OK(sys::device_frame_create(irq, gpio)).r1;
  CHECK_ERR(sys::memory_map(gpio_frame, 0x9000'0000, abi::kMapRead | abi::kMapWrite), InvalidAddress);
  CHECK_ERR(sys::memory_map(gpio_frame, kGpioMap, abi::kMapRead | abi::kMapExecute), InvalidPermissions);
  CHECK_OK(sys::memory_map(gpio_frame, kGpioMap, abi::kMapRead));
  const std::uint32_t gpfsel1 = *reinterpret_cast<volatile std::uint32_t*>(kGpioMap + 4);
  CHECK_EQ((gpfsel1 >> 12) & 7u, 4u);
  CHECK_EQ((gpfsel1 >> 15) & 7u, 4u);
  CHECK_OK(sys::cap_delete(gpio_frame)); // unmaps it
  CHECK_ERR(sys::memory_unmap(kGpioMap), NotMapped);

  // The interrupt handler, then the UART: from here the kernel console is quiet.
  const Word handler = CHECK_OK(sys::irq_handler_create(irq, uart_line, n)).r1;
  CHECK_ERR(sys::irq_handler_create(irq, uart_line, n), DeviceBusy);
  print("devices: %llu checks so far; taking the UART\n", static_cast<unsigned long long>(check::tally.checks));
  const Word uart_frame = CHECK_OK(sys::device_frame_create(irq, uart)).r1;
  CHECK_OK(sys::memory_map(uart_frame, kUartMap, abi::kMapRead | abi::kMapWrite));
  auto* regs = reinterpret_cast<volatile std::uint32_t*>(kUartMap);
  regs[kImsc] = kRxim | kRtim;
  // Said on the UART itself (the kernel console is quiet now): the harness types only after this,
  // so the bytes arrive with the interrupt enabled and at least one interrupt must be taken.
  uart_write(regs, "devices: the driver is listening\n");

  // A driver's loop: drain what the FIFO holds (bytes may have arrived before the interrupt was
  // enabled, and then no new edge comes), and only then sleep until the next interrupt.
  char line[64] = {};
  unsigned length = 0;
  Word interrupts = 0;
  bool done = false;
  for (bool first = true; !done; first = false) {
    if (!first) {
      const SyscallResult woken = sys::wait(n);
      if (!woken.ok()) break;
      ++interrupts;
    }
    while ((regs[kFr] & kFrRxfe) == 0) {
      const char c = static_cast<char>(regs[kDr] & 0xFF);
      if (c == '\r' || c == '\n') {
        done = length > 0;
        if (done) break;
        continue;
      }
      if (length + 1 < sizeof line) line[length++] = c;
    }
    if (first) continue;
    regs[kIcr] = kRxim | kRtim;      // clear the device's interrupt...
    CHECK_OK(sys::irq_ack(handler)); // ...then let the line fire again
  }
  regs[kImsc] = 0;
  // Bytes that arrived while the driver was still draining (before its first sleep) raised the
  // interrupt too: the handler signalled the notification, which a poll sees.
  const SyscallResult pending = sys::poll(n);
  if (pending.ok() && pending.r1 != 0) ++interrupts;
  uart_write(regs, "devices: the driver received '");
  uart_write(regs, line);
  uart_write(regs, "' through the UART interrupt\n");
  CHECK(interrupts >= 1);
  CHECK(length > 0);
  CHECK_OK(sys::memory_unmap(kUartMap));
  CHECK_OK(sys::cap_delete(uart_frame)); // the kernel console speaks again
  CHECK_OK(sys::cap_delete(handler));
  CHECK_OK(sys::cap_delete(n));
  print("devices: %llu interrupts taken\n", static_cast<unsigned long long>(interrupts));
  return check::summary("devices");
}
