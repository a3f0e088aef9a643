// Memory-management scenarios: the kernel runs from the high half with the MMU and caches
// on and its image mapped W^X; frames come back when freed; user address spaces share and isolate.
#include "board.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/uaccess.hpp"
#include "kernel/log.hpp"
#include "kernel/mem/memory.hpp"
#include "lib/lazy.hpp"
#include "tests/kernel/scenarios.hpp"

#include "kernel/arch/aarch64/boot/sysregs.h"

extern "C" void kernel_main(std::uintptr_t);

namespace bramble::test {
namespace {

// Hardware address translation (ARM ARM C5.5 "AT"): PAR_EL1.F (bit 0) set means the access would fault.
enum class At { El1Read, El1Write, El0Read };
bool translation_allows(At kind, const volatile void* va) {
  std::uint64_t par;
  switch (kind) {
  case At::El1Read: asm volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory"); break;
  case At::El1Write: asm volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory"); break;
  case At::El0Read: asm volatile("at s1e0r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory"); break;
  }
  return (par & 1) == 0;
}

bool expect(bool condition, const char* what) {
  if (!condition) kprintf("mmu: FAILED: %s\n", what);
  return condition;
}

const char kRodataProbe[] = "a read-only string";
volatile std::uint64_t g_data_probe = 1;

ExitCode mmu(const BootFacts&) {
  std::uint64_t sctlr, ttbr1;
  asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
  asm volatile("mrs %0, ttbr1_el1" : "=r"(ttbr1));
  const auto pc = reinterpret_cast<std::uintptr_t>(&kernel_main);
  const auto* text = reinterpret_cast<const volatile void*>(pc);
  bool ok = true;
  ok &= expect((sctlr & 1) && (sctlr & 4) && (sctlr & (1 << 12)), "SCTLR_EL1: MMU, D-cache and I-cache on");
  ok &= expect((sctlr & SCTLR_EL1_WXN) != 0, "SCTLR_EL1.WXN set");
  ok &= expect((ttbr1 & 0x0000'FFFF'FFFF'F000) == kmem::kernel_table().root(), "TTBR1 holds the final kernel table");
  ok &= expect(pc >= arch::kKernelVirtualBase, "kernel code runs in the high half");
  ok &= expect(translation_allows(At::El1Read, text) && !translation_allows(At::El1Write, text),
               "kernel text is read-only");
  ok &= expect(translation_allows(At::El1Read, kRodataProbe) && !translation_allows(At::El1Write, kRodataProbe),
               "rodata is read-only");
  ok &= expect(translation_allows(At::El1Write, &g_data_probe), "data is writable");
  ok &= expect(!translation_allows(At::El0Read, text) && !translation_allows(At::El0Read, &g_data_probe),
               "EL0 cannot read the kernel");
  const auto text_t = kmem::kernel_table().translate(pc);
  const auto data_t = kmem::kernel_table().translate(reinterpret_cast<std::uintptr_t>(&g_data_probe));
  ok &= expect(text_t.ok() && text_t->perms.execute && !text_t->perms.write, "text is R+X in the table");
  ok &= expect(data_t.ok() && !data_t->perms.execute && data_t->perms.write, "data is RW+XN in the table");
  const auto uart = kmem::kernel_table().translate(arch::phys_to_virt_address(board::Board::kUart0Base));
  ok &= expect(uart.ok() && uart->type == mm::MemType::Device && !uart->perms.execute, "MMIO is Device, XN");
  ok &= expect(!translation_allows(At::El0Read, reinterpret_cast<const void*>(0x40'0000)), "no user space mapped");
  kprintf("mmu: SCTLR_EL1 0x%llx, TTBR1 0x%llx; text R-X, rodata R--, data RW- (XN), MMIO Device, EL0 denied\n",
          static_cast<unsigned long long>(sctlr), static_cast<unsigned long long>(ttbr1));
  return ok ? ExitCode::Pass : ExitCode::Fail;
}

ExitCode fault_text_write(const BootFacts&) {
  auto* text = reinterpret_cast<volatile std::uint32_t*>(&kernel_main);
  kprintf("fault: writing to kernel text at 0x%lx\n", reinterpret_cast<unsigned long>(text));
  *text = 0xd503201f; // nop
  return ExitCode::Fail;
}

alignas(4096) std::uint32_t g_data_code[1024] = {0xd65f03c0}; // ret
ExitCode fault_exec_data(const BootFacts&) {
  kprintf("fault: executing from kernel data at 0x%lx\n", reinterpret_cast<unsigned long>(g_data_code));
  reinterpret_cast<void (*)()>(reinterpret_cast<std::uintptr_t>(g_data_code))();
  return ExitCode::Fail;
}

ExitCode fault_unmapped(const BootFacts&) {
  const auto* p = reinterpret_cast<volatile const std::uint64_t*>(arch::kKernelVirtualBase + 0x40'0000'0000);
  kprintf("fault: reading unmapped kernel address 0x%lx\n", reinterpret_cast<unsigned long>(p));
  const std::uint64_t v = *p;
  kprintf("fault: read 0x%llx\n", static_cast<unsigned long long>(v));
  return ExitCode::Fail;
}

// Allocation and free cycles return the free count to where it was; frames are zeroed; misuse is an
// error, not corruption.
ExitCode frames(const BootFacts&) {
  auto& fa = kmem::frames();
  const std::uint64_t start = fa.free_frames();
  bool ok = true;
  mm::PhysAddr blocks[mm::FrameAllocator::kMaxOrder + 1];
  for (unsigned order = 0; order <= mm::FrameAllocator::kMaxOrder; ++order) {
    auto b = fa.allocate(order);
    ok &= expect(b.ok(), "allocate every order");
    if (!b.ok()) return ExitCode::Fail;
    blocks[order] = *b;
    auto* words = arch::phys_to_virt<std::uint64_t>(*b);
    bool zero = true;
    for (std::uint64_t i = 0; i < (std::uint64_t{512} << order); ++i)
      zero &= words[i] == 0;
    ok &= expect(zero, "allocated frames are zeroed");
    for (std::uint64_t i = 0; i < (std::uint64_t{512} << order); ++i)
      words[i] = 0xB4B4'B4B4'B4B4'B4B4;
  }
  const std::uint64_t used = fa.used_frames();
  for (unsigned order = 0; order <= mm::FrameAllocator::kMaxOrder; ++order)
    ok &= expect(fa.free(blocks[order], order).ok(), "free");
  ok &= expect(!fa.free(blocks[3], 3).ok(), "a double free is refused");
  ok &= expect(!fa.free(blocks[5] + 4096, 5).ok(), "a misaligned free is refused");
  // Exhaust RAM in 4 MiB blocks, then give everything back.
  std::uint64_t taken = 0;
  static mm::PhysAddr big[4096];
  while (taken < 4096) {
    auto b = fa.allocate(mm::FrameAllocator::kMaxOrder);
    if (!b.ok()) break;
    big[taken++] = *b;
  }
  for (std::uint64_t i = 0; i < taken; ++i)
    ok &= expect(fa.free(big[i], mm::FrameAllocator::kMaxOrder).ok(), "free big");
  const std::uint64_t end = fa.free_frames();
  ok &= expect(end == start, "the free count returns to its starting value");
  kprintf("frames: %llu free at start, %llu used at peak of the order cycle, %llu x 4 MiB blocks taken and returned, "
          "%llu free at end\n",
          static_cast<unsigned long long>(start), static_cast<unsigned long long>(used),
          static_cast<unsigned long long>(taken), static_cast<unsigned long long>(end));
  return ok ? ExitCode::Pass : ExitCode::Fail;
}

// Two spaces map one frame at the channel window and see each other's writes; a third does not have
// it mapped and faults (caught through the exception table).
ExitCode address_spaces(const BootFacts&) {
  auto& fa = kmem::frames();
  const std::uint64_t start = fa.free_frames();
  bool ok = true;
  static Lazy<mm::AddressSpace> storage[3];
  mm::AddressSpace* spaces[3];
  for (int i = 0; i < 3; ++i) {
    auto s = mm::AddressSpace::create(kmem::asids(), kmem::table_allocator(), kmem::tlb(), kmem::window(),
                                      kmem::user_forbidden());
    if (!s.ok()) return ExitCode::Fail;
    spaces[i] = &storage[i].emplace(*s);
  }
  auto frame = fa.allocate(0);
  if (!frame.ok()) return ExitCode::Fail;
  const mm::VirtAddr window = mm::kChannelWindowBase;
  ok &= expect(spaces[0]->map_channel(window, *frame, 4096, mm::kUserReadWrite).ok(), "map into space A");
  ok &= expect(spaces[1]->map_channel(window, *frame, 4096, mm::kUserReadWrite).ok(), "map into space B");
  ok &= expect(spaces[0]->map(window, *frame, 4096, mm::kUserReadWrite).error() == mm::MmError::Forbidden,
               "plain map() refuses the channel window");
  ok &= expect(!spaces[2]->map(0x40'0000, kmem::layout().kernel_image.base, 4096, mm::kUserRead).ok(),
               "the kernel image cannot be mapped into user space");
  auto* shared = reinterpret_cast<std::uint64_t*>(window);
  std::uint64_t value = 0;
  kmem::activate_task_space(spaces[0]->ttbr0_value());
  ok &= expect(probe_write_u64(shared, 0xA11CE) == 0, "space A writes");
  kmem::activate_task_space(spaces[1]->ttbr0_value());
  ok &= expect(probe_read_u64(shared, &value) == 0 && value == 0xA11CE, "space B reads A's write");
  ok &= expect(probe_write_u64(shared, 0xB0B) == 0, "space B writes");
  kmem::activate_task_space(spaces[0]->ttbr0_value());
  ok &= expect(probe_read_u64(shared, &value) == 0 && value == 0xB0B, "space A reads B's write");
  kmem::activate_task_space(spaces[2]->ttbr0_value());
  const int third = probe_read_u64(shared, &value);
  ok &= expect(third == -1, "space C faults at the window");
  kmem::activate_empty_user_space();
  kprintf("spaces: A and B (ASIDs %u, %u) share frame 0x%llx at 0x%llx: 0x%llx seen both ways; C (ASID %u) "
          "faults there\n",
          spaces[0]->asid(), spaces[1]->asid(), static_cast<unsigned long long>(*frame),
          static_cast<unsigned long long>(window), static_cast<unsigned long long>(value), spaces[2]->asid());
  for (auto* s : spaces)
    s->destroy();
  ok &= expect(fa.free(*frame, 0).ok(), "free the shared frame");
  ok &= expect(fa.free_frames() == start, "tables and frame returned");
  ok &= expect(kmem::asids().used() == 0, "ASIDs returned");
  return ok ? ExitCode::Pass : ExitCode::Fail;
}

constexpr Scenario kScenarios[] = {
    {"mmu", mmu},
    {"fault-text-write", fault_text_write},
    {"fault-exec-data", fault_exec_data},
    {"fault-unmapped", fault_unmapped},
    {"frames", frames},
    {"address-spaces", address_spaces},
};

} // namespace

std::span<const Scenario> mm_scenarios() { return kScenarios; }

} // namespace bramble::test
