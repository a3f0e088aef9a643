// Fake kernel objects for the capability tests: they record the hooks the capability layer calls
// (deletions, moves, destruction) so a test can check that the right ones ran, and how often.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"
#include "kernel/cap/memory_quota.hpp"
#include "kernel/cap/objects.hpp"

namespace bramble::cap::test {

struct HookLog {
  int deleted = 0;   // on_capability_deleted calls
  int moved = 0;     // on_capability_moved calls
  int destroyed = 0; // on_last_capability_deleted calls
};

class FakeObject final : public KernelObject {
public:
  explicit FakeObject(CapType type) : KernelObject(type) {}
  void on_capability_deleted(const Capability& cap) override {
    ++log.deleted;
    last_deleted_badge = cap.badge();
  }
  void on_capability_moved(const Capability& from, const Capability& to) override {
    ++log.moved;
    moved_from_empty = from.empty();
    moved_to_live = (to.object() == this);
  }
  void on_last_capability_deleted() override { ++log.destroyed; }

  HookLog log;
  Badge last_deleted_badge = 0;
  bool moved_from_empty = false;
  bool moved_to_live = false;
};

class FakeQuota final : public MemoryQuota {
public:
  explicit FakeQuota(std::uint64_t limit, MemoryQuota* parent = nullptr) : MemoryQuota(limit, parent) {}
  int reclaims = 0;

private:
  void on_reclaimable() override { ++reclaims; }
};

// A frame whose destruction refunds its quota, as the kernel's will.
class FakeFrame final : public FrameObject {
public:
  FakeFrame(std::uint64_t phys, std::uint64_t size, MemoryQuota* quota, bool device = false)
      : FrameObject(phys, size, quota, device) {}
  void on_last_capability_deleted() override {
    ++destroyed;
    if (quota() != nullptr) quota()->refund(size());
  }
  int destroyed = 0;
};

// A task with its own table storage.
template <std::size_t N> class FakeTask final : public TaskObject {
public:
  explicit FakeTask(std::uint64_t priority = 1) : TaskObject(table, priority) {}
  void on_last_capability_deleted() override { ++destroyed; }
  std::array<Capability, N> storage{};
  CapTable table{storage};
  int destroyed = 0;
};

// A table with its own storage.
template <std::size_t N> struct OwnedTable {
  std::array<Capability, N> storage{};
  CapTable table{storage};
};

} // namespace bramble::cap::test
