#include "tests/kernel/scenarios.hpp"

#include "kernel/arch/cpu.hpp"
#include "kernel/arch/memory_layout.hpp"
#include "kernel/arch/smp.hpp"
#include "kernel/console.hpp"
#include "kernel/irq.hpp"
#include "kernel/log.hpp"
#include "kernel/scenario.hpp"
#include "kernel/smp.hpp"
#include "kernel/timer.hpp"
#include "tests/kernel/harness.hpp"

#include "board.hpp"

namespace bramble::test {
namespace {

// The banner has been printed by kernel_main; the test checks its text.
ExitCode banner(const BootFacts&) { return ExitCode::Pass; }

// Five timer interrupts arrive through the board's controller, and no earlier than the timer allows:
// an interrupt cannot fire before its deadline, so five ticks take at least five periods.
ExitCode timer_ticks(const BootFacts&) {
  constexpr std::uint32_t kHz = 100;
  constexpr std::uint64_t kWanted = 5;
  const std::uint64_t start = timer::counter();
  if (!timer::start(kHz)) {
    kprintf("timer: cannot attach line %u\n", board::Board::kTimerIrq);
    return ExitCode::Fail;
  }
  arch::enable_irqs();
  std::uint64_t seen = 0;
  while (seen < kWanted) {
    arch::wait_for_interrupt();
    const std::uint64_t now = timer::ticks();
    while (seen < now && seen < kWanted)
      kprintf("tick %llu\n", static_cast<unsigned long long>(++seen));
  }
  arch::disable_irqs();
  timer::stop();
  const std::uint64_t elapsed = timer::counter() - start;
  const std::uint64_t minimum = kWanted * timer::period();
  kprintf("timer: %llu ticks at %u Hz through %s line %u, %llu counter ticks elapsed (minimum %llu)\n",
          static_cast<unsigned long long>(kWanted), kHz, irq::controller_name(), board::Board::kTimerIrq,
          static_cast<unsigned long long>(elapsed), static_cast<unsigned long long>(minimum));
  return elapsed >= minimum && irq::unexpected_count() == 0 ? ExitCode::Pass : ExitCode::Fail;
}

// Fault scenarios: each ends in the exception report and ExitCode::Panic; returning is a failure.
ExitCode fault_brk(const BootFacts&) {
  kprintf("fault: executing brk #0x42\n");
  asm volatile("brk #0x42");
  return ExitCode::Fail;
}

ExitCode fault_undefined(const BootFacts&) {
  kprintf("fault: executing udf #0\n");
  asm volatile("udf #0");
  return ExitCode::Fail;
}

ExitCode fault_alignment(const BootFacts&) {
  // An unaligned access to Device memory always faults (ARM ARM B2.5.2), whatever SCTLR_EL1.A says.
  // The GPIO block's first register has no read side effects.
  const std::uintptr_t address = arch::phys_to_virt_address(board::Board::kGpioBase) + 1;
  kprintf("fault: 8-byte load from unaligned address 0x%lx\n", static_cast<unsigned long>(address));
  std::uint64_t value;
  asm volatile("ldr %0, [%1]" : "=r"(value) : "r"(address) : "memory");
  kprintf("fault: load returned 0x%llx\n", static_cast<unsigned long long>(value));
  return ExitCode::Fail;
}

// The DTB the loader passed is reported; without one this scenario fails.
ExitCode dtb(const BootFacts& info) {
  if (info.dtb_size == 0) {
    kprintf("dtb: no valid device tree at 0x%lx\n", static_cast<unsigned long>(info.dtb_address));
    return ExitCode::Fail;
  }
  kprintf("dtb: valid FDT header at 0x%lx, %u bytes\n", static_cast<unsigned long>(info.dtb_address), info.dtb_size);
  return ExitCode::Pass;
}

// The PL011 receives: reads one line typed into the serial port (the harness sends it).
ExitCode uart_receive(const BootFacts&) {
  char line[64];
  unsigned length = 0;
  const std::uint64_t deadline = timer::counter() + 10 * timer::frequency();
  kprintf("uart-rx: ready\n");
  while (timer::counter() < deadline) {
    const int c = kconsole::try_read();
    if (c < 0) continue;
    if (c == '\r' || c == '\n') {
      if (length == 0) continue;
      line[length] = '\0';
      kprintf("uart-rx: received '%s' (%u bytes)\n", line, length);
      return ExitCode::Pass;
    }
    if (length + 1 < sizeof line) line[length++] = static_cast<char>(c);
  }
  kprintf("uart-rx: nothing received in 10 s\n");
  return ExitCode::Fail;
}

// The cores: every online core answers IPIs with its own per-CPU record, and all of them hammering
// the kernel lock lose no update and all finish (FIFO: nobody starves).
struct Probe {
  std::uint32_t calls = 0;
  std::uint32_t seen_core = 0xFFFF'FFFF;
  std::uint32_t seen_record = 0xFFFF'FFFF;
};
constexpr std::uint32_t kIpiRounds = 1000;
constexpr std::uint32_t kLockRounds = 300;
std::uint64_t g_lock_counter = 0; // plain: only the kernel lock keeps it right

void lock_storm(void*) {
  for (std::uint32_t i = 0; i < kLockRounds; ++i) {
    smp::lock_kernel();
    ++g_lock_counter;
    smp::unlock_kernel();
  }
}

ExitCode smp_cores(const BootFacts&) {
  const std::uint32_t online = smp::online_count();
  bool ok = true;
  for (std::uint32_t core = 1; core < online; ++core) {
    Probe answers;
    const std::uint64_t before = smp::cpu(core).ipis;
    for (std::uint32_t i = 0; i < kIpiRounds && ok; ++i) {
      ok &= smp::run_on(
          core,
          [](void* p) {
            auto* probe = static_cast<Probe*>(p);
            ++probe->calls;
            probe->seen_core = arch::core_id();
            probe->seen_record = smp::this_cpu().id;
          },
          &answers);
    }
    const std::uint64_t taken = smp::cpu(core).ipis - before;
    kprintf("smp: core %u ran %u calls sent by IPI (%llu IPIs taken), core id %u, per-CPU record %u\n", core,
            answers.calls, static_cast<unsigned long long>(taken), answers.seen_core, answers.seen_record);
    ok &=
        answers.calls == kIpiRounds && taken >= kIpiRounds && answers.seen_core == core && answers.seen_record == core;
  }
  if (!ok) return ExitCode::Fail;

  g_lock_counter = 0;
  for (std::uint32_t core = 1; core < online; ++core)
    ok &= smp::post(core, lock_storm, nullptr);
  smp::unlock_kernel(); // held since kernel_main: the storm needs it free
  lock_storm(nullptr);
  // Under an emulator with more virtual cores than host threads a lock hand-over can wait for the host
  // to schedule the next ticket's holder: allow each core 30 s.
  for (std::uint32_t core = 1; core < online; ++core) {
    bool finished = false;
    for (int attempt = 0; attempt < 30 && !finished; ++attempt)
      finished = smp::wait(core, 1000);
    if (!finished) kprintf("smp: core %u did not finish its share\n", core);
    ok &= finished;
  }
  smp::lock_kernel(); // after the others finished: they need it to
  kprintf("smp: %u cores took the kernel lock %u times each: counter %llu (expected %llu)\n", online, kLockRounds,
          static_cast<unsigned long long>(g_lock_counter), static_cast<unsigned long long>(online) * kLockRounds);
  ok &= g_lock_counter == std::uint64_t{online} * kLockRounds;
  return ok ? ExitCode::Pass : ExitCode::Fail;
}

// Never finishes: the harness must time out and fail it (a check of the harness itself).
ExitCode hang(const BootFacts&) {
  kprintf("hang: spinning forever\n");
  arch::halt();
}

constexpr Scenario kScenarios[] = {
    {"banner", banner},
    {"timer", timer_ticks},
    {"fault-brk", fault_brk},
    {"fault-undefined", fault_undefined},
    {"fault-alignment", fault_alignment},
    {"dtb", dtb},
    {"uart-rx", uart_receive},
    {"hang", hang},
    {"smp", smp_cores},
};

bool same(const char* a, const char* b) {
  while (*a && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

using Group = std::span<const Scenario> (*)();
constexpr Group kGroups[] = {boot_scenarios, mm_scenarios};

} // namespace

std::span<const Scenario> boot_scenarios() { return kScenarios; }

} // namespace bramble::test

namespace bramble::scenario {

using namespace bramble::test;

void run(const char* name, const BootFacts& info) {
  for (Group group : kGroups) {
    for (const auto& scenario : group()) {
      if (!same(scenario.name, name)) continue;
      kprintf("test: running scenario '%s'\n", name);
      const ExitCode code = scenario.run(info);
      kprintf("test: scenario '%s' %s\n", name, code == ExitCode::Pass ? "passed" : "FAILED");
      finish(code);
    }
  }
  kprintf("test: unknown scenario '%s'; known:", name);
  for (Group group : kGroups) {
    for (const auto& scenario : group())
      kprintf(" %s", scenario.name);
  }
  kprintf("\n");
  finish(ExitCode::UnknownScenario);
}

} // namespace bramble::scenario
