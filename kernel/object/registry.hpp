// The shared-memory registry behind ShmemRegistry capabilities (shmem_register / shmem_query,
// docs/syscalls.md): a producer publishes a frame and a notification under a 64-bit name, a consumer
// looks the name up and receives copies. Access is checked, not open to every task: the
// registry capability's badge says which names its holder may use (abi::registry_name_permitted).
//
// The registry keeps its own copies of the published capabilities, derived from the producer's, so
// revoking the producer's capabilities (or the producer dying) withdraws the entry by itself. Each
// entry is a kernel record charged to the registering task's quota (records.hpp), so the number of
// names a component can hold is bounded by its own memory and nobody can fill the registry for the
// others.
#pragma once

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"
#include "kernel/cap/memory_quota.hpp"

namespace bramble::kobj {

class ShmemRegistry final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::ShmemRegistry;

  ShmemRegistry() : KernelObject(kType) {}
  ~ShmemRegistry() = default;
  void on_last_capability_deleted() override {} // the kernel's singleton lives for ever

  // Checks (NameExists), then publishes copies of frame and notification in an entry charged to
  // `payer` (QuotaExceeded, OutOfMemory). Decode has checked the capabilities (a RAM frame).
  [[nodiscard]] cap::Result<void> publish(std::uint64_t name, cap::Capability& frame, cap::Capability& notification,
                                          cap::MemoryQuota& payer);
  // Copies of the entry's capabilities into the two destinations (NameNotFound).
  [[nodiscard]] cap::Result<void> lookup(std::uint64_t name, cap::Capability& frame_destination,
                                         cap::Capability& notification_destination);
  [[nodiscard]] std::size_t live_entries() const;
  // Deletes the remaining copy of every withdrawn entry (its frame or notification copy was revoked
  // or died with its producer) and frees the entry, so the registry keeps nothing alive that nobody
  // can reach. Runs after each operation (capability hooks may not call capability operations).
  void sweep();
  // Calls fn for each entry's table (the invariant checker needs every table).
  void for_each_table(void (*fn)(const cap::CapTable&, void*), void* context) const;

  struct Entry;

private:
  Entry* first_ = nullptr;
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
