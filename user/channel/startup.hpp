// What a component finds when it starts: x0 = kStartupAddress, a read-only page its creator (the root
// task) mapped there, holding one ChannelGrant per channel, and a writable report page at
// kReportAddress where it leaves its counters for the root task to print.
//
// A grant is either a complete ChannelConfig (the broker set the channel up: centralized) or what the
// component needs to set it up itself (self-service: its registry and memory slots and the channel's
// registry name). channel_config() (establish.hpp) turns either into a ChannelConfig, so component
// code never learns which it was.
#pragma once

#include <cstdint>

#include "bramble/ipc/channel.hpp"

namespace bramble::user::channel {

inline constexpr std::uint64_t kStartupAddress = 0x0030'0000; // 3 MiB: between BootInfo and programs
inline constexpr std::uint64_t kReportAddress = 0x0030'1000;
inline constexpr std::uint64_t kStartupMagic = 0x5055'5452'4154'5342; // "BSTARTUP"
inline constexpr std::uint64_t kReportMagic = 0x5452'4f50'4552'4242;  // "BBREPORT"
inline constexpr unsigned kMaxGrants = 4;
inline constexpr unsigned kComponentNameLength = 24;

// Channel windows: a component's k-th channel starts at kChannelWindowBase + k * kWindowStride. 8 MiB
// holds the largest ring (4 MiB of data, the kernel's allocation limit, plus three pages); the 256 MiB
// window [0x9000_0000, 0xA000_0000) holds 32. broker/channel_broker.hpp uses the same rule.
inline constexpr std::uint64_t kWindowStride = 0x80'0000;
[[nodiscard]] constexpr std::uint64_t window_base(std::uint32_t k) {
  return ipc::kChannelWindowBase + k * kWindowStride;
}

enum class GrantMode : std::uint32_t { Centralized = 1, SelfService = 2 };

struct ChannelGrant {
  GrantMode mode;
  std::uint32_t window;       // k: the channel lives at kChannelWindowBase + k * kWindowStride
  ipc::ChannelConfig config;  // centralized: complete; self-service: role and ring shape only
  std::uint64_t registry;     // self-service: slot of the badged registry capability (0: none given)
  std::uint64_t memory;       // self-service producer: slot of its memory capability
  std::uint64_t name;         // self-service: registry name of part 0 (parts are name + 1..3)
  std::uint64_t control;      // self-service producer: slot of its registry capability for the control
                              // names (broker/manifest.hpp self_service_control_name), 0: none given
  std::uint64_t control_name; // the control names' part 0
};

struct Startup {
  std::uint64_t magic;
  std::uint32_t version;
  std::uint32_t channel_count;
  char name[kComponentNameLength]; // the component's manifest name
  std::uint64_t messages;          // how many messages to send (producer) / expect (consumer)
  std::uint64_t fault_after;       // producer: fault deliberately after this many (0: never)
  std::uint64_t query_timeout;     // self-service consumer: yields to wait for the producer
  ChannelGrant channels[kMaxGrants];
  // Drivers (docs/console.md): slots of device capabilities the root task installed (0: none given).
  std::uint64_t device_frame; // the device's MMIO frame (device_frame_create)
  std::uint64_t irq_handler;  // its interrupt handler (irq_ack)
  // 0 for the first instance; n for the n-th restart (restart policy or console). A restarted
  // component finds its channels where its predecessor left them (docs/broker.md "Lifecycle").
  std::uint64_t restarts;
};
static_assert(sizeof(Startup) <= 4096);

// Written by the component, read by the root task after the component ended.
struct ChannelReport {
  std::uint64_t messages;       // sent / received and verified
  std::uint64_t bytes;          // payload bytes
  std::uint64_t errors;         // messages that failed verification
  std::uint64_t signals;        // signal syscalls made for this channel
  std::uint64_t waits;          // wait syscalls made for this channel
  std::uint64_t setup_syscalls; // syscalls spent building the ChannelConfig (0 when centralized)
  std::uint64_t end_error;      // 0, or 1 + ipc::Error the stream ended with (Closed after a peer died)
  std::uint64_t base;           // where the ring was mapped
  std::uint64_t header[8];      // the first 64 bytes of the ring header as this side saw them
  std::uint64_t received;       // consumer: messages taken, redeliveries after a restart included
};

struct Report {
  std::uint64_t magic;
  std::uint64_t finished;    // 1 once the counters are final
  std::uint64_t setup_error; // 0, or 1 + SetupError
  ChannelReport channels[kMaxGrants];
};
static_assert(sizeof(Report) <= 4096);

// The component's report page, marked as kept (the magic word): the root task then prints its counters
// in the per-channel table and checks them when the component ends (every message the producer
// counted in channels[k].messages, the consumer counted too, and no errors).
[[nodiscard]] inline Report& report_page() {
  auto& r = *reinterpret_cast<Report*>(kReportAddress);
  r.magic = kReportMagic;
  return r;
}

} // namespace bramble::user::channel
