// Frames: physically contiguous memory behind Frame capabilities, and the mappings made through them.
//
// As in seL4, a mapping belongs to the capability it was made through: a capability maps its frame
// at most once (a second memory_map through it is AlreadyMapped: copy the capability to map a frame
// twice), and deleting or revoking that capability removes the mapping. The capability's kernel word
// holds its mapping's record number (1-based; 0 = not mapped).
#pragma once

#include "kernel/cap/objects.hpp"
#include "lib/result.hpp"
#include "mm/types.hpp"

namespace bramble::kobj {

class Task;

class Frame final : public cap::FrameObject {
public:
  Frame(mm::PhysAddr pa, unsigned order, std::uint64_t size, cap::MemoryQuota* quota, std::uint64_t charged,
        bool device = false, bool console = false)
      : FrameObject(pa, size, quota), order_(order), charged_(charged), device_(device), console_(console) {}
  ~Frame() = default;

  // memory_allocate's invoke step: frames from the allocator, charged to the quota, the first
  // capability installed at `destination`. OutOfMemory when no block or no pool slot is free.
  [[nodiscard]] static cap::Result<Frame*> create(cap::MemoryQuota& quota, std::uint64_t size);
  // A frame over board MMIO (not from the allocator, never freed, mapped as Device memory). The
  // console UART's frame silences the kernel's console while it exists (the driver owns the UART).
  [[nodiscard]] static cap::Result<Frame*> create_device(mm::PhysAddr pa, std::uint64_t size, bool console);

  void on_capability_deleted(const cap::Capability& cap) override;
  void on_capability_moved(const cap::Capability& from, const cap::Capability& to) override;
  void on_last_capability_deleted() override;

  [[nodiscard]] unsigned order() const { return order_; }
  [[nodiscard]] bool device() const { return device_; }

private:
  unsigned order_;
  std::uint64_t charged_;
  bool device_;
  bool console_;
};

// The mapping made through one frame capability.
struct Mapping {
  Task* task = nullptr;
  std::uint64_t vaddr = 0;
  std::uint64_t size = 0;
  cap::Capability* cap = nullptr;
};

// Maps `cap`'s frame into `task` at vaddr and records it in the capability. Checks first (already
// mapped through this capability, range or overlap problems, no record free), then maps.
[[nodiscard]] cap::Result<void> map_frame(Task& task, cap::Capability& cap, std::uint64_t vaddr, abi::MapPerms perms);
// Removes the mapping of `task` that starts at vaddr (NotMapped if there is none).
[[nodiscard]] cap::Result<void> unmap_at(Task& task, std::uint64_t vaddr);
// A task is going away: forget its mappings (its address space is destroyed next).
void forget_mappings(Task& task);
[[nodiscard]] std::size_t frames_in_use();
[[nodiscard]] std::size_t mappings_in_use();

} // namespace bramble::kobj
