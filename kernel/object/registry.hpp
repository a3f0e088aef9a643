// The shared-memory registry behind ShmemRegistry capabilities (the seed's SYS_SHMEM_REGISTER /
// SYS_SHMEM_QUERY): a producer publishes a frame and a notification under a 64-bit name, a consumer
// looks the name up and receives copies. Unlike the seed's registry, access is checked: the
// registry capability's badge says which names its holder may use (abi::registry_name_permitted).
//
// The registry keeps its own copies of the published capabilities, derived from the producer's, so
// revoking the producer's capabilities (or the producer dying) withdraws the entry by itself.
#pragma once

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"

namespace bramble::kobj {

class ShmemRegistry final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::ShmemRegistry;
  static constexpr std::size_t kEntries = 128;

  ShmemRegistry();
  ~ShmemRegistry() = default;
  void on_last_capability_deleted() override {} // the kernel's singleton lives for ever

  // Checks (NameExists, OutOfMemory when full), then publishes copies of frame and notification.
  [[nodiscard]] cap::Result<void> publish(std::uint64_t name, cap::Capability& frame, cap::Capability& notification);
  // Copies of the entry's capabilities into the two destinations (NameNotFound).
  [[nodiscard]] cap::Result<void> lookup(std::uint64_t name, cap::Capability& frame_destination,
                                         cap::Capability& notification_destination);
  [[nodiscard]] std::size_t live_entries() const;
  // Deletes the remaining copy of every withdrawn entry (its frame or notification copy was revoked
  // or died with its producer), so the registry keeps nothing alive that nobody can reach. Runs
  // after each operation (capability hooks may not call capability operations).
  void sweep();
  [[nodiscard]] const cap::CapTable& table() const { return table_; }

private:
  [[nodiscard]] bool live(std::size_t entry) const;

  std::uint64_t names_[kEntries] = {};
  cap::Capability storage_[2 * kEntries + 1] = {}; // entry i: frame at 2i+1, notification at 2i+2
  cap::CapTable table_;
};

// The kernel's singletons.
[[nodiscard]] ShmemRegistry& registry();

class TaskCreateAuthority final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::TaskCreate;
  TaskCreateAuthority() : KernelObject(kType) {}
  ~TaskCreateAuthority() = default;
  void on_last_capability_deleted() override {}
};
[[nodiscard]] TaskCreateAuthority& task_create_authority();

} // namespace bramble::kobj
