// User address spaces: the layout rules on top of PageTable (see address_space.hpp).
#include "mm/address_space.hpp"

namespace bramble::mm {
namespace {

bool overlaps_window(VirtAddr va, ktl::uint64_t size) {
  return va < kChannelWindowEnd && kChannelWindowBase < va + size;
}

bool inside_window(VirtAddr va, ktl::uint64_t size) {
  return va >= kChannelWindowBase && size <= kChannelWindowEnd - va && va < kChannelWindowEnd;
}

} // namespace

Result<AddressSpace, MmError> AddressSpace::create(AsidAllocator& asids, TableAllocator& tables, TlbOps& tlb,
                                                   PhysWindow window, std::span<const PhysRange> kernel_reserved) {
  const ktl::uint16_t asid = BRAMBLE_TRY(asids.allocate());
  auto table = PageTable::create(Half::User, asid, tables, tlb, window, kernel_reserved);
  if (!table) {
    (void)asids.free(asid);
    return err(table.error());
  }
  // A recycled ASID may still have TLB entries from its previous space.
  tlb.invalidate_asid(asid);
  tlb.sync();
  return AddressSpace(*table, asids);
}

Result<void, MmError> AddressSpace::check_user_range(VirtAddr va, ktl::uint64_t size) {
  if (va < kUserBase || va >= kUserTop || size > kUserTop - va) return err(MmError::OutOfRange);
  return {};
}

Result<void, MmError> AddressSpace::map(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms, MemType type) {
  BRAMBLE_TRY_VOID(check_user_range(va, size));
  if (!perms.user) return err(MmError::InvalidPermissions);
  if (overlaps_window(va, size)) return err(MmError::Forbidden);
  return table_.map(va, pa, size, perms, type);
}

Result<void, MmError> AddressSpace::map_channel(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms) {
  if (!inside_window(va, size)) return err(MmError::OutOfRange);
  if (!perms.user) return err(MmError::InvalidPermissions);
  if (perms.execute) return err(MmError::WriteExecute);
  return table_.map(va, pa, size, perms, MemType::Normal);
}

Result<void, MmError> AddressSpace::unmap(VirtAddr va, ktl::uint64_t size) {
  BRAMBLE_TRY_VOID(check_user_range(va, size));
  return table_.unmap(va, size);
}

Result<void, MmError> AddressSpace::protect(VirtAddr va, ktl::uint64_t size, Perms perms) {
  BRAMBLE_TRY_VOID(check_user_range(va, size));
  if (!perms.user) return err(MmError::InvalidPermissions);
  if (perms.execute && overlaps_window(va, size)) return err(MmError::WriteExecute);
  return table_.protect(va, size, perms);
}

Result<Translation, MmError> AddressSpace::translate(VirtAddr va) const { return table_.translate(va); }

void AddressSpace::destroy() {
  if (table_.root() == 0) return;
  const ktl::uint16_t asid = table_.asid();
  table_.destroy();
  ttbr0_ = ttbr_value(table_.root(), asid);
  (void)asids_->free(asid);
}

} // namespace bramble::mm
