#include "kernel/cap/invariants.hpp"

namespace bramble::cap {
namespace {

class Checker {
public:
  explicit Checker(std::span<const CapTable* const> tables) : tables_(tables) {
    for (const CapTable* table : tables_)
      total_ += table->size();
  }

  [[nodiscard]] InvariantReport run() const {
    for (const CapTable* table : tables_) {
      if (table->size() == 0) return fail("a table has no null slot", nullptr);
      for (ktl::uint64_t i = 0; i < table->size(); ++i) {
        const Capability& cap = table->at(i);
        InvariantReport r = (i == 0 || cap.empty()) ? check_empty(cap) : check_live(cap);
        if (!r.ok()) return r;
      }
    }
    return {};
  }

private:
  static InvariantReport fail(const char* what, const Capability* where) { return {what, where}; }

  [[nodiscard]] bool is_live(const Capability* cap) const {
    for (const CapTable* table : tables_) {
      if (table->contains(cap)) return table->index_of(cap) != 0 && !cap->empty();
    }
    return false;
  }

  static InvariantReport check_empty(const Capability& cap) {
    if (!cap.empty()) return fail("the null slot holds a capability", &cap);
    if (cap.parent() != nullptr || cap.first_child() != nullptr || cap.next_sibling() != nullptr ||
        cap.prev_sibling() != nullptr || cap.rights() != 0 || cap.badge() != abi::kNoBadge || cap.kernel_word() != 0) {
      return fail("an empty slot is not all-zero", &cap);
    }
    return {};
  }

  [[nodiscard]] InvariantReport check_live(const Capability& cap) const {
    const CapType type = cap.type();
    if (type == CapType::Null || static_cast<ktl::uint8_t>(type) >= abi::kCapTypeCount) {
      return fail("a capability points at an object with an invalid type", &cap);
    }
    if (!abi::rights_subset(cap.rights(), abi::valid_rights(type))) return fail("rights its type does not use", &cap);
    if (cap.badge() != abi::kNoBadge && !abi::type_has_badge(type)) return fail("a badge on an unbadged type", &cap);
    InvariantReport r = check_parent(cap);
    if (r.ok()) r = check_siblings(cap);
    if (r.ok()) r = check_children(cap);
    if (r.ok()) r = check_count(cap);
    return r;
  }

  [[nodiscard]] InvariantReport check_parent(const Capability& cap) const {
    const Capability* parent = cap.parent();
    if (parent == nullptr) return {};
    if (!is_live(parent)) return fail("the parent is not a live capability", &cap);
    // An object made through a memory capability hangs below it (cap_ops.hpp, InstallOp): a child of
    // another object is allowed only there, and its rights are its own type's, not the quota's.
    const bool made_from_quota = parent->object() != cap.object() && parent->type() == CapType::Memory;
    if (parent->object() != cap.object() && !made_from_quota) {
      return fail("a child points at another object than its parent", &cap);
    }
    if (!made_from_quota && !abi::rights_subset(cap.rights(), parent->rights())) {
      return fail("a child has a right its parent lacks", &cap);
    }
    if (!made_from_quota && parent->badge() != abi::kNoBadge && cap.badge() != parent->badge()) {
      return fail("a child lost its parent's badge", &cap);
    }
    ktl::uint64_t steps = 0;
    bool listed = false;
    for (const Capability* c = parent->first_child(); c != nullptr && steps <= total_; c = c->next_sibling(), ++steps) {
      listed = listed || (c == &cap);
    }
    if (steps > total_) return fail("a child list has a cycle", parent);
    if (!listed) return fail("a parent does not list its child", &cap);
    steps = 0;
    for (const Capability* a = parent; a != nullptr; a = a->parent()) {
      if (a == &cap || ++steps > total_) return fail("a parent chain has a cycle", &cap);
    }
    return {};
  }

  [[nodiscard]] InvariantReport check_siblings(const Capability& cap) const {
    const Capability* prev = cap.prev_sibling();
    const Capability* next = cap.next_sibling();
    if (cap.parent() == nullptr) {
      if (prev != nullptr || next != nullptr) return fail("a root has siblings", &cap);
      return {};
    }
    if (prev == nullptr && cap.parent()->first_child() != &cap) return fail("a first child is not its parent's", &cap);
    if (prev != nullptr && (!is_live(prev) || prev->next_sibling() != &cap || prev->parent() != cap.parent())) {
      return fail("a previous-sibling link is not mutual", &cap);
    }
    if (next != nullptr && (!is_live(next) || next->prev_sibling() != &cap || next->parent() != cap.parent())) {
      return fail("a next-sibling link is not mutual", &cap);
    }
    return {};
  }

  [[nodiscard]] InvariantReport check_children(const Capability& cap) const {
    const Capability* child = cap.first_child();
    if (child == nullptr) return {};
    if (!is_live(child)) return fail("the first child is not a live capability", &cap);
    if (child->parent() != &cap || child->prev_sibling() != nullptr)
      return fail("a first-child link is not mutual", &cap);
    return {};
  }

  [[nodiscard]] InvariantReport check_count(const Capability& cap) const {
    ktl::uint64_t count = 0;
    for (const CapTable* table : tables_) {
      for (const Capability& other : table->slots())
        count += (other.object() == cap.object()) ? 1u : 0u;
    }
    if (count != cap.object()->cap_count()) return fail("an object's capability count is wrong", &cap);
    return {};
  }

  std::span<const CapTable* const> tables_;
  ktl::uint64_t total_ = 0;
};

} // namespace

InvariantReport check_invariants(std::span<const CapTable* const> tables) { return Checker(tables).run(); }

} // namespace bramble::cap
