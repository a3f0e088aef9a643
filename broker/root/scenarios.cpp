// The root task's production scenario, the system run, and the checks every scenario shares (the test
// scenarios are in tests/root/). Each prints what it checks; a check that fails prints
// "root: FAIL ...". Nothing here names a component: the run is whatever the description says.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "lib/format.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
namespace ch = user::channel;
using ull = unsigned long long;
using namespace broker;

bool check(bool ok, const char* what) {
  if (!ok) user::print("root: FAIL %s\n", what);
  return ok;
}

bool everything_back(System& s, std::uint64_t memory_before, std::size_t caps_before) {
  s.cleanup();
  const std::uint64_t memory_after = s.memory_in_use();
  const std::size_t caps_after = s.caps_in_use();
  user::print("root: memory in use %llu bytes before, %llu after; capabilities %llu before, %llu after; "
              "channels open %llu\n",
              static_cast<ull>(memory_before), static_cast<ull>(memory_after), static_cast<ull>(caps_before),
              static_cast<ull>(caps_after), static_cast<ull>(s.broker().active_channels()));
  bool ok = check(memory_after == memory_before, "memory back to its value before the channels existed");
  ok = check(caps_after == caps_before, "no capability left behind") && ok;
  return check(s.broker().active_channels() == 0, "no channel left open") && ok;
}

ConsoleParts console_parts(const Policy& policy) {
  ConsoleParts parts;
  const auto components = policy.components();
  for (std::size_t i = 0; i < components.size() && i < System::kMax; ++i) {
    const char* program = components[i].image;
    if (parts.root == System::kMax && same_name(program, "root")) parts.root = i;
    if (parts.uart == System::kMax && same_name(program, "uart_driver")) parts.uart = i;
    if (parts.console == System::kMax && same_name(program, "console")) parts.console = i;
  }
  return parts;
}

const ChannelRule* first_rule(const Policy& policy, std::size_t producer, std::size_t consumer) {
  const auto components = policy.components();
  if (producer >= components.size() || consumer >= components.size()) return nullptr;
  for (const ChannelRule& r : policy.rules()) {
    if (same_name(r.producer, components[producer].name) && same_name(r.consumer, components[consumer].name)) return &r;
  }
  return nullptr;
}

namespace {

// What the components reported for one channel: every message the producer sent arrived, and none
// failed verification. Only for the sides that keep a report page (the magic word): a component
// that does not report is judged by its exit code alone.
bool channel_delivered(System& s, const ChannelRow& r) {
  const ch::Report* pr = s.component(r.producer).report;
  const ch::Report* cr = s.component(r.consumer).report;
  if (cr == nullptr || cr->magic != ch::kReportMagic) return true;
  const auto& names = s.broker().policy().components();
  const ch::ChannelReport& c = cr->channels[r.grant[1] % ch::kMaxGrants];
  char what[96];
  (void)format(what, sizeof what, "no message failed verification on %s -> %s", names[r.producer].name,
               names[r.consumer].name);
  bool ok = check(c.errors == 0, what);
  if (pr != nullptr && pr->magic == ch::kReportMagic) {
    const ch::ChannelReport& p = pr->channels[r.grant[0] % ch::kMaxGrants];
    (void)format(what, sizeof what, "every message %s sent, %s received", names[r.producer].name,
                 names[r.consumer].name);
    ok = check(p.messages == c.messages, what) && ok;
  }
  return ok;
}

} // namespace

bool run_system(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  const Policy& policy = s.broker().policy();
  const auto components = policy.components();
  const ConsoleParts console = console_parts(policy);
  bool runs[System::kMax] = {};
  std::size_t started = 0;
  bool ok = true;
  char what[96];
  for (std::size_t i = 0; i < components.size() && i < System::kMax; ++i) {
    if (!components[i].start || console.is_part(i) || same_name(components[i].image, "root")) continue;
    runs[i] = true;
    ++started;
    (void)format(what, sizeof what, "launch %s (program '%s')", components[i].name, components[i].image);
    ok = check(s.launch(i, messages), what) && ok;
  }
  // Every channel the description starts, between two components that run, in the order it lists
  // them (a component's k-th channel is grant k on its startup page), each in its own mode.
  for (const ChannelRule& r : policy.rules()) {
    const std::size_t p = policy.find_component(r.producer);
    const std::size_t c = policy.find_component(r.consumer);
    if (!r.start || p >= System::kMax || c >= System::kMax || !runs[p] || !runs[c]) continue;
    if (r.mode == SetupMode::Centralized) {
      (void)format(what, sizeof what, "centralized channel %s -> %s", r.producer, r.consumer);
      ok = check(s.centralized(p, c, r.spec), what) && ok;
    } else {
      (void)format(what, sizeof what, "self-service grant %s -> %s", r.producer, r.consumer);
      ok = check(s.self_service(p, c, r.spec), what) && ok;
    }
  }
  if (!ok) return false;
  if (started == 0) {
    user::print("root: system '%s' starts no component at boot\n", kSystemName);
    return everything_back(s, memory, caps);
  }
  user::print("root: streaming %llu messages through each channel\n", static_cast<ull>(messages));
  s.start_all();
  s.wait_all();
  for (std::size_t i = 0; i < System::kMax; ++i) {
    if (!runs[i]) continue;
    const Component& k = s.component(i);
    (void)format(what, sizeof what, "%s exited with 0", components[i].name);
    ok = check(k.state == abi::TaskState::Exited && k.code == 0, what) && ok;
  }
  for (const ChannelRow& r : s.rows()) {
    if (r.used) ok = channel_delivered(s, r) && ok;
  }
  s.print_table();
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

} // namespace bramble::root
