// The console component (image `console`): the user's shell on the serial line. It reads the bytes the
// UART driver received (rx), edits them into lines (line_editor.hpp), echoes and answers on tx, and
// asks the root task for what only the root knows (tasks, cpus, channels, graph, audit, mem, bench, kill <task>,
// restart <task>)
// over the requests/replies channels (protocol.hpp). help and the usage and error messages are its own,
// so they keep working when the root's channels are gone.
//
// Report page: one entry per grant (messages = records, bytes, signals, waits); errors = records
// refused: rx records longer than kMaxRecord, replies of an unknown kind or longer than kMaxRecord.
#include <cstddef>
#include <cstdint>
#include <span>

#include "user/console/grants.hpp"
#include "user/console/line_editor.hpp"
#include "user/console/record_io.hpp"
#include "user/protocol/console.hpp"

using namespace bramble;
using namespace bramble::console;

namespace {

constexpr const char* kWho = "console";
constexpr const char* kBanner = "Bramble console - type 'help' for the commands\n"; // ASCII: any terminal shows it

struct CommandHelp {
  const char* usage;
  const char* meaning;
  bool root; // answered by the root task
};
constexpr CommandHelp kCommands[] = {
    {"help", "this list", false},
    {"tasks", "the tasks the root started, with their state and core", true},
    {"cpus", "each core: what it runs, its load since the last cpus", true},
    {"channels", "the channels the broker set up, with their counters", true},
    {"graph", "the live system as Graphviz DOT (components, channels)", true},
    {"audit", "the broker's audit log", true},
    {"mem", "memory: free and used", true},
    {"bench [n]", "stream n messages (default 100000) through a new channel, print the figures", true},
    {"kill <task>", "end a task by its manifest name", true},
    {"restart <task>", "end a task if it runs and start it again, channels kept", true},
};

// The command's first word as written in the table ("kill <task>" -> "kill").
[[nodiscard]] bool names(const CommandHelp& c, std::span<const char> word) {
  std::size_t n = 0;
  while (c.usage[n] != '\0' && c.usage[n] != ' ')
    ++n;
  if (n != word.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (c.usage[i] != word[i]) return false;
  }
  return true;
}

using Tx = ipc::RecordProducer<kRingBytes, ch::KernelNotifier>;
using Rx = ipc::RecordConsumer<kRingBytes, ch::KernelNotifier>;

constexpr unsigned kGrants = 4;
static_assert(kGrants <= ch::kMaxGrants);
static_assert(kMaxLine == 80, "the too-long message names the limit");

class Console {
public:
  Console(TextOut<Tx>& out, Tx& requests, Rx& replies, GrantCounters (&counters)[kGrants])
      : out_(out), requests_(requests), replies_(replies), counters_(counters) {}

  void prompt() {
    out_.end_line();
    out_.put(kPrompt);
  }

  // One editor event, the echo already written.
  void handle(LineEvent event, std::span<const char> line) {
    switch (event) {
    case LineEvent::None: return;
    case LineEvent::Line: run(line); break;
    case LineEvent::TooLong: out_.put("console: line too long (more than 80 characters), ignored\n"); break;
    case LineEvent::Cancelled: break;
    }
    prompt();
  }

private:
  void run(std::span<const char> line) {
    const Command cmd = split_command(line);
    if (cmd.word.empty()) return;
    if (equals(cmd.word, "help")) return help();
    if (equals(cmd.word, "kill") && cmd.rest.empty()) return out_.put("usage: kill <task>\n");
    if (equals(cmd.word, "restart") && cmd.rest.empty()) return out_.put("usage: restart <task>\n");
    for (const CommandHelp& c : kCommands) {
      if (c.root && names(c, cmd.word)) return ask_root(cmd);
    }
    out_.put("console: unknown command '");
    out_.put(cmd.word);
    out_.put("' (type 'help')\n");
  }

  void help() {
    for (const CommandHelp& c : kCommands) {
      out_.put("  ");
      out_.put(c.usage);
      std::size_t n = 0;
      while (c.usage[n] != '\0')
        ++n;
      do // at least one space, then up to the column
        out_.put(" ");
      while (++n < 16);
      out_.put(c.meaning);
      out_.put("\n");
    }
  }

  // The request is the line without its surrounding spaces: word, and " rest" if there is one.
  void ask_root(const Command& cmd) {
    if (!root_open_) return out_.put("console: the root task's channels are closed; only 'help' works\n");
    char request[kMaxLine];
    std::size_t n = 0;
    for (const char c : cmd.word)
      request[n++] = c;
    if (!cmd.rest.empty()) {
      request[n++] = ' ';
      for (const char c : cmd.rest)
        request[n++] = c; // word + ' ' + rest is a part of the line
    }
    out_.flush(); // the user sees the echoed Enter while the root works
    GrantCounters& req = counters_[kConsoleRequest];
    if (auto r = requests_.push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(request), n)); !r)
      return root_lost(kConsoleRequest, r.error());
    ++req.flow.records;
    req.flow.bytes += n;
    req.publish(report_page().channels[kConsoleRequest]);

    GrantCounters& rep = counters_[kConsoleReply];
    std::byte record[kMaxRecord];
    for (;;) {
      auto r = pop_bounded_wait(replies_, record);
      if (!r) {
        if (r.error() == ipc::Error::TooLarge) {
          ++rep.errors; // consumed and skipped
          continue;
        }
        return root_lost(kConsoleReply, r.error());
      }
      ++rep.flow.records;
      rep.flow.bytes += r.value();
      rep.publish(report_page().channels[kConsoleReply]);
      const Reply reply = classify_reply(std::span<const std::byte>(record, r.value()));
      if (reply.kind == ReplyKind::End) break;
      if (reply.kind == ReplyKind::Invalid) {
        ++rep.errors;
        continue;
      }
      for (const std::byte b : reply.text) {
        const char c = printable(b);
        out_.put(std::span<const char>(&c, 1));
      }
    }
    rep.publish(report_page().channels[kConsoleReply]);
  }

  void root_lost(unsigned grant, ipc::Error e) {
    root_open_ = false;
    set_end(grant, e);
    counters_[grant].publish(report_page().channels[grant]);
    out_.end_line();
    out_.put("console: the root task's channels are closed (");
    out_.put(ipc::error_name(e));
    out_.put("); only 'help' works now\n");
  }

  TextOut<Tx>& out_;
  Tx& requests_;
  Rx& replies_;
  GrantCounters (&counters_)[kGrants];
  bool root_open_ = true;
};

[[noreturn]] void leave(unsigned grant, ipc::Error e, GrantCounters (&counters)[kGrants]) {
  set_end(grant, e);
  for (unsigned i = 0; i < kGrants; ++i)
    counters[i].publish(report_page().channels[i]);
  report_page().finished = 1;
  user::task_exit(e == ipc::Error::Closed ? kExitPeerGone : kExitBroken);
}

} // namespace

int main(const void* startup_page) {
  const auto& startup = *static_cast<const ch::Startup*>(startup_page);
  ipc::ChannelConfig config[kGrants];
  for (unsigned i = 0; i < kGrants; ++i)
    config[i] = open_grant_or_exit(startup, i, kWho);
  GrantCounters counters[kGrants];
  const auto notifier = [&](unsigned i) { return ch::KernelNotifier{config[i], &counters[i].notifier}; };
  auto rx = ipc::open_record_consumer<kRingBytes>(config[kConsoleRx], notifier(kConsoleRx));
  if (!rx) open_failed(kConsoleRx, rx.error(), kWho);
  auto tx = ipc::open_record_producer<kRingBytes>(config[kConsoleTx], notifier(kConsoleTx));
  if (!tx) open_failed(kConsoleTx, tx.error(), kWho);
  auto requests = ipc::open_record_producer<kRingBytes>(config[kConsoleRequest], notifier(kConsoleRequest));
  if (!requests) open_failed(kConsoleRequest, requests.error(), kWho);
  auto replies = ipc::open_record_consumer<kRingBytes>(config[kConsoleReply], notifier(kConsoleReply));
  if (!replies) open_failed(kConsoleReply, replies.error(), kWho);

  TextOut<Tx> out(*tx, counters[kConsoleTx].flow);
  Console console(out, *requests, *replies, counters);
  LineEditor editor;
  out.put(kBanner);
  console.prompt();
  out.flush();

  std::byte received[kMaxRecord];
  for (;;) {
    if (out.failed()) leave(kConsoleTx, out.error(), counters); // the driver is gone: nobody to talk to
    for (unsigned i = 0; i < kGrants; ++i)
      counters[i].publish(report_page().channels[i]);
    auto r = pop_bounded_wait(*rx, received);
    if (!r) {
      if (r.error() != ipc::Error::TooLarge) leave(kConsoleRx, r.error(), counters);
      ++counters[kConsoleRx].errors;
      continue;
    }
    ++counters[kConsoleRx].flow.records;
    counters[kConsoleRx].flow.bytes += r.value();
    for (std::size_t i = 0; i < r.value(); ++i) {
      const Feed f = editor.feed(static_cast<std::uint8_t>(received[i]));
      out.put(f.echo);
      console.handle(f.event, editor.line());
    }
    out.flush();
  }
}
