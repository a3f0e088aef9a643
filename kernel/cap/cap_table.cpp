#include "kernel/cap/cap_table.hpp"

namespace bramble::cap {

CapTable::CapTable(std::span<Capability> storage) : slots_(storage) {
  for (Capability& slot : slots_)
    slot = Capability{};
}

ktl::uint64_t CapTable::used() const {
  ktl::uint64_t n = 0;
  for (const Capability& slot : slots_)
    n += slot.empty() ? 0u : 1u;
  return n;
}

Result<Capability*> CapTable::vacant(ktl::uint64_t index) {
  Capability* cap = BRAMBLE_TRY(slot(index));
  if (!cap->empty()) return err(Error::SlotOccupied);
  return cap;
}

Result<Capability*> CapTable::find_free(const Capability* except) {
  for (ktl::uint64_t i = 1; i < slots_.size(); ++i) {
    if (slots_[i].empty() && &slots_[i] != except) return &slots_[i];
  }
  return err(Error::TableFull);
}

bool CapTable::contains(const Capability* cap) const {
  // Compare as integers: relational comparison of pointers into different arrays is unspecified.
  const auto p = reinterpret_cast<ktl::uintptr_t>(cap);
  const auto begin = reinterpret_cast<ktl::uintptr_t>(slots_.data());
  const auto end = begin + slots_.size() * sizeof(Capability);
  return p >= begin && p < end && (p - begin) % sizeof(Capability) == 0;
}

ktl::uint64_t CapTable::index_of(const Capability* cap) const {
  return static_cast<ktl::uint64_t>(cap - slots_.data());
}

} // namespace bramble::cap
