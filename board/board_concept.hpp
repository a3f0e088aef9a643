// What a board must provide: the kernel builds against exactly one board type (board/<name>/board.hpp,
// `board::Board`), and this concept says what that type must have, so a new board learns it from one
// static_assert rather than from the kernel's compile errors. Each board.hpp checks itself with
// `static_assert(board::BoardType<Board>)`.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/gpio.hpp"
#include "drivers/irq_controller.hpp"
#include "drivers/mmio.hpp"

namespace bramble::board {

template <typename B>
concept BoardType = requires(std::uintptr_t mmio_offset) {
  // Names for the boot line and the root task's abi::BootInfo.
  { B::kName } -> std::convertible_to<const char*>;
  { B::kDescription } -> std::convertible_to<const char*>;
  { B::kIrqControllerName } -> std::convertible_to<const char*>;
  // The physical range mapped as Device memory (early tables and the kernel's MMIO mappings).
  { B::kDeviceWindowStart } -> std::convertible_to<std::uint64_t>;
  { B::kDeviceWindowEnd } -> std::convertible_to<std::uint64_t>;
  // RAM assumed when the boot loader passes no DTB.
  { B::kDefaultRamBase } -> std::convertible_to<std::uint64_t>;
  { B::kDefaultRamSize } -> std::convertible_to<std::uint64_t>;
  // The kernel's console (PL011) and the GPIO block that routes it to the pins.
  { B::kUart0Base } -> std::convertible_to<std::uintptr_t>;
  { B::kGpioBase } -> std::convertible_to<std::uintptr_t>;
  { B::kUartClockHz } -> std::convertible_to<std::uint32_t>;
  { B::kConsoleBaud } -> std::convertible_to<std::uint32_t>;
  { B::kGpioPullStyle } -> std::convertible_to<drivers::GpioPullStyle>;
  // The cores the kernel may bring up (numbered 0 to kCpuCount - 1, as the controller numbers them).
  { B::kCpuCount } -> std::convertible_to<std::uint32_t>;
  // Interrupt lines in the board's controller numbering. The timer and the IPI are per-core lines
  // (enable_on/acknowledge_on on each core); the UART is a shared line taken by core 0.
  { B::kTimerIrq } -> std::convertible_to<std::uint32_t>;
  { B::kIpiLine } -> std::convertible_to<std::uint32_t>;
  { B::kUartIrq } -> std::convertible_to<std::uint32_t>;
  // What user-space drivers may have; kConsoleDevice indexes the console UART among them.
  {std::span<const drivers::DeviceRange>(B::kDevices)};
  { B::kConsoleDevice } -> std::convertible_to<std::size_t>;
  // The interrupt controller type (one every core can drive) and how to place it in the kernel's
  // address space.
  requires drivers::SmpIrqController<typename B::IrqController>;
  { B::make_irq_controller(mmio_offset) } -> std::same_as<typename B::IrqController>;
}
&&(B::kDeviceWindowStart < B::kDeviceWindowEnd) && (B::kConsoleDevice < std::size(B::kDevices)) &&
    (B::kCpuCount >= 1) && (B::kCpuCount <= B::IrqController::kMaxCpus) && (B::kIpiLine == B::IrqController::kIpiLine);

} // namespace bramble::board
