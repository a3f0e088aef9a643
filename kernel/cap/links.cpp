#include "kernel/cap/links.hpp"

namespace bramble::cap {

void Links::fill(Capability& slot, KernelObject& object, Rights rights, Badge badge, Capability* parent) {
  slot = Capability{};
  slot.object_ = &object;
  slot.rights_ = rights;
  slot.badge_ = badge;
  object.add_capability(LinksKey{});
  if (parent != nullptr) link_child(*parent, slot);
}

void Links::link_child(Capability& parent, Capability& child) {
  child.parent_ = &parent;
  child.prev_sibling_ = nullptr;
  child.next_sibling_ = parent.first_child_;
  if (parent.first_child_ != nullptr) parent.first_child_->prev_sibling_ = &child;
  parent.first_child_ = &child;
}

// Takes `cap` out of the tree. The capability operations only release leaves (cap_delete revokes
// everything derived first, cap_ops.cpp), so `cap` has no children there; should it have any, they
// take its place in its parent's child list, in order, so the tree stays consistent (children of a
// root become roots). That is tree upkeep, not a delete rule: deleting takes everything derived.
void Links::unlink(Capability& cap) {
  Capability* const parent = cap.parent_;
  Capability* const first = cap.first_child_;
  if (parent == nullptr) {
    // A root: its children become roots, and roots have no sibling list.
    for (Capability* child = first; child != nullptr;) {
      Capability* const next = child->next_sibling_;
      child->parent_ = nullptr;
      child->prev_sibling_ = nullptr;
      child->next_sibling_ = nullptr;
      child = next;
    }
  } else {
    // The run that replaces cap among its siblings: its children (now the parent's), or nothing.
    Capability* last = nullptr;
    for (Capability* child = first; child != nullptr; child = child->next_sibling_) {
      child->parent_ = parent;
      last = child;
    }
    Capability* const run_first = (first != nullptr) ? first : cap.next_sibling_;
    Capability* const run_last = (first != nullptr) ? last : cap.prev_sibling_;
    if (first != nullptr) {
      first->prev_sibling_ = cap.prev_sibling_;
      last->next_sibling_ = cap.next_sibling_;
    }
    if (cap.next_sibling_ != nullptr) cap.next_sibling_->prev_sibling_ = run_last;
    if (cap.prev_sibling_ != nullptr)
      cap.prev_sibling_->next_sibling_ = run_first;
    else
      parent->first_child_ = run_first;
  }
  cap.parent_ = nullptr;
  cap.first_child_ = nullptr;
  cap.next_sibling_ = nullptr;
  cap.prev_sibling_ = nullptr;
}

void Links::release(Capability& cap) {
  links_state::g_release_pending = true;
  if (links_state::g_release_hook != nullptr) links_state::g_release_hook();
  KernelObject& object = *cap.object_;
  object.on_capability_deleted(cap);
  unlink(cap);
  cap = Capability{};
  if (object.remove_capability(LinksKey{}) == 0) object.on_last_capability_deleted();
}

void Links::relocate(Capability& from, Capability& to) {
  to = from;
  if (to.prev_sibling_ != nullptr)
    to.prev_sibling_->next_sibling_ = &to;
  else if (to.parent_ != nullptr)
    to.parent_->first_child_ = &to;
  if (to.next_sibling_ != nullptr) to.next_sibling_->prev_sibling_ = &to;
  for (Capability* child = to.first_child_; child != nullptr; child = child->next_sibling_)
    child->parent_ = &to;
  from = Capability{};
  to.object_->on_capability_moved(from, to);
}

Capability* Links::leftmost_leaf(Capability& root) {
  Capability* node = &root;
  while (node->first_child_ != nullptr)
    node = node->first_child_;
  return node;
}

Capability* Links::post_order_next(Capability& node) {
  if (node.next_sibling_ != nullptr) return leftmost_leaf(*node.next_sibling_);
  return node.parent_;
}

} // namespace bramble::cap
