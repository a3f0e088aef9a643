// What the generic kernel needs to know about the board, as data: its name, the devices user-space
// drivers may have, the RAM to assume without a DTB and the device window. Only kernel/platform.cpp
// (and the driver glue: console, interrupts, timer) includes board.hpp; kernel objects ask here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/mmio.hpp"

namespace bramble::platform {

struct PhysicalRange {
  std::uint64_t base;
  std::uint64_t size;
};

[[nodiscard]] const char* board_name();
// The board's devices for user-space drivers (device_frame_create, irq_handler_create).
[[nodiscard]] std::span<const drivers::DeviceRange> devices();
// The index of the console UART among devices(): its frame silences the kernel's console.
[[nodiscard]] std::size_t console_device();
[[nodiscard]] PhysicalRange default_ram();
[[nodiscard]] PhysicalRange device_window();

} // namespace bramble::platform
