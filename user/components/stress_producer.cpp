// The stress producer: sends startup.messages StressMessages through channel 0 in batches written in
// place (reserve / commit: one index publication per batch), sleeping only when the ring is full, then
// waits until the consumer has read everything and reports its counters.
#include <cstddef>
#include <cstdint>

#include "user/components/component.hpp"
#include "user/protocol/stress.hpp"

using namespace bramble;
using namespace bramble::components;

namespace {

using ull = unsigned long long;

// Waits until the consumer released everything (or closed): a drained ring has `capacity` free slots.
template <typename Tx> ipc::Error drain(Tx& tx) {
  for (;;) {
    const std::uint64_t waits = tx.waits();
    auto r = tx.wait_for_space(kStressSlots);
    if (!r) return r.error();
    if (tx.waits() == waits) return ipc::Error::Empty; // the re-check found the ring empty: done
  }
}

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "stress_producer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  auto& rep = reinterpret_cast<ch::Report*>(ch::kReportAddress)->channels[0];
  ch::NotifierCounters n;
  const ch::KernelNotifier notifier{config, &n};
  auto tx = ipc::open_producer<StressMessage, kStressSlots>(config, notifier);
  if (!tx) {
    user::print("stress_producer %s: cannot open the ring: %s\n", s.name, ipc::error_name(tx.error()));
    return kExitSetupFailed;
  }
  std::uint64_t seq = 0;
  while (seq < s.messages) {
    const std::uint64_t left = s.messages - seq;
    auto w = tx->reserve(left < kStressBatch ? static_cast<std::size_t>(left) : kStressBatch);
    if (!w) {
      if (w.error() == ipc::Error::Full) {
        if (auto r = tx->wait_for_space(1); r)
          continue;
        else
          w = ipc::err(r.error());
      }
      finish(rep, n, w.error(), true);
      user::print("stress_producer %s: stream ended after %llu messages: %s\n", s.name, static_cast<ull>(seq),
                  ipc::error_name(w.error()));
      return w.error() == ipc::Error::Closed ? kExitPeerGone : kExitVerifyFailed;
    }
    const std::span<StressMessage> slots = *w;
    for (std::size_t i = 0; i < slots.size(); ++i)
      fill_stress(slots[i], seq + i);
    if (auto c = tx->commit(slots.size()); !c) {
      finish(rep, n, c.error(), true);
      return kExitVerifyFailed;
    }
    seq += slots.size();
  }
  rep.messages = seq;
  rep.bytes = seq * sizeof(StressMessage);
  const ipc::Error end = drain(*tx);
  finish(rep, n, end, end != ipc::Error::Empty && end != ipc::Error::Closed);
  user::print("stress_producer %s: sent %llu messages, %llu signals, %llu waits (ring full %llu times)\n", s.name,
              static_cast<ull>(seq), static_cast<ull>(n.signals), static_cast<ull>(n.waits),
              static_cast<ull>(tx->sleeps()));
  return kExitOk;
}
