// The root task's production scenario, the demo, and the checks every scenario shares (the test
// scenarios are in tests/root/). Each prints what it checks; a check that fails prints
// "root: FAIL ...".
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "user/channel/establish.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
using ull = unsigned long long;
using namespace broker;

bool launch_all(System& s, std::initializer_list<std::size_t> which, std::uint64_t messages,
                std::uint64_t fault_after) {
  bool ok = true;
  for (std::size_t i : which)
    ok = check(s.launch(i, messages, i == kSensor ? fault_after : 0), "launch") && ok;
  return ok;
}

bool delivered(System& s, std::size_t producer, std::size_t consumer, std::uint64_t messages) {
  const auto& p = s.component(producer);
  const auto& c = s.component(consumer);
  bool ok = check(p.state == abi::TaskState::Exited && p.code == 0, "producer exited with 0");
  ok = check(c.state == abi::TaskState::Exited && c.code == 0, "consumer exited with 0") && ok;
  ok = check(c.report->channels[0].messages == messages, "every message delivered") && ok;
  ok = check(c.report->channels[0].errors == 0, "no message failed verification") && ok;
  return ok;
}

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

bool run_demo(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = launch_all(s, {kSensor, kLogger, kCamera, kDisplay}, messages);
  ok = check(s.centralized(kSensor, kLogger, components::kElementSpec), "centralized channel sensor -> logger") && ok;
  ok = check(s.self_service(kCamera, kDisplay, components::kRecordSpec), "self-service grant camera -> display") && ok;
  if (!ok) return false;
  user::print("root: streaming %llu messages through each channel\n", static_cast<ull>(messages));
  s.start_all();
  s.wait_all();
  ok = delivered(s, kSensor, kLogger, messages) && ok;
  ok = delivered(s, kCamera, kDisplay, messages) && ok;
  s.print_table();
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

} // namespace bramble::root
