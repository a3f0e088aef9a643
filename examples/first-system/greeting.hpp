// What the greeter sends the listener: numbered greetings, one per slot of an element ring.
#pragma once

#include <cstddef>
#include <cstdint>

struct Greeting {
  std::uint64_t number; // 1, 2, 3, ...
  char text[24];        // "hello 1", "hello 2", ...
};
static_assert(sizeof(Greeting) == 32);

// The ring: 64 slots of one Greeting each. first.toml describes the same channel (element_size = 32,
// capacity = 64); the ring checks the two agree when a component opens its end.
inline constexpr std::size_t kSlots = 64;
