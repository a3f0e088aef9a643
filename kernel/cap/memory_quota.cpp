#include "kernel/cap/memory_quota.hpp"

namespace bramble::cap {

Result<void> MemoryQuota::check_charge(ktl::uint64_t bytes) const {
  if (detached_ || bytes > available()) return err(Error::QuotaExceeded);
  return {};
}

void MemoryQuota::charge(ktl::uint64_t bytes) { used_ += bytes; }

void MemoryQuota::refund(ktl::uint64_t bytes) {
  used_ -= (bytes < used_) ? bytes : used_;
  reclaim_chain();
}

void MemoryQuota::on_last_capability_deleted() {
  detached_ = true;
  reclaim_chain();
}

// Reclaiming a sub-quota refunds its parent, which may complete the parent's reclaim in turn: a loop
// up the chain, not recursion, so the kernel stack does not grow with the nesting depth.
void MemoryQuota::reclaim_chain() {
  MemoryQuota* quota = this;
  while (quota != nullptr && quota->detached_ && quota->used_ == 0 && !quota->reclaimed_) {
    quota->reclaimed_ = true;
    MemoryQuota* const parent = quota->parent_;
    const ktl::uint64_t amount = quota->limit_;
    quota->on_reclaimable(); // may release quota's storage: read nothing from it afterwards
    if (parent != nullptr) parent->used_ -= (amount < parent->used_) ? amount : parent->used_;
    quota = parent;
  }
}

} // namespace bramble::cap
