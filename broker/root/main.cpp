// The root task: the kernel starts it with x0 = the BootInfo page. It runs the ChannelBroker over
// system calls and one scenario ("scenario=<name>" on the kernel command line; the demo by default;
// which others exist depends on the image, see run_scenario in root.hpp).
// Under a test (-append "test=user:root ...") it exits with 0 when every check held, and the kernel
// reports that as the verdict; in a normal boot it starts the serial console when the demo is done
// and serves it (console.cpp).
#include <cstdint>

#include "broker/root/root.hpp"
#include "broker/system_manifest.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

using namespace bramble;

namespace {

static_assert(broker::kWindowStride == user::channel::kWindowStride, "one channel-window rule");

// The value of `key=` in the command line ("" when absent), copied into out.
void option(const char* line, const char* key, char* out, std::size_t size) {
  out[0] = '\0';
  for (const char* p = line; *p != '\0'; ++p) {
    if (p != line && p[-1] != ' ') continue;
    std::size_t k = 0;
    while (key[k] != '\0' && p[k] == key[k]) ++k;
    if (key[k] != '\0' || p[k] != '=') continue;
    const char* v = p + k + 1;
    std::size_t i = 0;
    for (; v[i] != '\0' && v[i] != ' ' && i + 1 < size; ++i) out[i] = v[i];
    out[i] = '\0';
    return;
  }
}

broker::Policy g_policy{broker::kSystemComponents, broker::kSystemRules};

} // namespace

std::uint64_t root::number(const char* s, std::uint64_t fallback) {
  if (*s == '\0') return fallback;
  std::uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + static_cast<std::uint64_t>(*s - '0');
  return v;
}

int main(const void* startup) {
  if (int code = 0; root::run_role(startup, code)) return code;
  user::task::Root r{};
  if (!user::task::read_root(startup, "root", r)) {
    user::print("root: no BootInfo\n");
    return 1;
  }
  const abi::BootInfo& boot = *r.boot;
  char command[sizeof boot.command_line + 1] = {};
  for (std::size_t i = 0; i < sizeof boot.command_line; ++i) command[i] = boot.command_line[i];
  char scenario[32];
  char count[24];
  char test[8];
  option(command, "scenario", scenario, sizeof scenario);
  option(command, "messages", count, sizeof count);
  option(command, "test", test, sizeof test);
  if (scenario[0] == '\0') {
    scenario[0] = 'd', scenario[1] = 'e', scenario[2] = 'm', scenario[3] = 'o', scenario[4] = '\0';
  }

  broker::SyscallOps ops{boot.slot_memory};
  broker::ChannelBroker broker{ops, g_policy, boot.slot_registry};
  root::System system{boot, ops, broker};
  user::print("root: ChannelBroker up on %s, scenario '%s', manifest: %llu components, %llu channel rules\n",
              boot.board, scenario, static_cast<unsigned long long>(g_policy.components().size()),
              static_cast<unsigned long long>(g_policy.rules().size()));

  const bool ok = root::run_scenario(system, scenario, count);
  user::print("root: scenario '%s' %s\n", scenario, ok ? "passed" : "FAILED");

  if (test[0] != '\0') {
    (void)user::sys::cap_delete(system.fault_notification());
    return ok ? 0 : 1;
  }
  // A normal boot: the serial console takes over the UART and the root serves it for ever.
  user::print("root: demo done; starting the console (quit QEMU with Ctrl-A then X)\n");
  (void)root::run_console(system);
  user::print("root: FAIL the console could not start; idle\n");
  const auto idle = user::sys::notification_create(boot.slot_memory);
  for (;;) (void)user::sys::wait(idle.ok() ? idle.r1 : system.fault_notification());
}
