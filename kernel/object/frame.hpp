// Frames: physically contiguous memory behind Frame capabilities, and the mappings made through them.
//
// As in seL4, a mapping belongs to the capability it was made through: a capability maps its frame
// at most once (a second memory_map through it is AlreadyMapped: copy the capability to map a frame
// twice), and deleting or revoking that capability removes the mapping. The capability's kernel word
// points at its mapping's record (0 = not mapped).
//
// Who pays: a frame's record (records.hpp) and its block are charged to the quota it was allocated
// from; a mapping's record and the page tables it needs to the quota of the task whose address space
// it is in (Task::quota), and both are refunded when the mapping goes.
#pragma once

#include "kernel/cap/objects.hpp"
#include "lib/result.hpp"
#include "mm/types.hpp"

namespace bramble::ktask {
class Task;
} // namespace bramble::ktask

namespace bramble::kobj {

class Frame final : public cap::FrameObject {
public:
  Frame(mm::PhysAddr pa, unsigned order, std::uint64_t size, cap::MemoryQuota* quota, std::uint64_t charged,
        bool device = false, bool console = false)
      : FrameObject(pa, size, quota, device), order_(order), charged_(charged), console_(console) {}
  ~Frame() = default;

  // memory_allocate's invoke step: a block from the frame allocator and the frame's record, both
  // charged to the quota (QuotaExceeded; OutOfMemory when the machine has no such block).
  [[nodiscard]] static cap::Result<Frame*> create(cap::MemoryQuota& quota, std::uint64_t size);
  // A frame over board MMIO (not from the allocator, never freed, mapped as Device memory). The
  // console UART's frame silences the kernel's console while it exists (the driver owns the UART).
  // Its record comes from a small kernel pool (kMaxDeviceFrames): only holders of the IrqControl
  // authority make them, and OutOfMemory tells them the pool is full.
  [[nodiscard]] static cap::Result<Frame*> create_device(mm::PhysAddr pa, std::uint64_t size, bool console);

  void on_capability_deleted(const cap::Capability& cap) override;
  void on_capability_moved(const cap::Capability& from, const cap::Capability& to) override;
  void on_last_capability_deleted() override;

  [[nodiscard]] unsigned order() const { return order_; }

private:
  unsigned order_;
  std::uint64_t charged_;
  bool console_;
};

// The mapping made through one frame capability; a record charged to the mapped task's quota, on the
// task's list of mappings (so unmap and the task's end find it without a global search).
struct Mapping {
  ktask::Task* task = nullptr;
  std::uint64_t vaddr = 0;
  std::uint64_t size = 0;
  cap::Capability* cap = nullptr;
  Mapping* next = nullptr;
  Mapping* prev = nullptr;
};

// memory_map's invoke step, after decode checked every argument: maps `cap`'s frame into `task` at
// vaddr and records it in the capability. AlreadyMapped when a page there is mapped; QuotaExceeded /
// OutOfMemory when the task's quota cannot pay for the record or the page tables.
[[nodiscard]] cap::Result<void> map_frame(ktask::Task& task, cap::Capability& cap, std::uint64_t vaddr,
                                          abi::MapPerms perms);
// Removes the mapping of `task` that starts at vaddr (NotMapped if there is none).
[[nodiscard]] cap::Result<void> unmap_at(ktask::Task& task, std::uint64_t vaddr);
// A task is going away: forget its mappings (its address space is destroyed next).
void forget_mappings(ktask::Task& task);
[[nodiscard]] std::size_t frames_in_use();
[[nodiscard]] std::size_t mappings_in_use();

} // namespace bramble::kobj
