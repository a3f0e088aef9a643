// The generated system tables (systems/test.toml through tools/system/bramble_system.py) as the root
// task sees them: names and index constants agree, every described channel passes the Policy, and
// nothing else does.
#include <doctest/doctest.h>

#include "broker/channel_broker.hpp"
#include "broker/policy.hpp"
#include "generated/system_description.hpp"
#include "user/protocol/console.hpp"
#include "user/protocol/message.hpp"
#include "user/protocol/stress.hpp"

using namespace bramble;
using namespace bramble::broker;

namespace {
constexpr Policy kPolicy{kSystemComponents, kSystemRules};
}

TEST_CASE("system: the index constants name the components in description order") {
  CHECK(same_name(kSystemName, "test"));
  const struct {
    std::size_t index;
    const char* name;
    const char* program;
  } expected[] = {
      {kSensor, "sensor", "producer"},
      {kLogger, "logger", "consumer"},
      {kCamera, "camera", "producer"},
      {kDisplay, "display", "consumer"},
      {kIntruder, "intruder", "consumer"},
      {kMalloryTx, "mallory-tx", "hostile_producer"},
      {kMalloryRx, "mallory-rx", "hostile_consumer"},
      {kStressTx, "stress-tx", "stress_producer"},
      {kStressRx, "stress-rx", "stress_consumer"},
      {kHog, "hog", "cpu_hog"},
      {kRestartTx, "restart-tx", "producer"},
      {kRestartRx, "restart-rx", "consumer"},
      {kCrasher, "crasher", "crasher"},
      {kRoot, "root", "root"},
      {kUart, "uart", "uart_driver"},
      {kConsole, "console", "console"},
      {kBenchTx, "bench-tx", "producer"},
      {kBenchRx, "bench-rx", "consumer"},
  };
  REQUIRE(kPolicy.components().size() == std::size(expected));
  for (const auto& e : expected) {
    CAPTURE(e.name);
    CHECK(same_name(kPolicy.components()[e.index].name, e.name));
    CHECK(same_name(kPolicy.components()[e.index].image, e.program));
    CHECK(kPolicy.find_component(e.name) == e.index);
  }
  CHECK(kPolicy.components().size() <= kMaxComponents);
}

TEST_CASE("system: priorities, tables, cores, quotas and devices as described") {
  const ComponentSpec& root = kSystemComponents[kRoot];
  CHECK(root.priority == 31);
  CHECK(root.slots == 256);
  CHECK(root.core == kAnyCore);
  CHECK(root.memory == 1024 * 1024); // the default quota
  CHECK(kSystemComponents[kStressTx].memory == 4 * 1024 * 1024);
  CHECK(kSystemComponents[kHog].slots == 16);
  const ComponentSpec& uart = kSystemComponents[kUart];
  REQUIRE(uart.devices.size() == 1);
  REQUIRE(uart.irqs.size() == 1);
  CHECK(same_name(uart.devices[0], "uart0"));
  CHECK(same_name(uart.irqs[0], "uart0"));
  CHECK(kSystemComponents[kConsole].devices.empty());
  // Restart policies: never unless described; the test pair's and the crasher's as written.
  CHECK(root.restart.policy == RestartPolicy::Never);
  const Restart& rx = kSystemComponents[kRestartRx].restart;
  CHECK(rx.policy == RestartPolicy::OnFailure);
  CHECK(rx.budget == 12);
  CHECK(rx.backoff_ms == 1);
  CHECK(rx.window_ms == 0);
  CHECK(kSystemComponents[kCrasher].restart.budget == 3);
  CHECK(kSystemComponents[kCrasher].restart.backoff_ms == 5);
}

TEST_CASE("system: every described channel passes the Policy, with the shape its programs speak") {
  for (std::size_t i = 0; i < kPolicy.rules().size(); ++i) {
    const ChannelRule& r = kPolicy.rules()[i];
    CAPTURE(i);
    const std::size_t p = kPolicy.find_component(r.producer), c = kPolicy.find_component(r.consumer);
    const auto allowed = kPolicy.check(p, c, r.mode, r.spec);
    REQUIRE(allowed.ok());
    CHECK(same_shape(kPolicy.rules()[*allowed].spec, r.spec));
    CHECK(ipc::check_spec(r.spec).ok());
  }
  CHECK(kPolicy.check(kSensor, kLogger, SetupMode::Centralized, components::kElementSpec).ok());
  CHECK(kPolicy.check(kCamera, kDisplay, SetupMode::SelfService, components::kRecordSpec).ok());
  CHECK(kPolicy.check(kStressTx, kStressRx, SetupMode::Centralized, components::kStressSpec).ok());
  CHECK(kPolicy.check(kConsole, kRoot, SetupMode::Centralized, console::kByteSpec).ok());
}

TEST_CASE("system: what the description does not say is refused") {
  const auto refused = [](std::size_t p, std::size_t c, SetupMode m, const ipc::RingSpec& s) {
    const auto r = kPolicy.check(p, c, m, s);
    return r.ok() ? PolicyError{} : r.error();
  };
  CHECK(refused(kIntruder, kLogger, SetupMode::Centralized, components::kElementSpec) == PolicyError::PairNotAllowed);
  CHECK(refused(kLogger, kSensor, SetupMode::Centralized, components::kElementSpec) == PolicyError::PairNotAllowed);
  CHECK(refused(kSensor, kLogger, SetupMode::SelfService, components::kElementSpec) == PolicyError::WrongMode);
  CHECK(refused(kSensor, kLogger, SetupMode::Centralized, components::kRecordSpec) == PolicyError::ShapeNotAllowed);
  CHECK(refused(kHog, kSensor, SetupMode::Centralized, components::kElementSpec) == PolicyError::PairNotAllowed);
}
