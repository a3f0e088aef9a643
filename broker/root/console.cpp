// The serial console, root side (docs/console.md). After the system run the root task starts the UART
// driver and the console component (found by program name, console_parts()), wires them up exactly as
// the description allows (four byte-record channels, two of them with the root itself as a party),
// gives the driver the UART's device frame and interrupt, restarts the description's live components
// with an endless stream for the console to watch (and kill), and then serves the console's requests
// for ever.
//
// The root sleeps on one notification only: its components' fault notification. The requests channel's
// "to consumer" notification is a badged child of it (broker::Wakeup), so a request and a component
// ending both wake the same wait; every wake-up reaps ended components first, then answers requests.
#include "broker/root/console.hpp"

#include <span>

#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
namespace ch = user::channel;
using namespace broker;

namespace {

// The badge a console request carries on the root's notification (task ends use bits 0..31, 56, 57).
constexpr std::uint64_t kRequestBadge = std::uint64_t{1} << 40;
// The live stream runs until someone kills it: "messages" is as good as endless.
constexpr std::uint64_t kLiveMessages = ~std::uint64_t{0};
// Where the driver finds its device capabilities: the top of its table, above what the broker fills.
constexpr std::uint64_t kDriverFrameSlot = 30, kDriverIrqSlot = 31;

// The root's own handles on its two console channels.
struct RootChannels {
  Established requests{};
  Established replies{};
};

// The driver's device capabilities. The root keeps the originals: deleting one takes the driver's copy
// (and the mapping made through it) away, which is how the root would take the UART back.
struct Devices {
  Slot frame = 0;
  Slot wake = 0; // the badged copy of the driver's tx notification the interrupt signals
  Slot handler = 0;
};

bool give_devices(System& s, std::size_t uart_index, std::uint32_t tx_channel, Devices& d) {
  const abi::BootInfo& boot = s.boot();
  // Which device is the driver's, and whose interrupt it gets: the system description says.
  const ComponentSpec& spec = s.broker().policy().components()[uart_index];
  if (spec.devices.size() != 1 || spec.irqs.size() != 1 || !same_name(spec.devices[0], spec.irqs[0])) {
    user::print("root: FAIL the description gives the UART driver not exactly one device and its interrupt\n");
    return false;
  }
  const std::uint64_t uart = user::task::find_device(boot, spec.devices[0]);
  const ChannelRecord* tx = s.broker().channel(tx_channel);
  if (uart == user::task::kNoDevice || boot.devices[uart].irq == ~std::uint64_t{0} || tx == nullptr) {
    user::print("root: FAIL no device '%s' with an interrupt on this board\n", spec.devices[0]);
    return false;
  }
  user::print("root: the UART is the driver's from here on; the console takes over (kernel messages stop)\n");
  const auto frame = sys::device_frame_create(boot.slot_irq_control, uart);
  if (!frame.ok()) return false;
  d.frame = frame.r1;
  d.wake = s.ops().free_slot();
  if (!sys::cap_mint(tx->notify[0], d.wake, abi::kRightSignal, console::kUartInterruptBadge).ok()) return false;
  const auto handler = sys::irq_handler_create(boot.slot_irq_control, boot.devices[uart].irq, d.wake);
  if (!handler.ok()) return false;
  d.handler = handler.r1;
  Component& driver = s.component(uart_index);
  const bool ok =
      sys::cap_insert_into(driver.task, kDriverFrameSlot, d.frame, abi::kRightRead | abi::kRightWrite, abi::kNoBadge)
          .ok() &&
      sys::cap_insert_into(driver.task, kDriverIrqSlot, d.handler, abi::kRightControl, abi::kNoBadge).ok();
  driver.startup->device_frame = kDriverFrameSlot;
  driver.startup->irq_handler = kDriverIrqSlot;
  return ok;
}

bool set_up(System& s, const ConsoleParts& parts, RootChannels& rc, Devices& d) {
  if (parts.root == System::kMax) {
    user::print("root: FAIL the console's requests need the root as a party: add a component with program = "
                "\"root\"\n");
    return false;
  }
  const Policy& policy = s.broker().policy();
  const auto components = policy.components();
  const std::size_t uart = parts.uart, con = parts.console, self = parts.root;
  bool ok = check(s.adopt_root(self), "the root task as a party of the console's channels");
  for (const std::size_t i : {uart, con})
    ok = check(s.launch(i, 0), "launch the console components") && ok;
  bool live[System::kMax] = {};
  for (std::size_t i = 0; i < components.size() && i < System::kMax; ++i) {
    if (!components[i].live || parts.is_part(i)) continue;
    live[i] = true;
    ok = check(s.launch(i, kLiveMessages), "launch the live stream") && ok;
  }
  if (!ok) return false;
  // Grant order matters: protocol.hpp says which grant is which on each startup page.
  ok = check(s.centralized(uart, con, console::kByteSpec), "channel uart -> console") && ok;
  broker::Established tx{};
  ok = check(s.centralized(con, uart, console::kByteSpec, {}, &tx), "channel console -> uart") && ok;
  ok = check(s.centralized(con, self, console::kByteSpec, Wakeup{s.fault_notification(), kRequestBadge}, &rc.requests),
             "channel console -> root") &&
       ok;
  ok = check(s.centralized(self, con, console::kByteSpec, {}, &rc.replies), "channel root -> console") && ok;
  // The live stream: every channel the description starts between two live components.
  for (const ChannelRule& r : policy.rules()) {
    const std::size_t p = policy.find_component(r.producer);
    const std::size_t c = policy.find_component(r.consumer);
    if (!r.start || p >= System::kMax || c >= System::kMax || !live[p] || !live[c]) continue;
    const bool made = r.mode == SetupMode::Centralized ? s.centralized(p, c, r.spec) : s.self_service(p, c, r.spec);
    ok = check(made, "live channel") && ok;
  }
  if (!ok) return false;
  if (!check(give_devices(s, uart, tx.id, d), "the UART's device frame and interrupt for the driver")) return false;
  s.start_all();
  return true;
}

} // namespace

void ReplyOut::put(const char* text, std::size_t length) {
  if (closed_) return;
  std::byte record[console::kMaxRecord];
  record[0] = std::byte{console::kReplyText};
  while (length > 0) {
    const std::size_t n = length < sizeof record - 1 ? length : sizeof record - 1;
    __builtin_memcpy(record + 1, text, n);
    send(std::span<const std::byte>(record, n + 1));
    text += n;
    length -= n;
  }
}

void ReplyOut::end() {
  const std::byte record[1] = {std::byte{console::kReplyEnd}};
  send(record);
}

void ReplyOut::send(std::span<const std::byte> record) {
  if (closed_) return;
  if (!ring_.push(record).ok()) {
    closed_ = true; // the console is gone: nobody to answer
    return;
  }
  ++report_.messages;
  report_.bytes += record.size();
  report_.signals = counters_.signals;
  report_.waits = counters_.waits;
}

bool run_console(System& s) {
  RootChannels rc;
  Devices devices;
  const ConsoleParts parts = console_parts(s.broker().policy());
  if (!parts.present() || !set_up(s, parts, rc, devices)) return false;
  ch::Report& mine = *s.component(parts.root).report;
  ch::NotifierCounters request_counters, reply_counters;
  const ch::KernelNotifier request_notifier{rc.requests.consumer, &request_counters};
  const ch::KernelNotifier reply_notifier{rc.replies.producer, &reply_counters};
  auto requests = ipc::open_record_consumer<console::kRingBytes>(rc.requests.consumer, request_notifier);
  auto replies = ipc::open_record_producer<console::kRingBytes>(rc.replies.producer, reply_notifier);
  if (!requests || !replies) return false;
  ch::ChannelReport& in = mine.channels[s.root_grant(rc.requests.id)];
  ch::ChannelReport& out_report = mine.channels[s.root_grant(rc.replies.id)];
  ReplyOut out{*replies, out_report, reply_counters};
  Commands commands{s, out};
  bool listening = true;
  for (;;) {
    s.reap();
    while (listening) {
      auto next = requests->peek();
      if (!next) {
        listening = next.error() == ipc::Error::Empty; // anything else: the console is gone or hostile
        break;
      }
      char line[console::kMaxLine + 1] = {};
      const std::size_t n = next->size() < console::kMaxLine ? next->size() : console::kMaxLine;
      __builtin_memcpy(line, next->data(), n); // copied once, then checked: the console may rewrite it
      const bool too_long = next->size() > console::kMaxLine;
      if (!requests->release().ok()) listening = false;
      ++in.messages;
      in.bytes += n;
      if (too_long)
        out.line("root: request longer than %u bytes refused", static_cast<unsigned>(console::kMaxLine));
      else
        commands.run(line);
      out.end();
    }
    in.signals = request_counters.signals;
    in.waits = request_counters.waits;
    if (s.restart_due() != 0) {
      // A component waits for its restart: sleep until it is due or a component ends, and look at the
      // requests at least every 50 ms meanwhile (a request signals only a root asleep in the ring).
      s.wait_event(s.boot().timer_frequency / 20);
      continue;
    }
    if (!listening || !requests->wait_for_data().ok()) {
      listening = false;
      (void)sys::wait(s.fault_notification());
    }
  }
}

} // namespace bramble::root
