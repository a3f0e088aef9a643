// The serial console, root side: how the root answers the console component's requests
// (console.cpp serves, console_commands.cpp answers). user/protocol/console.hpp is the wire format.
#pragma once

#include <cstddef>
#include <span>

#include "bramble/ipc/channel.hpp"
#include "broker/root/root.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/protocol/console.hpp"

namespace bramble::root {

using ReplyRing = ipc::RecordProducer<console::kRingBytes, user::channel::KernelNotifier>;

// Text for the console: kReplyText records on the replies ring (blocking while it is full; once the
// console is gone, everything is dropped).
class ReplyOut final : public Out {
public:
  ReplyOut(ReplyRing& ring, user::channel::ChannelReport& report, const user::channel::NotifierCounters& counters)
      : ring_(ring), report_(report), counters_(counters) {}
  void put(const char* text, std::size_t length) override;
  void end(); // closes one answer (kReplyEnd)

private:
  void send(std::span<const std::byte> record);
  ReplyRing& ring_;
  user::channel::ChannelReport& report_;
  const user::channel::NotifierCounters& counters_;
  bool closed_ = false;
};

// The commands the root answers (the console itself answers help and catches unknown words).
class Commands {
public:
  Commands(System& s, Out& out) : s_(s), out_(out), parts_(console_parts(s.broker().policy())) {}
  void run(const char* line);

private:
  void tasks();
  void cpus();
  void channels();
  void graph();
  void mem();
  void bench(const char* argument);
  void kill(const char* name);
  void restart(const char* name);
  // The component a kill or restart names, or kMax after saying why not.
  [[nodiscard]] std::size_t target(const char* command, const char* name, char (&word)[24]);

  System& s_;
  Out& out_;
  ConsoleParts parts_;
  // cpus: the figures of the previous request, so the load shown is over the time since.
  std::uint64_t cpus_at_ = 0;
  std::uint64_t cpus_busy_[abi::kMaxCores] = {};
};

} // namespace bramble::root
