// 8-bit ASIDs for user address spaces (TCR_EL1.AS = 0, so TTBR0_EL1.ASID[55:48] is what the TLB
// compares; D19.2). ASID 0 is never handed out: the kernel's boot identity map in TTBR0 uses it.
// Freed ASIDs are reused, lowest first. With more than 255 live spaces, allocate() fails (NoAsid);
// a generation scheme with a full TLB flush on rollover can come when something needs that many.
#pragma once

#include "mm/types.hpp"

namespace bramble::mm {

class AsidAllocator {
public:
  static constexpr unsigned kAsidCount = 256;
  static constexpr ktl::uint16_t kReservedAsid = 0;

  [[nodiscard]] Result<ktl::uint16_t, MmError> allocate() {
    for (unsigned asid = 1; asid < kAsidCount; ++asid) {
      if (!in_use(asid)) {
        words_[asid / 64] |= bit(asid);
        ++used_;
        return static_cast<ktl::uint16_t>(asid);
      }
    }
    return err(MmError::NoAsid);
  }

  [[nodiscard]] Result<void, MmError> free(ktl::uint16_t asid) {
    if (asid == kReservedAsid || asid >= kAsidCount) return err(MmError::NotOwned);
    if (!in_use(asid)) return err(MmError::DoubleFree);
    words_[asid / 64] &= ~bit(asid);
    --used_;
    return {};
  }

  [[nodiscard]] bool in_use(unsigned asid) const { return (words_[asid / 64] & bit(asid)) != 0; }
  [[nodiscard]] unsigned used() const { return used_; }

private:
  static constexpr ktl::uint64_t bit(unsigned asid) { return ktl::uint64_t{1} << (asid % 64); }
  ktl::uint64_t words_[kAsidCount / 64] = {};
  unsigned used_ = 0;
};

} // namespace bramble::mm
