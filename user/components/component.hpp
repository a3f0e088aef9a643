// What the producer and the consumer share: reading the startup page, opening channel 0 from its
// ChannelConfig (never knowing whether the broker or the component itself set it up), and the report.
#pragma once

#include <cstdint>

#include "user/channel/establish.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/channel/startup.hpp"
#include "user/protocol/exit_codes.hpp"
#include "user/runtime/print.hpp"

namespace bramble::components {

namespace ch = user::channel;

struct Context {
  const ch::Startup& startup;
  ch::Report& report;
  ch::ChannelReport& channel;
  ipc::ChannelConfig config;
  ch::NotifierCounters counters;
};

// Reads the startup page and builds channel 0's config; on failure reports and ends the task.
inline ipc::ChannelConfig open_channel_or_exit(const void* startup_page, const char* what) {
  const auto& startup = *static_cast<const ch::Startup*>(startup_page);
  auto& report = *reinterpret_cast<ch::Report*>(ch::kReportAddress);
  report.magic = ch::kReportMagic;
  const ch::SetupResult r = ch::channel_config(startup, 0);
  report.channels[0].setup_syscalls = r.syscalls;
  if (!r.ok) {
    report.setup_error = 1 + static_cast<std::uint64_t>(r.error);
    report.finished = 1;
    user::print("%s %s: channel setup failed: %s (kernel error %s)\n", what, startup.name,
                ch::setup_error_name(r.error), r.kernel != 0 ? abi::error_name(r.kernel) : "none");
    user::task_exit(kExitSetupFailed);
  }
  report.channels[0].base = r.config.base;
  __builtin_memcpy(report.channels[0].header, reinterpret_cast<const void*>(r.config.base),
                   sizeof report.channels[0].header);
  return r.config;
}

// The notifier's counters, copied to the report page now and then so the root can show a live stream.
inline void live_counters(ch::ChannelReport& c, const ch::NotifierCounters& n) {
  c.signals = n.signals;
  c.waits = n.waits;
}

inline void finish(ch::ChannelReport& c, const ch::NotifierCounters& n, ipc::Error end, bool ended_with_error) {
  c.signals = n.signals;
  c.waits = n.waits;
  c.end_error = ended_with_error ? 1 + static_cast<std::uint64_t>(end) : 0;
  reinterpret_cast<ch::Report*>(ch::kReportAddress)->finished = 1;
}

// A crash on purpose (startup.fault_after: the kill and restart tests): a store to page 0, which is
// never mapped, so the kernel ends the task with a translation fault.
[[noreturn]] inline void fault_now(const char* what, const ch::Startup& s, std::uint64_t at) {
  user::print("%s %s: faulting on purpose at message %llu\n", what, s.name, static_cast<unsigned long long>(at));
  *reinterpret_cast<volatile std::uint64_t*>(std::uintptr_t{8}) = 1;
  user::task_exit(99);
}

} // namespace bramble::components
