#include "kernel/cap/cap_ops.hpp"

#include "kernel/cap/links.hpp"

namespace bramble::cap {

Result<DeriveOp> decode_derive(Capability& source, Capability& destination, ktl::uint64_t rights, ktl::uint64_t badge) {
  const CapType type = source.type();
  if ((rights & ~ktl::uint64_t{abi::valid_rights(type)}) != 0) return err(Error::InvalidRights);
  const auto narrowed = static_cast<Rights>(rights);
  if (!source.has_rights(narrowed)) return err(Error::InsufficientRights);
  Badge new_badge = source.badge();
  if (badge != abi::kNoBadge) {
    if (!abi::type_has_badge(type)) return err(Error::InvalidBadge);
    if (source.badge() != abi::kNoBadge) return err(Error::AlreadyBadged);
    if (type == CapType::ShmemRegistry && !abi::registry_badge_valid(badge)) return err(Error::InvalidBadge);
    new_badge = badge;
  }
  return DeriveOp{&source, &destination, narrowed, new_badge};
}

Result<DeriveOp> decode_copy(CapTable& table, ktl::uint64_t source, ktl::uint64_t destination) {
  Capability* src = BRAMBLE_TRY(table.occupied(source));
  Capability* dst = BRAMBLE_TRY(table.vacant(destination));
  return DeriveOp{src, dst, src->rights(), src->badge()};
}

Result<DeriveOp> decode_mint(CapTable& table, ktl::uint64_t source, ktl::uint64_t destination, ktl::uint64_t rights,
                             ktl::uint64_t badge) {
  Capability* src = BRAMBLE_TRY(table.occupied(source));
  Capability* dst = BRAMBLE_TRY(table.vacant(destination));
  return decode_derive(*src, *dst, rights, badge);
}

Result<DeriveOp> decode_insert(CapTable& from, ktl::uint64_t source, CapTable& to, ktl::uint64_t destination,
                               ktl::uint64_t rights, ktl::uint64_t badge) {
  Capability* src = BRAMBLE_TRY(from.occupied(source));
  if (!src->has_rights(abi::kRightGrant)) return err(Error::InsufficientRights);
  Capability* dst = BRAMBLE_TRY(to.vacant(destination));
  return decode_derive(*src, *dst, rights, badge);
}

void invoke_derive(const DeriveOp& op) {
  Links::fill(*op.destination, *op.source->object(), op.rights, op.badge, op.source);
}

Result<MoveOp> decode_move(CapTable& from, ktl::uint64_t source, CapTable& to, ktl::uint64_t destination) {
  Capability* src = BRAMBLE_TRY(from.occupied(source));
  Capability* dst = BRAMBLE_TRY(to.vacant(destination));
  return MoveOp{src, dst};
}

void invoke_move(const MoveOp& op) { Links::relocate(*op.source, *op.destination); }

Result<DeleteOp> decode_delete(CapTable& table, ktl::uint64_t slot) {
  Capability* target = BRAMBLE_TRY(table.occupied(slot));
  return DeleteOp{target};
}

void invoke_delete(const DeleteOp& op) {
  // Everything derived from the capability goes first (the revoke walk), then the capability. So
  // every capability to an object descends from the one its creator was given, and the object dies
  // when that line of ownership ends: nothing can be kept alive only by copies that nobody can reach
  // (a task holding the last capability to itself), which re-parenting allowed.
  (void)invoke_revoke(RevokeOp{op.target});
  Links::release(*op.target);
}

Result<RevokeOp> decode_revoke(CapTable& table, ktl::uint64_t slot) {
  Capability* target = BRAMBLE_TRY(table.occupied(slot));
  return RevokeOp{target};
}

// Post-order walk of the subtree below the target: every node is a leaf by the time it is deleted,
// so nothing is re-parented, nothing recurses (the kernel stack stays flat however deep the tree),
// and the walk costs O(descendants).
ktl::uint64_t invoke_revoke(const RevokeOp& op) {
  Capability& root = *op.target;
  ktl::uint64_t deleted = 0;
  Capability* first = Links::first_child(root);
  if (first == nullptr) return 0;
  Capability* node = Links::leftmost_leaf(*first);
  while (node != &root) {
    Capability* const next = Links::post_order_next(*node);
    Links::release(*node);
    ++deleted;
    node = next;
  }
  return deleted;
}

Result<InstallOp> decode_install(CapTable& table, ktl::uint64_t slot, KernelObject& object) {
  Capability* dst = BRAMBLE_TRY(table.vacant(slot));
  return InstallOp{dst, &object};
}

Result<InstallOp> decode_install_free(CapTable& table, KernelObject& object) {
  Capability* dst = BRAMBLE_TRY(table.find_free());
  return InstallOp{dst, &object};
}

void invoke_install(const InstallOp& op) {
  const Rights rights = op.rights == kEveryRight ? abi::valid_rights(op.object->type()) : op.rights;
  Links::fill(*op.destination, *op.object, rights, op.badge, op.parent);
}

namespace {
bool in_any(std::span<const CapTable* const> tables, const Capability* cap) {
  for (const CapTable* table : tables) {
    if (table->contains(cap)) return true;
  }
  return false;
}
} // namespace

// The walk visits only the owner's own slots before it stops (each at most once: the tree has no
// cycles), so it costs at most the owner's table sizes.
InstallOp decode_copy_outliving(Capability& source, Capability& destination, std::span<const CapTable* const> owned) {
  Capability* parent = &source;
  for (Capability* a = Links::parent(source); a != nullptr; a = Links::parent(*a)) {
    if (!in_any(owned, a)) {
      parent = a;
      break;
    }
  }
  return InstallOp{&destination, source.object(), parent, source.rights(), source.badge()};
}

void cap_table_clear(CapTable& table) {
  for (ktl::uint64_t i = 1; i < table.size(); ++i) {
    Result<DeleteOp> op = decode_delete(table, i);
    if (op.ok()) invoke_delete(op.value());
  }
}

} // namespace bramble::cap
