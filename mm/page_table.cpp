// Walks and edits of one translation-table tree; the contract is in page_table.hpp.
#include "mm/page_table.hpp"

namespace bramble::mm {
namespace {

constexpr ktl::uint64_t kL1Size = ktl::uint64_t{1} << kL1Shift; // 1 GiB per level-1 entry

constexpr ktl::uint64_t index_at(ktl::uint64_t offset, ktl::uint64_t shift) {
  return (offset >> shift) & (kEntriesPerTable - 1);
}

constexpr bool is_table(ktl::uint64_t d) {
  return (d & (desc::kValid | desc::kTableOrPage)) == (desc::kValid | desc::kTableOrPage);
}

} // namespace

Result<PageTable, MmError> PageTable::create(Half half, ktl::uint16_t asid, TableAllocator& tables, TlbOps& tlb,
                                             PhysWindow window, std::span<const PhysRange> user_forbidden) {
  PageTable pt;
  pt.half_ = half;
  pt.asid_ = asid;
  pt.tables_ = &tables;
  pt.tlb_ = &tlb;
  pt.window_ = window;
  pt.user_forbidden_ = user_forbidden;
  pt.root_ = BRAMBLE_TRY(pt.new_table());
  return pt;
}

Result<PhysAddr, MmError> PageTable::new_table() {
  const PhysAddr pa = BRAMBLE_TRY(tables_->allocate_table());
  zero_words(table(pa), kPageSize); // an all-invalid table (D8.3: bit 0 clear = invalid)
  tlb_->table_written(table(pa), kPageSize);
  ++table_count_;
  return pa;
}

void PageTable::store(ktl::uint64_t* slot, ktl::uint64_t value) {
  // One aligned 64-bit store: single-copy atomic for the table walker (ARM ARM B2.2.1).
  *static_cast<volatile ktl::uint64_t*>(slot) = value;
  tlb_->table_written(slot, sizeof *slot);
}

Result<ktl::uint64_t*, MmError> PageTable::next_table(ktl::uint64_t* slot) {
  if (is_table(*slot)) return table(*slot & desc::kAddressMask);
  const PhysAddr pa = BRAMBLE_TRY(new_table());
  store(slot, encode_table(pa)); // the table's zeroes are visible before the pointer to it
  return table(pa);
}

Result<ktl::uint64_t, MmError> PageTable::check_range(VirtAddr va, ktl::uint64_t size) const {
  if (root_ == 0) return err(MmError::NotMapped);
  if (size == 0 || !is_aligned(va, kPageSize) || !is_aligned(size, kPageSize)) return err(MmError::Misaligned);
  if (va < base()) return err(MmError::OutOfRange);
  const ktl::uint64_t offset = va - base();
  if (offset >= kHalfSize || size > kHalfSize - offset) return err(MmError::OutOfRange);
  return offset;
}

PageTable::Leaf PageTable::lookup(ktl::uint64_t offset) const {
  ktl::uint64_t* l1 = table(root_);
  ktl::uint64_t* slot = &l1[index_at(offset, kL1Shift)];
  if (!is_table(*slot)) return Leaf{slot, 1, *slot, align_down(offset, kL1Size), kL1Size};
  ktl::uint64_t* l2 = table(*slot & desc::kAddressMask);
  slot = &l2[index_at(offset, kL2Shift)];
  if (!is_table(*slot)) return Leaf{slot, 2, *slot, align_down(offset, kBlockSize), kBlockSize};
  ktl::uint64_t* l3 = table(*slot & desc::kAddressMask);
  slot = &l3[index_at(offset, kL3Shift)];
  return Leaf{slot, 3, *slot, align_down(offset, kPageSize), kPageSize};
}

bool PageTable::is_mapped(const Leaf& leaf) {
  // Level 1 never holds a leaf here (we make no 1 GiB blocks); level 2 holds a block when bit 1 is
  // clear, level 3 a page when bits [1:0] = 0b11 (D8.3).
  if (leaf.level == 3) return is_table(leaf.desc);
  return (leaf.desc & desc::kValid) != 0;
}

bool PageTable::forbidden_for_user(PhysAddr pa, ktl::uint64_t size) const {
  for (const PhysRange& r : user_forbidden_) {
    if (r.overlaps(pa, size)) return true;
  }
  return false;
}

Result<void, MmError> PageTable::map(VirtAddr va, PhysAddr pa, ktl::uint64_t size, Perms perms, MemType type,
                                     Granularity granularity) {
  // Decode: every check before the first store.
  const ktl::uint64_t offset = BRAMBLE_TRY(check_range(va, size));
  if (!is_aligned(pa, kPageSize)) return err(MmError::Misaligned);
  if (pa + size < pa || pa + size > (ktl::uint64_t{1} << kOutputAddressBits)) return err(MmError::OutOfRange);
  if (perms.user && half_ == Half::Kernel) return err(MmError::InvalidPermissions);
  (void)BRAMBLE_TRY(encode_leaf(pa, perms, type, LeafLevel::Page4K, global()));
  if (perms.user && forbidden_for_user(pa, size)) return err(MmError::Forbidden);
  for (ktl::uint64_t at = offset; at < offset + size;) {
    const Leaf leaf = lookup(at);
    if (is_mapped(leaf)) return err(MmError::Overlap);
    at = leaf.offset + leaf.size;
  }

  // Invoke. New entries replace invalid ones, so no TLB invalidation is needed (translation faults
  // are never cached in a TLB, D8.16); the final sync makes them visible to later accesses.
  ktl::uint64_t done = 0;
  MmError failure = MmError::OutOfMemory;
  while (done < size) {
    const ktl::uint64_t at = offset + done;
    const PhysAddr out = pa + done;
    auto l2 = next_table(&table(root_)[index_at(at, kL1Shift)]);
    if (!l2) {
      failure = l2.error();
      break;
    }
    ktl::uint64_t* l2_slot = &(*l2)[index_at(at, kL2Shift)];
    if (granularity == Granularity::AllowBlocks && is_aligned(at, kBlockSize) && is_aligned(out, kBlockSize) &&
        size - done >= kBlockSize && *l2_slot == 0) {
      store(l2_slot, encode_leaf(out, perms, type, LeafLevel::Block2M, global()).value());
      done += kBlockSize;
      continue;
    }
    // Pages (an empty level-3 table left by an earlier unmap also lands here).
    auto l3 = next_table(l2_slot);
    if (!l3) {
      failure = l3.error();
      break;
    }
    store(&(*l3)[index_at(at, kL3Shift)], encode_leaf(out, perms, type, LeafLevel::Page4K, global()).value());
    done += kPageSize;
  }
  if (done < size) {
    clear_leaves(offset, done); // out of table frames (or quota): undo, leave the tree as it was
    tlb_->sync();
    prune(offset, size);
    return err(failure);
  }
  tlb_->sync();
  return {};
}

void PageTable::clear_leaves(ktl::uint64_t offset, ktl::uint64_t size) {
  for (ktl::uint64_t at = offset; at < offset + size;) {
    const Leaf leaf = lookup(at);
    if (is_mapped(leaf)) {
      store(leaf.slot, 0);
      tlb_->invalidate_va(va_of(leaf.offset), asid_, true);
    }
    at = leaf.offset + leaf.size;
  }
}

Result<unsigned, MmError> PageTable::prepare_change(ktl::uint64_t offset, ktl::uint64_t size,
                                                    const Perms* new_perms) const {
  unsigned splits = 0;
  for (ktl::uint64_t at = offset; at < offset + size;) {
    const Leaf leaf = lookup(at);
    if (!is_mapped(leaf)) return err(MmError::NotMapped);
    const bool covered = leaf.offset >= offset && leaf.offset + leaf.size <= offset + size;
    if (!covered) ++splits; // only a level-2 block can stick out of a page-aligned range
    if (new_perms != nullptr) {
      const LeafLevel level = leaf.level == 2 ? LeafLevel::Block2M : LeafLevel::Page4K;
      const DecodedLeaf old = decode_leaf(leaf.desc, level);
      (void)BRAMBLE_TRY(encode_leaf(old.pa, *new_perms, old.type, level, global()));
      if (new_perms->user) {
        const ktl::uint64_t first = leaf.offset > offset ? leaf.offset : offset;
        const ktl::uint64_t last = leaf.offset + leaf.size < offset + size ? leaf.offset + leaf.size : offset + size;
        if (forbidden_for_user(old.pa + (first - leaf.offset), last - first)) return err(MmError::Forbidden);
      }
    }
    at = leaf.offset + leaf.size;
  }
  return splits;
}

void PageTable::split_block(const Leaf& leaf, PhysAddr table_pa) {
  // The level-3 table maps the same 2 MiB with the same attributes, page by page (D8.3: block and page
  // descriptors share the attribute fields).
  ktl::uint64_t* pages = table(table_pa);
  const PhysAddr block_pa = leaf.desc & desc::kBlockAddressMask;
  const ktl::uint64_t attributes = leaf.desc & desc::kLeafAttributes;
  for (ktl::uint64_t i = 0; i < kEntriesPerTable; ++i)
    pages[i] = (block_pa + i * kPageSize) | attributes | desc::kTableOrPage | desc::kValid;
  tlb_->table_written(pages, kPageSize);
  // Break-before-make (D8.16.1): the block size changes, so the old entry must be invalid and its TLB
  // entries gone everywhere before the table descriptor appears.
  store(leaf.slot, 0);
  tlb_->invalidate_va(va_of(leaf.offset), asid_, false);
  tlb_->sync();
  store(leaf.slot, encode_table(table_pa));
}

Result<void, MmError> PageTable::change(VirtAddr va, ktl::uint64_t size, const Perms* new_perms) {
  const ktl::uint64_t offset = BRAMBLE_TRY(check_range(va, size));
  if (new_perms != nullptr && new_perms->user && half_ == Half::Kernel) return err(MmError::InvalidPermissions);
  const unsigned splits = BRAMBLE_TRY(prepare_change(offset, size, new_perms));
  PhysAddr spare[2] = {0, 0}; // a page-aligned range sticks out of at most its first and last block
  for (unsigned i = 0; i < splits; ++i) {
    auto t = new_table();
    if (!t) {
      for (unsigned j = 0; j < i; ++j) {
        tables_->free_table(spare[j]);
        --table_count_;
      }
      return err(t.error());
    }
    spare[i] = *t;
  }

  unsigned used = 0;
  for (ktl::uint64_t at = offset; at < offset + size;) {
    const Leaf leaf = lookup(at);
    if (leaf.offset < offset || leaf.offset + leaf.size > offset + size) {
      split_block(leaf, spare[used++]);
      continue; // look again: now a page
    }
    if (new_perms == nullptr) {
      store(leaf.slot, 0);
    } else {
      const LeafLevel level = leaf.level == 2 ? LeafLevel::Block2M : LeafLevel::Page4K;
      const DecodedLeaf old = decode_leaf(leaf.desc, level);
      const ktl::uint64_t updated = encode_leaf(old.pa, *new_perms, old.type, level, global()).value();
      if (updated == leaf.desc) {
        at = leaf.offset + leaf.size;
        continue;
      }
      // Only AP/PXN/UXN change (same output address, type and size): no break needed (D8.16.1), but
      // the old permissions may be cached until the TLB entry is invalidated.
      store(leaf.slot, updated);
    }
    tlb_->invalidate_va(va_of(leaf.offset), asid_, true);
    at = leaf.offset + leaf.size;
  }
  tlb_->sync();
  return {};
}

Result<void, MmError> PageTable::unmap(VirtAddr va, ktl::uint64_t size) {
  const ktl::uint64_t offset = BRAMBLE_TRY(check_range(va, size));
  BRAMBLE_TRY_VOID(change(va, size, nullptr));
  prune(offset, size);
  return {};
}

void PageTable::free_empty_table(ktl::uint64_t* slot, ktl::uint64_t offset) {
  const PhysAddr pa = *slot & desc::kAddressMask;
  // The walk caches may hold the table descriptor (D8.16: a non-last-level invalidation removes them)
  // and the walker may still read the table until the invalidation completes: only then reuse it.
  store(slot, 0);
  tlb_->invalidate_va(va_of(offset), asid_, false);
  tlb_->sync();
  tables_->free_table(pa);
  --table_count_;
}

void PageTable::prune(ktl::uint64_t offset, ktl::uint64_t size) {
  constexpr ktl::uint64_t kL1Span = ktl::uint64_t{1} << kL1Shift;
  const auto empty = [](const ktl::uint64_t* t) {
    for (ktl::uint64_t i = 0; i < kEntriesPerTable; ++i)
      if (t[i] != 0) return false;
    return true;
  };
  ktl::uint64_t* l1 = table(root_);
  for (ktl::uint64_t top = align_down(offset, kL1Span); top < offset + size; top += kL1Span) {
    ktl::uint64_t* l1_slot = &l1[index_at(top, kL1Shift)];
    if (!is_table(*l1_slot)) continue;
    ktl::uint64_t* l2 = table(*l1_slot & desc::kAddressMask);
    const ktl::uint64_t first = top > offset ? top : align_down(offset, kBlockSize);
    const ktl::uint64_t last = top + kL1Span < offset + size ? top + kL1Span : offset + size;
    for (ktl::uint64_t at = first; at < last; at += kBlockSize) {
      ktl::uint64_t* l2_slot = &l2[index_at(at, kL2Shift)];
      if (is_table(*l2_slot) && empty(table(*l2_slot & desc::kAddressMask))) free_empty_table(l2_slot, at);
    }
    if (empty(l2)) free_empty_table(l1_slot, top);
  }
}

Result<void, MmError> PageTable::protect(VirtAddr va, ktl::uint64_t size, Perms perms) {
  return change(va, size, &perms);
}

Result<Translation, MmError> PageTable::translate(VirtAddr va) const {
  const ktl::uint64_t offset = BRAMBLE_TRY(check_range(align_down(va, kPageSize), kPageSize));
  const Leaf leaf = lookup(offset);
  if (!is_mapped(leaf)) return err(MmError::NotMapped);
  const LeafLevel level = leaf.level == 2 ? LeafLevel::Block2M : LeafLevel::Page4K;
  const DecodedLeaf d = decode_leaf(leaf.desc, level);
  return Translation{d.pa + ((va - base()) - leaf.offset), d.perms, d.type, level == LeafLevel::Block2M};
}

void PageTable::destroy() {
  if (root_ == 0) return;
  // Walk caches may hold pointers into these tables: invalidate before the frames can be reused.
  if (half_ == Half::Kernel)
    tlb_->invalidate_all();
  else
    tlb_->invalidate_asid(asid_);
  tlb_->sync();
  ktl::uint64_t* l1 = table(root_);
  for (ktl::uint64_t i = 0; i < kEntriesPerTable; ++i) {
    if (!is_table(l1[i])) continue;
    const PhysAddr l2_pa = l1[i] & desc::kAddressMask;
    ktl::uint64_t* l2 = table(l2_pa);
    for (ktl::uint64_t j = 0; j < kEntriesPerTable; ++j) {
      if (is_table(l2[j])) tables_->free_table(l2[j] & desc::kAddressMask);
    }
    tables_->free_table(l2_pa);
  }
  tables_->free_table(root_);
  root_ = 0;
  table_count_ = 0;
}

} // namespace bramble::mm
