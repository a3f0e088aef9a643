// CapTable: a task's capability table, a fixed array of slots in storage the kernel provides (the
// kernel has no heap: a table of N slots needs N * 64 bytes, e.g. one 4 KiB frame for 64 slots).
// Slot 0 is the null slot: it is never filled, so 0 can mean "no capability" in system calls.
//
// The table only finds slots and checks them; the operations that change slots (copy, mint, move,
// delete, revoke, install) are in cap_ops.hpp.
#pragma once

#include "kernel/abi/errors.hpp"
#include "kernel/cap/capability.hpp"
#include "lib/ktl.hpp"
#include "lib/result.hpp"

namespace bramble::cap {

using abi::Error;
template <typename T> using Result = bramble::Result<T, Error>;

class CapTable {
public:
  // Takes the storage and empties every slot. storage.size() >= 1 (the null slot).
  explicit CapTable(std::span<Capability> storage);
  CapTable(const CapTable&) = delete;
  CapTable& operator=(const CapTable&) = delete;

  // Number of slots, the null slot included (valid indices are 1 .. size()-1).
  [[nodiscard]] ktl::uint64_t size() const { return slots_.size(); }
  [[nodiscard]] ktl::uint64_t used() const;

  // Checks, in the order a system call reports them: InvalidSlot (0 or out of range), then
  // EmptySlot / SlotOccupied, then WrongType, then InsufficientRights.
  // slot(), occupied() and lookup() are inline: every system call that names a capability starts with them.
  [[nodiscard]] Result<Capability*> slot(ktl::uint64_t index) {
    if (index == abi::kNullSlot || index >= slots_.size()) return err(Error::InvalidSlot);
    return &slots_[index];
  }
  [[nodiscard]] Result<Capability*> occupied(ktl::uint64_t index) {
    Capability* cap = BRAMBLE_TRY(slot(index));
    if (cap->empty()) return err(Error::EmptySlot);
    return cap;
  }
  [[nodiscard]] Result<Capability*> vacant(ktl::uint64_t index);
  // Inline as well: signal and wait, the calls a round trip is made of, are little else.
  [[nodiscard]] Result<Capability*> lookup(ktl::uint64_t index, CapType type, Rights needed) {
    Capability* cap = BRAMBLE_TRY(occupied(index));
    if (cap->type() != type) return err(Error::WrongType);
    if (!cap->has_rights(needed)) return err(Error::InsufficientRights);
    return cap;
  }

  // The lowest free slot that is not `except` (TableFull if there is none).
  [[nodiscard]] Result<Capability*> find_free(const Capability* except = nullptr);

  [[nodiscard]] bool contains(const Capability* cap) const;
  // The index of a slot of this table (precondition: contains(cap)).
  [[nodiscard]] ktl::uint64_t index_of(const Capability* cap) const;
  [[nodiscard]] const Capability& at(ktl::uint64_t index) const { return slots_[index]; }
  [[nodiscard]] std::span<const Capability> slots() const { return slots_; }

private:
  std::span<Capability> slots_;
};

} // namespace bramble::cap
