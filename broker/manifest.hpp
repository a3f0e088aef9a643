// The system manifest's types: which components exist (image, priority, table size), which
// producer -> consumer pairs may have a channel, of which ring shape and maximum size, and set up how.
// The manifest itself is data compiled in (broker/system_manifest.hpp for the root task; tests bring
// their own), read by the Policy (policy.hpp).
#pragma once

#include <cstdint>

#include "bramble/ipc/layout.hpp"

namespace bramble::broker {

enum class SetupMode : std::uint8_t {
  Centralized = 1, // the broker allocates, maps and installs everything (establish_channel_centralized)
  SelfService = 2, // the producer allocates and registers, the consumer queries (user/channel/establish.hpp)
};

[[nodiscard]] constexpr const char* mode_name(SetupMode m) {
  return m == SetupMode::Centralized ? "centralized" : "self-service";
}

struct ComponentSpec {
  const char* name;  // unique; what the audit trail prints
  const char* image; // embedded program (BootInfo.images[].name)
  std::uint8_t priority;
  std::uint16_t slots; // capability-table size
};

struct ChannelRule {
  const char* producer; // component names
  const char* consumer;
  SetupMode mode;
  ipc::RingSpec spec;      // the ring both ends are written for
  std::uint64_t max_bytes; // largest ring (ring_geometry(spec).total_size) the pair may get
};

// Registry names for self-service channels: the top 16 bits say "self-service channel", the next 32
// the rule's index, the low 16 bits the part (0 header, 1 producer page, 2 consumer page, 3 data).
// A component's registry capability is badged with the top 48 bits (registry_badge(prefix, 48)), so
// it can use exactly the four names of its own channel.
inline constexpr std::uint64_t kSelfServiceTag = std::uint64_t{0x5353} << 48; // "SS"
inline constexpr std::uint64_t kRegistryPrefixBits = 48;
[[nodiscard]] constexpr std::uint64_t self_service_name(std::uint32_t rule) {
  return kSelfServiceTag | (std::uint64_t{rule} << 16);
}

} // namespace bramble::broker
