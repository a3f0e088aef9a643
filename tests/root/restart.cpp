// Components that come back (docs/broker.md "Lifecycle"): a stream pair whose consumer (or producer)
// crashes ten times during the stream and is restarted by its policy each time, a component that
// crashes at start-up until its budget is gone, and a self-service producer whose consumer outlives it.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "tests/root/scenarios.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace ch = user::channel;
using ull = unsigned long long;
using namespace broker;

namespace {

constexpr std::uint32_t kCrashes = 10;
std::uint64_t g_messages = 0; // the stream's length, for the fault plan

// Instance r (0 = the first) of the crashing side crashes at message (r + 1) * N / 11: ten crashes
// spread over the stream, the last instance runs to the end.
std::uint64_t crash_point(std::uint32_t instance) {
  return instance < kCrashes ? (instance + 1) * (g_messages / (kCrashes + 1)) : 0;
}
std::uint64_t plan_consumer(std::size_t index, std::uint32_t restarts) {
  return index == kRestartRx ? crash_point(restarts) : 0;
}
std::uint64_t plan_producer(std::size_t index, std::uint32_t restarts) {
  return index == kRestartTx ? crash_point(restarts) : 0;
}

// Self-service, both sides: the consumer crashes at (r + 1) * N / 11 for its first five instances, the
// producer half-way between (its ring taken over through the control names each time).
std::uint64_t plan_both(std::size_t index, std::uint32_t restarts) {
  if (restarts >= kCrashes / 2) return 0;
  const std::uint64_t at = crash_point(restarts * 2);
  return index == kRestartRx ? at : at + g_messages / (2 * (kCrashes + 1));
}

std::size_t count(System& s, AuditEvent e) { return s.broker().audit().count(e); }

// Launches the restart pair with `plan` deciding each instance's crash point, sets their channel up
// (self-service or centralized) and runs it until both ended for good.
bool run_pair(System& s, std::uint64_t messages, System::FaultPlan plan, bool self_service) {
  g_messages = messages;
  s.set_fault_plan(plan);
  bool ok = check(s.launch(kRestartTx, messages, plan(kRestartTx, 0)), "launch restart-tx");
  ok = check(s.launch(kRestartRx, messages, plan(kRestartRx, 0)), "launch restart-rx") && ok;
  ok = check(self_service ? s.self_service(kRestartTx, kRestartRx, components::kElementSpec)
                          : s.centralized(kRestartTx, kRestartRx, components::kElementSpec),
             "the channel") &&
       ok;
  if (!ok) return false;
  s.start_all();
  s.wait_all();
  s.set_fault_plan(nullptr);
  return true;
}

// What every restart stream ends with: both last instances exited with 0, every message sent and
// verified in order, exactly `again` messages delivered a second time (each taken and not released by
// a consumer that crashed), and the channel gone.
bool stream_delivered(System& s, std::uint64_t messages, std::uint64_t again) {
  const Component& p = s.component(kRestartTx);
  const Component& c = s.component(kRestartRx);
  const ch::ChannelReport& pr = p.report->channels[0];
  const ch::ChannelReport& cr = c.report->channels[0];
  bool ok = check(p.state == abi::TaskState::Exited && p.code == 0, "the last producer exited with 0");
  ok = check(c.state == abi::TaskState::Exited && c.code == 0, "the last consumer exited with 0") && ok;
  ok = check(pr.messages == messages && cr.messages == messages, "every message sent and delivered") && ok;
  ok = check(cr.errors == 0 && pr.errors == 0, "every message in order, none damaged") && ok;
  ok = check(cr.received - cr.messages == again, "taken-not-released messages came again, no others") && ok;
  return check(s.broker().active_channels() == 0, "the channel was torn down at the end") && ok;
}

} // namespace

bool run_restart_stream(System& s, std::uint64_t messages, bool consumer_crashes) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  const std::size_t crashing = consumer_crashes ? kRestartRx : kRestartTx;
  user::print("root: restart: %llu messages, %s crashes %u times\n", static_cast<ull>(messages),
              consumer_crashes ? "the consumer" : "the producer", static_cast<unsigned>(kCrashes));
  if (!run_pair(s, messages, consumer_crashes ? plan_consumer : plan_producer, false)) return false;
  bool ok = true;
  const Component& p = s.component(kRestartTx);
  const Component& c = s.component(kRestartRx);
  const ch::ChannelReport& pr = p.report->channels[0];
  const ch::ChannelReport& cr = c.report->channels[0];
  user::print("root: restart: producer sent %llu, consumer verified %llu in order (%llu taken, %llu again after a "
              "crash), %llu errors; %u restarts\n",
              static_cast<ull>(pr.messages), static_cast<ull>(cr.messages), static_cast<ull>(cr.received),
              static_cast<ull>(cr.received - cr.messages), static_cast<ull>(cr.errors + pr.errors),
              static_cast<unsigned>(s.component(crashing).restarts));
  ok = check(s.component(crashing).restarts == kCrashes, "restarted once per crash") && ok;
  ok = check(s.component(crashing == kRestartRx ? kRestartTx : kRestartRx).restarts == 0, "the survivor ran on") && ok;
  // A consumer crash takes one message without releasing it: at least once means that one again.
  ok = stream_delivered(s, messages, consumer_crashes ? kCrashes : 0) && ok;
  ok = check(count(s, AuditEvent::Restarted) == kCrashes && count(s, AuditEvent::SideDown) == kCrashes &&
                 count(s, AuditEvent::Reattached) == kCrashes,
             "the audit trail has each restart") &&
       ok;
  s.print_table();
  return everything_back(s, memory, caps) && ok;
}

bool run_restart_self_service(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  user::print("root: restart: %llu messages through a self-service ring, each side crashes %u times\n",
              static_cast<ull>(messages), static_cast<unsigned>(kCrashes / 2));
  if (!run_pair(s, messages, plan_both, true)) return false;
  bool ok = true;
  const Component& p = s.component(kRestartTx);
  const Component& c = s.component(kRestartRx);
  const ch::ChannelReport& pr = p.report->channels[0];
  const ch::ChannelReport& cr = c.report->channels[0];
  user::print("root: restart: producer sent %llu (%u restarts), consumer verified %llu in order (%llu taken, %u "
              "restarts), %llu errors\n",
              static_cast<ull>(pr.messages), static_cast<unsigned>(p.restarts), static_cast<ull>(cr.messages),
              static_cast<ull>(cr.received), static_cast<unsigned>(c.restarts),
              static_cast<ull>(cr.errors + pr.errors));
  ok = check(p.restarts == kCrashes / 2 && c.restarts == kCrashes / 2, "each side restarted once per crash") && ok;
  ok = stream_delivered(s, messages, kCrashes / 2) && ok;
  s.print_table();
  return everything_back(s, memory, caps) && ok;
}

bool run_crash_loop(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  const Restart& r = s.broker().policy().components()[kCrasher].restart;
  bool ok = check(s.launch(kCrasher, 0), "launch crasher");
  if (!ok) return false;
  s.start_all();
  s.wait_all();
  const Component& c = s.component(kCrasher);
  user::print("root: crash-loop: crasher restarted %u times (budget %u), then %s\n", static_cast<unsigned>(c.restarts),
              static_cast<unsigned>(r.budget), c.gave_up ? "stays down" : "still running");
  ok = check(c.restarts == r.budget && c.gave_up, "the budget was used up and it stays down") && ok;
  ok = check(c.state == abi::TaskState::Faulted, "the last instance faulted too") && ok;
  ok = check(count(s, AuditEvent::Restarted) == r.budget && count(s, AuditEvent::GaveUp) == 1,
             "the audit trail has each restart and the budget used up") &&
       ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

bool run_self_service_kill(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  constexpr std::uint64_t kFaultAfter = 5000;
  bool ok = check(s.launch(kCamera, messages, kFaultAfter), "launch camera");
  ok = check(s.launch(kDisplay, messages), "launch display") && ok;
  ok = check(s.self_service(kCamera, kDisplay, components::kElementSpec), "self-service grant") && ok;
  if (!ok) return false;
  s.start_all();
  s.wait_all();
  const Component& p = s.component(kCamera);
  const Component& c = s.component(kDisplay);
  const ch::ChannelReport& cr = c.report->channels[0];
  user::print("root: self-service-kill: the consumer read %llu messages, then %s\n", static_cast<ull>(cr.messages),
              cr.end_error == 0 ? "nothing" : ipc::error_name(static_cast<ipc::Error>(cr.end_error - 1)));
  ok = check(p.state == abi::TaskState::Faulted, "the producer died") && ok;
  ok = check(c.state == abi::TaskState::Exited && c.code == 3, "the consumer ended with Closed, not a fault") && ok;
  ok = check(cr.messages == kFaultAfter && cr.errors == 0, "everything published before the death was read") && ok;
  ok = check(cr.end_error == 1 + static_cast<std::uint64_t>(ipc::Error::Closed), "then Closed") && ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

} // namespace bramble::root
