// ASIDs for user address spaces (TTBR0_EL1.ASID[63:48]; D19.2). The CPU compares 16 bits when
// TCR_EL1.AS = 1, which every core Bramble runs on supports (ID_AA64MMFR0_EL1.ASIDBits = 0b0010 on the
// Cortex-A53 and A72): 65,535 spaces, more than the RAM of a Pi can hold tasks for, so the ASID space
// is no pool one component could drain for the others. A core with 8-bit ASIDs gets a limit of 256
// (set_limit). ASID 0 is never handed out: the kernel's boot identity map in TTBR0 uses it. Freed
// ASIDs are reused, lowest first.
#pragma once

#include "mm/types.hpp"

namespace bramble::mm {

class AsidAllocator {
public:
  static constexpr unsigned kMaxAsids = 65536;
  static constexpr unsigned kAsids8Bit = 256;
  static constexpr ktl::uint16_t kReservedAsid = 0;

  // How many ASIDs the CPU distinguishes (256 or 65536); before any allocate().
  void set_limit(unsigned limit) { limit_ = limit < kMaxAsids ? limit : kMaxAsids; }
  [[nodiscard]] unsigned limit() const { return limit_; }

  [[nodiscard]] Result<ktl::uint16_t, MmError> allocate() {
    for (unsigned word = 0; word * 64 < limit_; ++word) {
      if (words_[word] == ~ktl::uint64_t{0}) continue; // 64 in use: skip them at once
      for (unsigned asid = word * 64; asid < (word + 1) * 64 && asid < limit_; ++asid) {
        if (asid == kReservedAsid || in_use(asid)) continue;
        words_[asid / 64] |= bit(asid);
        ++used_;
        return static_cast<ktl::uint16_t>(asid);
      }
    }
    return err(MmError::NoAsid);
  }

  [[nodiscard]] Result<void, MmError> free(ktl::uint16_t asid) {
    if (asid == kReservedAsid || asid >= limit_) return err(MmError::NotOwned);
    if (!in_use(asid)) return err(MmError::DoubleFree);
    words_[asid / 64] &= ~bit(asid);
    --used_;
    return {};
  }

  [[nodiscard]] bool in_use(unsigned asid) const { return (words_[asid / 64] & bit(asid)) != 0; }
  [[nodiscard]] unsigned used() const { return used_; }

private:
  static constexpr ktl::uint64_t bit(unsigned asid) { return ktl::uint64_t{1} << (asid % 64); }
  ktl::uint64_t words_[kMaxAsids / 64] = {};
  unsigned limit_ = kMaxAsids;
  unsigned used_ = 0;
};

} // namespace bramble::mm
