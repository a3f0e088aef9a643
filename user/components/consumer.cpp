// The demo consumer: receives channel 0's messages, verifies each one (sequence, length, checksum,
// content), counts them and reports; a channel the broker closed (the producer ended) ends the stream
// with an error instead of a hang.
#include <cstddef>
#include <cstdint>
#include <span>

#include "user/components/component.hpp"
#include "user/protocol/message.hpp"

using namespace bramble;
using namespace bramble::components;

namespace {

void print_layout(const ch::Startup& s, const ipc::ChannelConfig& c) {
  ipc::SharedHeader h;
  __builtin_memcpy(&h, reinterpret_cast<const void*>(c.base), sizeof h);
  user::print("consumer %s: ring at 0x%llx: magic 0x%x kind %u element %u capacity %llu offsets %llu/%llu/%llu "
              "total %llu\n",
              s.name, static_cast<unsigned long long>(c.base), h.magic, static_cast<unsigned>(h.kind), h.element_size,
              static_cast<unsigned long long>(h.capacity), static_cast<unsigned long long>(h.producer_offset),
              static_cast<unsigned long long>(h.consumer_offset), static_cast<unsigned long long>(h.data_offset),
              static_cast<unsigned long long>(h.total_size));
}

// Receives messages [first, startup.messages). A restarted consumer starts where the stream stands,
// not at 0: on an element ring that is the ring's head (sequence number = position), which its
// predecessor published as it released each message; on a record ring, the count its predecessor left
// on the report page (which outlives each instance). Planned crashes (startup.fault_after, a test's)
// take the next message without releasing it, so the next instance gets it again: at least once.
template <typename Rx, typename Receive, typename Take>
int stream(const ch::Startup& s, ch::ChannelReport& rep, Rx& rx, ch::NotifierCounters& n, std::uint64_t first,
           Receive receive, Take take_without_release) {
  if (s.restarts != 0)
    user::print("consumer %s: restart %llu resumes at message %llu\n", s.name,
                static_cast<unsigned long long>(s.restarts), static_cast<unsigned long long>(first));
  for (std::uint64_t seq = first; seq < s.messages; ++seq) {
    if (s.fault_after != 0 && seq == s.fault_after) {
      take_without_release(rx);
      ++rep.received; // taken, never released: the next instance gets it again
      fault_now("consumer", s, seq);
    }
    std::size_t bytes = 0;
    bool good = false;
    auto r = receive(rx, seq, bytes, good);
    if (!r) {
      finish(rep, n, r.error(), true);
      user::print("consumer %s: stream ended after %llu messages: %s\n", s.name,
                  static_cast<unsigned long long>(rep.messages), ipc::error_name(r.error()));
      return r.error() == ipc::Error::Closed ? kExitPeerGone : kExitVerifyFailed;
    }
    rep.messages = seq + 1;
    ++rep.received;
    rep.bytes += bytes;
    if ((seq & 1023) == 0) live_counters(rep, n);
    if (!good) ++rep.errors;
  }
  finish(rep, n, ipc::Error::Empty, false);
  user::print("consumer %s: received %llu messages (%llu bytes), %llu errors\n", s.name,
              static_cast<unsigned long long>(rep.messages), static_cast<unsigned long long>(rep.bytes),
              static_cast<unsigned long long>(rep.errors));
  return rep.errors == 0 ? kExitOk : kExitVerifyFailed;
}

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "consumer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  auto& rep = reinterpret_cast<ch::Report*>(ch::kReportAddress)->channels[0];
  print_layout(s, config);
  ch::NotifierCounters n;
  const ch::KernelNotifier notifier{config, &n};
  if (config.kind == ipc::RingKind::Element) {
    auto rx = ipc::open_consumer<Message, kElementSlots>(config, notifier);
    if (!rx) {
      user::print("consumer %s: cannot open the ring: %s\n", s.name, ipc::error_name(rx.error()));
      return kExitSetupFailed;
    }
    const std::uint64_t first = rx->position();
    return stream(
        s, rep, *rx, n, first,
        [](auto& r, std::uint64_t seq, std::size_t& bytes, bool& good) {
          Message m; // copied out before it is checked: the producer could rewrite a slot read in place
          auto got = r.pop(m);
          if (got) {
            bytes = m.length;
            good = element_ok(m, seq);
          }
          return got;
        },
        [](auto& r) { (void)r.peek(1); });
  }
  auto rx = ipc::open_record_consumer<kRecordBytes>(config, notifier);
  if (!rx) {
    user::print("consumer %s: cannot open the ring: %s\n", s.name, ipc::error_name(rx.error()));
    return kExitSetupFailed;
  }
  const std::uint64_t first = s.restarts != 0 ? rep.messages : 0;
  return stream(
      s, rep, *rx, n, first,
      [](auto& r, std::uint64_t seq, std::size_t& bytes, bool& good) -> ipc::Result<void> {
        std::uint8_t buffer[kMaxRecordPayload];
        auto got = r.pop(std::span<std::byte>(reinterpret_cast<std::byte*>(buffer), sizeof buffer));
        if (!got) return ipc::err(got.error());
        bytes = got.value();
        good = record_ok(buffer, bytes, seq);
        return {};
      },
      [](auto& r) { (void)r.peek(); });
}
