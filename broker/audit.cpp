#include "broker/audit.hpp"

namespace bramble::broker {

const char* audit_event_name(AuditEvent e) {
  switch (e) {
  case AuditEvent::Established: return "established";
  case AuditEvent::Refused: return "refused";
  case AuditEvent::Failed: return "failed";
  case AuditEvent::Closed: return "closed";
  case AuditEvent::PeerEnded: return "peer-ended";
  case AuditEvent::Granted: return "granted";
  case AuditEvent::SideDown: return "side-down";
  case AuditEvent::Reattached: return "reattached";
  case AuditEvent::Restarted: return "restarted";
  case AuditEvent::GaveUp: return "gave-up";
  }
  return "?";
}

void AuditLog::record(AuditRecord r) {
  r.sequence = count_;
  records_[count_ % kCapacity] = r;
  ++count_;
}

const AuditRecord& AuditLog::at(std::size_t i) const {
  const std::uint64_t first = count_ > kCapacity ? count_ - kCapacity : 0;
  return records_[(first + i) % kCapacity];
}

std::size_t AuditLog::count(AuditEvent e) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < size(); ++i)
    n += at(i).event == e ? 1u : 0u;
  return n;
}

} // namespace bramble::broker
