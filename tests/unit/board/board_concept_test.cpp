// The Board concept accepts the real boards (one per translation unit: each defines board::Board) and names what a
// board without a member lacks. (The boards also check themselves when the kernel is built: board.hpp static_asserts
// the concept.)
#include <doctest/doctest.h>

#include <string_view>

#include "board/board_concept.hpp"
#include "board/rpi4/board.hpp"

namespace {

using namespace bramble;

// A board that forgot its interrupt controller.
struct NoController {
  static constexpr const char* kName = "x";
  static constexpr const char* kDescription = "x";
  static constexpr const char* kIrqControllerName = "x";
  static constexpr std::uint64_t kDeviceWindowStart = 0x1000;
  static constexpr std::uint64_t kDeviceWindowEnd = 0x2000;
  static constexpr std::uint64_t kDefaultRamBase = 0;
  static constexpr std::uint64_t kDefaultRamSize = 0x1000'0000;
  static constexpr std::uintptr_t kUart0Base = 0x1000;
  static constexpr std::uintptr_t kGpioBase = 0x1000;
  static constexpr std::uint32_t kUartClockHz = 1;
  static constexpr std::uint32_t kConsoleBaud = 1;
  static constexpr drivers::GpioPullStyle kGpioPullStyle = drivers::GpioPullStyle::Bcm2711Direct;
  static constexpr std::uint32_t kTimerIrq = 1;
  static constexpr std::uint32_t kUartIrq = 2;
  static constexpr drivers::DeviceRange kDevices[] = {{"uart0", 0x1000, 0x1000, 2}};
  static constexpr std::size_t kConsoleDevice = 0;
};

// A board whose console device index is past its device list.
struct BadConsole : board::Rpi4 {
  static constexpr std::size_t kConsoleDevice = 5;
};

} // namespace

TEST_CASE("the Pi 4 is a Board, and a board missing a member or with a bad console is not") {
  static_assert(board::BoardType<board::Rpi4>);
  static_assert(!board::BoardType<NoController>);
  static_assert(!board::BoardType<BadConsole>);
  CHECK(std::string_view(board::Rpi4::kName) == "rpi4");
}
