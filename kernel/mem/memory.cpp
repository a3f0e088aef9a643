#include "kernel/mem/memory.hpp"

#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/mmu.hpp"
#include "kernel/fdt/fdt.hpp"
#include "kernel/log.hpp"
#include "kernel/panic.hpp"
#include "kernel/platform.hpp"
#include "lib/align.hpp"
#include "lib/lazy.hpp"

extern "C" {
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
}

namespace bramble::kmem {
namespace {

using mm::PhysRange;

// The kernel's own translation tables come from a pool inside the image (BSS), not from the frame
// allocator: they must exist before the allocator can reach all of RAM, and they live for ever.
// 24 tables map up to ~20 GiB of RAM in 2 MiB blocks plus the image in pages and the device window.
constexpr std::size_t kKernelTablePool = 24;
alignas(4096) std::uint8_t g_kernel_tables[kKernelTablePool][4096];
// TTBR0 while no user space is active: every entry invalid.
alignas(4096) std::uint8_t g_empty_table[4096];

class KernelTablePool final : public mm::TableAllocator {
public:
  Result<mm::PhysAddr, mm::MmError> allocate_table() override {
    if (used_ == kKernelTablePool) return err(mm::MmError::OutOfMemory);
    return arch::virt_to_phys(g_kernel_tables[used_++]);
  }
  void free_table(mm::PhysAddr) override {} // kernel tables are never freed
  [[nodiscard]] std::size_t used() const { return used_; }

private:
  std::size_t used_ = 0;
};

struct State {
  Layout layout;
  KernelTablePool kernel_pool;
  arch::TlbOps tlb;
  mm::AsidAllocator asids;
  Lazy<mm::PageTable> kernel_table;
  Lazy<mm::FrameAllocator> frames;
  PhysRange forbidden[4];
  std::size_t forbidden_count = 0;
  bool ready = false;
};
State g;

mm::PageTable& kernel_pt() { return *g.kernel_table; }
mm::FrameAllocator& allocator() { return *g.frames; }

std::uint64_t phys_of(const char* symbol) { return arch::virt_to_phys(symbol); }

void find_ram(const BootFacts& info, fdt::Range* reserved, std::size_t& reserved_count, std::size_t reserved_max) {
  Layout& l = g.layout;
  if (info.dtb_size != 0) {
    auto blob = fdt::Fdt::create(arch::phys_to_virt<const void>(info.dtb_address), info.dtb_size);
    if (blob.ok()) {
      fdt::Range ranges[kMaxRamRanges];
      auto n = blob->memory_ranges(std::span<fdt::Range>(ranges));
      if (n.ok() && *n > 0) {
        for (std::size_t i = 0; i < *n; ++i)
          l.ram[i] = PhysRange{ranges[i].base, ranges[i].size};
        l.ram_count = *n;
        l.ram_from_dtb = true;
      }
      auto r = blob->reserved_ranges(std::span<fdt::Range>(reserved, reserved_max));
      if (r.ok()) reserved_count = *r;
    } else {
      kprintf("mm: DTB at 0x%lx is not valid (error %u): using board defaults\n",
              static_cast<unsigned long>(info.dtb_address), static_cast<unsigned>(blob.error()));
    }
  }
  if (l.ram_count == 0) {
    l.ram[0] = PhysRange{platform::default_ram().base, platform::default_ram().size};
    l.ram_count = 1;
  }
}

void map_or_panic(mm::VirtAddr va, mm::PhysAddr pa, std::uint64_t size, mm::Perms perms, mm::MemType type) {
  if (size == 0) return;
  auto r = kernel_pt().map(va, pa, size, perms, type, mm::Granularity::AllowBlocks);
  if (!r.ok()) {
    panic("mm: cannot map 0x%llx..0x%llx (error %u)", static_cast<unsigned long long>(pa),
          static_cast<unsigned long long>(pa + size), static_cast<unsigned>(r.error()));
  }
}

// RAM as read-write, never-executable data, except the kernel image: text read+execute, rodata
// read-only, data/bss/stack read-write (W^X, and SCTLR_EL1.WXN on top).
void map_ram_range(PhysRange ram) {
  const Layout& l = g.layout;
  const std::uint64_t base = ram.base;
  const std::uint64_t end = ram.end();
  const auto va = [](std::uint64_t pa) { return arch::phys_to_virt_address(pa); };
  if (end <= l.kernel_image.base || base >= l.kernel_image.end()) {
    map_or_panic(va(base), base, end - base, mm::kKernelReadWrite, mm::MemType::Normal);
    return;
  }
  map_or_panic(va(base), base, l.kernel_image.base - base, mm::kKernelReadWrite, mm::MemType::Normal);
  map_or_panic(va(l.text.base), l.text.base, l.text.size, mm::kKernelReadExecute, mm::MemType::Normal);
  map_or_panic(va(l.rodata.base), l.rodata.base, l.rodata.size, mm::kKernelRead, mm::MemType::Normal);
  map_or_panic(va(l.data.base), l.data.base, l.data.size, mm::kKernelReadWrite, mm::MemType::Normal);
  map_or_panic(va(l.kernel_image.end()), l.kernel_image.end(), end - l.kernel_image.end(), mm::kKernelReadWrite,
               mm::MemType::Normal);
}

void switch_to_final_tables() {
  arch::switch_kernel_tables(mm::ttbr_value(kernel_pt().root(), 0), empty_user_ttbr0());
  // Now that no writable mapping needs to be executable: writable implies execute-never.
  arch::enable_write_implies_never_execute();
}

} // namespace

void init(const BootFacts& info) {
  Layout& l = g.layout;
  l.kernel_image = PhysRange{phys_of(__kernel_start), phys_of(__kernel_end) - phys_of(__kernel_start)};
  l.text = PhysRange{phys_of(__kernel_start), phys_of(__text_end) - phys_of(__kernel_start)};
  l.rodata = PhysRange{phys_of(__text_end), phys_of(__rodata_end) - phys_of(__text_end)};
  l.data = PhysRange{phys_of(__rodata_end), phys_of(__kernel_end) - phys_of(__rodata_end)};

  fdt::Range dtb_reserved[8];
  std::size_t dtb_reserved_count = 0;
  find_ram(info, dtb_reserved, dtb_reserved_count, 8);

  // 1. The final kernel tables, from the image's own pool.
  auto table =
      mm::PageTable::create(mm::Half::Kernel, 0, g.kernel_pool, g.tlb, mm::PhysWindow{arch::kKernelVirtualBase});
  if (!table.ok()) panic("mm: cannot create the kernel table (error %u)", static_cast<unsigned>(table.error()));
  g.kernel_table.emplace(*table);
  const PhysRange devices{platform::device_window().base, platform::device_window().size};
  for (std::size_t i = 0; i < l.ram_count; ++i) {
    // RAM that overlaps the device window (it should not) is left to the device mapping.
    PhysRange r = l.ram[i];
    if (r.base >= devices.base && r.base < devices.end()) continue;
    if (r.base < devices.base && r.end() > devices.base) r.size = devices.base - r.base;
    l.ram[i] = r;
    map_ram_range(r);
  }
  map_or_panic(arch::phys_to_virt_address(devices.base), devices.base, devices.size, mm::kKernelReadWrite,
               mm::MemType::Device);
  l.kernel_table_frames = g.kernel_pool.used();
  switch_to_final_tables();

  // 2. The frame allocator, over all RAM now that the linear map reaches it.
  PhysRange reserved[16];
  std::size_t n = 0;
  reserved[n++] = PhysRange{0, 0x1000}; // the spin table the firmware's stub polls
  reserved[n++] = l.kernel_image;
  if (info.dtb_size != 0) reserved[n++] = PhysRange{info.dtb_address, info.dtb_size};
  reserved[n++] = devices;
  for (std::size_t i = 0; i < dtb_reserved_count && n < 16; ++i) {
    reserved[n++] = PhysRange{dtb_reserved[i].base, dtb_reserved[i].size};
  }
  auto frames =
      mm::FrameAllocator::create(std::span<const PhysRange>(l.ram, l.ram_count),
                                 std::span<const PhysRange>(reserved, n), mm::PhysWindow{arch::kKernelVirtualBase});
  if (!frames.ok()) panic("mm: cannot create the frame allocator (error %u)", static_cast<unsigned>(frames.error()));
  g.frames.emplace(*frames);

  // 16-bit ASIDs when boot could turn them on (start.S clears TCR_EL1.AS on an 8-bit core).
  g.asids.set_limit(arch::asid_bits() == 16 ? mm::AsidAllocator::kMaxAsids : mm::AsidAllocator::kAsids8Bit);

  g.forbidden[g.forbidden_count++] = PhysRange{0, 0x1000};
  g.forbidden[g.forbidden_count++] = l.kernel_image;
  if (info.dtb_size != 0) g.forbidden[g.forbidden_count++] = PhysRange{info.dtb_address, info.dtb_size};
  g.forbidden[g.forbidden_count++] = allocator().metadata();
  g.ready = true;

  std::uint64_t ram_bytes = 0;
  for (std::size_t i = 0; i < l.ram_count; ++i)
    ram_bytes += l.ram[i].size;
  kprintf("mm: RAM %llu MiB in %zu range%s (%s), %llu free frames (%llu MiB), kernel image %llu KiB at 0x%llx, "
          "%llu kernel table frames; MMU on, caches on, W^X, %u-bit ASIDs\n",
          static_cast<unsigned long long>(ram_bytes >> 20), l.ram_count, l.ram_count == 1 ? "" : "s",
          l.ram_from_dtb ? "from the DTB" : "board default", static_cast<unsigned long long>(allocator().free_frames()),
          static_cast<unsigned long long>((allocator().free_frames() * 4096) >> 20),
          static_cast<unsigned long long>(l.kernel_image.size >> 10),
          static_cast<unsigned long long>(l.kernel_image.base), static_cast<unsigned long long>(l.kernel_table_frames),
          g.asids.limit() == mm::AsidAllocator::kMaxAsids ? 16u : 8u);
}

const Layout& layout() { return g.layout; }

std::uint64_t kernel_frames() {
  // The image is 4 KiB-aligned at both ends (kernel.ld); the bookkeeping starts on a page and the
  // allocator never hands out its partly used last page, which therefore counts whole.
  const auto pages = [](const PhysRange& r) { return div_round_up(r.size, mm::kPageSize); };
  return pages(g.layout.kernel_image) + pages(allocator().metadata());
}
mm::FrameAllocator& frames() { return allocator(); }
mm::TlbOps& tlb() { return g.tlb; }
mm::AsidAllocator& asids() { return g.asids; }
mm::PhysWindow window() { return mm::PhysWindow{arch::kKernelVirtualBase}; }
const mm::PageTable& kernel_table() { return kernel_pt(); }
std::span<const mm::PhysRange> user_forbidden() { return {g.forbidden, g.forbidden_count}; }

mm::TableAllocator& table_allocator() {
  static mm::FrameTableAllocator tables{allocator()};
  return tables;
}

std::uint64_t kernel_ttbr1() { return mm::ttbr_value(kernel_pt().root(), 0); }

std::uint64_t empty_user_ttbr0() { return mm::ttbr_value(arch::virt_to_phys(g_empty_table), 0); }

void activate_empty_user_space() { arch::write_ttbr0(empty_user_ttbr0()); }

void deactivate_user_space(std::uint64_t ttbr0_value) {
  if (arch::read_ttbr0() == ttbr0_value) activate_empty_user_space();
}

} // namespace bramble::kmem
