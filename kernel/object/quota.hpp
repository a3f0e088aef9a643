// Sub-quotas: the kernel objects memory_split makes. A SubQuota is a MemoryQuota with a parent; the
// parent was charged the sub-quota's whole limit when it was split off and gets it back when the
// sub-quota is reclaimed (MemoryQuota::reclaim_chain: after its last capability is deleted AND the
// last frame, notification or task charged to it is destroyed, in either order). Reclaiming returns
// the object's pool slot here.
//
// Header-only on purpose: the kernel image's source list lives in cmake/KernelImage.cmake, and one
// small pool does not need a translation unit of its own (an inline variable has one definition).
#pragma once

#include "kernel/cap/memory_quota.hpp"
#include "kernel/object/pool.hpp"

namespace bramble::kobj {

class SubQuota final : public cap::MemoryQuota {
public:
  SubQuota(std::uint64_t limit, cap::MemoryQuota& parent) : MemoryQuota(limit, &parent) {}
  ~SubQuota() = default;

  // memory_split's invoke step: a quota of `limit` bytes under `parent`, which is charged `limit`
  // (the decode step checked that it can be). nullptr, with nothing charged, when the pool is full.
  [[nodiscard]] static SubQuota* create(cap::MemoryQuota& parent, std::uint64_t limit);

private:
  void on_reclaimable() override;
};

// Live sub-quotas. 256 is four per task at the task pool's size: a broker splits one per
// self-service channel, and a component may split its own further.
inline constexpr std::size_t kMaxSubQuotas = 256;
inline Pool<SubQuota, kMaxSubQuotas> g_sub_quotas;

inline SubQuota* SubQuota::create(cap::MemoryQuota& parent, std::uint64_t limit) {
  SubQuota* quota = g_sub_quotas.create(limit, parent);
  if (quota != nullptr) parent.charge(limit);
  return quota;
}

// reclaim_chain has read the parent and the limit already, and refunds the parent after this returns.
inline void SubQuota::on_reclaimable() { g_sub_quotas.destroy(this); }

[[nodiscard]] inline std::size_t sub_quotas_in_use() { return g_sub_quotas.in_use(); }

} // namespace bramble::kobj
