// Links: the only code that writes a Capability's fields and an object's capability count. It keeps
// the derivation tree consistent; the decode/invoke operations in cap_ops.hpp are built from it.
// Internal to kernel/cap (the invariant checker reads the same fields through Capability's getters).
#pragma once

#include "kernel/cap/capability.hpp"

namespace bramble::cap {

struct Links {
  // Fills an empty slot with a capability to `object` and counts it. parent may be nullptr (a root).
  static void fill(Capability& slot, KernelObject& object, Rights rights, Badge badge, Capability* parent);

  // Deletes a capability: tells the object, splices its children into its parent's child list (or
  // makes them roots), empties the slot, and destroys the object when this was its last capability.
  static void release(Capability& cap);

  // Moves a capability to an empty slot, keeping its place in the derivation tree.
  static void relocate(Capability& from, Capability& to);

  // The first node of `root`'s subtree in post-order (its leftmost leaf), and the node after `node`
  // in post-order within `root`'s subtree (root itself comes last). Used by revoke to visit every
  // descendant without recursion.
  static Capability* leftmost_leaf(Capability& root);
  static Capability* post_order_next(Capability& node);

  static Capability* first_child(Capability& cap) { return cap.first_child_; }
  static Capability* parent(Capability& cap) { return cap.parent_; }

private:
  static void link_child(Capability& parent, Capability& child);
  static void unlink(Capability& cap);
};

// Set by every deletion (Links::release), cleared by the kernel's exit path when it sweeps what a
// deletion can leave behind (registry entries, IRQ handlers); most calls delete nothing. Every
// deletion also calls the release hook (set_release_hook): the kernel's scheduler flags the deleting
// core's way back to EL0 there, so that the exit's fast test reads only that core's pending word.
// Written and read with the kernel lock held (the lock orders them), so a plain flag.
namespace links_state {
inline bool g_release_pending = false;
inline void (*g_release_hook)() = nullptr;
} // namespace links_state
[[nodiscard]] inline bool release_pending() { return links_state::g_release_pending; }
inline void clear_release_pending() { links_state::g_release_pending = false; }
// `hook` runs after every deletion, with the kernel lock held (nullptr: none, as in the host tests).
inline void set_release_hook(void (*hook)()) { links_state::g_release_hook = hook; }

} // namespace bramble::cap
