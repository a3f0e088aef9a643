// The root task: starts the components of the system description, has the ChannelBroker set up their
// channels, follows them until they end, and prints the per-channel results and the audit trail.
// One program runs several scenarios, chosen by "scenario=<name>" on the kernel command line (the
// production build knows the system run alone, see run_scenario). Nothing here names a component: what
// runs is the description's (generated/system_description.hpp, read through the Policy), so any
// description builds into a working root task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "broker/channel_broker.hpp"
#include "broker/syscall_ops.hpp"
#include "kernel/abi/boot_info.hpp"
#include "user/channel/startup.hpp"

namespace bramble::root {

using broker::Slot;

[[nodiscard]] inline const char* kernel_error_name(std::uint64_t e) {
  const char* n = abi::error_name(e);
  return n != nullptr ? n : "?";
}

struct Component {
  bool launched = false;
  bool started = false;
  bool ended = false;
  std::size_t index = 0;
  Slot task = 0;
  Slot fault = 0; // the badged fault notification given to task_create
  Slot startup_frame = 0, report_frame = 0;
  Slot startup_copy = 0, report_copy = 0;    // the component's read-only / writable mappings
  user::channel::Startup* startup = nullptr; // the root's own mappings of the two pages
  user::channel::Report* report = nullptr;
  abi::TaskState state = abi::TaskState::Created;
  std::uint64_t code = 0;
  std::uint8_t core = 0; // the core it ran on last (task_core), kept when it ends
  // Its restart policy at work (the description's Restart; docs/broker.md "Lifecycle").
  std::uint64_t messages = 0;     // what launch() put on its startup page, again for each restart
  std::uint64_t fault_after = 0;  // likewise
  std::uint32_t restarts = 0;     // times the root started it again (policy or console)
  std::uint32_t budget_used = 0;  // restarts counted in the current budget window
  std::uint64_t window_start = 0; // counter value of the first restart the window counted
  bool restart_pending = false;   // ended; starts again at restart_at
  std::uint64_t restart_at = 0;   // generic-timer count
  bool gave_up = false;           // its budget ran out (or a restart failed): it stays down
};

struct ChannelRow {
  bool used = false;
  std::uint32_t id = 0;
  std::size_t producer = 0, consumer = 0;
  std::uint32_t grant[2] = {}; // the channel's index on each side's startup page (and report page)
  broker::SetupMode mode = broker::SetupMode::Centralized;
  ipc::RingKind kind = ipc::RingKind::Element;
};

// Where text goes: the kernel console (PrintOut, each line prefixed "root: ") or the serial console's
// reply channel (broker/root/console.cpp). line() formats one line of at most kLine bytes.
class Out {
public:
  static constexpr std::size_t kLine = 200;
  virtual void put(const char* text, std::size_t length) = 0;
  void line(const char* format, ...) __attribute__((format(printf, 2, 3)));

protected:
  Out() = default;
  ~Out() = default;
  Out(const Out&) = default;
  Out& operator=(const Out&) = default;
};

class PrintOut final : public Out {
public:
  void put(const char* text, std::size_t length) override;
};

class System {
public:
  static constexpr std::size_t kMax = broker::kMaxComponents; // indexed by manifest index

  System(const abi::BootInfo& boot, broker::SyscallOps& ops, broker::ChannelBroker& broker);

  [[nodiscard]] bool launch(std::size_t index, std::uint64_t messages, std::uint64_t fault_after = 0);
  // Sets up a centralized channel and writes each side's grant on its startup page. A party without
  // one (the root task itself, adopt()ed) gets its config through `out` instead.
  [[nodiscard]] bool centralized(std::size_t producer, std::size_t consumer, const ipc::RingSpec& spec,
                                 broker::Wakeup to_consumer = {}, broker::Established* out = nullptr);
  // Makes the root task a party the broker can set channels up with, as manifest component `index`:
  // its own Task capability, the top kRootBrokerSlots slots of its table for what the broker installs,
  // and window 0 kept for the broker's header pages. Its counters live in the root's memory.
  [[nodiscard]] bool adopt_root(std::size_t index);
  static constexpr std::uint64_t kRootBrokerSlots = 32;
  [[nodiscard]] bool self_service(std::size_t producer, std::size_t consumer, const ipc::RingSpec& spec);
  void start_all();
  // Until every launched component ended (except `skip`, a task that never ends by itself); tells the
  // broker about each. `on_exit`, if given, runs for each component that exited normally, before the
  // broker hears of it (e.g. to close a channel the component reported corrupted).
  void wait_all(std::size_t skip = kMax, void (*on_exit)(System&, std::size_t) = nullptr);
  // One pass of wait_all that never blocks: notes every component that ended since. Returns how many
  // started components are still running.
  std::size_t reap(std::size_t skip = kMax, void (*on_exit)(System&, std::size_t) = nullptr);
  // Starts every component whose restart is due. Returns how many restarts are still pending.
  std::size_t restart_due();
  // Sleeps until a component ends, a request arrives on a channel woken through the fault
  // notification, or the next pending restart is due (at most `most_ticks` when that is not 0).
  void wait_event(std::uint64_t most_ticks = 0);
  // Ends component `index` if it runs (or takes one waiting for its restart) and starts it again now,
  // outside its policy and budget (the console's restart). False if it cannot run again, or if it
  // ended for good earlier (its channels are closed then).
  [[nodiscard]] bool restart_now(std::size_t index);
  // A restart plan for tests: fault_after for each new instance of a component (its restart count).
  using FaultPlan = std::uint64_t (*)(std::size_t index, std::uint32_t restarts);
  void set_fault_plan(FaultPlan plan) { fault_plan_ = plan; }
  // Destroys component `index`'s task now (the kernel frees everything it held), tells the broker, and
  // deletes the root's pages for it.
  [[nodiscard]] bool kill(std::size_t index);
  // Deletes one component's task and pages (after it ended).
  void forget(std::size_t index);
  void cleanup(); // deletes the tasks and their pages (after wait_all)
  void print_table(Out& out) const;
  static unsigned core_of(const Component& c);
  void print_audit(Out& out) const;
  void print_table() const;
  void print_audit() const;

  [[nodiscard]] std::uint64_t memory_in_use() const;
  [[nodiscard]] std::size_t caps_in_use() const;
  [[nodiscard]] Component& component(std::size_t i) { return components_[i]; }
  [[nodiscard]] std::span<const ChannelRow, kMax> rows() const { return rows_; }
  [[nodiscard]] const ChannelRow* row(std::uint32_t id) const;
  // The root's own grant index on channel `id` (its report slot), or 0 when it is no party.
  [[nodiscard]] std::uint32_t root_grant(std::uint32_t id) const;
  [[nodiscard]] broker::ChannelBroker& broker() { return broker_; }
  [[nodiscard]] broker::SyscallOps& ops() { return ops_; }
  [[nodiscard]] const abi::BootInfo& boot() const { return boot_; }
  [[nodiscard]] Slot fault_notification() const { return fault_; }

private:
  void add_row(std::uint32_t id, std::size_t p, std::size_t c, broker::SetupMode m, const ipc::RingSpec& spec);
  // Creates c's task from its image (fault notification, core, startup and report pages mapped).
  [[nodiscard]] bool create_task(Component& c);
  // The policy's answer when c ended (state, code already noted): schedules a restart or tells the
  // broker it stays down.
  void ended(Component& c);
  // Starts c again as a new task with the same pages and channels (the broker maps them again).
  [[nodiscard]] bool relaunch(Component& c);
  [[nodiscard]] std::uint64_t ms_to_ticks(std::uint64_t ms) const;
  [[nodiscard]] bool any_running(std::size_t skip) const;

  const abi::BootInfo& boot_;
  broker::SyscallOps& ops_;
  broker::ChannelBroker& broker_;
  Slot fault_ = 0;
  Component components_[kMax] = {};
  ChannelRow rows_[kMax] = {};
  user::channel::Report root_report_ = {}; // the root's own side of its channels
  std::uint32_t root_channels_ = 0;
  FaultPlan fault_plan_ = nullptr;
};

// Prints "root: FAIL <what>" when !ok; returns ok.
bool check(bool ok, const char* what);
// What the end of every scenario checks: nothing the run made is left (memory, capabilities,
// channels back to their values before).
bool everything_back(System& s, std::uint64_t memory_before, std::size_t caps_before);

// The serial console's parts, recognised by program name: the UART driver (program "uart_driver"),
// the console (program "console") and the root itself as a party of the console's request channels
// (program "root"). A description without uart_driver and console has no console; kMax = not there.
struct ConsoleParts {
  std::size_t root = System::kMax, uart = System::kMax, console = System::kMax;
  [[nodiscard]] bool present() const { return uart != System::kMax && console != System::kMax; }
  [[nodiscard]] bool is_part(std::size_t i) const { return i == root || i == uart || i == console; }
};
[[nodiscard]] ConsoleParts console_parts(const broker::Policy& policy);
// The first rule the description lists for producer -> consumer, or nullptr.
[[nodiscard]] const broker::ChannelRule* first_rule(const broker::Policy& policy, std::size_t producer,
                                                    std::size_t consumer);

// The system run (scenarios.cpp): starts every component the description starts at boot (start = true,
// not a console part, not the root), sets up every channel between two of them (start = true) in the
// channel's mode, streams `messages` (what each startup page says), waits until every one ended, checks
// each exited with 0 and each reporting consumer got every message its producer sent, with no error,
// prints the per-channel table and the audit trail, and checks everything was given back.
bool run_system(System& s, std::uint64_t messages);
// The serial console (console.cpp): starts the UART driver, the console and the description's live
// components (a live stream), then answers the console's requests for ever. Returns only if the
// set-up failed. Call it only when console_parts() says the description has one.
bool run_console(System& s);

// Which scenarios this build of the root program knows is a link-time choice: the production image's
// root links production.cpp (the demo alone); the test image's links tests/root/ instead, which
// adds the test scenarios. run_scenario returns true when the named one ran and passed; `count` is the
// "messages=" option's text ("" when absent).
bool run_scenario(System& s, const char* name, const char* count);
// The scenario a boot without "scenario=" runs (the production root: the system's name).
const char* default_scenario();
// The program may start copies of itself as helpers, passing a role word instead of the BootInfo
// page: when `startup` is one, runs that role and returns true with its exit code.
bool run_role(const void* startup, int& code);
// The number in s ("" gives fallback).
std::uint64_t number(const char* s, std::uint64_t fallback);

} // namespace bramble::root
