// A recording fake of the broker's KernelOps: a small model of the kernel's capability semantics
// (slots, rights, badges, derivation, revoke, mappings owned by the capability they were made through,
// frames freed with their last capability, a memory quota and sub-quotas split off it) that logs every
// call and can fail the k-th call, so tests can check order, permissions and that a rollback leaves
// nothing behind.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "broker/kernel_ops.hpp"

namespace bramble::broker::test {

using abi::Error;

struct Call {
  std::string name;
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
};

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Cap {
  bool alive = false;
  std::uint64_t table = 0; // 0 = the broker, else a task id
  Slot slot = 0;
  std::uint64_t object = 0;
  abi::CapType type = abi::CapType::Null;
  abi::Rights rights = 0;
  abi::Badge badge = 0;
  std::size_t parent = kNone;
  bool mapped = false;
  std::uint64_t map_table = 0, map_vaddr = 0;
  abi::MapPerms map_perms = 0;
};

struct Object {
  abi::CapType type;
  std::uint64_t size = 0;
  unsigned char* bytes = nullptr; // frames: page-aligned host memory
  bool alive = true;
  std::uint64_t signals = 0;
};

class FakeKernel final : public KernelOps {
public:
  static constexpr Slot kMemory = 2, kRegistry = 4, kTableSize = 256;

  FakeKernel() {
    add_root(kMemory, abi::CapType::Memory, abi::valid_rights(abi::CapType::Memory));
    add_root(kRegistry, abi::CapType::ShmemRegistry, abi::valid_rights(abi::CapType::ShmemRegistry));
  }
  ~FakeKernel() {
    for (auto& o : objects)
      std::free(o.bytes);
  }
  FakeKernel(const FakeKernel&) = delete;
  FakeKernel& operator=(const FakeKernel&) = delete;

  // A task the broker holds a Control capability for, in a broker slot. Returns that slot.
  Slot add_task() {
    const std::uint64_t id = objects.size();
    objects.push_back(Object{abi::CapType::Task});
    return add_root(lowest_free(0), abi::CapType::Task, abi::valid_rights(abi::CapType::Task), id);
  }
  std::uint64_t task_id(Slot task_slot) const { return caps[find(0, task_slot)].object; }

  // Failure injection: the call with this 1-based number fails with `fail_error`.
  std::uint64_t fail_at = 0;
  std::map<std::uint64_t, Published> registry_entries;
  Error fail_error = Error::OutOfMemory;
  std::uint64_t quota_limit = 64ull << 20;
  std::uint64_t quota_used = 0;
  std::vector<Call> calls;
  std::vector<Cap> caps;
  std::vector<Object> objects;

  // ---- KernelOps ----
  KResult<Slot> memory_allocate(std::uint64_t size) override {
    if (auto e = enter("memory_allocate", size)) return err(*e);
    if (size == 0 || size % 4096 != 0) return err(Error::InvalidSize);
    if (quota_used + size > quota_limit) return err(Error::QuotaExceeded);
    Object o{abi::CapType::Frame, size};
    o.bytes = static_cast<unsigned char*>(std::aligned_alloc(4096, size));
    std::memset(o.bytes, 0, size);
    objects.push_back(o);
    quota_used += size;
    return add_root(lowest_free(0), abi::CapType::Frame, abi::valid_rights(abi::CapType::Frame), objects.size() - 1);
  }
  // A sub-quota: the broker's quota is charged `bytes` at once and refunded when the sub-quota's last
  // capability goes (nothing is allocated from a sub-quota here: the components that would are not
  // modelled, so its reclaim is its last deletion).
  KResult<Slot> memory_split(std::uint64_t bytes) override {
    if (auto e = enter("memory_split", bytes)) return err(*e);
    if (bytes == 0 || bytes % 4096 != 0) return err(Error::InvalidSize);
    if (quota_used + bytes > quota_limit) return err(Error::QuotaExceeded);
    quota_used += bytes;
    objects.push_back(Object{abi::CapType::Memory, bytes});
    return add_root(lowest_free(0), abi::CapType::Memory, abi::valid_rights(abi::CapType::Memory), objects.size() - 1);
  }
  KResult<void> memory_map(Slot frame, std::uint64_t vaddr, abi::MapPerms perms) override {
    if (auto e = enter("memory_map", frame, vaddr, perms)) return err(*e);
    return map(0, frame, vaddr, perms);
  }
  KResult<void> memory_map_into(Slot task, Slot frame, std::uint64_t vaddr, abi::MapPerms perms) override {
    if (auto e = enter("memory_map_into", task, frame, vaddr, perms)) return err(*e);
    const std::size_t t = find(0, task);
    if (t == kNone) return err(Error::EmptySlot);
    if (caps[t].type != abi::CapType::Task || (caps[t].rights & abi::kRightControl) == 0) return err(Error::WrongType);
    return map(caps[t].object, frame, vaddr, perms);
  }
  KResult<void> memory_unmap(std::uint64_t vaddr) override {
    if (auto e = enter("memory_unmap", vaddr)) return err(*e);
    for (auto& c : caps) {
      if (c.alive && c.mapped && c.map_table == 0 && c.map_vaddr == vaddr) {
        c.mapped = false;
        return {};
      }
    }
    return err(Error::NotMapped);
  }
  KResult<Slot> cap_mint(Slot source, abi::Rights rights, abi::Badge badge) override {
    if (auto e = enter("cap_mint", source, rights, badge)) return err(*e);
    const Slot to = lowest_free(0);
    auto r = derive(source, 0, to, rights, badge, false);
    if (!r.ok()) return err(r.error());
    return to;
  }
  KResult<Slot> notification_create() override {
    if (auto e = enter("notification_create")) return err(*e);
    if (quota_used + 64 > quota_limit) return err(Error::QuotaExceeded);
    quota_used += 64;
    objects.push_back(Object{abi::CapType::Notification, 64});
    return add_root(lowest_free(0), abi::CapType::Notification, abi::valid_rights(abi::CapType::Notification),
                    objects.size() - 1);
  }
  KResult<void> cap_insert_into(Slot task, Slot task_slot, Slot source, abi::Rights rights, abi::Badge badge) override {
    if (auto e = enter("cap_insert_into", task, task_slot, source, rights)) return err(*e);
    const std::size_t t = find(0, task);
    if (t == kNone) return err(Error::EmptySlot);
    return derive(source, caps[t].object, task_slot, rights, badge, true);
  }
  KResult<void> cap_revoke(Slot slot) override {
    if (auto e = enter("cap_revoke", slot)) return err(*e);
    const std::size_t i = find(0, slot);
    if (i == kNone) return err(Error::EmptySlot);
    revoke_children(i);
    return {};
  }
  KResult<void> cap_delete(Slot slot) override {
    if (auto e = enter("cap_delete", slot)) return err(*e);
    const std::size_t i = find(0, slot);
    if (i == kNone) return err(Error::EmptySlot);
    remove(i);
    return {};
  }
  KResult<void> signal(Slot notification) override {
    if (auto e = enter("signal", notification)) return err(*e);
    const std::size_t i = find(0, notification);
    if (i == kNone) return err(Error::EmptySlot);
    if ((caps[i].rights & abi::kRightSignal) == 0) return err(Error::InsufficientRights);
    ++objects[caps[i].object].signals;
    return {};
  }
  // The registry: what a test published (publish()) under a name, as broker slots; a query derives
  // copies with the same rights into free broker slots.
  KResult<Published> shmem_query(Slot registry, std::uint64_t name) override {
    if (auto e = enter("shmem_query", registry, name)) return err(*e);
    if (find(0, registry) == kNone) return err(Error::EmptySlot);
    const auto entry = registry_entries.find(name);
    if (entry == registry_entries.end() || find(0, entry->second.frame) == kNone ||
        find(0, entry->second.notification) == kNone)
      return err(Error::NameNotFound);
    Published out{};
    for (Slot* to : {&out.frame, &out.notification}) {
      const Slot from = to == &out.frame ? entry->second.frame : entry->second.notification;
      *to = lowest_free(0);
      if (auto r = derive(from, 0, *to, caps[find(0, from)].rights, 0, false); !r.ok()) return err(r.error());
    }
    return out;
  }
  KResult<std::uint64_t> frame_size(Slot frame) override {
    if (auto e = enter("frame_size", frame)) return err(*e);
    const std::size_t i = find(0, frame);
    if (i == kNone) return err(Error::EmptySlot);
    if (caps[i].type != abi::CapType::Frame) return err(Error::WrongType);
    return (caps[i].rights & abi::kRightAudit) != 0 ? objects[caps[i].object].size : 0;
  }
  void publish(std::uint64_t name, Slot frame, Slot notification) {
    registry_entries[name] = Published{frame, notification};
  }
  std::uint64_t signals_of(Slot notification) const { return objects[caps[find(0, notification)].object].signals; }
  unsigned char* bytes_of(Slot frame) const { return objects[caps[find(0, frame)].object].bytes; }
  void* local(std::uint64_t vaddr) override {
    for (auto& c : caps) {
      if (c.alive && c.mapped && c.map_table == 0 && c.map_vaddr == vaddr) return objects[c.object].bytes;
    }
    return nullptr;
  }
  std::uint64_t now() override { return calls.size(); }

  // ---- what tests look at ----
  std::size_t live_frames() const { return count_objects(abi::CapType::Frame); }
  std::size_t live_notifications() const { return count_objects(abi::CapType::Notification); }
  // Memory objects alive, the broker's own quota included.
  std::size_t live_quotas() const { return count_objects(abi::CapType::Memory); }
  // The size of the Memory object behind a capability (0 for the broker's own quota).
  std::uint64_t quota_size(const Cap& cap) const { return objects[cap.object].size; }
  std::size_t caps_in(std::uint64_t table) const {
    std::size_t n = 0;
    for (const auto& c : caps)
      n += (c.alive && c.table == table) ? 1u : 0u;
    return n;
  }
  std::size_t mappings() const {
    std::size_t n = 0;
    for (const auto& c : caps)
      n += (c.alive && c.mapped) ? 1u : 0u;
    return n;
  }
  // The mapping at vaddr in table (task id, 0 = broker), or nullptr.
  const Cap* mapping(std::uint64_t table, std::uint64_t vaddr) const {
    for (const auto& c : caps) {
      if (c.alive && c.mapped && c.map_table == table && c.map_vaddr == vaddr) return &c;
    }
    return nullptr;
  }
  const Cap* cap_at(std::uint64_t table, Slot slot) const {
    const std::size_t i = find(table, slot);
    return i == kNone ? nullptr : &caps[i];
  }
  std::size_t count(const std::string& name) const {
    std::size_t n = 0;
    for (const auto& c : calls)
      n += c.name == name ? 1u : 0u;
    return n;
  }
  // A task ended: the kernel forgets its mappings and revokes and deletes its capabilities.
  void end_task(Slot task_slot) {
    const std::uint64_t id = task_id(task_slot);
    for (auto& c : caps) {
      if (c.alive && c.mapped && c.map_table == id) c.mapped = false;
    }
    for (std::size_t i = 0; i < caps.size(); ++i) {
      if (caps[i].alive && caps[i].table == id) {
        revoke_children(i);
        remove(i);
      }
    }
  }

private:
  // Logs the call; returns the injected error if this is the call to fail.
  const Error* enter(const char* name, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0,
                     std::uint64_t d = 0) {
    calls.push_back(Call{name, a, b, c, d});
    return calls.size() == fail_at ? &fail_error : nullptr;
  }
  std::size_t find(std::uint64_t table, Slot slot) const {
    for (std::size_t i = 0; i < caps.size(); ++i) {
      if (caps[i].alive && caps[i].table == table && caps[i].slot == slot) return i;
    }
    return kNone;
  }
  Slot lowest_free(std::uint64_t table) const {
    for (Slot s = 1; s < kTableSize; ++s) {
      if (find(table, s) == kNone) return s;
    }
    return 0;
  }
  Slot add_root(Slot slot, abi::CapType type, abi::Rights rights, std::uint64_t object = 0) {
    if (object == 0 && type != abi::CapType::Task && type != abi::CapType::Frame &&
        type != abi::CapType::Notification) {
      objects.push_back(Object{type});
      object = objects.size() - 1;
    }
    Cap c;
    c.alive = true;
    c.slot = slot;
    c.type = type;
    c.rights = rights;
    c.object = object;
    caps.push_back(c);
    return slot;
  }
  KResult<void> derive(Slot source, std::uint64_t table, Slot to, abi::Rights rights, abi::Badge badge, bool grant) {
    const std::size_t s = find(0, source);
    if (s == kNone) return err(Error::EmptySlot);
    if (to == 0 || to >= kTableSize) return err(Error::InvalidSlot);
    if (find(table, to) != kNone) return err(Error::SlotOccupied);
    if (grant && (caps[s].rights & abi::kRightGrant) == 0) return err(Error::InsufficientRights);
    if ((rights & ~abi::valid_rights(caps[s].type)) != 0) return err(Error::InvalidRights);
    if (!abi::rights_subset(rights, caps[s].rights)) return err(Error::InsufficientRights);
    if (badge != 0 && !abi::type_has_badge(caps[s].type)) return err(Error::InvalidBadge);
    if (badge != 0 && caps[s].badge != 0) return err(Error::AlreadyBadged);
    Cap c;
    c.alive = true;
    c.table = table;
    c.slot = to;
    c.object = caps[s].object;
    c.type = caps[s].type;
    c.rights = rights;
    c.badge = badge != 0 ? badge : caps[s].badge;
    c.parent = s;
    caps.push_back(c);
    return {};
  }
  KResult<void> map(std::uint64_t table, Slot frame, std::uint64_t vaddr, abi::MapPerms perms) {
    const std::size_t f = find(0, frame);
    if (f == kNone) return err(Error::EmptySlot);
    if (caps[f].type != abi::CapType::Frame) return err(Error::WrongType);
    if (!abi::map_perms_valid(perms)) return err(Error::InvalidPermissions);
    if (!abi::rights_subset(abi::rights_for_map(perms), caps[f].rights)) return err(Error::InsufficientRights);
    if (vaddr % 4096 != 0) return err(Error::Misaligned);
    if (caps[f].mapped) return err(Error::AlreadyMapped);
    const std::uint64_t size = objects[caps[f].object].size;
    for (const auto& c : caps) {
      if (c.alive && c.mapped && c.map_table == table && vaddr < c.map_vaddr + objects[c.object].size &&
          c.map_vaddr < vaddr + size)
        return err(Error::AlreadyMapped);
    }
    caps[f].mapped = true;
    caps[f].map_table = table;
    caps[f].map_vaddr = vaddr;
    caps[f].map_perms = perms;
    return {};
  }
  void revoke_children(std::size_t i) {
    for (std::size_t j = 0; j < caps.size(); ++j) {
      if (caps[j].alive && caps[j].parent == i) {
        revoke_children(j);
        remove(j);
      }
    }
  }
  // Deletes one capability: its mapping goes, its children move up to its parent, and the object is
  // destroyed with its last capability.
  void remove(std::size_t i) {
    caps[i].alive = false;
    caps[i].mapped = false;
    for (auto& c : caps) {
      if (c.alive && c.parent == i) c.parent = caps[i].parent;
    }
    const std::uint64_t obj = caps[i].object;
    for (const auto& c : caps) {
      if (c.alive && c.object == obj) return;
    }
    Object& o = objects[obj];
    if (!o.alive) return;
    o.alive = false;
    // Frames, notifications and sub-quotas refund the broker's quota (the root quota has size 0).
    if (o.type == abi::CapType::Frame || o.type == abi::CapType::Notification || o.type == abi::CapType::Memory)
      quota_used -= o.size;
  }
  std::size_t count_objects(abi::CapType t) const {
    std::size_t n = 0;
    for (const auto& o : objects)
      n += (o.alive && o.type == t) ? 1u : 0u;
    return n;
  }
};

} // namespace bramble::broker::test
