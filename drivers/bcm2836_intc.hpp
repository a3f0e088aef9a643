// Interrupts on the BCM2837 (Pi 3): the BCM2836 per-core "local" controller (QA7 Rev 3.4, "Quad-A7
// control", sections 4.6-4.10) in front of the legacy ARM interrupt controller ("armctrl", BCM2835
// ARM Peripherals section 7.5) that collects the peripheral interrupts.
//
// Line numbers this driver uses (one flat space, as the IrqController interface wants):
//   0-31   bits of a core's IRQ source register (0 CNTPSIRQ, 1 CNTPNSIRQ, 2 CNTHPIRQ, 3 CNTVIRQ,
//          4-7 mailboxes 0-3, 8 "GPU" = armctrl pending, 11 local timer); enable/acknowledge use
//          core 0's, the *_on(cpu, ...) calls core cpu's
//   32-95  armctrl IRQ n (0-63) as 32 + n; e.g. the PL011 (armctrl 57) is line 89
//
// Several cores: nothing is banked, every core's registers have their own address (core n's timer
// interrupt control at 0x40 + 4n, mailbox interrupt control at 0x50 + 4n, IRQ source at 0x60 + 4n,
// mailbox m set at 0x80 + 0x10n + 4m and read/clear at 0xC0 + 0x10n + 4m), so any core may act for any
// other. The IPI is mailbox 0 (line kIpiLine = 4, its source bit): send_ipi sets bit 0 of the target's
// mailbox 0, acknowledge_on reads and clears it. The armctrl ("GPU") interrupts reach core 0 only.
#pragma once

#include "drivers/irq_controller.hpp"
#include "drivers/mmio.hpp"

namespace bramble::drivers {

struct Bcm2836LocalRegisters {
  std::uint32_t control;                 // 0x00
  std::uint32_t rsvd0;                   // 0x04
  std::uint32_t core_timer_prescaler;    // 0x08
  std::uint32_t gpu_routing;             // 0x0C GPU interrupts routing
  std::uint32_t rsvd1[12];               // 0x10-0x3C
  std::uint32_t core_timer_control[4];   // 0x40-0x4C core n timers interrupt control
  std::uint32_t core_mailbox_control[4]; // 0x50-0x5C
  std::uint32_t core_irq_source[4];      // 0x60-0x6C
  std::uint32_t core_fiq_source[4];      // 0x70-0x7C
  std::uint32_t mailbox_set[4][4];       // 0x80-0xBC core n mailbox m write-set (write-only)
  std::uint32_t mailbox_clear[4][4];     // 0xC0-0xFC core n mailbox m read / write-1-to-clear
};
static_assert(offsetof(Bcm2836LocalRegisters, core_timer_control) == 0x40);
static_assert(offsetof(Bcm2836LocalRegisters, core_mailbox_control) == 0x50);
static_assert(offsetof(Bcm2836LocalRegisters, core_irq_source) == 0x60);
static_assert(offsetof(Bcm2836LocalRegisters, mailbox_set) == 0x80);
static_assert(offsetof(Bcm2836LocalRegisters, mailbox_clear) == 0xC0);
static_assert(sizeof(Bcm2836LocalRegisters) == 0x100);

struct ArmctrlRegisters {
  std::uint32_t basic_pending; // 0x00
  std::uint32_t pending[2];    // 0x04-0x08 IRQ pending 1, 2
  std::uint32_t fiq_control;   // 0x0C
  std::uint32_t enable[2];     // 0x10-0x14 enable IRQs 1, 2
  std::uint32_t enable_basic;  // 0x18
  std::uint32_t disable[2];    // 0x1C-0x20 disable IRQs 1, 2
  std::uint32_t disable_basic; // 0x24
};
static_assert(offsetof(ArmctrlRegisters, enable) == 0x10);
static_assert(offsetof(ArmctrlRegisters, disable) == 0x1C);
static_assert(sizeof(ArmctrlRegisters) == 0x28);

namespace bcm2836 {
inline constexpr std::uint32_t kLocalLines = 32;
inline constexpr std::uint32_t kArmctrlLines = 64;
inline constexpr std::uint32_t kGpuSourceBit = 8;     // core IRQ source: an armctrl interrupt pends
inline constexpr std::uint32_t kTimerLinesMask = 0xF; // sources 0-3 are the four CPU timers
inline constexpr std::uint32_t kMailboxShift = 4;     // sources 4-7 are mailboxes 0-3
inline constexpr std::uint32_t kMailboxLinesMask = 0xF0;
inline constexpr std::uint32_t kCores = 4;
inline constexpr std::uint32_t kIpiMailbox = 0;
inline constexpr std::uint32_t kIpiBit = 1u << 0; // what send_ipi sets in the mailbox
} // namespace bcm2836

template <MmioBackend Io = DirectMmio> class Bcm2836InterruptController {
public:
  constexpr Bcm2836InterruptController(std::uintptr_t local_base, std::uintptr_t armctrl_base, Io io = Io{})
      : local_(local_base, io), armctrl_(armctrl_base, io) {}

  [[nodiscard]] std::uint32_t line_count() const { return bcm2836::kLocalLines + bcm2836::kArmctrlLines; }

  // The shared part (GPU interrupts to core 0, every armctrl line off) and core 0's own (init_cpu).
  void init() const {
    local_.write(BRAMBLE_REG(Bcm2836LocalRegisters, gpu_routing), 0); // GPU IRQs to core 0
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable), 0xFFFF'FFFF);
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable) + 4, 0xFFFF'FFFF);
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable_basic), 0xFFFF'FFFF);
    (void)init_cpu(0);
  }

  bool enable(std::uint32_t line) const {
    if (line < bcm2836::kLocalLines) {
      if (line == bcm2836::kGpuSourceBit) return true; // always on; the armctrl lines are switched
      return enable_on(0, line);
    }
    if (line >= line_count()) return false;
    const std::uint32_t n = line - bcm2836::kLocalLines;
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, enable) + 4 * (n / 32), 1u << (n % 32));
    return true;
  }

  bool disable(std::uint32_t line) const {
    if (line < bcm2836::kLocalLines) return disable_on(0, line);
    if (line >= line_count()) return false;
    const std::uint32_t n = line - bcm2836::kLocalLines;
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable) + 4 * (n / 32), 1u << (n % 32));
    return true;
  }

  // Core 0's view: acknowledge_on(0). (A mailbox is cleared as it is acknowledged, so the plain
  // end_of_interrupt(line) below completes every line.)
  [[nodiscard]] std::uint32_t acknowledge() const { return acknowledge_on(0).line; }

  // Level-triggered sources clear when their device is serviced: nothing to signal here.
  void end_of_interrupt(std::uint32_t) const {}

  // --- SmpIrqController ---
  static constexpr std::uint32_t kMaxCpus = bcm2836::kCores;
  static constexpr std::uint32_t kIpiLine = bcm2836::kMailboxShift + bcm2836::kIpiMailbox;

  // Core cpu's own registers: its four timer interrupts and four mailbox interrupts off, its IPI
  // mailbox emptied (an IPI sent before the target ran init_cpu is dropped).
  bool init_cpu(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return false;
    timer_enabled_[cpu] = 0;
    mailbox_enabled_[cpu] = 0;
    local_.write(timer_control(cpu), 0);
    local_.write(mailbox_control(cpu), 0);
    local_.write(mailbox_clear(cpu, bcm2836::kIpiMailbox), 0xFFFF'FFFF);
    return true;
  }

  // Per-core lines 0-3 (core cpu's timers, IRQ bits 0-3 of 0x40 + 4cpu) and 4-7 (its mailboxes, IRQ
  // bits 0-3 of 0x50 + 4cpu). The FIQ bits (4-7) stay clear.
  bool enable_on(std::uint32_t cpu, std::uint32_t line) const { return switch_on(cpu, line, true); }
  bool disable_on(std::uint32_t cpu, std::uint32_t line) const { return switch_on(cpu, line, false); }

  // The lowest-numbered enabled source in core cpu's IRQ source register: a timer, then a mailbox
  // (read and cleared here, before the handler runs, so an IPI sent while it runs raises the line
  // again rather than being cleared with this one; the token is the bits read), then, for the core
  // the GPU interrupts are routed to, the armctrl line behind the GPU bit.
  [[nodiscard]] IrqAck acknowledge_on(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return IrqAck{kNoInterrupt, 0, cpu};
    const std::uint32_t source = local_.read(BRAMBLE_REG(Bcm2836LocalRegisters, core_irq_source) + 4 * cpu);
    const std::uint32_t timers = source & bcm2836::kTimerLinesMask & timer_enabled_[cpu];
    if (timers) return IrqAck{static_cast<std::uint32_t>(__builtin_ctz(timers)), 0, cpu};
    std::uint32_t mailboxes = (source & bcm2836::kMailboxLinesMask) >> bcm2836::kMailboxShift;
    mailboxes &= mailbox_enabled_[cpu];
    while (mailboxes) {
      const auto m = static_cast<std::uint32_t>(__builtin_ctz(mailboxes));
      mailboxes &= mailboxes - 1;
      const std::uint32_t bits = local_.read(mailbox_clear(cpu, m));
      if (bits == 0) continue; // cleared since the source was read
      local_.write(mailbox_clear(cpu, m), bits);
      return IrqAck{bcm2836::kMailboxShift + m, bits, cpu};
    }
    if (source & (1u << bcm2836::kGpuSourceBit)) {
      for (std::uint32_t bank = 0; bank < 2; ++bank) {
        const std::uint32_t pending = armctrl_.read(BRAMBLE_REG(ArmctrlRegisters, pending) + 4 * bank);
        if (pending)
          return IrqAck{bcm2836::kLocalLines + 32 * bank + static_cast<std::uint32_t>(__builtin_ctz(pending)), 0, cpu};
      }
    }
    return IrqAck{kNoInterrupt, 0, cpu};
  }

  // Nothing left to do: timers and armctrl lines are level-triggered (their device clears them) and
  // a mailbox was cleared when it was acknowledged.
  void end_of_interrupt(const IrqAck&) const {}

  // Sets bit 0 of core cpu's mailbox 0. The caller orders its memory writes before this one (DMB
  // ISHST) so the target sees them.
  bool send_ipi(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return false;
    local_.write(mailbox_set(cpu, bcm2836::kIpiMailbox), bcm2836::kIpiBit);
    return true;
  }

private:
  static constexpr std::size_t timer_control(std::uint32_t cpu) {
    return BRAMBLE_REG(Bcm2836LocalRegisters, core_timer_control) + 4 * cpu;
  }
  static constexpr std::size_t mailbox_control(std::uint32_t cpu) {
    return BRAMBLE_REG(Bcm2836LocalRegisters, core_mailbox_control) + 4 * cpu;
  }
  static constexpr std::size_t mailbox_set(std::uint32_t cpu, std::uint32_t m) {
    return BRAMBLE_REG(Bcm2836LocalRegisters, mailbox_set) + 0x10 * cpu + 4 * m;
  }
  static constexpr std::size_t mailbox_clear(std::uint32_t cpu, std::uint32_t m) {
    return BRAMBLE_REG(Bcm2836LocalRegisters, mailbox_clear) + 0x10 * cpu + 4 * m;
  }

  // Lines 0-3 live in core cpu's timer control, 4-7 in its mailbox control; the rest is not per core.
  bool switch_on(std::uint32_t cpu, std::uint32_t line, bool on) const {
    if (cpu >= kMaxCpus || line >= 2 * bcm2836::kMailboxShift) return false;
    const bool timer = line < bcm2836::kMailboxShift;
    std::uint32_t& enabled = timer ? timer_enabled_[cpu] : mailbox_enabled_[cpu];
    const std::uint32_t bit = 1u << (timer ? line : line - bcm2836::kMailboxShift);
    enabled = on ? (enabled | bit) : (enabled & ~bit);
    local_.write(timer ? timer_control(cpu) : mailbox_control(cpu), enabled);
    return true;
  }

  RegisterBlock<Bcm2836LocalRegisters, Io> local_;
  RegisterBlock<ArmctrlRegisters, Io> armctrl_;
  // What is enabled in each core's timer and mailbox interrupt control (IRQ bits 0-3), so a change
  // writes the whole register without reading it. Entry n is written by whoever enables core n's
  // lines: the kernel serialises that (normally core n itself, or under its lock).
  mutable std::uint32_t timer_enabled_[bcm2836::kCores] = {};
  mutable std::uint32_t mailbox_enabled_[bcm2836::kCores] = {};
};

} // namespace bramble::drivers
