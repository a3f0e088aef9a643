#include "kernel/arch/aarch64/smp.hpp"

#include "kernel/arch/aarch64/cpu.hpp"
#include "kernel/arch/aarch64/memory_layout.hpp"
#include "kernel/arch/aarch64/mmu.hpp"

extern "C" {
extern char secondary_entry[], secondary_parked[];
extern std::uint8_t parked_cores[4];
// One 64-byte slot per core, read by secondary_entry with the MMU off (boot/start.S).
struct SecondaryBoot {
  std::uint64_t entry;
  std::uint64_t stack_top;
  std::uint64_t ttbr1;
  std::uint64_t tcr;
  std::uint64_t unused[4];
};
extern SecondaryBoot secondary_boot[4];
}
static_assert(sizeof(SecondaryBoot) == 64, "secondary_entry indexes the slots by core << 6");

namespace bramble::arch {
namespace {

// Core n polls the 64-bit word at 0xd8 + 8n (the spin table of the Pi firmware's stub, U-Boot and
// QEMU -kernel); the page is reserved from RAM use.
constexpr std::uint64_t spin_slot(std::uint32_t core) { return 0xd8 + 8 * std::uint64_t{core}; }

// A core with its MMU off reads memory, not this core's caches: clean what it will read to the point
// of coherency, and invalidate what it wrote before reading it.
void clean_to_poc(const void* address) { asm volatile("dc cvac, %0" ::"r"(address) : "memory"); }
void invalidate_to_poc(const void* address) { asm volatile("dc civac, %0" ::"r"(address) : "memory"); }

void point_spin_slot(std::uint32_t core, const void* routine) {
  auto* slot = phys_to_virt<volatile std::uint64_t>(spin_slot(core));
  *slot = virt_to_phys(routine);
  clean_to_poc(const_cast<const std::uint64_t*>(slot));
}

} // namespace

void start_secondary(std::uint32_t core, SecondaryEntry entry, std::uintptr_t stack_top, std::uint64_t kernel_ttbr1) {
  std::uint64_t tcr;
  asm volatile("mrs %0, tcr_el1" : "=r"(tcr));
  SecondaryBoot& slot = secondary_boot[core];
  slot.entry = reinterpret_cast<std::uintptr_t>(entry);
  slot.stack_top = stack_top;
  slot.ttbr1 = kernel_ttbr1;
  slot.tcr = tcr;
  clean_to_poc(&slot);
  asm volatile("dsb sy" ::: "memory");
  point_spin_slot(core, secondary_entry);
  send_event();
}

std::uint32_t park_secondaries(std::uint32_t mask) {
  for (std::uint32_t core = 1; core < kMaxCores; ++core) {
    if ((mask & (1u << core)) != 0) point_spin_slot(core, secondary_parked);
  }
  send_event();
  // Bounded: a core that never arrives must not stop the boot.
  std::uint32_t parked = 0;
  for (std::uint32_t round = 0; round < 1'000'000 && parked != mask; ++round) {
    invalidate_to_poc(parked_cores);
    asm volatile("dsb sy" ::: "memory");
    parked = 0;
    for (std::uint32_t core = 1; core < kMaxCores; ++core) {
      if (reinterpret_cast<volatile std::uint8_t*>(parked_cores)[core] != 0) parked |= 1u << core;
    }
    parked &= mask;
  }
  return parked;
}

void finish_secondary_mmu(std::uint64_t user_ttbr0) {
  write_ttbr0(user_ttbr0);
  asm volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
  enable_write_implies_never_execute();
}

} // namespace bramble::arch
