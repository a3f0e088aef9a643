#include "kernel/platform.hpp"

#include "board.hpp"

namespace bramble::platform {

using board::Board;

const char* board_name() { return Board::kName; }
std::span<const drivers::DeviceRange> devices() { return Board::kDevices; }
std::size_t console_device() { return Board::kConsoleDevice; }
PhysicalRange default_ram() { return {Board::kDefaultRamBase, Board::kDefaultRamSize}; }
PhysicalRange device_window() {
  return {Board::kDeviceWindowStart, Board::kDeviceWindowEnd - Board::kDeviceWindowStart};
}

} // namespace bramble::platform
