// The capability operations, each split seL4-style into a decode step that checks everything and
// changes nothing, and an invoke step that cannot fail. A system call handler (or the kernel itself)
// decodes, may do further checks of its own, and only then invokes. An op's pointers stay valid until
// the next change to any table, so decode and invoke run back to back.
//
// Rules (docs/syscalls.md gives the user's view):
// - copy: a child of the source with the same rights and badge.
// - mint: a child with rights that are a subset of the source's, and optionally a badge, which may be
//   set only when the source is unbadged and the type has badges; badge 0 keeps the source's.
// - insert: a mint into another table (or the same); the source needs the Grant right.
// - move: the capability changes slot (within or between tables) and keeps its place in the tree.
// - delete: the capability goes, and with it everything derived from it (a revoke, then the
//   capability itself). Deleting an object's last capability destroys the object. (An earlier rule
//   re-parented children; the EL0 syscall fuzzer showed it lets a task hold the only capability to
//   itself, an object no one can ever reach or destroy.)
// - revoke: deletes every capability derived from the given one, transitively, in every table; the
//   given one stays. Revoke never destroys the object (the given capability still points at it),
//   but each deleted capability's on_capability_deleted hook runs (mappings made through it go).
// Errors are checked in argument order: source slot, destination slot, rights, badge.
#pragma once

#include "kernel/cap/cap_table.hpp"

namespace bramble::cap {

struct DeriveOp {
  Capability* source;
  Capability* destination;
  Rights rights;
  Badge badge;
};
[[nodiscard]] Result<DeriveOp> decode_copy(CapTable& table, ktl::uint64_t source, ktl::uint64_t destination);
[[nodiscard]] Result<DeriveOp> decode_mint(CapTable& table, ktl::uint64_t source, ktl::uint64_t destination,
                                           ktl::uint64_t rights, ktl::uint64_t badge);
[[nodiscard]] Result<DeriveOp> decode_insert(CapTable& from, ktl::uint64_t source, CapTable& to,
                                             ktl::uint64_t destination, ktl::uint64_t rights, ktl::uint64_t badge);
// Mint checks on an already-found source capability (shared by decode_mint and decode_insert).
[[nodiscard]] Result<DeriveOp> decode_derive(Capability& source, Capability& destination, ktl::uint64_t rights,
                                             ktl::uint64_t badge);
void invoke_derive(const DeriveOp& op);

struct MoveOp {
  Capability* source;
  Capability* destination;
};
[[nodiscard]] Result<MoveOp> decode_move(CapTable& from, ktl::uint64_t source, CapTable& to, ktl::uint64_t destination);
void invoke_move(const MoveOp& op);

struct DeleteOp {
  Capability* target;
};
[[nodiscard]] Result<DeleteOp> decode_delete(CapTable& table, ktl::uint64_t slot);
void invoke_delete(const DeleteOp& op);

struct RevokeOp {
  Capability* target;
};
[[nodiscard]] Result<RevokeOp> decode_revoke(CapTable& table, ktl::uint64_t slot);
// Returns how many capabilities were deleted.
ktl::uint64_t invoke_revoke(const RevokeOp& op);

// InstallOp's rights for the first capability to a new object: every right the object's type uses.
inline constexpr Rights kEveryRight = ~Rights{0};

// The first capability to a new object (memory_allocate, notification_create, task_create,
// memory_split, boot) with every right the type uses. An object made through a memory capability
// (the quota that pays for it) is installed as that capability's child, as seL4 makes retyped
// objects children of their untyped capability: revoking or deleting the memory capability then
// destroys everything made through it. Objects the kernel makes at boot are roots (parent nullptr).
struct InstallOp {
  Capability* destination;
  KernelObject* object;
  Capability* parent = nullptr; // a Memory capability, or nullptr; or see decode_copy_outliving
  Rights rights = kEveryRight;
  Badge badge = abi::kNoBadge;
};
[[nodiscard]] Result<InstallOp> decode_install(CapTable& table, ktl::uint64_t slot, KernelObject& object);
// The same into the lowest free slot (TableFull if there is none).
[[nodiscard]] Result<InstallOp> decode_install_free(CapTable& table, KernelObject& object);
void invoke_install(const InstallOp& op);

// A copy of `source` (its object, rights and badge) for a holder that must not depend on the tables
// in `owned` (the registry's copy of what a task publishes: it must outlive the publisher's table).
// The copy is installed as a child of source's nearest ancestor outside those tables, so whoever
// gave the owner what source came from can still take it back by revoking; the owner's own
// capabilities between that ancestor and source no longer reach the copy. That ancestor is either
// a capability to the same object (derivation keeps the object) or the memory capability the
// object was made through, the shape InstallOp already gives a new object. With no such ancestor
// (every ancestor is the owner's, or source is a root) the copy is a child of source itself, as a
// plain copy would be. Cannot fail: `destination` is a vacant slot the caller found.
[[nodiscard]] InstallOp decode_copy_outliving(Capability& source, Capability& destination,
                                              std::span<const CapTable* const> owned);

// Deletes every capability in the table (task teardown). Cannot fail.
void cap_table_clear(CapTable& table);

} // namespace bramble::cap
