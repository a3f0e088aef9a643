// A user address space: one TTBR0 translation tree with its own ASID, and the user-space layout rules.
//
// Layout of every user space (39-bit TTBR0 half):
//   0x0000_0000_0000 .. kUserBase          never mapped: null-pointer dereferences fault
//   kUserBase .. kChannelWindowBase        code, data, stacks (map())
//   kChannelWindowBase .. +Size            the channel window: zero-copy rings, at the same address in
//                                          every space (docs/ipc.md), only through map_channel()
//   .. kUserTop (2^39)                     code, data, stacks (map())
// All user mappings are EL0-accessible, non-global (ASID-tagged) and never EL1-executable; physical
// ranges the kernel keeps for itself (passed in as `kernel_reserved`) are refused.
#pragma once

#include "mm/asid_allocator.hpp"
#include "mm/page_table.hpp"

namespace bramble::mm {

inline constexpr VirtAddr kUserBase = 0x1'0000;
inline constexpr VirtAddr kUserTop = kHalfSize;
inline constexpr VirtAddr kChannelWindowBase = 0x9000'0000;
inline constexpr ktl::uint64_t kChannelWindowSize = 0x1000'0000; // 256 MiB of rings
inline constexpr VirtAddr kChannelWindowEnd = kChannelWindowBase + kChannelWindowSize;

class AddressSpace {
public:
  // `kernel_reserved` must outlive the space (a static table in the kernel).
  [[nodiscard]] static Result<AddressSpace, MmError> create(AsidAllocator& asids, TableAllocator& tables, TlbOps& tlb,
                                                            PhysWindow window,
                                                            std::span<const PhysRange> kernel_reserved);

  // Maps outside the channel window. perms.user must be set.
  [[nodiscard]] Result<void, MmError> map(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms,
                                          MemType type = MemType::Normal);
  // Maps inside the channel window: Normal write-back inner-shareable memory (the rings' acquire/
  // release ordering needs it in both spaces, docs/ipc.md), never executable.
  [[nodiscard]] Result<void, MmError> map_channel(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms);
  [[nodiscard]] Result<void, MmError> unmap(VirtAddr va, ktl::uint64_t size);
  [[nodiscard]] Result<void, MmError> protect(VirtAddr va, ktl::uint64_t size, Perms perms);
  [[nodiscard]] Result<Translation, MmError> translate(VirtAddr va) const;
  // Frees the tables and the ASID. The space is empty afterwards.
  void destroy();

  // TTBR0_EL1 for this space: root | ASID << 48 (D19.2). Switching to it needs no TLB flush. Kept, not
  // recomputed: every context switch between address spaces reads it.
  [[nodiscard]] ktl::uint64_t ttbr0_value() const { return ttbr0_; }
  [[nodiscard]] ktl::uint16_t asid() const { return table_.asid(); }
  [[nodiscard]] const PageTable& page_table() const { return table_; }

private:
  AddressSpace(PageTable table, AsidAllocator& asids)
      : table_(table), asids_(&asids), ttbr0_(ttbr_value(table.root(), table.asid())) {}
  [[nodiscard]] static Result<void, MmError> check_user_range(VirtAddr va, ktl::uint64_t size);

  PageTable table_;
  AsidAllocator* asids_;
  ktl::uint64_t ttbr0_; // ttbr_value(table_.root(), table_.asid())
};

} // namespace bramble::mm
