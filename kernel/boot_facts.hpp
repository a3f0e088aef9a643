// What the kernel learned at boot, before any subsystem interprets it.
#pragma once

#include <cstdint>

namespace bramble {

struct BootFacts {
  std::uintptr_t dtb_address = 0; // x0 at entry
  std::uint32_t dtb_size = 0;     // totalsize from a valid FDT header; 0 when there is no DTB
  std::uint32_t entry_el = 0;     // exception level the loader entered the kernel at
  std::uint32_t el = 0;           // exception level the kernel runs at (1)
  std::uint64_t timer_hz = 0;     // CNTFRQ_EL0
};

} // namespace bramble
