// The greeter: sends as many numbered greetings as its startup page says (`messages`) through its
// channel 0, then ends.
#include "bramble/ipc/channel.hpp"
#include "greeting.hpp"
#include "lib/format.hpp"
#include "user/channel/establish.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/runtime/print.hpp"

using namespace bramble;
namespace ch = bramble::user::channel;

int main(const void* startup_page) {
  const auto& startup = *static_cast<const ch::Startup*>(startup_page);
  ch::Report& report = ch::report_page(); // counters the root task prints and checks
  const ch::SetupResult setup = ch::channel_config(startup, 0);
  if (!setup.ok) {
    user::print("greeter: no channel: %s\n", ch::setup_error_name(setup.error));
    return 1;
  }
  ch::NotifierCounters counters;
  auto tx = ipc::open_producer<Greeting, kSlots>(setup.config, ch::KernelNotifier{setup.config, &counters});
  if (!tx) return 2;
  for (std::uint64_t n = 1; n <= startup.messages; ++n) {
    Greeting greeting{};
    greeting.number = n;
    (void)format(greeting.text, sizeof greeting.text, "hello %llu", static_cast<unsigned long long>(n));
    if (!tx->push(greeting)) return 3; // waits while the ring is full; fails if the listener is gone
    ++report.channels[0].messages;
    report.channels[0].bytes += sizeof greeting;
  }
  user::print("greeter: sent %llu greetings\n", static_cast<unsigned long long>(startup.messages));
  return 0;
}
