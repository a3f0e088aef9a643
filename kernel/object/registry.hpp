// The shared-memory registry behind ShmemRegistry capabilities (shmem_register / shmem_query,
// docs/syscalls.md): a producer publishes a frame and a notification under a 64-bit name, a consumer
// looks the name up and receives copies. Access is checked, not open to every task: the
// registry capability's badge says which names its holder may use (abi::registry_name_permitted).
//
// The registry keeps its own copies of the published capabilities, and they must outlive the
// producer (a consumer of a channel must not fault because its producer ended) without escaping
// whoever gave the producer its resources. So each copy is a child of the nearest ancestor of the
// published capability that is not in one of the producer's tables (cap_ops.hpp,
// decode_copy_outliving): for a component that memory is, in the end, the capability its parent
// inserted into it. The producer ending, or revoking or deleting its own capabilities, then leaves
// the entry alone; revoking or deleting that ancestor (e.g. the broker's sub-quota capability the
// producer's memory came from) withdraws the entry and every copy handed out, and frees the memory.
// When every ancestor is the producer's (the root task's own boot capabilities) the copies are
// children of the published capabilities, so the producer's revoke, delete or end withdraws them.
// An entry lives while both copies live; sweep() frees the rest.
//
// Each entry is a kernel record charged to the registering task's quota (records.hpp), so the
// number of names a component can hold is bounded by its own memory and nobody can fill the
// registry for the others. The record stays charged until the entry is withdrawn, also after the
// registrant ended.
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
  // `payer` (QuotaExceeded, OutOfMemory). Decode has checked the capabilities (a RAM frame, Grant
  // on both). `registrant` is every table of the registering task: the copies do not hang below
  // its capabilities (see above).
  [[nodiscard]] cap::Result<void> publish(std::uint64_t name, cap::Capability& frame, cap::Capability& notification,
                                          cap::MemoryQuota& payer, std::span<const cap::CapTable* const> registrant);
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
