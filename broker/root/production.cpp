// The production root's scenarios: the system run and nothing else, so the image that boots a Pi carries
// none of the test scenarios (those are linked into the test image's root, tests/root/). The run is
// called after the system ("scenario=<system name>", the default); "demo" is the same run.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

bool run_scenario(System& s, const char* name, const char* count) {
  if (user::task::same_string(name, broker::kSystemName) || user::task::same_string(name, "demo"))
    return run_system(s, number(count, broker::kSystemMessages));
  user::print("root: unknown scenario '%s' (this root knows %s; the others are in the test image)\n", name,
              broker::kSystemName);
  return false;
}

const char* default_scenario() { return broker::kSystemName; }

bool run_role(const void*, int&) { return false; }

} // namespace bramble::root
