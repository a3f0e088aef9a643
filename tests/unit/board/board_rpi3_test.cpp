// The Pi 3 against the Board concept (its own translation unit: each board defines board::Board).
#include <doctest/doctest.h>

#include <string_view>

#include "board/board_concept.hpp"
#include "board/rpi3/board.hpp"

TEST_CASE("the Pi 3 is a Board") {
  static_assert(bramble::board::BoardType<bramble::board::Rpi3>);
  CHECK(std::string_view(bramble::board::Rpi3::kName) == "rpi3");
}
