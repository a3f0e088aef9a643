// MemoryQuota: the object behind a Memory ("untyped") capability, a budget of bytes its holders may
// allocate frames and kernel objects from. The kernel charges a quota before it takes anything from
// the frame allocator on its behalf (frames at their block size, task records, tables, stacks and
// images, page tables, the object pages kernel records live in) and refunds it when the thing is
// destroyed, so a component can never hold more memory than the quota it was given.
//
// Quotas nest: a sub-quota is charged in full to its parent when it is made and refunds it when it is
// reclaimed, so a broker can split its budget among components. Every object made through a memory
// capability hangs below it in the derivation tree, so when a quota's last capability is deleted the
// objects made through it are deleted first; the quota is then "detached" (nothing new can be charged:
// nobody can name it) and is reclaimed once the last charge is refunded (a task ended by the deletion
// releases its resources a little later), giving its limit back to its parent (on_reclaimable).
// memory_split makes sub-quotas (kernel/object/quota.hpp).
#pragma once

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"

namespace bramble::cap {

class MemoryQuota : public KernelObject {
public:
  static constexpr CapType kType = CapType::Memory;

  // A quota of `limit` bytes. A sub-quota names its parent, which must already have been charged
  // `limit` (check_charge, then charge).
  explicit MemoryQuota(ktl::uint64_t limit, MemoryQuota* parent = nullptr)
      : KernelObject(kType), limit_(limit), parent_(parent) {}

  [[nodiscard]] ktl::uint64_t limit() const { return limit_; }
  [[nodiscard]] ktl::uint64_t used() const { return used_; }
  [[nodiscard]] ktl::uint64_t available() const { return limit_ - used_; }
  [[nodiscard]] bool detached() const { return detached_; }
  [[nodiscard]] bool reclaimed() const { return reclaimed_; }
  [[nodiscard]] MemoryQuota* parent() const { return parent_; }

  // Decode: can `bytes` be charged? (QuotaExceeded if not; also once detached.)
  [[nodiscard]] Result<void> check_charge(ktl::uint64_t bytes) const;
  // Invoke: charge bytes that check_charge accepted.
  void charge(ktl::uint64_t bytes);
  // Give bytes back when what they paid for is destroyed. Refunding more than is in use is a kernel
  // bug; the count stops at zero rather than wrapping.
  void refund(ktl::uint64_t bytes);

  void on_last_capability_deleted() final;

  // The kernel's list of object pages charged to this quota (kernel/object/records.hpp keeps it; to
  // the capability layer it is an opaque word).
  [[nodiscard]] void* object_pages() const { return object_pages_; }
  void set_object_pages(void* first) { object_pages_ = first; }

protected:
  ~MemoryQuota() = default;
  // The quota is detached and empty: the kernel releases the object's storage here. Called once;
  // the parent gets this quota's limit back right after.
  virtual void on_reclaimable() {}

private:
  void reclaim_chain();

  ktl::uint64_t limit_;
  ktl::uint64_t used_ = 0;
  MemoryQuota* parent_;
  void* object_pages_ = nullptr;
  bool detached_ = false;
  bool reclaimed_ = false;
};

} // namespace bramble::cap
