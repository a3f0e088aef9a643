// The system manifest's types: which components exist (image, priority, table size, core, quota,
// devices), which producer -> consumer pairs may have a channel, of which ring shape and maximum size,
// and set up how. The manifest itself is data compiled in: for the root task, the header
// tools/system/bramble_system.py generates from a system description (systems/*.toml,
// docs/system-description.md); tests bring their own. The Policy (policy.hpp) reads it.
#pragma once

#include <cstdint>
#include <span>

#include "bramble/ipc/layout.hpp"

namespace bramble::broker {

enum class SetupMode : std::uint8_t {
  Centralized = 1, // the broker allocates, maps and installs everything (establish_channel_centralized)
  SelfService = 2, // the producer allocates and registers, the consumer queries (user/channel/establish.hpp)
};

[[nodiscard]] constexpr const char* mode_name(SetupMode m) {
  return m == SetupMode::Centralized ? "centralized" : "self-service";
}

inline constexpr std::uint8_t kAnyCore = 0xff;

// What the root task does when a component ends (docs/broker.md, "Lifecycle"). A failure is a fault, a
// kill, or an exit with a code other than 0.
enum class RestartPolicy : std::uint8_t {
  Never = 0,     // it stays down; its channels close for the survivors
  OnFailure = 1, // started again after a failure; an exit with 0 ends it for good
  Always = 2,    // started again however it ended
};
[[nodiscard]] constexpr const char* restart_policy_name(RestartPolicy p) {
  return p == RestartPolicy::Never ? "never" : p == RestartPolicy::OnFailure ? "on-failure" : "always";
}

struct Restart {
  RestartPolicy policy = RestartPolicy::Never;
  std::uint16_t budget = 0;     // restarts allowed (within window_ms, or ever when window_ms is 0)
  std::uint32_t backoff_ms = 0; // the wait before a restart, doubled for each one the budget counted
  std::uint32_t window_ms = 0;  // the budget refills this long after the first restart it counted
};
// The most a doubled back-off grows to.
inline constexpr std::uint32_t kMaxBackoffMs = 60'000;

struct ComponentSpec {
  const char* name;  // unique; what the audit trail prints
  const char* image; // embedded program (BootInfo.images[].name)
  std::uint8_t priority;
  std::uint16_t slots;                    // capability-table size
  std::uint8_t core = kAnyCore;           // the core it runs on (kAnyCore: any)
  std::uint64_t memory = 0;               // its memory quota in bytes (0: none given)
  std::span<const char* const> devices{}; // board devices (BootInfo.devices[].name) whose frames it gets
  std::span<const char* const> irqs{};    // board devices whose interrupt line it gets
  bool start = true; // the root starts it when it boots (false: only allowed, e.g. the console's bench pair)
  bool live = false; // restarted with an endless stream when the serial console takes over
  Restart restart{};
};

struct ChannelRule {
  const char* producer; // component names
  const char* consumer;
  SetupMode mode;
  ipc::RingSpec spec;      // the ring both ends are written for
  std::uint64_t max_bytes; // largest ring (ring_geometry(spec).total_size) the pair may get
  bool start = true;       // set up at boot when both ends start (false: only allowed, on request)
};

// A ring as a system description states it: the index type every Bramble ring uses, page granule.
[[nodiscard]] constexpr ipc::RingSpec described_ring(ipc::RingKind kind, std::uint32_t element_size,
                                                     std::uint64_t capacity) {
  return ipc::RingSpec{kind, element_size, capacity, static_cast<std::uint8_t>(sizeof(ipc::DefaultIndex))};
}
[[nodiscard]] constexpr bool same_shape(const ipc::RingSpec& a, const ipc::RingSpec& b) {
  return a.kind == b.kind && a.element_size == b.element_size && a.capacity == b.capacity &&
         a.index_width == b.index_width && a.granule == b.granule;
}

// Registry names for self-service channels: the top 16 bits say "self-service channel", the next 32
// the rule's index, the low 16 bits the part (0 header, 1 producer page, 2 consumer page, 3 data).
// A component's registry capability is badged with the top 48 bits (registry_badge(prefix, 48)), so
// it can use exactly the four names of its own channel.
inline constexpr std::uint64_t kSelfServiceTag = std::uint64_t{0x5353} << 48; // "SS"
inline constexpr std::uint64_t kRegistryPrefixBits = 48;
[[nodiscard]] constexpr std::uint64_t self_service_name(std::uint32_t rule) {
  return kSelfServiceTag | (std::uint64_t{rule} << 16);
}
// The producer also registers its writable parts under a second block of names that only it and the
// broker can use ("SC", the consumer's registry capability does not cover them): part 0 the header
// with "to consumer", part 1 its own page with "to producer", part 2 the consumer's page, part 3 the
// data. The broker looks parts 0 and 1 up to close the channel for a survivor (it writes the
// channel-state word and signals both directions); a restarted producer looks all four up to take its
// ring over instead of making a new one.
inline constexpr std::uint64_t kSelfServiceControlTag = std::uint64_t{0x5343} << 48; // "SC"
[[nodiscard]] constexpr std::uint64_t self_service_control_name(std::uint32_t rule) {
  return kSelfServiceControlTag | (std::uint64_t{rule} << 16);
}

} // namespace bramble::broker
