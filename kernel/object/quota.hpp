// Sub-quotas: the kernel objects memory_split makes. A SubQuota is a MemoryQuota with a parent; the
// parent was charged the sub-quota's whole limit when it was split off and gets it back when the
// sub-quota is reclaimed (MemoryQuota::reclaim_chain: after its last capability is deleted AND the
// last thing charged to it is gone, in either order). The sub-quota's own record lives in one of the
// parent's object pages (records.hpp), so a chain of splits is paid for by the quotas that made it.
#pragma once

#include "kernel/cap/memory_quota.hpp"

namespace bramble::kobj {

class SubQuota final : public cap::MemoryQuota {
public:
  SubQuota(std::uint64_t limit, cap::MemoryQuota& parent) : MemoryQuota(limit, &parent) {}
  ~SubQuota() = default;

  // memory_split's invoke step: a quota of `limit` bytes under `parent`, which is charged `limit`
  // and room for the record. QuotaExceeded (nothing charged) when the parent cannot pay for both,
  // OutOfMemory when the machine has no frame for a new object page.
  [[nodiscard]] static cap::Result<SubQuota*> create(cap::MemoryQuota& parent, std::uint64_t limit);

private:
  void on_reclaimable() override;
};

} // namespace bramble::kobj
