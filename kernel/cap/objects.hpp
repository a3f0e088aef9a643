// The facts the capability layer needs about frames and tasks, as abstract bases the kernel's real
// objects derive from (the kernel supplies the destroy hooks: unmapping, freeing pages, ending a
// task). Decoding a system call reads these facts (a frame's size for range checks, a task's table
// for cap_insert_into), and cap_info reports them.
#pragma once

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"
#include "kernel/cap/memory_quota.hpp"

namespace bramble::cap {

// Physically contiguous, page-aligned memory of `size` bytes, charged to `quota` (refunded by the
// kernel's destroy hook).
class FrameObject : public KernelObject {
public:
  static constexpr CapType kType = CapType::Frame;
  [[nodiscard]] ktl::uint64_t physical_address() const { return physical_address_; }
  [[nodiscard]] ktl::uint64_t size() const { return size_; }
  [[nodiscard]] MemoryQuota* quota() const { return quota_; }
  // Board MMIO rather than RAM: mapped as Device memory, never executable, never a ring.
  [[nodiscard]] bool device() const { return device_; }

protected:
  FrameObject(ktl::uint64_t physical_address, ktl::uint64_t size, MemoryQuota* quota, bool device = false)
      : KernelObject(kType), physical_address_(physical_address), size_(size), quota_(quota), device_(device) {}
  ~FrameObject() = default;

private:
  ktl::uint64_t physical_address_;
  ktl::uint64_t size_;
  MemoryQuota* quota_;
  bool device_;
};

// A task as the capability layer sees it: its table and priority. A task that has ended keeps its
// record (task_status) for as long as capabilities name it, but its table and address space are
// gone: alive() is false from the moment it ends, and every call that would reach into them returns
// InvalidState instead (decode checks alive() before it touches caps()).
class TaskObject : public KernelObject {
public:
  static constexpr CapType kType = CapType::Task;
  [[nodiscard]] bool alive() const { return caps_ != nullptr; }
  // Precondition: alive().
  [[nodiscard]] CapTable& caps() { return *caps_; }
  [[nodiscard]] const CapTable& caps() const { return *caps_; }
  [[nodiscard]] ktl::uint64_t priority() const { return priority_; }

protected:
  TaskObject(CapTable& caps, ktl::uint64_t priority) : KernelObject(kType), caps_(&caps), priority_(priority) {}
  ~TaskObject() = default;
  // The task has ended: nothing may reach its table any more (the kernel releases it later).
  void retire() { caps_ = nullptr; }

private:
  CapTable* caps_;
  ktl::uint64_t priority_;
};

} // namespace bramble::cap
