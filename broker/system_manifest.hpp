// The system manifest, compiled into the root task: the components, their images, priorities and
// table sizes, and the only channels the broker will set up (Policy refuses everything else).
#pragma once

#include "broker/manifest.hpp"
#include "user/protocol/console.hpp"
#include "user/protocol/message.hpp"
#include "user/protocol/stress.hpp"

namespace bramble::broker {

inline constexpr ComponentSpec kSystemComponents[] = {
    {"sensor", "producer", 10, 64},   // 0
    {"logger", "consumer", 10, 64},   // 1
    {"camera", "producer", 10, 64},   // 2
    {"display", "consumer", 10, 64},  // 3
    {"intruder", "consumer", 10, 64}, // 4: in the manifest, but allowed no channel at all
    // Robustness scenarios (broker/root/test/robustness.cpp): hostile peers of the demo components, and a
    // stress pair sharing its priority with a task that never gives the CPU up.
    {"mallory-tx", "hostile_producer", 10, 64}, // 5
    {"mallory-rx", "hostile_consumer", 10, 64}, // 6
    {"stress-tx", "stress_producer", 10, 64},   // 7
    {"stress-rx", "stress_consumer", 10, 64},   // 8
    {"hog", "cpu_hog", 10, 16},                 // 9: no channel
    // The serial console (broker/root/console.cpp): the root task itself as a party of the console's
    // request channels, the UART driver, the console, and the pair `bench` runs (above the live
    // stream's priority, below the console's, so a benchmark does not freeze the prompt).
    {"root", "root", 31, 256},        // 10: never launched: adopt_root()
    {"uart", "uart_driver", 30, 32},  // 11
    {"console", "console", 20, 32},   // 12
    {"bench-tx", "producer", 12, 64}, // 13
    {"bench-rx", "consumer", 12, 64}, // 14
};
inline constexpr std::size_t kSensor = 0, kLogger = 1, kCamera = 2, kDisplay = 3, kIntruder = 4;
inline constexpr std::size_t kHostileProducer = 5, kHostileConsumer = 6, kStressProducer = 7, kStressConsumer = 8,
                             kHog = 9;
inline constexpr std::size_t kRoot = 10, kUart = 11, kConsole = 12, kBenchProducer = 13, kBenchConsumer = 14;

inline constexpr std::uint64_t kMaxDemoRing = 128 * 1024;
inline constexpr std::uint64_t kConsoleRing = ipc::ring_geometry(console::kByteSpec).total_size;
inline constexpr ChannelRule kSystemRules[] = {
    {"sensor", "logger", SetupMode::Centralized, components::kElementSpec, kMaxDemoRing},
    {"camera", "display", SetupMode::SelfService, components::kRecordSpec, kMaxDemoRing},
    // The same shape both ways, for the layout comparison (scenario "layout").
    {"camera", "display", SetupMode::SelfService, components::kElementSpec, kMaxDemoRing},
    // Hostile peers get exactly the honest demo shapes, centralized (the broker keeps page 0 read-only).
    {"mallory-tx", "logger", SetupMode::Centralized, components::kElementSpec, kMaxDemoRing},
    {"mallory-tx", "logger", SetupMode::Centralized, components::kRecordSpec, kMaxDemoRing},
    {"sensor", "mallory-rx", SetupMode::Centralized, components::kElementSpec, kMaxDemoRing},
    {"sensor", "mallory-rx", SetupMode::Centralized, components::kRecordSpec, kMaxDemoRing},
    {"stress-tx", "stress-rx", SetupMode::Centralized, components::kStressSpec,
     ipc::ring_geometry(components::kStressSpec).total_size},
    // The console: bytes typed and bytes to print between the driver and the console, requests and
    // replies between the console and the root task.
    {"uart", "console", SetupMode::Centralized, console::kByteSpec, kConsoleRing},
    {"console", "uart", SetupMode::Centralized, console::kByteSpec, kConsoleRing},
    {"console", "root", SetupMode::Centralized, console::kByteSpec, kConsoleRing},
    {"root", "console", SetupMode::Centralized, console::kByteSpec, kConsoleRing},
    {"bench-tx", "bench-rx", SetupMode::Centralized, components::kElementSpec, kMaxDemoRing},
};

} // namespace bramble::broker
