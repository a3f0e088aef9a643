// lib/align.hpp: the rounding every layer shares.
#include <doctest/doctest.h>

#include <cstdint>

#include "lib/align.hpp"

using namespace bramble;

TEST_CASE("align_up and align_down stay on a boundary and move only off it") {
  CHECK(align_up(0, 4096) == 0);
  CHECK(align_up(1, 4096) == 4096);
  CHECK(align_up(4096, 4096) == 4096);
  CHECK(align_up(4097, 4096) == 8192);
  CHECK(align_down(4095, 4096) == 0);
  CHECK(align_down(8191, 4096) == 4096);
  CHECK(align_down(8192, 4096) == 8192);
  CHECK(align_up(0x20'0001, 0x20'0000) == 0x40'0000);
}

TEST_CASE("align_up wraps to 0 at the top of the address space, as the expressions it replaced did") {
  CHECK(align_up(~std::uint64_t{0}, 4096) == 0);
  CHECK(align_up(~std::uint64_t{0} - 4095, 4096) == ~std::uint64_t{0} - 4095);
}

TEST_CASE("is_aligned") {
  CHECK(is_aligned(0, 4096));
  CHECK(is_aligned(0x9000'0000, 4096));
  CHECK_FALSE(is_aligned(0x9000'0800, 4096));
  CHECK_FALSE(is_aligned(1, 2));
}

TEST_CASE("div_round_up counts the pieces that cover a size, for any unit, without overflowing") {
  CHECK(div_round_up(0, 4096) == 0);
  CHECK(div_round_up(1, 4096) == 1);
  CHECK(div_round_up(4096, 4096) == 1);
  CHECK(div_round_up(4097, 4096) == 2);
  CHECK(div_round_up(15, 15) == 1);
  CHECK(div_round_up(16, 15) == 2);
  CHECK(div_round_up(~std::uint64_t{0}, 4096) == (~std::uint64_t{0} >> 12) + 1);
}

static_assert(align_up(4097, 4096) == 8192 && div_round_up(30, 15) == 2, "usable in constant expressions");
