// The IPC library's Notifier (ipc/notifier.hpp) over kernel notifications: signal() is the signal
// call on the ChannelConfig's signal_handle, wait() the wait call on its wait_handle. The ring calls
// them only on need (a side about to sleep), so a streaming channel makes none; every call is counted
// so components can report syscalls per message.
#pragma once

#include <cstdint>

#include "bramble/ipc/channel.hpp"
#include "bramble/ipc/notifier.hpp"
#include "user/lib/sys.hpp"

namespace bramble::user::channel {

struct NotifierCounters {
  std::uint64_t signals = 0;
  std::uint64_t waits = 0;
  std::uint64_t failures = 0; // calls the kernel refused (the capability was revoked: channel closed)
};

class KernelNotifier {
public:
  // `woken`, if given, collects the bits each wait returned: a component that shares the notification
  // with another source (the UART driver: its interrupt) learns from them why it woke.
  KernelNotifier(const ipc::ChannelConfig& config, NotifierCounters* counters, std::uint64_t* woken = nullptr)
      : signal_slot_(config.signal_handle), wait_slot_(config.wait_handle), counters_(counters), woken_(woken) {}

  void signal() {
    ++counters_->signals;
    if (!sys::signal(signal_slot_).ok()) ++counters_->failures;
  }
  // A refused or interrupted wait (ObjectDestroyed when the broker closed the channel) just returns:
  // the ring re-checks and reports the closed channel itself.
  void wait() {
    ++counters_->waits;
    const SyscallResult r = sys::wait(wait_slot_);
    if (!r.ok())
      ++counters_->failures;
    else if (woken_ != nullptr)
      *woken_ |= r.r1;
  }

private:
  std::uint64_t signal_slot_;
  std::uint64_t wait_slot_;
  NotifierCounters* counters_;
  std::uint64_t* woken_;
};

static_assert(ipc::Notifier<KernelNotifier> && !ipc::PollingNotifier<KernelNotifier>);

} // namespace bramble::user::channel
