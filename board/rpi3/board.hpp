// Raspberry Pi 3 Model B (BCM2837) and QEMU's raspi3b: constants and driver choices.
// Addresses: BCM2835 ARM Peripherals (bus 0x7E.. = ARM 0x3F..), QA7 (BCM2836 local controller) and
// docs/platform.md (measured under QEMU 10).
#pragma once

#include <cstdint>

#include "board/board_concept.hpp"
#include "board_layout.h"

#include "drivers/bcm2836_intc.hpp"
#include "drivers/gpio.hpp"
#include "drivers/pl011.hpp"

namespace bramble::board {

struct Rpi3 {
  static constexpr const char* kName = "rpi3";
  static constexpr const char* kDescription = "Raspberry Pi 3 Model B (BCM2837, Cortex-A53)";

  static constexpr std::uintptr_t kPeripheralBase = 0x3F00'0000;
  // The whole device window (early page tables and the kernel's Device mappings).
  static constexpr std::uint64_t kDeviceWindowStart = BOARD_DEVICE_START;
  static constexpr std::uint64_t kDeviceWindowEnd = BOARD_DEVICE_END;
  static constexpr std::uintptr_t kGpioBase = kPeripheralBase + 0x20'0000;
  static constexpr std::uintptr_t kUart0Base = kPeripheralBase + 0x20'1000;
  static constexpr std::uintptr_t kMailboxBase = kPeripheralBase + 0xB880;
  static constexpr std::uintptr_t kArmctrlBase = kPeripheralBase + 0xB200;
  static constexpr std::uintptr_t kLocalControlBase = 0x4000'0000;

  static constexpr std::uint32_t kUartClockHz = 48'000'000;
  static constexpr std::uint32_t kConsoleBaud = 115'200;
  static constexpr drivers::GpioPullStyle kGpioPullStyle = drivers::GpioPullStyle::Bcm2835Clocked;

  static constexpr std::uint32_t kCpuCount = 4; // four Cortex-A53 (QEMU raspi3b: four too)

  // Interrupt lines in Bcm2836InterruptController's numbering (see drivers/bcm2836_intc.hpp). The
  // timer and the IPI are per-core: bits of core n's own IRQ source register (0x4000_0060 + 4n).
  static constexpr std::uint32_t kTimerIrq = 1;      // source bit 1: nCNTPNSIRQ
  static constexpr std::uint32_t kIpiLine = 4;       // source bit 4: mailbox 0
  static constexpr std::uint32_t kUartIrq = 32 + 57; // armctrl IRQ 57: PL011 UART0, to core 0 only

  // RAM assumed when no DTB is passed: the first 948 MiB (the Pi 3 has 1 GiB, minus the GPU's share).
  static constexpr std::uint64_t kDefaultRamBase = 0;
  static constexpr std::uint64_t kDefaultRamSize = 0x3B40'0000;

  static constexpr const char* kIrqControllerName = "BCM2836 local + armctrl";
  // What user-space drivers may have (device_frame_create, irq_handler_create): only these ranges
  // and lines; never RAM, never the kernel's timer. Device 0 is the console UART.
  static constexpr drivers::DeviceRange kDevices[] = {
      {"uart0", kUart0Base, 0x1000, kUartIrq},
      {"gpio", kGpioBase, 0x1000, drivers::kNoDeviceIrq},
  };
  static constexpr std::size_t kConsoleDevice = 0;

  using IrqController = drivers::Bcm2836InterruptController<drivers::DirectMmio>;
  // mmio_offset: where physical MMIO appears in the kernel's address space (its linear map).
  [[nodiscard]] static IrqController make_irq_controller(std::uintptr_t mmio_offset) {
    return IrqController{kLocalControlBase + mmio_offset, kArmctrlBase + mmio_offset};
  }
};

using Board = Rpi3;
static_assert(BoardType<Board>, "board/board_concept.hpp lists what a board must provide");

} // namespace bramble::board
