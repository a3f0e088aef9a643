// A hostile producer: sends startup.messages honest messages through channel 0 (element or record
// ring, whichever its ChannelConfig describes), waits until the consumer has read them all, then
// writes what the attack in startup.fault_after says into the pages it may write (its tail, the data
// region) or, for HeaderWrite, into page 0, which the broker mapped read-only (that write must fault
// and the kernel kill this task). After an attack it wakes the consumer and sleeps until the broker
// withdraws the channel (its notification is revoked), then exits 0.
#include <cstddef>
#include <cstdint>
#include <span>

#include "user/components/component.hpp"
#include "user/lib/sys.hpp"
#include "user/protocol/hostile.hpp"

using namespace bramble;
using namespace bramble::components;

namespace {

using ull = unsigned long long;

template <typename Tx> bool send_elements(Tx& tx, std::uint64_t count) {
  for (std::uint64_t seq = 0; seq < count; ++seq) {
    Message m;
    fill_element(m, seq);
    if (!tx.push(m)) return false;
  }
  return true;
}

template <typename Tx> bool send_records(Tx& tx, std::uint64_t count) {
  for (std::uint64_t seq = 0; seq < count; ++seq) {
    std::uint8_t buffer[kMaxRecordPayload];
    const std::size_t n = fill_record(buffer, seq);
    if (!tx.push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(buffer), n))) return false;
  }
  return true;
}

void put_header(const RawRing& r, std::uint64_t at, std::uint32_t length, std::uint32_t flags) {
  const ipc::RecordHeader h{length, flags};
  __builtin_memcpy(r.data + at, &h, sizeof h);
}

void publish_tail(const RawRing& r, std::uint64_t tail) {
  r.producer->tail.store(static_cast<Index>(tail), std::memory_order_release);
}

// Until the consumer has read everything up to `tail` (it publishes its head as it goes).
void wait_for_head(const RawRing& r, std::uint64_t tail) {
  while (r.consumer->head.load(std::memory_order_acquire) != static_cast<Index>(tail))
    (void)user::sys::yield();
}

// Writes the attack into shared memory (wake_slot: the notification that wakes the consumer). Returns
// false for an attack this side cannot make.
bool attack(const RawRing& r, Attack a, std::uint64_t tail, std::uint64_t wake_slot) {
  const std::uint64_t n = r.capacity;
  const std::uint64_t at = tail & (n - 1);
  switch (a) {
  case Attack::TailAhead: publish_tail(r, tail + n + r.unit); return true;
  case Attack::TailBack: publish_tail(r, tail - r.unit); return true;
  case Attack::RecordUnaligned:
    if (!r.record) return false;
    publish_tail(r, tail + 12); // 12 is not a multiple of the 8-byte record alignment
    return true;
  case Attack::RecordOverrun:
    if (!r.record) return false;
    put_header(r, at, 200, 0);  // claims 200 payload bytes...
    publish_tail(r, tail + 16); // ...of which 8 are published
    return true;
  case Attack::RecordLength: {
    if (!r.record) return false;
    const std::uint64_t length = ipc::RecordRing<kRecordBytes>::kMaxPayload + 8;
    put_header(r, at, static_cast<std::uint32_t>(length), 0);
    publish_tail(r, tail + ipc::record_footprint(length)); // published in full: only the length is wrong
    return true;
  }
  case Attack::RecordFlags:
    if (!r.record) return false;
    put_header(r, at, 16, 0x40);
    publish_tail(r, tail + ipc::record_footprint(16));
    return true;
  case Attack::RecordPadAtZero: {
    if (!r.record) return false;
    // Reach offset 0 the legal way first (a valid padding record to the ring end, which the consumer
    // skips), so that the only thing wrong below is where the padding is: a padding record at 0
    // covering the whole ring, correctly sized and published in full. A consumer that accepted it
    // would skip the whole ring and then wait for ever.
    std::uint64_t t = tail;
    if (at != 0) {
      put_header(r, at, static_cast<std::uint32_t>(n - at - sizeof(ipc::RecordHeader)), ipc::kPaddingFlag);
      t += n - at;
      publish_tail(r, t);
      (void)user::sys::signal(wake_slot);
      wait_for_head(r, t);
    }
    put_header(r, 0, static_cast<std::uint32_t>(n - sizeof(ipc::RecordHeader)), ipc::kPaddingFlag);
    publish_tail(r, t + n);
    return true;
  }
  case Attack::HeaderWrite:
    // Page 0 is read-only in our address space: this store faults and the kernel kills the task.
    *static_cast<volatile std::uint32_t*>(static_cast<void*>(&r.header->magic)) = 0xbad0'bad0;
    return false;
  case Attack::None:
  case Attack::HeadBack:
  case Attack::HeadAhead: return false;
  }
  return false;
}

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "hostile_producer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  const auto a = static_cast<Attack>(s.fault_after);
  ch::NotifierCounters counters;
  const ch::KernelNotifier notifier{config, &counters};
  const RawRing raw = raw_ring(config);

  std::uint64_t tail = 0;
  bool sent = false;
  if (config.kind == ipc::RingKind::Element) {
    auto tx = ipc::open_producer<Message, kElementSlots>(config, notifier);
    sent = tx && send_elements(*tx, s.messages);
    if (tx) tail = tx->position();
  } else {
    auto tx = ipc::open_record_producer<kRecordBytes>(config, notifier);
    sent = tx && send_records(*tx, s.messages);
    if (tx) tail = tx->position();
  }
  if (!sent) {
    user::print("hostile_producer %s: the honest part failed\n", s.name);
    return kExitAttackMisfired;
  }
  // Attack only once the consumer has everything: then what it reports is exactly the attack.
  wait_for_head(raw, tail);
  user::print("hostile_producer %s: %s on the %s ring after %llu honest messages\n", s.name, attack_name(a),
              raw.record ? "record" : "element", static_cast<ull>(s.messages));
  if (!attack(raw, a, tail, config.signal_handle)) {
    user::print("hostile_producer %s: attack %s misfired\n", s.name, attack_name(a));
    return kExitAttackMisfired;
  }
  // Wake the consumer if it sleeps (an extra signal only costs it a re-check), then sleep until the
  // broker withdraws the channel: the revoked notification ends the wait with an error.
  (void)user::sys::signal(config.signal_handle);
  while (user::sys::wait(config.wait_handle).ok()) {
  }
  user::print("hostile_producer %s: channel withdrawn, exiting\n", s.name);
  return kExitOk;
}
