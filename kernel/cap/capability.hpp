// Capability: one slot of a capability table. A plain, fixed-size record so a table can live in a
// frame the kernel allocated: an all-zero slot is an empty one, and 64 slots fill a 4 KiB page.
//
// Each capability is a node of the derivation tree (seL4's "capability derivation tree", kept here as
// an intrusive tree rather than seL4's ordered list): it points at the capability it was copied or
// minted from (parent), and at its first child; siblings form a doubly linked list so a node can be
// unlinked in O(1). Derivation keeps the object, so a parent and its children point at the same one.
// Only the operations in kernel/cap change these fields.
#pragma once

#include "kernel/abi/rights.hpp"
#include "kernel/cap/kernel_object.hpp"
#include "lib/ktl.hpp"

namespace bramble::cap {

using abi::Badge;
using abi::Rights;

class Capability {
public:
  constexpr Capability() = default;

  [[nodiscard]] bool empty() const { return object_ == nullptr; }
  [[nodiscard]] CapType type() const { return object_ == nullptr ? CapType::Null : object_->type(); }
  [[nodiscard]] KernelObject* object() const { return object_; }
  [[nodiscard]] Rights rights() const { return rights_; }
  [[nodiscard]] bool has_rights(Rights wanted) const { return abi::rights_subset(wanted, rights_); }
  [[nodiscard]] Badge badge() const { return badge_; }
  [[nodiscard]] const Capability* parent() const { return parent_; }
  [[nodiscard]] const Capability* first_child() const { return first_child_; }
  [[nodiscard]] const Capability* next_sibling() const { return next_sibling_; }
  [[nodiscard]] const Capability* prev_sibling() const { return prev_sibling_; }

  // A word the kernel may use per capability type (e.g. a frame capability's mapping record, as seL4
  // keeps a frame's mapping in its capability). Copies start with 0; a move carries it along.
  [[nodiscard]] ktl::uint64_t kernel_word() const { return kernel_word_; }
  void set_kernel_word(ktl::uint64_t word) { kernel_word_ = word; }

private:
  friend struct Links;
  KernelObject* object_ = nullptr;
  Badge badge_ = abi::kNoBadge;
  Capability* parent_ = nullptr;
  Capability* first_child_ = nullptr;
  Capability* next_sibling_ = nullptr;
  Capability* prev_sibling_ = nullptr;
  ktl::uint64_t kernel_word_ = 0;
  Rights rights_ = 0; // 4 bytes of tail padding follow
};

inline constexpr ktl::size_t kCapabilitySize = 64;
inline constexpr ktl::size_t kSlotsPerPage = 4096 / kCapabilitySize;
static_assert(sizeof(void*) != 8 || sizeof(Capability) == kCapabilitySize, "a slot is 64 bytes on 64-bit targets");
static_assert(std::is_standard_layout_v<Capability>);
static_assert(std::is_trivially_copyable_v<Capability>);
static_assert(std::is_trivially_destructible_v<Capability>);

} // namespace bramble::cap
