// The operations interface: everything the ChannelBroker asks of the kernel, and nothing else. The
// root task implements it with system calls (broker/syscall_ops.hpp); the host tests with a
// recording fake (tests/unit/broker/fake_kernel.hpp). It keeps the kernel's system-call vocabulary
// (memory_allocate, memory_map_into, notification_create, cap_insert_into) and adds what rollback and
// teardown need (unmap, delete = free, revoke), the two the broker's own bookkeeping needs (mint a
// copy with fewer rights, signal a notification), and memory_split for a self-service producer's
// budget.
//
// Every argument that names a capability is a slot of the broker's own table: no call takes a physical
// address or builds a capability from numbers (docs/security.md: no call takes a physical address).
#pragma once

#include <cstdint>

#include "kernel/abi/errors.hpp"
#include "kernel/abi/rights.hpp"
#include "lib/result.hpp"

namespace bramble::broker {

using Slot = std::uint64_t;
using KernelError = abi::Error;
template <typename T> using KResult = Result<T, KernelError>;

class KernelOps {
public:
  // Allocates `size` bytes (a page multiple) from the broker's memory quota; a frame capability with
  // every frame right, in a free slot of the broker's table.
  [[nodiscard]] virtual KResult<Slot> memory_allocate(std::uint64_t size) = 0;
  // Splits a sub-quota of `bytes` (a page multiple) off the broker's memory quota: a new Memory
  // capability with every Memory right, in a free slot. The broker's quota is charged `bytes` until
  // the sub-quota's last capability and the last thing allocated from it are gone.
  [[nodiscard]] virtual KResult<Slot> memory_split(std::uint64_t bytes) = 0;
  // Maps a frame into the broker itself / into a task the broker holds. The mapping belongs to `frame`:
  // deleting that capability removes it.
  [[nodiscard]] virtual KResult<void> memory_map(Slot frame, std::uint64_t vaddr, abi::MapPerms perms) = 0;
  [[nodiscard]] virtual KResult<void> memory_map_into(Slot task, Slot frame, std::uint64_t vaddr,
                                                      abi::MapPerms perms) = 0;
  [[nodiscard]] virtual KResult<void> memory_unmap(std::uint64_t vaddr) = 0;
  // A child of `source` with `rights` (a subset) and `badge` (0: keep), in a free slot.
  [[nodiscard]] virtual KResult<Slot> cap_mint(Slot source, abi::Rights rights, abi::Badge badge) = 0;
  [[nodiscard]] virtual KResult<Slot> notification_create() = 0;
  [[nodiscard]] virtual KResult<void> cap_insert_into(Slot task, Slot task_slot, Slot source, abi::Rights rights,
                                                      abi::Badge badge) = 0;
  // Deletes every capability derived from `slot` (in every table), then / or the capability itself.
  // Deleting a frame's last capability frees its memory.
  [[nodiscard]] virtual KResult<void> cap_revoke(Slot slot) = 0;
  [[nodiscard]] virtual KResult<void> cap_delete(Slot slot) = 0;
  [[nodiscard]] virtual KResult<void> signal(Slot notification) = 0;
  // Copies of what the shared-memory registry holds under `name`: a frame and a notification, in free
  // slots (the broker's own registry capability covers every name).
  struct Published {
    Slot frame;
    Slot notification;
  };
  [[nodiscard]] virtual KResult<Published> shmem_query(Slot registry, std::uint64_t name) = 0;
  // The size in bytes of the frame behind a capability with Audit (cap_info's fact0); 0 without Audit.
  [[nodiscard]] virtual KResult<std::uint64_t> frame_size(Slot frame) = 0;
  // Where the broker's own mapping at `vaddr` can be read and written (identity in the root task).
  [[nodiscard]] virtual void* local(std::uint64_t vaddr) = 0;
  // The audit clock: a number that only grows. The root task reads the generic timer's virtual count
  // (CNTVCT_EL0, readable at EL0 since the kernel sets CNTKCTL_EL1.EL0VCTEN); host fakes count calls.
  [[nodiscard]] virtual std::uint64_t now() = 0;

protected:
  KernelOps() = default;
  ~KernelOps() = default;
  KernelOps(const KernelOps&) = default;
  KernelOps& operator=(const KernelOps&) = default;
};

} // namespace bramble::broker
