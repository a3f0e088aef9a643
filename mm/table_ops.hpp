// What the page-table code needs from its surroundings, injected so the same code runs in the kernel
// and in host tests: frames for translation tables, and TLB / cache maintenance.
#pragma once

#include "mm/frame_allocator.hpp"
#include "mm/types.hpp"

namespace bramble::mm {

// Hands out and takes back 4 KiB frames for translation tables. The page-table code zeroes each table
// itself, so an implementation need not.
class TableAllocator {
public:
  [[nodiscard]] virtual Result<PhysAddr, MmError> allocate_table() = 0;
  virtual void free_table(PhysAddr table) = 0;

protected:
  TableAllocator() = default;
  TableAllocator(const TableAllocator&) = default;
  TableAllocator& operator=(const TableAllocator&) = default;
  ~TableAllocator() = default; // never deleted through the interface: no heap in the kernel
};

// Tables straight from the frame allocator (order 0).
class FrameTableAllocator final : public TableAllocator {
public:
  explicit FrameTableAllocator(FrameAllocator& frames) : frames_(&frames) {}
  [[nodiscard]] Result<PhysAddr, MmError> allocate_table() override { return frames_->allocate(0); }
  void free_table(PhysAddr table) override { (void)frames_->free(table, 0); }

private:
  FrameAllocator* frames_;
};

// TLB and cache maintenance, in the order the page-table code calls it. The kernel implementation is
// arch::TlbOps (kernel/arch/aarch64/mmu.hpp); host tests record the calls and check their order.
//
// Sequences used (ARM ARM DDI 0487 K.a D8.16 "TLB maintenance" and D8.16.1 "Using break-before-make
// when updating translation table entries"; D5.10 in older editions):
//   new entry where there was none:   store; table_written            ... sync at the end of the operation
//   entry removed:                    store 0; table_written; invalidate_va      ... sync at the end
//   permissions changed (same OA, type, size: no break needed):
//                                     store new; table_written; invalidate_va    ... sync at the end
//   block split (size changes: break-before-make required):
//                                     fill table; table_written(table); store 0; table_written;
//                                     invalidate_va; sync; store table descriptor; table_written
//   whole tree freed:                 invalidate_asid (user) / invalidate_all (kernel); sync; free tables
class TlbOps {
public:
  // The CPU stored to translation-table memory at [table, table + bytes): make those stores visible to
  // the table walker before any later maintenance (kernel: DC CVAC over the lines, DSB ISHST).
  virtual void table_written(const void* table, ktl::size_t bytes) = 0;
  // Invalidate the entries for one VA and ASID (global entries for the VA too). `last_level` says only
  // a leaf changed, so walk-cache entries may stay (TLBI VALE1IS vs VAE1IS).
  virtual void invalidate_va(VirtAddr va, ktl::uint16_t asid, bool last_level) = 0;
  virtual void invalidate_asid(ktl::uint16_t asid) = 0; // TLBI ASIDE1IS
  virtual void invalidate_all() = 0;                    // TLBI VMALLE1IS
  // Wait for the maintenance issued so far to complete everywhere, then resynchronize (DSB ISH; ISB).
  virtual void sync() = 0;

protected:
  TlbOps() = default;
  TlbOps(const TlbOps&) = default;
  TlbOps& operator=(const TlbOps&) = default;
  ~TlbOps() = default;
};

} // namespace bramble::mm
