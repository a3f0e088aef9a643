// The production root's scenarios: the demo and nothing else, so the image that boots a Pi carries
// none of the test scenarios (those are linked into the test image's root, tests/root/).
#include "broker/root/root.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

bool run_scenario(System& s, const char* name, const char* count) {
  if (user::task::same_string(name, "demo")) return run_demo(s, number(count, 1'000'000));
  user::print("root: unknown scenario '%s' (this root knows demo; the others are in the test image)\n", name);
  return false;
}

bool run_role(const void*, int&) { return false; }

} // namespace bramble::root
