// Build-wide constants of the IPC library: page and cache-line sizes, the channel window, and the index
// type. Everything here is freestanding: it compiles for the host, the AArch64 kernel and a Cortex-M.
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "bramble/ipc/shared_word.hpp"

namespace bramble::ipc {

// The unit of mapping: with the page layout (Granule::Page, layout.hpp) the header, the producer's page
// and the consumer's page each take one, so a broker can give each side write access only where it
// writes (ARM ARM D8.2: 4 KiB translation granule).
inline constexpr std::size_t kPageSize = 4096;

// A fixed cache-line size rather than std::hardware_destructive_interference_size, which is 256 on
// AArch64 GCC/clang and not ABI-stable; the Cortex-A72 and A53 L1 data line is 64 bytes (A72 TRM 6.1).
inline constexpr std::size_t kCacheLine = 64;

// Where a component finds its channel when nobody told it otherwise.
inline constexpr std::uintptr_t kChannelWindowBase = 0x9000'0000;

// Free-running ring indices. 64-bit where a 64-bit atomic is a plain load/store (x86-64, AArch64), so
// the index never wraps in practice; 32-bit where it is not (Cortex-M4 would call __atomic_load_8 and
// would not be lock-free across address spaces; Cortex-M0+ has no atomics at all and uses the
// PlainWord policy of shared_word.hpp). Both are correct across their own wrap because the capacity is
// a power of two and every comparison is a modular difference. A ring shared between a 64-bit core and
// a Cortex-M names std::uint32_t explicitly on both sides (the header records the width).
using DefaultIndex = std::conditional_t<std::atomic<std::uint64_t>::is_always_lock_free, std::uint64_t, std::uint32_t>;

// An index type the ring can share on this target: 32 or 64 bits, with an access policy (an always
// lock-free std::atomic, or plain aligned words with barriers where the core has no atomics).
template <typename I>
concept RingIndex = (std::same_as<I, std::uint64_t> ||
                     std::same_as<I, std::uint32_t>)&&kIndexAccess<I> != IndexAccess::None;

static_assert(RingIndex<DefaultIndex>, "the ring needs an index access policy on this target (shared_word.hpp)");

// Largest capacity an index type supports: the difference tail - head must stay below half the index
// range so that "ran backwards" and "ran ahead" remain distinguishable.
template <typename I> inline constexpr std::uint64_t kMaxCapacity = (std::uint64_t{1} << (sizeof(I) * 8 - 1));

// A spin-wait hint for polling loops (x86 PAUSE; Arm YIELD, ARM ARM C6.2.398 / ARMv7-M A7.7.263).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ volatile("yield" ::: "memory");
#endif
}

// How many times a side re-checks its peer's index before it announces a sleep, for a notifier that
// spins (notifier.hpp, SpinningNotifier) because the peer runs on another core. A bound, not a time:
// each round is a cpu_relax() and an acquire load or two, tens of nanoseconds on a Cortex-A72 or under
// QEMU, so the whole spin stays below the cost of the sleep and wake-up it saves (two system calls, an
// IPI and the woken core leaving its idle loop: several thousand instructions, docs/PERFORMANCE.md).
inline constexpr std::uint32_t kCrossCoreSpin = 1024;

} // namespace bramble::ipc
