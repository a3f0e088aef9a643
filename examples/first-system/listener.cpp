// The listener: receives the greetings on its channel 0, checks they come in order, prints the first
// three and how many it got.
#include "bramble/ipc/channel.hpp"
#include "greeting.hpp"
#include "user/channel/establish.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/runtime/print.hpp"

using namespace bramble;
namespace ch = bramble::user::channel;

int main(const void* startup_page) {
  const auto& startup = *static_cast<const ch::Startup*>(startup_page);
  ch::Report& report = ch::report_page();
  const ch::SetupResult setup = ch::channel_config(startup, 0);
  if (!setup.ok) {
    user::print("listener: no channel: %s\n", ch::setup_error_name(setup.error));
    return 1;
  }
  ch::NotifierCounters counters;
  auto rx = ipc::open_consumer<Greeting, kSlots>(setup.config, ch::KernelNotifier{setup.config, &counters});
  if (!rx) return 2;
  for (std::uint64_t n = 1; n <= startup.messages; ++n) {
    Greeting greeting{};
    if (!rx->pop(greeting)) { // waits while the ring is empty; fails once the greeter is gone
      user::print("listener: the greeter went away after %llu greetings\n", static_cast<unsigned long long>(n - 1));
      return 3;
    }
    greeting.text[sizeof greeting.text - 1] = '\0'; // the text is the greeter's: end it ourselves
    if (greeting.number != n) {
      ++report.channels[0].errors;
      user::print("listener: expected greeting %llu, got %llu\n", static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(greeting.number));
      return 4;
    }
    ++report.channels[0].messages;
    report.channels[0].bytes += sizeof greeting;
    if (n <= 3) user::print("listener: got '%s'\n", greeting.text);
  }
  user::print("listener: %llu greetings, all in order\n", static_cast<unsigned long long>(startup.messages));
  return 0;
}
