// The test image's root: the demo and every test scenario, chosen by "scenario=<name>", and the
// helper roles the scenarios start this program in.
#include <cstdint>

#include "broker/root/root.hpp"
#include "tests/root/scenarios.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

bool run_scenario(System& s, const char* name, const char* count) {
  using user::task::same_string;
  const std::uint64_t messages = number(count, 1'000'000);
  if (same_string(name, "demo")) return run_system(s, messages); // the test description's boot set: the demo
  if (same_string(name, "layout")) return run_layout(s);
  if (same_string(name, "unauthorized")) return run_unauthorized(s);
  if (same_string(name, "no-registry")) return run_no_registry(s);
  if (same_string(name, "kill")) return run_kill(s, messages);
  if (same_string(name, "oom")) return run_oom(s);
  if (same_string(name, "hostile-producer")) return run_hostile_producer(s);
  if (same_string(name, "hostile-consumer")) return run_hostile_consumer(s);
  if (same_string(name, "hostile-header")) return run_hostile_header(s);
  if (same_string(name, "stress")) return run_stress(s, number(count, 10'000'000));
  if (same_string(name, "restart-consumer")) return run_restart_stream(s, messages, true);
  if (same_string(name, "restart-producer")) return run_restart_stream(s, messages, false);
  if (same_string(name, "restart-self-service")) return run_restart_self_service(s, messages);
  if (same_string(name, "crash-loop")) return run_crash_loop(s);
  if (same_string(name, "self-service-kill")) return run_self_service_kill(s, messages);
  user::print("root: unknown scenario '%s' (demo layout unauthorized no-registry kill oom hostile-producer "
              "hostile-consumer hostile-header stress restart-consumer restart-producer restart-self-service "
              "crash-loop self-service-kill)\n",
              name);
  return false;
}

const char* default_scenario() { return "demo"; }

bool run_role(const void* startup, int& code) {
  if (reinterpret_cast<std::uintptr_t>(startup) != kFillerRole) return false;
  code = run_filler();
  return true;
}

} // namespace bramble::root
