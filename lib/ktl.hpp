// The approved subset of the C++ standard library for freestanding code (kernel, mm, user programs),
// in one place (as Zircon's ktl).
//
// Only header-only, freestanding-safe pieces: nothing here allocates, throws or needs RTTI, so the same
// code compiles for the host tests and for the kernel image. Kernel code includes this header rather
// than reaching for <...> headers one by one; adding a header to this list is a review decision.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace ktl {
using std::int32_t;
using std::int64_t;
using std::size_t;
using std::uint16_t;
using std::uint32_t;
using std::uint64_t;
using std::uint8_t;
using std::uintptr_t;
} // namespace ktl
