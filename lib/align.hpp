// Rounding to a power-of-two boundary (a page, a block, a record slot), written once for every layer:
// the kernel, mm/, the loader and user programs all round sizes to pages, and a hand-written
// `(x + size - 1) & ~(size - 1)` per call site is where an off-by-one or a wrong mask hides.
// Freestanding (only <cstdint>), so any code may include it.
#pragma once

#include <cstdint>

namespace bramble {

// `alignment` must be a power of two (every caller passes a page or block size constant).
[[nodiscard]] constexpr bool is_aligned(std::uint64_t value, std::uint64_t alignment) {
  return (value & (alignment - 1)) == 0;
}
[[nodiscard]] constexpr std::uint64_t align_down(std::uint64_t value, std::uint64_t alignment) {
  return value & ~(alignment - 1);
}
// Wraps to 0 past the top of the address space, like the expressions it replaces: callers that take
// untrusted values check for overflow before rounding.
[[nodiscard]] constexpr std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}
// How many `unit`-sized pieces cover `value` bytes (pages for a size, object pages for records).
// `unit` need not be a power of two.
[[nodiscard]] constexpr std::uint64_t div_round_up(std::uint64_t value, std::uint64_t unit) {
  return value / unit + (value % unit != 0 ? 1 : 0);
}

} // namespace bramble
