// The demo's messages and the two ring shapes the components speak. Each message carries a sequence
// number and a checksum over everything else, and its payload length varies with the sequence number,
// so the consumer can verify every one (order, length and content).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/spsc_ring.hpp"

namespace bramble::components {

// Fixed-size slots: 64 bytes, of which 0..48 payload bytes are used.
struct Message {
  std::uint64_t seq;
  std::uint32_t length;
  std::uint32_t checksum;
  std::uint8_t payload[48];
};
static_assert(sizeof(Message) == 64);

inline constexpr std::size_t kElementSlots = 1024;     // 64 KiB of data
inline constexpr std::size_t kRecordBytes = 64 * 1024; // 64 KiB of records
using ElementRing = ipc::SpscRing<Message, kElementSlots>;
using RecordRing = ipc::RecordRing<kRecordBytes>;
inline constexpr ipc::RingSpec kElementSpec = ElementRing::kSpec;
inline constexpr ipc::RingSpec kRecordSpec = RecordRing::kSpec;

// Record payloads: seq (8 bytes), checksum (4), then 4..116 pattern bytes: 16..128 bytes in all.
inline constexpr std::size_t kRecordHeaderBytes = 12;
inline constexpr std::size_t kMaxRecordPayload = 128;

[[nodiscard]] constexpr std::uint8_t pattern(std::uint64_t seq, std::size_t i) {
  return static_cast<std::uint8_t>((seq * 131u + i * 7u) & 0xffu);
}
[[nodiscard]] constexpr std::uint32_t element_length(std::uint64_t seq) {
  return static_cast<std::uint32_t>(seq % 49u);
}
[[nodiscard]] constexpr std::size_t record_length(std::uint64_t seq) {
  return 16u + static_cast<std::size_t>((seq * 13u) % 113u);
}

// FNV-1a over the sequence number and the bytes.
[[nodiscard]] constexpr std::uint32_t checksum(std::uint64_t seq, const std::uint8_t* bytes, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (int i = 0; i < 8; ++i)
    h = (h ^ static_cast<std::uint8_t>(seq >> (8 * i))) * 16777619u;
  for (std::size_t i = 0; i < n; ++i)
    h = (h ^ bytes[i]) * 16777619u;
  return h;
}

inline void fill_element(Message& m, std::uint64_t seq) {
  m.seq = seq;
  m.length = element_length(seq);
  for (std::uint32_t i = 0; i < m.length; ++i)
    m.payload[i] = pattern(seq, i);
  m.checksum = checksum(seq, m.payload, m.length);
}

[[nodiscard]] inline bool element_ok(const Message& m, std::uint64_t expected) {
  if (m.seq != expected || m.length != element_length(expected) || m.length > sizeof m.payload) return false;
  if (m.checksum != checksum(m.seq, m.payload, m.length)) return false;
  for (std::uint32_t i = 0; i < m.length; ++i) {
    if (m.payload[i] != pattern(expected, i)) return false;
  }
  return true;
}

inline std::size_t fill_record(std::uint8_t* out, std::uint64_t seq) {
  const std::size_t n = record_length(seq);
  __builtin_memcpy(out, &seq, 8);
  for (std::size_t i = kRecordHeaderBytes; i < n; ++i)
    out[i] = pattern(seq, i);
  const std::uint32_t sum = checksum(seq, out + kRecordHeaderBytes, n - kRecordHeaderBytes);
  __builtin_memcpy(out + 8, &sum, 4);
  return n;
}

[[nodiscard]] inline bool record_ok(const std::uint8_t* in, std::size_t n, std::uint64_t expected) {
  if (n != record_length(expected)) return false;
  std::uint64_t seq = 0;
  std::uint32_t sum = 0;
  __builtin_memcpy(&seq, in, 8);
  __builtin_memcpy(&sum, in + 8, 4);
  if (seq != expected || sum != checksum(seq, in + kRecordHeaderBytes, n - kRecordHeaderBytes)) return false;
  for (std::size_t i = kRecordHeaderBytes; i < n; ++i) {
    if (in[i] != pattern(expected, i)) return false;
  }
  return true;
}

} // namespace bramble::components
