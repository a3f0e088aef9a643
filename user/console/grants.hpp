// Startup and report plumbing the two console programs share: opening grant i of the startup page
// into a ChannelConfig (centralized or self-service alike, user/channel/establish.hpp), and keeping the
// report page's per-grant counters current while the program runs, so the root can show them live.
#pragma once

#include <cstdint>

#include "user/channel/establish.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/channel/startup.hpp"
#include "user/console/record_io.hpp"
#include "user/runtime/print.hpp"

namespace bramble::console {

namespace ch = user::channel;

// Exit codes, the same numbers as the components' (user/protocol/exit_codes.hpp) for the root task.
inline constexpr int kExitSetupFailed = 2;
inline constexpr int kExitPeerGone = 3;
inline constexpr int kExitBroken = 4;

[[nodiscard]] inline ch::Report& report_page() { return *reinterpret_cast<ch::Report*>(ch::kReportAddress); }

// Grant `index` as a ChannelConfig; on failure the report says why and the task ends (exit 2). The
// kernel console may be quiet (the UART belongs to the driver), so the report page is what counts.
inline ipc::ChannelConfig open_grant_or_exit(const ch::Startup& startup, unsigned index, const char* who) {
  ch::Report& report = report_page();
  report.magic = ch::kReportMagic;
  const ch::SetupResult r = ch::channel_config(startup, index);
  report.channels[index].setup_syscalls = r.syscalls;
  if (!r.ok) {
    report.setup_error = 1 + static_cast<std::uint64_t>(r.error);
    report.finished = 1;
    user::print("%s: channel %u setup failed: %s\n", who, index, ch::setup_error_name(r.error));
    user::task_exit(kExitSetupFailed);
  }
  report.channels[index].base = r.config.base;
  __builtin_memcpy(report.channels[index].header, reinterpret_cast<const void*>(r.config.base),
                   sizeof report.channels[index].header);
  return r.config;
}

[[noreturn]] inline void open_failed(unsigned index, ipc::Error e, const char* who) {
  ch::Report& report = report_page();
  report.channels[index].end_error = 1 + static_cast<std::uint64_t>(e);
  report.setup_error = 1 + static_cast<std::uint64_t>(ch::SetupError::Layout);
  report.finished = 1;
  user::print("%s: cannot open channel %u: %s\n", who, index, ipc::error_name(e));
  user::task_exit(kExitSetupFailed);
}

// One grant's live counters: what the program counts itself, plus its notifier's syscalls.
struct GrantCounters {
  FlowCounters flow;
  std::uint64_t errors = 0;
  ch::NotifierCounters notifier;

  void publish(ch::ChannelReport& out) const {
    // Plain stores of whole words: the root reads them while we run; a torn view of two different
    // counters is harmless, each word is single-copy atomic (ARM ARM B2.2.1).
    out.messages = flow.records;
    out.bytes = flow.bytes;
    out.errors = errors;
    out.signals = notifier.signals;
    out.waits = notifier.waits;
  }
};

inline void set_end(unsigned index, ipc::Error e) {
  report_page().channels[index].end_error = 1 + static_cast<std::uint64_t>(e);
}

} // namespace bramble::console
