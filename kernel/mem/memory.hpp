// The kernel's memory: RAM discovery from the DTB, the final kernel translation tables (linear map of
// RAM and MMIO in the high half, the image mapped W^X), and the frame allocator every later object
// comes from.
#pragma once

#include "kernel/arch/mmu.hpp"
#include "kernel/boot_facts.hpp"
#include "mm/address_space.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/table_ops.hpp"

namespace bramble::kmem {

inline constexpr std::size_t kMaxRamRanges = 8;

struct Layout {
  mm::PhysRange ram[kMaxRamRanges];
  std::size_t ram_count = 0;
  bool ram_from_dtb = false;
  mm::PhysRange kernel_image{};           // physical
  mm::PhysRange text{}, rodata{}, data{}; // physical, 4 KiB aligned
  std::uint64_t kernel_table_frames = 0;
};

// Brings memory up: must run once, early in kernel_main, with the boot (early) tables live.
// Panics if it cannot (no RAM, not enough table frames): nothing works without it.
void init(const BootFacts& info);

[[nodiscard]] const Layout& layout();
// Frames the kernel keeps for itself outside the frame allocator (which manages frames().total_frames()):
// its image, i.e. code, data and BSS with the object pools, its own translation tables and its stack,
// plus the allocator's per-frame bookkeeping. Constant after init() (memory_info's kernel_frames).
[[nodiscard]] std::uint64_t kernel_frames();
[[nodiscard]] mm::FrameAllocator& frames();
[[nodiscard]] mm::TableAllocator& table_allocator();
[[nodiscard]] mm::TlbOps& tlb();
[[nodiscard]] mm::AsidAllocator& asids();
[[nodiscard]] mm::PhysWindow window();
[[nodiscard]] const mm::PageTable& kernel_table();
// Physical ranges no user mapping may reach: the kernel image (with its tables and stack), the DTB,
// the frame allocator's bookkeeping, the spin-table page.
[[nodiscard]] std::span<const mm::PhysRange> user_forbidden();

[[nodiscard]] std::uint64_t empty_user_ttbr0();
// Installs a task's address space in TTBR0 (AddressSpace::ttbr0_value). Inline: every context switch
// between address spaces does this.
inline void activate_task_space(std::uint64_t ttbr0_value) { arch::write_ttbr0(ttbr0_value); }
// Installs the empty table in TTBR0: no user mappings at all (a core with no task).
void activate_empty_user_space();
// If this space is the one in TTBR0, installs the empty table instead.
void deactivate_user_space(std::uint64_t ttbr0_value);
// TTBR1_EL1's value for the kernel's final tables (what a secondary core turns its MMU on with).
[[nodiscard]] std::uint64_t kernel_ttbr1();

} // namespace bramble::kmem
