#include "kernel/object/quota.hpp"

#include "kernel/object/records.hpp"

namespace bramble::kobj {

cap::Result<SubQuota*> SubQuota::create(cap::MemoryQuota& parent, std::uint64_t limit) {
  SubQuota* quota = BRAMBLE_TRY(make_record<SubQuota>(parent, limit, parent));
  // The record may have taken a new object page from the parent: the limit must still fit.
  if (auto room = parent.check_charge(limit); !room.ok()) {
    destroy_record(quota);
    return err(room.error());
  }
  parent.charge(limit);
  return quota;
}

// reclaim_chain has read the parent and the limit already, and refunds the parent after this returns;
// the parent is still charged the limit while the record goes, so freeing the record cannot reclaim
// the parent under our feet.
void SubQuota::on_reclaimable() { destroy_record(this); }

} // namespace bramble::kobj
