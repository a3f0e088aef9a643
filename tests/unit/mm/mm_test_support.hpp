// Host stand-ins for what the kernel provides: a heap arena that plays physical RAM at a chosen
// physical base, a TlbOps that records every call (with the descriptor value written, so tests can
// check break-before-make order), a TableAllocator that records frees and can be told to fail, and an
// independent table walker written from the ARM ARM's layout.
#pragma once

#include "mm/frame_allocator.hpp"
#include "mm/page_table.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mm_test {

using namespace bramble::mm;

class Arena {
public:
  Arena(PhysAddr phys_base, std::size_t bytes)
      : phys_base_(phys_base), bytes_(bytes), memory_(static_cast<std::uint8_t*>(std::aligned_alloc(4096, bytes))) {
    std::memset(memory_, 0x5A, bytes); // not zero: zeroing must be the allocator's doing
  }
  ~Arena() { std::free(memory_); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  [[nodiscard]] PhysWindow window() const { return PhysWindow::for_arena(memory_, phys_base_); }
  [[nodiscard]] PhysRange range() const { return PhysRange{phys_base_, bytes_}; }
  [[nodiscard]] std::uint8_t* at(PhysAddr pa) const { return memory_ + (pa - phys_base_); }

private:
  PhysAddr phys_base_;
  std::size_t bytes_;
  std::uint8_t* memory_;
};

struct Event {
  enum Kind { Store, TableFill, InvalidateVa, InvalidateAsid, InvalidateAll, Sync, FreeTable } kind;
  const void* where = nullptr; // Store: the descriptor's address; TableFill: the table
  std::uint64_t value = 0;     // Store: the value now in memory; InvalidateVa: the VA; FreeTable: the PA
  std::uint16_t asid = 0;
  bool last_level = false;
};

class RecordingTlb final : public TlbOps {
public:
  void table_written(const void* table, std::size_t bytes) override {
    if (bytes == sizeof(std::uint64_t)) {
      std::uint64_t v;
      std::memcpy(&v, table, sizeof v);
      events.push_back({Event::Store, table, v});
    } else {
      events.push_back({Event::TableFill, table, bytes});
    }
  }
  void invalidate_va(VirtAddr va, std::uint16_t asid, bool last_level) override {
    events.push_back({Event::InvalidateVa, nullptr, va, asid, last_level});
  }
  void invalidate_asid(std::uint16_t asid) override { events.push_back({Event::InvalidateAsid, nullptr, 0, asid}); }
  void invalidate_all() override { events.push_back({Event::InvalidateAll}); }
  void sync() override { events.push_back({Event::Sync}); }

  std::vector<Event> events;
};

// Frames from a FrameAllocator; logs frees into the TLB recorder's event list; can fail on demand.
class TestTables final : public TableAllocator {
public:
  TestTables(FrameAllocator& frames, RecordingTlb& log) : frames_(&frames), log_(&log) {}
  [[nodiscard]] bramble::Result<PhysAddr, MmError> allocate_table() override {
    if (fail_after_ == 0) return bramble::err(MmError::OutOfMemory);
    if (fail_after_ > 0) --fail_after_;
    auto frame = frames_->allocate(0);
    if (frame) ++live;
    return frame;
  }
  void free_table(PhysAddr table) override {
    log_->events.push_back({Event::FreeTable, nullptr, table});
    if (frames_->free(table, 0)) --live;
  }
  void fail_after(long allocations) { fail_after_ = allocations; } // -1: never fail
  long live = 0;

private:
  FrameAllocator* frames_;
  RecordingTlb* log_;
  long fail_after_ = -1;
};

// An independent walk for a 39-bit, 4 KiB-granule tree (ARM ARM D8.3 layout): returns the raw leaf
// descriptor for va and the level it sits at (0 when the walk hits an invalid entry).
struct RawLeaf {
  std::uint64_t descriptor;
  int level;
  const std::uint64_t* slot;
};
inline RawLeaf raw_walk(PhysWindow window, PhysAddr root, VirtAddr va) {
  const std::uint64_t addr_mask = 0x0000'FFFF'FFFF'F000; // bits [47:12]
  const auto* l1 = window.to_virt<std::uint64_t>(root);
  const std::uint64_t d1 = l1[(va >> 30) & 0x1FF];
  if ((d1 & 0b11) != 0b11) return {d1, 0, &l1[(va >> 30) & 0x1FF]};
  const auto* l2 = window.to_virt<std::uint64_t>(d1 & addr_mask);
  const std::uint64_t d2 = l2[(va >> 21) & 0x1FF];
  if ((d2 & 0b11) == 0b01) return {d2, 2, &l2[(va >> 21) & 0x1FF]}; // block
  if ((d2 & 0b11) != 0b11) return {d2, 0, &l2[(va >> 21) & 0x1FF]};
  const auto* l3 = window.to_virt<std::uint64_t>(d2 & addr_mask);
  const std::uint64_t d3 = l3[(va >> 12) & 0x1FF];
  return {d3, (d3 & 0b11) == 0b11 ? 3 : 0, &l3[(va >> 12) & 0x1FF]};
}

// A page-table test bench: `mib` MiB of pretend RAM at `base`, a frame allocator over it.
struct Bench {
  explicit Bench(std::size_t mib = 16, PhysAddr base = 0x4000'0000)
      : ram{base, mib << 20}, arena(base, mib << 20),
        frames(FrameAllocator::create(std::span<const PhysRange>(&ram, 1), {}, arena.window()).value()),
        tables(frames, tlb) {}
  PhysRange ram;
  Arena arena;
  FrameAllocator frames;
  RecordingTlb tlb;
  TestTables tables;
};

} // namespace mm_test
