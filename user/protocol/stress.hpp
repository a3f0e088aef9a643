// The stress channel (scenario "stress"): one centralized element ring of small, checksummed,
// sequence-numbered messages, large enough that a producer and a consumer sharing the CPU with a
// busy task (cpu_hog) rarely find it full or empty within one time slice. What the consumer counts
// is left in the upper half of its report page (StressCounts), for the root task to check.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/spsc_ring.hpp"
#include "user/channel/startup.hpp"
#include "user/protocol/message.hpp"

namespace bramble::components {

struct StressMessage {
  std::uint64_t seq;
  std::uint32_t value;    // stress_value(seq)
  std::uint32_t checksum; // FNV-1a over seq and value (message.hpp)
};
static_assert(sizeof(StressMessage) == 16);

// 2^16 slots of 16 bytes: 1 MiB of data, about a time slice of production under QEMU.
inline constexpr std::size_t kStressSlots = std::size_t{1} << 16;
inline constexpr std::size_t kStressBatch = 256; // slots reserved / peeked at a time
using StressRing = ipc::SpscRing<StressMessage, kStressSlots>;
inline constexpr ipc::RingSpec kStressSpec = StressRing::kSpec;

[[nodiscard]] constexpr std::uint32_t stress_value(std::uint64_t seq) {
  return static_cast<std::uint32_t>((seq * 0x9E37'79B9'7F4A'7C15ull) >> 32);
}
[[nodiscard]] inline std::uint32_t stress_checksum(std::uint64_t seq, std::uint32_t value) {
  std::uint8_t bytes[4];
  __builtin_memcpy(bytes, &value, sizeof bytes);
  return checksum(seq, bytes, sizeof bytes);
}
inline void fill_stress(StressMessage& m, std::uint64_t seq) {
  m.seq = seq;
  m.value = stress_value(seq);
  m.checksum = stress_checksum(seq, m.value);
}

// The consumer's counts, at kStressCountsOffset in its report page.
inline constexpr std::uint64_t kStressCountsMagic = 0x5354'5245'5353'4242; // "BBSSERTS"
inline constexpr std::size_t kStressCountsOffset = 2048;
struct StressCounts {
  std::uint64_t magic;
  std::uint64_t received;    // messages read from the ring
  std::uint64_t in_order;    // with the expected sequence number and a good checksum
  std::uint64_t lost;        // sequence numbers skipped
  std::uint64_t duplicated;  // sequence numbers seen again (or going backwards)
  std::uint64_t corrupt;     // bad checksum or value
  std::uint64_t seq_sum;     // sum of the good sequence numbers: n(n-1)/2 when nothing went wrong
  std::uint64_t empty_waits; // times the consumer found the ring empty and slept
};
static_assert(sizeof(user::channel::Report) <= kStressCountsOffset &&
              kStressCountsOffset + sizeof(StressCounts) <= 4096);

[[nodiscard]] inline StressCounts* stress_counts(void* report_page) {
  // kStressCountsOffset is a multiple of 8 in a page-aligned page: void* says so to -Wcast-align.
  return static_cast<StressCounts*>(static_cast<void*>(static_cast<unsigned char*>(report_page) + kStressCountsOffset));
}

} // namespace bramble::components
