// The system manifest, compiled into the root task: the components, their images, priorities and
// table sizes, and the only channels the broker will set up (Policy refuses everything else).
#pragma once

#include "broker/manifest.hpp"
#include "user/components/message.hpp"

namespace bramble::broker {

inline constexpr ComponentSpec kSystemComponents[] = {
    {"sensor", "producer", 10, 64},  // 0
    {"logger", "consumer", 10, 64},  // 1
    {"camera", "producer", 10, 64},  // 2
    {"display", "consumer", 10, 64}, // 3
    {"intruder", "consumer", 10, 64}, // 4: in the manifest, but allowed no channel at all
};
inline constexpr std::size_t kSensor = 0, kLogger = 1, kCamera = 2, kDisplay = 3, kIntruder = 4;

inline constexpr std::uint64_t kMaxDemoRing = 128 * 1024;
inline constexpr ChannelRule kSystemRules[] = {
    {"sensor", "logger", SetupMode::Centralized, components::kElementSpec, kMaxDemoRing},
    {"camera", "display", SetupMode::SelfService, components::kRecordSpec, kMaxDemoRing},
    // The same shape both ways, for the layout comparison (scenario "layout").
    {"camera", "display", SetupMode::SelfService, components::kElementSpec, kMaxDemoRing},
};

} // namespace bramble::broker
