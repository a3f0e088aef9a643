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
  static constexpr std::uint32_t kCpuCount = 1;
  static constexpr std::uint32_t kTimerIrq = 1;
  static constexpr std::uint32_t kIpiLine = 0;
  static constexpr std::uint32_t kUartIrq = 2;
  static constexpr drivers::DeviceRange kDevices[] = {{"uart0", 0x1000, 0x1000, 2}};
  static constexpr std::size_t kConsoleDevice = 0;
};

// A controller with only the core-0 interface: not enough for a board any more.
struct UniprocessorController {
  void init() const {}
  bool enable(std::uint32_t) const { return true; }
  bool disable(std::uint32_t) const { return true; }
  std::uint32_t acknowledge() const { return drivers::kNoInterrupt; }
  void end_of_interrupt(std::uint32_t) const {}
  std::uint32_t line_count() const { return 32; }
};
static_assert(drivers::IrqController<UniprocessorController>);
static_assert(!drivers::SmpIrqController<UniprocessorController>);

struct UniprocessorBoard : board::Rpi4 {
  using IrqController = UniprocessorController;
  static IrqController make_irq_controller(std::uintptr_t) { return {}; }
};

// A board whose IPI line is not the one its controller raises.
struct WrongIpiLine : board::Rpi4 {
  static constexpr std::uint32_t kIpiLine = 1;
};

// A board with more cores than its controller can address (GICv2: 8).
struct TooManyCores : board::Rpi4 {
  static constexpr std::uint32_t kCpuCount = 9;
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
  static_assert(!board::BoardType<UniprocessorBoard>);
  static_assert(!board::BoardType<WrongIpiLine>);
  static_assert(!board::BoardType<TooManyCores>);
  CHECK(std::string_view(board::Rpi4::kName) == "rpi4");
}

TEST_CASE("the Pi 4's per-core lines: SGI 0 for the IPI, PPI 30 for the timer, neither for user space") {
  static_assert(board::Rpi4::kIpiLine == 0 && board::Rpi4::kTimerIrq == 30);
  static_assert(board::Rpi4::kCpuCount == 4);
  for (const auto& d : board::Rpi4::kDevices) {
    CHECK(d.irq != board::Rpi4::kIpiLine);
    CHECK(d.irq != board::Rpi4::kTimerIrq);
  }
}
