// The stress consumer: reads startup.messages StressMessages from channel 0 in batches read in place
// (peek / release), copies each one out before checking it (sequence number, value, checksum), and
// counts what arrived in order, what was lost, duplicated or corrupt. It stops after as many messages
// as it expects or once it saw the last sequence number, prints the counts and leaves them in its
// report page (StressCounts) for the root task.
#include <cstddef>
#include <cstdint>

#include "user/components/component.hpp"
#include "user/protocol/stress.hpp"

using namespace bramble;
using namespace bramble::components;

namespace {

using ull = unsigned long long;

struct Tally {
  StressCounts& c;
  std::uint64_t expected = 0;

  void take(const StressMessage& m) {
    ++c.received;
    if (m.value != stress_value(m.seq) || m.checksum != stress_checksum(m.seq, m.value)) {
      ++c.corrupt;
      return;
    }
    if (m.seq == expected) {
      ++c.in_order;
      c.seq_sum += m.seq;
      ++expected;
    } else if (m.seq > expected) {
      c.lost += m.seq - expected;
      c.seq_sum += m.seq;
      expected = m.seq + 1;
    } else {
      ++c.duplicated;
    }
  }
};

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "stress_consumer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  auto* report = reinterpret_cast<ch::Report*>(ch::kReportAddress);
  auto& rep = report->channels[0];
  StressCounts& counts = *stress_counts(report);
  counts = StressCounts{};
  counts.magic = kStressCountsMagic;
  ch::NotifierCounters n;
  const ch::KernelNotifier notifier{config, &n};
  auto rx = ipc::open_consumer<StressMessage, kStressSlots>(config, notifier);
  if (!rx) {
    user::print("stress_consumer %s: cannot open the ring: %s\n", s.name, ipc::error_name(rx.error()));
    return kExitSetupFailed;
  }
  Tally tally{counts};
  while (counts.received < s.messages && tally.expected < s.messages) {
    auto r = rx->peek(kStressBatch);
    if (!r && r.error() == ipc::Error::Empty) {
      ++counts.empty_waits;
      if (auto w = rx->wait_for_data(); w)
        continue;
      else
        r = ipc::err(w.error());
    }
    if (!r) {
      finish(rep, n, r.error(), true);
      user::print("stress_consumer %s: stream ended after %llu messages: %s\n", s.name,
                  static_cast<ull>(counts.received), ipc::error_name(r.error()));
      return r.error() == ipc::Error::Closed ? kExitPeerGone : kExitVerifyFailed;
    }
    for (const StressMessage& in_ring : *r) {
      StressMessage m; // copied out once: only the copy is checked
      __builtin_memcpy(&m, &in_ring, sizeof m);
      tally.take(m);
    }
    if (auto done = rx->release(r->size()); !done) return kExitVerifyFailed;
  }
  rep.messages = counts.in_order;
  rep.bytes = counts.received * sizeof(StressMessage);
  rep.errors = counts.lost + counts.duplicated + counts.corrupt;
  finish(rep, n, ipc::Error::Empty, false);
  const std::uint64_t want_sum = s.messages == 0 ? 0 : s.messages * (s.messages - 1) / 2;
  user::print("stress_consumer %s: received %llu messages: %llu in order, %llu lost, %llu duplicated, %llu corrupt; "
              "sequence sum %s; ring empty %llu times\n",
              s.name, static_cast<ull>(counts.received), static_cast<ull>(counts.in_order),
              static_cast<ull>(counts.lost), static_cast<ull>(counts.duplicated), static_cast<ull>(counts.corrupt),
              counts.seq_sum == want_sum ? "correct" : "WRONG", static_cast<ull>(counts.empty_waits));
  return rep.errors == 0 && counts.in_order == s.messages && counts.seq_sum == want_sum ? kExitOk : kExitVerifyFailed;
}
