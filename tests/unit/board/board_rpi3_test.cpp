// The Pi 3 against the Board concept (its own translation unit: each board defines board::Board).
#include <doctest/doctest.h>

#include <string_view>

#include "board/board_concept.hpp"
#include "board/rpi3/board.hpp"

TEST_CASE("the Pi 3 is a Board") {
  static_assert(bramble::board::BoardType<bramble::board::Rpi3>);
  CHECK(std::string_view(bramble::board::Rpi3::kName) == "rpi3");
}

TEST_CASE("the Pi 3's per-core lines: mailbox 0 (source bit 4) for the IPI, bit 1 for the timer") {
  using bramble::board::Rpi3;
  static_assert(Rpi3::kIpiLine == 4 && Rpi3::kTimerIrq == 1);
  static_assert(Rpi3::kCpuCount == 4);
  static_assert(Rpi3::kIpiLine != Rpi3::kUartIrq);
  for (const auto& d : Rpi3::kDevices) {
    CHECK(d.irq != Rpi3::kIpiLine);
    CHECK(d.irq != Rpi3::kTimerIrq);
  }
}
