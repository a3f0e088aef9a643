// The root task: the kernel starts it with x0 = the BootInfo page. It runs the ChannelBroker over
// system calls and one scenario ("scenario=<name>" on the kernel command line; the system run by
// default; which others exist depends on the image, see run_scenario in root.hpp).
// Under a test (-append "test=user:root ...") it exits with 0 when every check held, and the kernel
// reports that as the verdict; in a normal boot it starts the serial console when the run is done,
// if the description has one, and serves it (console.cpp), or idles.
#include <cstdint>

#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "lib/cmdline.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

using namespace bramble;

namespace {

static_assert(broker::kWindowStride == user::channel::kWindowStride, "one channel-window rule");

broker::Policy g_policy{broker::kSystemComponents, broker::kSystemRules};

} // namespace

// A decimal count from the command line, or `fallback` (lib/cmdline.hpp's rules: digits only).
std::uint64_t root::number(const char* s, std::uint64_t fallback) { return cmdline::decimal(s, 24, fallback); }

int main(const void* startup) {
  if (int code = 0; root::run_role(startup, code)) return code;
  user::task::Root r{};
  if (!user::task::read_root(startup, "root", r)) {
    user::print("root: no BootInfo\n");
    return 1;
  }
  const abi::BootInfo& boot = *r.boot;
  const cmdline::CommandLine command(boot.command_line);
  char scenario[32];
  char test[8];
  char count[24];
  command.value("scenario", scenario);
  command.value("messages", count);
  command.value("test", test);
  if (scenario[0] == '\0') {
    const char* fallback = root::default_scenario();
    std::size_t i = 0;
    for (; fallback[i] != '\0' && i + 1 < sizeof scenario; ++i)
      scenario[i] = fallback[i];
    scenario[i] = '\0';
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
  // A normal boot: the serial console, if the description has one, takes over the UART and the root
  // serves it for ever.
  if (root::console_parts(g_policy).present()) {
    user::print("root: %s done; starting the console (quit QEMU with Ctrl-A then X)\n", scenario);
    (void)root::run_console(system);
    user::print("root: FAIL the console could not start; idle\n");
  } else {
    user::print("root: %s done; the system has no console (no uart_driver and console components); idle\n", scenario);
  }
  const auto idle = user::sys::notification_create(boot.slot_memory);
  for (;;)
    (void)user::sys::wait(idle.ok() ? idle.r1 : system.fault_notification());
}
