// A hostile consumer: receives startup.messages honest messages from channel 0 (element or record
// ring), then writes what the attack in startup.fault_after says into the one word a consumer may
// write (its head), or, for HeaderWrite, into page 0, which the broker mapped read-only (that write
// must fault and the kernel kill this task). After an attack it wakes the producer and sleeps until
// the broker withdraws the channel (its notification is revoked), then exits 0.
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

template <typename Rx> bool receive_elements(Rx& rx, std::uint64_t count) {
  for (std::uint64_t seq = 0; seq < count; ++seq) {
    Message m;
    if (!rx.pop(m) || !element_ok(m, seq)) return false;
  }
  return true;
}

template <typename Rx> bool receive_records(Rx& rx, std::uint64_t count) {
  for (std::uint64_t seq = 0; seq < count; ++seq) {
    std::uint8_t buffer[kMaxRecordPayload];
    auto n = rx.pop(std::span<std::byte>(reinterpret_cast<std::byte*>(buffer), sizeof buffer));
    if (!n || !record_ok(buffer, *n, seq)) return false;
  }
  return true;
}

// Writes the attack into shared memory. Returns false for an attack this side cannot make.
bool attack(const RawRing& r, Attack a, std::uint64_t head) {
  switch (a) {
  case Attack::HeadBack:
    // More than the capacity behind: certainly behind whatever head the producer last accepted.
    r.consumer->head.store(static_cast<Index>(head - r.capacity - r.unit), std::memory_order_release);
    return true;
  case Attack::HeadAhead: {
    // Twice the capacity past the tail published now: past anything the producer can have written.
    const std::uint64_t tail = r.producer->tail.load(std::memory_order_acquire);
    r.consumer->head.store(static_cast<Index>(tail + 2 * r.capacity), std::memory_order_release);
    return true;
  }
  case Attack::HeaderWrite:
    // Page 0 is read-only in our address space: this store faults and the kernel kills the task.
    *static_cast<volatile std::uint32_t*>(static_cast<void*>(&r.header->magic)) = 0xbad0'bad0;
    return false;
  default: return false;
  }
}

} // namespace

int main(const void* startup) {
  const ipc::ChannelConfig config = open_channel_or_exit(startup, "hostile_consumer");
  const auto& s = *static_cast<const ch::Startup*>(startup);
  const auto a = static_cast<Attack>(s.fault_after);
  ch::NotifierCounters counters;
  const ch::KernelNotifier notifier{config, &counters};
  const RawRing raw = raw_ring(config);

  std::uint64_t head = 0;
  bool received = false;
  if (config.kind == ipc::RingKind::Element) {
    auto rx = ipc::open_consumer<Message, kElementSlots>(config, notifier);
    received = rx && receive_elements(*rx, s.messages);
    if (rx) head = rx->position();
  } else {
    auto rx = ipc::open_record_consumer<kRecordBytes>(config, notifier);
    received = rx && receive_records(*rx, s.messages);
    if (rx) head = rx->position();
  }
  if (!received) {
    user::print("hostile_consumer %s: the honest part failed\n", s.name);
    return kExitAttackMisfired;
  }
  user::print("hostile_consumer %s: %s on the %s ring after %llu honest messages\n", s.name, attack_name(a),
              raw.record ? "record" : "element", static_cast<ull>(s.messages));
  if (!attack(raw, a, head)) {
    user::print("hostile_consumer %s: attack %s misfired\n", s.name, attack_name(a));
    return kExitAttackMisfired;
  }
  // Wake the producer if it sleeps on a full ring (it re-checks and finds the head), then sleep until
  // the broker withdraws the channel: the revoked notification ends the wait with an error.
  (void)user::sys::signal(config.signal_handle);
  while (user::sys::wait(config.wait_handle).ok()) {
  }
  user::print("hostile_consumer %s: channel withdrawn, exiting\n", s.name);
  return kExitOk;
}
