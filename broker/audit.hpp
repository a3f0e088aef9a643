// The audit trail: one record per channel event (established, refused, failed, closed, peer ended,
// self-service granted), kept in a fixed ring of records so the root task never allocates. When the
// ring is full the oldest record is overwritten and counted in dropped(). Records carry a sequence
// number and the KernelOps clock (kernel_ops.hpp says why that is not wall time yet).
#pragma once

#include <cstddef>
#include <cstdint>

#include "broker/manifest.hpp"

namespace bramble::broker {

enum class AuditEvent : std::uint8_t {
  Established = 1,
  Refused = 2,    // the policy said no; detail = PolicyError
  Failed = 3,     // a kernel call failed; step = which, detail = abi::Error; everything was undone
  Closed = 4,     // close_channel: both sides unmapped, capabilities revoked, memory freed
  PeerEnded = 5,  // one party ended: the channel was marked closed and the survivor woken
  Granted = 6,    // self-service: a registry capability was minted for a component
  SideDown = 7,   // one party ended and will be restarted: the channel waits for it (nothing released)
  Reattached = 8, // the restarted party has the channel again, at the same address
  Restarted = 9,  // component (producer = consumer = its index) started again; detail = restarts so far
  GaveUp = 10,    // component's restart budget is used up: it stays down; detail = restarts made
};

[[nodiscard]] const char* audit_event_name(AuditEvent e);

struct AuditRecord {
  std::uint64_t sequence;
  std::uint64_t time;
  AuditEvent event;
  SetupMode mode;
  std::uint8_t step;      // Failed: the step that failed (SetupStep)
  std::uint8_t detail;    // Refused: PolicyError; Failed: abi::Error
  std::uint32_t channel;  // channel id, or kNoChannel
  std::uint16_t producer; // manifest indices
  std::uint16_t consumer;
  std::uint64_t bytes; // ring size asked for / set up
};

inline constexpr std::uint32_t kNoChannel = 0xffff'ffff;

class AuditLog {
public:
  static constexpr std::size_t kCapacity = 64;

  // Appends a record (sequence number filled in here).
  void record(AuditRecord r);

  [[nodiscard]] std::size_t size() const { return count_ < kCapacity ? count_ : kCapacity; }
  // The i-th oldest record still kept (i < size()).
  [[nodiscard]] const AuditRecord& at(std::size_t i) const;
  [[nodiscard]] std::uint64_t total() const { return count_; }
  [[nodiscard]] std::uint64_t dropped() const { return count_ > kCapacity ? count_ - kCapacity : 0; }
  // How many kept records have this event.
  [[nodiscard]] std::size_t count(AuditEvent e) const;

private:
  AuditRecord records_[kCapacity] = {};
  std::uint64_t count_ = 0;
};

} // namespace bramble::broker
