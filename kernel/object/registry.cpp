#include "kernel/object/registry.hpp"

#include "kernel/cap/cap_ops.hpp"
#include "kernel/object/records.hpp"

namespace bramble::kobj {

using abi::Error;

// One name: the frame copy in slot 1, the notification copy in slot 2 (slot 0 is the null slot).
struct ShmemRegistry::Entry {
  explicit Entry(std::uint64_t n) : name(n), table(std::span<cap::Capability>(storage)) {}
  [[nodiscard]] cap::Capability& frame() { return storage[1]; }
  [[nodiscard]] cap::Capability& notification() { return storage[2]; }
  // An entry whose frame or notification copy was revoked (or whose producer died) is gone.
  [[nodiscard]] bool live() const { return !storage[1].empty() && !storage[2].empty(); }

  std::uint64_t name;
  cap::Capability storage[3] = {};
  cap::CapTable table;
  Entry* next = nullptr;
  Entry* prev = nullptr;
};

cap::Result<void> ShmemRegistry::publish(std::uint64_t name, cap::Capability& frame, cap::Capability& notification,
                                         cap::MemoryQuota& payer, std::span<const cap::CapTable* const> registrant) {
  for (Entry* e = first_; e != nullptr; e = e->next) {
    if (e->live() && e->name == name) return err(Error::NameExists);
  }
  Entry* e = BRAMBLE_TRY(make_record<Entry>(payer, name));
  // Each copy hangs below the nearest ancestor the registrant does not hold (cap_ops.hpp,
  // decode_copy_outliving), so the registrant's end leaves the entry alone while whoever gave it
  // the memory can still withdraw it by revoking.
  cap::invoke_install(cap::decode_copy_outliving(frame, e->frame(), registrant));
  cap::invoke_install(cap::decode_copy_outliving(notification, e->notification(), registrant));
  e->next = first_;
  if (first_ != nullptr) first_->prev = e;
  first_ = e;
  return {};
}

cap::Result<void> ShmemRegistry::lookup(std::uint64_t name, cap::Capability& frame_destination,
                                        cap::Capability& notification_destination) {
  for (Entry* e = first_; e != nullptr; e = e->next) {
    if (!e->live() || e->name != name) continue;
    auto f = cap::decode_derive(e->frame(), frame_destination, e->frame().rights(), abi::kNoBadge);
    auto n = cap::decode_derive(e->notification(), notification_destination, e->notification().rights(), abi::kNoBadge);
    if (!f.ok()) return err(f.error());
    if (!n.ok()) return err(n.error());
    cap::invoke_derive(*f);
    cap::invoke_derive(*n);
    return {};
  }
  return err(Error::NameNotFound);
}

void ShmemRegistry::sweep() {
  for (Entry* e = first_; e != nullptr;) {
    Entry* const next = e->next;
    if (!e->live()) {
      // Deleting the remaining copy may end objects (and queue tasks), and may take copies of a
      // newer entry that re-published what this one handed out (they hang below ours). Such an
      // entry was visited already (newest first); the deletion set release_pending, so the next
      // exit to user sweeps it.
      cap::cap_table_clear(e->table);
      if (e->prev != nullptr)
        e->prev->next = e->next;
      else
        first_ = e->next;
      if (e->next != nullptr) e->next->prev = e->prev;
      destroy_record(e);
    }
    e = next;
  }
}

std::size_t ShmemRegistry::live_entries() const {
  std::size_t n = 0;
  for (const Entry* e = first_; e != nullptr; e = e->next)
    n += e->live() ? 1u : 0u;
  return n;
}

void ShmemRegistry::for_each_table(void (*fn)(const cap::CapTable&, void*), void* context) const {
  for (const Entry* e = first_; e != nullptr; e = e->next)
    fn(e->table, context);
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
