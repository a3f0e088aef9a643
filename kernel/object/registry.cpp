#include "kernel/object/registry.hpp"

#include "kernel/cap/cap_ops.hpp"

namespace bramble::kobj {

using abi::Error;

ShmemRegistry::ShmemRegistry() : KernelObject(kType), table_(std::span<cap::Capability>(storage_)) {}

bool ShmemRegistry::live(std::size_t entry) const {
  // An entry whose frame copy was revoked (or whose producer died) is gone.
  return !table_.at(2 * entry + 1).empty() && !table_.at(2 * entry + 2).empty();
}

cap::Result<void> ShmemRegistry::publish(std::uint64_t name, cap::Capability& frame, cap::Capability& notification) {
  std::size_t free_entry = kEntries;
  for (std::size_t i = 0; i < kEntries; ++i) {
    if (live(i)) {
      if (names_[i] == name) return err(Error::NameExists);
    } else if (free_entry == kEntries) {
      free_entry = i;
    }
  }
  if (free_entry == kEntries) return err(Error::OutOfMemory);
  // A half-withdrawn entry may still hold one copy: clear both slots first.
  for (std::uint64_t slot : {2 * free_entry + 1, 2 * free_entry + 2}) {
    if (auto d = cap::decode_delete(table_, slot); d.ok()) cap::invoke_delete(*d);
  }
  auto f = cap::decode_derive(frame, storage_[2 * free_entry + 1], frame.rights(), abi::kNoBadge);
  auto n = cap::decode_derive(notification, storage_[2 * free_entry + 2], notification.rights(), abi::kNoBadge);
  if (!f.ok()) return err(f.error());
  if (!n.ok()) return err(n.error());
  cap::invoke_derive(*f);
  cap::invoke_derive(*n);
  names_[free_entry] = name;
  return {};
}

cap::Result<void> ShmemRegistry::lookup(std::uint64_t name, cap::Capability& frame_destination,
                                        cap::Capability& notification_destination) {
  for (std::size_t i = 0; i < kEntries; ++i) {
    if (!live(i) || names_[i] != name) continue;
    auto f = cap::decode_derive(storage_[2 * i + 1], frame_destination, storage_[2 * i + 1].rights(), abi::kNoBadge);
    auto n = cap::decode_derive(storage_[2 * i + 2], notification_destination, storage_[2 * i + 2].rights(),
                                abi::kNoBadge);
    if (!f.ok()) return err(f.error());
    if (!n.ok()) return err(n.error());
    cap::invoke_derive(*f);
    cap::invoke_derive(*n);
    return {};
  }
  return err(Error::NameNotFound);
}

void ShmemRegistry::sweep() {
  for (std::size_t i = 0; i < kEntries; ++i) {
    const bool frame = !table_.at(2 * i + 1).empty();
    const bool notification = !table_.at(2 * i + 2).empty();
    if (frame == notification) continue;
    const std::uint64_t slot = frame ? 2 * i + 1 : 2 * i + 2;
    if (auto d = cap::decode_delete(table_, slot); d.ok()) cap::invoke_delete(*d);
  }
}

std::size_t ShmemRegistry::live_entries() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kEntries; ++i) n += live(i) ? 1u : 0u;
  return n;
}

ShmemRegistry& registry() {
  static ShmemRegistry instance;
  return instance;
}

TaskCreateAuthority& task_create_authority() {
  static TaskCreateAuthority instance;
  return instance;
}

} // namespace bramble::kobj
