// One VMSAv8-64 translation-table tree (4 KiB granule, 39-bit VA, 3 levels: see mm/descriptor.hpp):
// map, unmap, change permissions, translate and free it, for 4 KiB pages and 2 MiB blocks.
//
// Every operation checks its whole request before it changes anything (decode, then invoke): an
// unaligned, out-of-range, overlapping, W^X-violating or forbidden request returns an error and leaves
// the tree as it was. The one failure possible after that point is running out of frames for tables
// in map(); map() then removes what it had mapped and returns OutOfMemory.
//
// Blocks: map() uses a 2 MiB block where va and pa are 2 MiB aligned, 2 MiB remain, and the caller
// allows it (Granularity::AllowBlocks). unmap() and protect() over part of a block split the block
// into a level-3 table of 512 pages with the same attributes, with break-before-make (its frame is
// allocated before anything changes, so the split cannot fail half-way).
//
// Tables emptied by unmap() (and by a map() that failed half-way) are freed at once, so a space holds
// tables only for what it maps: whoever pays for the tables (the TableAllocator may charge a quota)
// gets them back as mappings go. destroy() frees every table including the root (tests check that
// the frame allocator is back where it started).
#pragma once

#include "mm/descriptor.hpp"
#include "mm/table_ops.hpp"

namespace bramble::mm {

enum class Half : ktl::uint8_t {
  User,   // TTBR0: VA 0 .. 2^39, non-global entries tagged with the table's ASID
  Kernel, // TTBR1: VA 0xFFFF_FF80_0000_0000 .. 2^64, global entries, never accessible to EL0
};

enum class Granularity : ktl::uint8_t { Pages, AllowBlocks };

struct Translation {
  PhysAddr pa;
  Perms perms;
  MemType type;
  bool block; // mapped by a 2 MiB block rather than a page
};

class PageTable {
public:
  // `user_forbidden`: physical ranges no EL0-accessible mapping may touch (kernel image, page tables,
  // the DTB...). The span must outlive the table.
  [[nodiscard]] static Result<PageTable, MmError> create(Half half, ktl::uint16_t asid, TableAllocator& tables,
                                                         TlbOps& tlb, PhysWindow window,
                                                         std::span<const PhysRange> user_forbidden = {});

  [[nodiscard]] Result<void, MmError> map(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms, MemType type,
                                          Granularity granularity = Granularity::Pages);
  [[nodiscard]] Result<void, MmError> unmap(VirtAddr va, ktl::uint64_t size);
  [[nodiscard]] Result<void, MmError> protect(VirtAddr va, ktl::uint64_t size, Perms perms);
  [[nodiscard]] Result<Translation, MmError> translate(VirtAddr va) const;
  // Frees every table (after invalidating the TLB entries that may point into them). The object is
  // empty afterwards; every other operation then fails with NotMapped.
  void destroy();

  [[nodiscard]] PhysAddr root() const { return root_; }
  [[nodiscard]] ktl::uint16_t asid() const { return asid_; }
  [[nodiscard]] Half half() const { return half_; }
  [[nodiscard]] ktl::uint64_t table_count() const { return table_count_; } // including the root
  void set_window(PhysWindow window) { window_ = window; }

private:
  // The entry covering one offset (va minus the half's base), at the lowest level that exists.
  struct Leaf {
    ktl::uint64_t* slot;
    unsigned level; // 1, 2 or 3
    ktl::uint64_t desc;
    ktl::uint64_t offset; // first offset the entry covers
    ktl::uint64_t size;   // bytes it covers
  };

  PageTable() = default;
  [[nodiscard]] ktl::uint64_t* table(PhysAddr pa) const { return window_.to_virt<ktl::uint64_t>(pa); }
  [[nodiscard]] VirtAddr va_of(ktl::uint64_t offset) const { return base() + offset; }
  [[nodiscard]] VirtAddr base() const { return half_ == Half::Kernel ? kKernelHalfBase : 0; }
  [[nodiscard]] bool global() const { return half_ == Half::Kernel; }
  [[nodiscard]] Result<ktl::uint64_t, MmError> check_range(VirtAddr va, ktl::uint64_t size) const;
  [[nodiscard]] Leaf lookup(ktl::uint64_t offset) const;
  [[nodiscard]] static bool is_mapped(const Leaf& leaf);
  [[nodiscard]] bool forbidden_for_user(PhysAddr pa, ktl::uint64_t size) const;
  [[nodiscard]] Result<PhysAddr, MmError> new_table();
  [[nodiscard]] Result<ktl::uint64_t*, MmError> next_table(ktl::uint64_t* slot);
  // Checks that [offset, offset + size) is fully mapped; counts blocks that need splitting; for
  // protect(), also checks the new permissions against each leaf.
  [[nodiscard]] Result<unsigned, MmError> prepare_change(ktl::uint64_t offset, ktl::uint64_t size,
                                                         const Perms* new_perms) const;
  void split_block(const Leaf& leaf, PhysAddr table_pa);
  void store(ktl::uint64_t* slot, ktl::uint64_t value);
  void clear_leaves(ktl::uint64_t offset, ktl::uint64_t size);
  // Frees the level-3 and level-2 tables under [offset, offset + size) that hold no valid entry.
  void prune(ktl::uint64_t offset, ktl::uint64_t size);
  // Removes the table that `slot` points at (its entries must all be invalid) and frees it.
  void free_empty_table(ktl::uint64_t* slot, ktl::uint64_t offset);
  [[nodiscard]] Result<void, MmError> change(VirtAddr va, ktl::uint64_t size, const Perms* new_perms);

  Half half_ = Half::User;
  ktl::uint16_t asid_ = 0;
  PhysAddr root_ = 0;
  ktl::uint64_t table_count_ = 0;
  TableAllocator* tables_ = nullptr;
  TlbOps* tlb_ = nullptr;
  PhysWindow window_{};
  std::span<const PhysRange> user_forbidden_{};
};

} // namespace bramble::mm
