// kernel_main: what the kernel does after boot/ has brought core 0 to EL1 with a stack.
#include "board.hpp"
#include "kernel/arch/cpu.hpp"
#include "kernel/arch/exceptions.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/pmu.hpp"
#include "kernel/arch/semihosting.hpp"
#include "kernel/boot_facts.hpp"
#include "kernel/cmdline.hpp"
#include "kernel/console.hpp"
#include "kernel/fdt/fdt.hpp"
#include "kernel/irq.hpp"
#include "kernel/loader/embedded.hpp"
#include "kernel/log.hpp"
#include "kernel/mem/memory.hpp"
#include "kernel/panic.hpp"
#include "kernel/scenario.hpp"
#include "kernel/smp.hpp"
#include "kernel/syscall/syscall.hpp"
#include "kernel/task/root.hpp"
#include "kernel/task/scheduler.hpp"
#include "kernel/timer.hpp"
#include "kernel/version.hpp"
#include "lib/cmdline.hpp"

extern "C" std::uint32_t boot_entry_el; // kernel/arch/aarch64/boot/start.S
extern "C" char __stack_top[];          // the boot stack (kernel/arch/aarch64/boot/kernel.ld)

namespace bramble {
namespace {

// The DTB's size from its header (fdt::header_total_size reads the magic and totalsize). Only
// addresses inside the RAM the early page tables map are read: the loader may leave anything in x0
// (QEMU leaves 0x100 without -dtb).
std::uint32_t probe_dtb_size(std::uintptr_t address) {
  if (address == 0 || address % 8 != 0 || address + 8 > BOARD_EARLY_RAM_END) return 0;
  const auto size = fdt::header_total_size(arch::phys_to_virt<const void>(address));
  if (!size.ok()) return 0;
  return *size >= fdt::kHeaderSize && *size <= 0x20'0000 ? static_cast<std::uint32_t>(*size) : 0; // .. 2 MiB
}

void print_banner(const BootFacts& info) {
  kprintf("Bramble %s on %s (%s): running at EL%u (entered at EL%u), timer %llu Hz, ", kVersion, board::Board::kName,
          board::Board::kDescription, info.el, info.entry_el, static_cast<unsigned long long>(info.timer_hz));
  if (info.dtb_size != 0) {
    kprintf("DTB at 0x%lx (%u bytes)\n", static_cast<unsigned long>(info.dtb_address), info.dtb_size);
  } else {
    kprintf("no DTB (x0 = 0x%lx)\n", static_cast<unsigned long>(info.dtb_address));
  }
}

// The scheduler's tick: one tick is the time slice.
constexpr std::uint32_t kSchedulerHz = 100;

// Without a root program: show that interrupts and the timer run.
[[noreturn]] void idle_demo() {
  constexpr std::uint32_t kHz = 100;
  if (!timer::start(kHz)) panic("cannot attach the timer interrupt (line %u)", board::Board::kTimerIrq);
  smp::unlock_kernel(); // the timer's interrupts take it
  arch::enable_irqs();
  std::uint64_t last_second = 0;
  for (;;) {
    arch::wait_for_interrupt();
    const std::uint64_t second = timer::ticks() / kHz;
    if (second != last_second) {
      last_second = second;
      kprintf("tick: %llu s (%llu timer interrupts)\n", static_cast<unsigned long long>(second),
              static_cast<unsigned long long>(timer::ticks()));
    }
  }
}

// Starts the root task and the scheduler; the kernel from here on only runs on exceptions.
[[noreturn]] void start_user_space(const char* program, const BootFacts& info) {
  char interval[24];
  if (cmdline::option("capcheck", interval, sizeof interval)) {
    const std::uint64_t n = cmdline::decimal(interval, 0);
    syscall::set_invariant_check_interval(n);
    kprintf("kernel: checking capability invariants every %llu system calls\n", static_cast<unsigned long long>(n));
  }
  ktask::root::create(program, info);
  timer::set_tick_hook([](std::uint64_t) { sched::on_tick(); });
  if (!timer::start(kSchedulerHz)) panic("cannot attach the timer interrupt (line %u)", board::Board::kTimerIrq);
  // The other cores join the scheduler, each with its own tick; they wait for the kernel lock, which
  // this core gives up when it leaves for the first task.
  smp::start_scheduling([] {
    smp::lock_kernel();
    if (!timer::start_this_core()) kprintf("smp: core %u has no timer tick\n", smp::this_cpu().id);
    sched::start();
  });
  sched::start();
}

} // namespace
} // namespace bramble

extern "C" void kernel_main(std::uintptr_t dtb_address) {
  using namespace bramble;
  smp::init_boot_core(reinterpret_cast<std::uintptr_t>(__stack_top));
  cap::set_release_hook(sched::note_release); // before anything can delete a capability
  smp::lock_kernel(); // given up when the first task starts (sched::start) or the idle demo waits
  kconsole::init();
  arch::install_exception_vectors();
  // Components time their own work with CNTVCT_EL0 (abi::BootInfo.timer_frequency ticks per second).
  arch::allow_el0_virtual_count();
  semihosting::probe();
  const std::uint32_t dtb_size = probe_dtb_size(dtb_address);
  cmdline::load(dtb_size != 0 ? arch::phys_to_virt<const void>(dtb_address) : nullptr, dtb_size);
  const std::uint32_t cores = smp::wanted_cores();
  smp::park_unwanted(cores);
  char pmu_option[8];
  if (cmdline::option("pmu", pmu_option, sizeof pmu_option) && pmu_option[0] == 'e') {
    pmu::start_counters(); // as early as the command line is known: boot cost is measured from here
    pmu::allow_el0_access();
  }

  BootFacts info;
  info.dtb_address = dtb_address;
  info.dtb_size = dtb_size;
  info.entry_el = boot_entry_el;
  info.el = arch::current_el();
  info.timer_hz = timer::frequency();
  print_banner(info);
  // On hardware the command line comes from the devicetree (cmdline.txt, or U-Boot's bootargs): say so.
  if (cmdline::source()[0] == 'd') kprintf("kernel: command line \"%s\" (devicetree)\n", cmdline::text());

  kmem::init(info);
  irq::init();
  const std::uint32_t online = smp::bring_up(cores);
  kprintf("smp: %u of %u cores online%s\n", online, smp::kMaxCores,
          cores < smp::kMaxCores ? " (cores= on the command line)" : "");
  if (pmu::running()) {
    kprintf("kernel: kernel lock taken and released in %llu instructions (uncontended)\n",
            static_cast<unsigned long long>(smp::measure_lock_pair()));
  }

  char scenario[32];
  if (cmdline::option("test", scenario, sizeof scenario)) {
    // "user:<program>": run an EL0 program as the root task; its exit code is the verdict.
    if (scenario[0] == 'u' && scenario[1] == 's' && scenario[2] == 'e' && scenario[3] == 'r' && scenario[4] == ':') {
      start_user_space(scenario + 5, info);
    }
    scenario::run(scenario, info);
  }
  // init=<program>: which embedded program is the root task (a benchmark on a real Pi: init=kbench).
  char init[32];
  if (cmdline::option("init", init, sizeof init)) {
    if (loader::find_embedded_program(init) != nullptr) start_user_space(init, info);
    kprintf("kernel: init=%s: this image embeds no such program; starting the system's root task\n", init);
  }
  if (loader::find_embedded_program("root") != nullptr) start_user_space("root", info);
  idle_demo();
}
