// KernelObject: the base of everything a capability can point at (frames, tasks, notifications,
// memory quotas, the shared-memory registry). It carries a type tag, so code can check what an
// object is without RTTI, and the number of capabilities that point at it, so the last deletion
// can destroy it.
#pragma once

#include "kernel/abi/rights.hpp"
#include "lib/ktl.hpp"

namespace bramble::cap {

using abi::CapType;
class Capability;

// Only Links (the derivation-tree code) can make one, so only it can change capability counts.
// (A passkey rather than friendship: a friend of KernelObject could reach its protected destructor.)
class LinksKey {
  friend struct Links;
  LinksKey() = default;
};

class KernelObject {
public:
  KernelObject(const KernelObject&) = delete;
  KernelObject& operator=(const KernelObject&) = delete;

  [[nodiscard]] CapType type() const { return type_; }
  // How many capabilities, in all tables, point at this object.
  [[nodiscard]] ktl::uint32_t cap_count() const { return cap_count_; }
  void add_capability(LinksKey) { ++cap_count_; }
  // Returns the count left.
  ktl::uint32_t remove_capability(LinksKey) { return --cap_count_; }

  // Hooks, called by the capability operations. They run in the middle of a delete or revoke, so
  // they must not call capability operations themselves: an object whose teardown deletes
  // capabilities (a task's table) queues itself and the kernel finishes the work after the
  // operation (cap_table_clear()), which keeps the kernel stack bounded.
  //
  // A capability to this object is about to be deleted (its slot still holds it): undo what was done
  // through this capability, e.g. remove the mappings made with it, as seL4's frame capabilities do.
  virtual void on_capability_deleted(const Capability& cap) { static_cast<void>(cap); }
  // A capability to this object moved from one slot to another (for records that point at slots).
  virtual void on_capability_moved(const Capability& from, const Capability& to) {
    static_cast<void>(from);
    static_cast<void>(to);
  }
  // The last capability is gone (its slot is already empty): destroy the object (unmap frames
  // everywhere, wake waiters with ObjectDestroyed, return the memory).
  virtual void on_last_capability_deleted() = 0;

protected:
  explicit KernelObject(CapType type) : type_(type) {}
  // Not virtual and not public: objects are never deleted through a KernelObject*, their owner
  // (a pool or the frame the object lives in) releases them from the destroy hook.
  ~KernelObject() = default;

private:
  CapType type_;
  ktl::uint32_t cap_count_ = 0;
};

// object_cast<T>(object): the object as a T when its type tag says it is one (T::kType), else nullptr.
// The type tag stands in for dynamic_cast (the kernel has no RTTI); the rule that makes it sound: an
// object whose tag is X derives from the class whose kType is X (MemoryQuota, FrameObject, TaskObject).
template <typename T> [[nodiscard]] T* object_cast(KernelObject* object) {
  if (object == nullptr || object->type() != T::kType) return nullptr;
  return static_cast<T*>(object);
}
template <typename T> [[nodiscard]] const T* object_cast(const KernelObject* object) {
  if (object == nullptr || object->type() != T::kType) return nullptr;
  return static_cast<const T*>(object);
}

} // namespace bramble::cap
