// The manifest and a broker over the fake kernel that the broker tests share.
#pragma once

#include <cstdint>

#include "bramble/ipc/spsc_ring.hpp"
#include "broker/channel_broker.hpp"
#include "fake_kernel.hpp"

namespace bramble::broker::test {

struct Sample {
  std::uint64_t seq;
  std::uint64_t value;
};
using Ring = ipc::SpscRing<Sample, 256>;
inline constexpr ipc::RingSpec kSpec = Ring::kSpec;                               // 4 KiB of data: 4 frames of a page
inline constexpr ipc::RingSpec kBigSpec = ipc::SpscRing<Sample, 1u << 16>::kSpec; // 1 MiB of data

inline constexpr ComponentSpec kComponents[] = {
    {"src", "producer", 10, 64},    {"sink", "consumer", 10, 64},    {"other", "consumer", 10, 64},
    {"ss-src", "producer", 10, 64}, {"ss-sink", "consumer", 10, 64},
};
inline constexpr std::size_t kSrc = 0, kSink = 1, kOther = 2, kSsSrc = 3, kSsSink = 4;
inline constexpr ChannelRule kRules[] = {
    {"src", "sink", SetupMode::Centralized, kSpec, 64 * 1024},
    {"src", "other", SetupMode::Centralized, kSpec, 64 * 1024},
    {"ss-src", "ss-sink", SetupMode::SelfService, kSpec, 64 * 1024},
};

// Calls a successful centralized setup makes: 4 allocations, the broker's header mapping, a mint and a
// map for each of the 8 component mappings, 2 notifications, 4 installs.
inline constexpr std::size_t kSetupCalls = 4 + 1 + 16 + 2 + 4;

struct System {
  FakeKernel kernel;
  Policy policy{kComponents, kRules};
  ChannelBroker broker{kernel, policy, FakeKernel::kRegistry};
  Slot task[5] = {};
  System() {
    for (std::size_t i = 0; i < 5; ++i) {
      task[i] = kernel.add_task();
      REQUIRE(broker.add_component(i, task[i]).ok());
    }
    kernel.calls.clear();
  }
  std::uint64_t tid(std::size_t component) const { return kernel.task_id(task[component]); }
};

} // namespace bramble::broker::test
