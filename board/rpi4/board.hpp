// Raspberry Pi 4 Model B (BCM2711) and QEMU's raspi4b: constants and driver choices.
// Addresses: BCM2711 ARM Peripherals (low-peripheral mode, the Pi 4 firmware's default) and
// docs/platform.md (measured under QEMU 10).
#pragma once

#include <cstdint>

#include "board/board_concept.hpp"
#include "board_layout.h"

#include "drivers/gic400.hpp"
#include "drivers/gpio.hpp"
#include "drivers/pl011.hpp"

namespace bramble::board {

struct Rpi4 {
  static constexpr const char* kName = "rpi4";
  static constexpr const char* kDescription = "Raspberry Pi 4 Model B (BCM2711, Cortex-A72)";

  static constexpr std::uintptr_t kPeripheralBase = 0xFE00'0000;
  // The whole device window (early page tables and the kernel's Device mappings).
  static constexpr std::uint64_t kDeviceWindowStart = BOARD_DEVICE_START;
  static constexpr std::uint64_t kDeviceWindowEnd = BOARD_DEVICE_END;
  static constexpr std::uintptr_t kGpioBase = kPeripheralBase + 0x20'0000;
  static constexpr std::uintptr_t kUart0Base = kPeripheralBase + 0x20'1000;
  static constexpr std::uintptr_t kMailboxBase = kPeripheralBase + 0xB880;
  static constexpr std::uintptr_t kGicDistributorBase = 0xFF84'1000;
  static constexpr std::uintptr_t kGicCpuInterfaceBase = 0xFF84'2000;

  // The firmware sets the PL011 reference clock to 48 MHz (init_uart_clock default).
  static constexpr std::uint32_t kUartClockHz = 48'000'000;
  static constexpr std::uint32_t kConsoleBaud = 115'200;
  static constexpr drivers::GpioPullStyle kGpioPullStyle = drivers::GpioPullStyle::Bcm2711Direct;

  static constexpr std::uint32_t kCpuCount = 4; // four Cortex-A72 (QEMU raspi4b: four too)

  // Interrupt lines in the controller's numbering (GIC INTIDs). The timer PPI and the IPI SGI are
  // banked: each core enables and acknowledges its own on its own CPU interface.
  static constexpr std::uint32_t kTimerIrq = 30; // PPI 14: EL1 physical timer (non-secure)
  static constexpr std::uint32_t kIpiLine = 0;   // SGI 0, sent through GICD_SGIR
  static constexpr std::uint32_t kUartIrq = 153; // SPI 121: PL011 UART0, routed to core 0

  // RAM assumed when no DTB is passed: the first 948 MiB below the VideoCore carve-out, which every
  // Pi 4 variant and QEMU's raspi4b (2 GiB) have.
  static constexpr std::uint64_t kDefaultRamBase = 0;
  static constexpr std::uint64_t kDefaultRamSize = 0x3B40'0000;

  static constexpr const char* kIrqControllerName = "GIC-400";
  // What user-space drivers may have (device_frame_create, irq_handler_create): only these ranges
  // and lines; never RAM, never the kernel's timer. Device 0 is the console UART.
  static constexpr drivers::DeviceRange kDevices[] = {
      {"uart0", kUart0Base, 0x1000, kUartIrq},
      {"gpio", kGpioBase, 0x1000, drivers::kNoDeviceIrq},
  };
  static constexpr std::size_t kConsoleDevice = 0;

  using IrqController = drivers::Gic400<drivers::DirectMmio>;
  // mmio_offset: where physical MMIO appears in the kernel's address space (its linear map).
  [[nodiscard]] static IrqController make_irq_controller(std::uintptr_t mmio_offset) {
    return IrqController{kGicDistributorBase + mmio_offset, kGicCpuInterfaceBase + mmio_offset};
  }
};

using Board = Rpi4;
static_assert(BoardType<Board>, "board/board_concept.hpp lists what a board must provide");

} // namespace bramble::board
