// The demo producer: sends startup.messages sequence-numbered, checksummed messages of varying length
// through channel 0 (a fixed-size ring or a byte-record ring, whichever its ChannelConfig describes),
// then waits until the consumer has read them all, and reports its counters.
#include <cstddef>
#include <cstdint>
#include <span>

#include "user/components/component.hpp"
#include "user/protocol/message.hpp"

using namespace bramble;
using namespace bramble::components;

namespace {

// Waits until the consumer released everything (or closed): a drained ring has `capacity` free units.
template <typename Tx> ipc::Error drain(Tx& tx, std::size_t capacity) {
  for (;;) {
    const std::uint64_t waits = tx.waits();
    auto r = tx.wait_for_space(capacity);
    if (!r) return r.error();
    if (tx.waits() == waits) return ipc::Error::Empty; // the re-check found the ring empty: done
  }
}

// Sends messages [first, startup.messages). A restarted producer starts where the stream stands: on an
// element ring the ring's tail (sequence number = position), which its predecessor published with each
// message; on a record ring the count its predecessor left on the report page.
template <typename Tx, typename Send>
int stream(const ch::Startup& s, ch::ChannelReport& rep, Tx& tx, std::size_t capacity, ch::NotifierCounters& n,
           std::uint64_t first, Send send) {
  if (s.restarts != 0)
    user::print("producer %s: restart %llu resumes at message %llu\n", s.name,
                static_cast<unsigned long long>(s.restarts), static_cast<unsigned long long>(first));
  for (std::uint64_t seq = first; seq < s.messages; ++seq) {
    if (s.fault_after != 0 && seq == s.fault_after) fault_now("producer", s, seq);
    std::size_t bytes = 0;
    auto r = send(tx, seq, bytes);
    if (!r) {
      finish(rep, n, r.error(), true);
      user::print("producer %s: stream ended after %llu messages: %s\n", s.name, static_cast<unsigned long long>(seq),
                  ipc::error_name(r.error()));
      return r.error() == ipc::Error::Closed ? kExitPeerGone : kExitVerifyFailed;
    }
    rep.messages = seq + 1;
    rep.bytes += bytes;
    if ((seq & 1023) == 0) live_counters(rep, n);
  }
  const ipc::Error end = drain(tx, capacity);
  // Closed here is the consumer having read everything and ended before we looked.
  finish(rep, n, end, end != ipc::Error::Empty && end != ipc::Error::Closed);
  user::print("producer %s: sent %llu messages (%llu bytes), %llu signals, %llu waits\n", s.name,
              static_cast<unsigned long long>(rep.messages), static_cast<unsigned long long>(rep.bytes),
              static_cast<unsigned long long>(n.signals), static_cast<unsigned long long>(n.waits));
  return kExitOk;
}

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "producer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  auto& rep = reinterpret_cast<ch::Report*>(ch::kReportAddress)->channels[0];
  ch::NotifierCounters n;
  const ch::KernelNotifier notifier{config, &n};
  if (config.kind == ipc::RingKind::Element) {
    auto tx = ipc::open_producer<Message, kElementSlots>(config, notifier);
    if (!tx) {
      user::print("producer %s: cannot open the ring: %s\n", s.name, ipc::error_name(tx.error()));
      return kExitSetupFailed;
    }
    return stream(s, rep, *tx, kElementSlots, n, tx->position(), [](auto& t, std::uint64_t seq, std::size_t& bytes) {
      Message m;
      fill_element(m, seq);
      bytes = m.length;
      return t.push(m);
    });
  }
  auto tx = ipc::open_record_producer<kRecordBytes>(config, notifier);
  if (!tx) {
    user::print("producer %s: cannot open the ring: %s\n", s.name, ipc::error_name(tx.error()));
    return kExitSetupFailed;
  }
  return stream(s, rep, *tx, kRecordBytes, n, s.restarts != 0 ? rep.messages : 0,
                [](auto& t, std::uint64_t seq, std::size_t& bytes) {
                  std::uint8_t buffer[kMaxRecordPayload];
                  bytes = fill_record(buffer, seq);
                  return t.push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(buffer), bytes));
                });
}
