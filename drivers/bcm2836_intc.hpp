// Interrupts on the BCM2837 (Pi 3): the BCM2836 per-core "local" controller (QA7 Rev 3.4, "Quad-A7
// control", sections 4.6-4.10) in front of the legacy ARM interrupt controller ("armctrl", BCM2835
// ARM Peripherals section 7.5) that collects the peripheral interrupts.
//
// Line numbers this driver uses (one flat space, as the IrqController interface wants):
//   0-31   bits of the core-0 IRQ source register (0 CNTPSIRQ, 1 CNTPNSIRQ, 2 CNTHPIRQ, 3 CNTVIRQ,
//          8 "GPU" = armctrl pending, 11 local timer)
//   32-95  armctrl IRQ n (0-63) as 32 + n; e.g. the PL011 (armctrl 57) is line 89
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
};
static_assert(offsetof(Bcm2836LocalRegisters, core_timer_control) == 0x40);
static_assert(offsetof(Bcm2836LocalRegisters, core_irq_source) == 0x60);

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
} // namespace bcm2836

template <MmioBackend Io = DirectMmio> class Bcm2836InterruptController {
public:
  constexpr Bcm2836InterruptController(std::uintptr_t local_base, std::uintptr_t armctrl_base, Io io = Io{})
      : local_(local_base, io), armctrl_(armctrl_base, io) {}

  [[nodiscard]] std::uint32_t line_count() const { return bcm2836::kLocalLines + bcm2836::kArmctrlLines; }

  void init() const {
    local_.write(BRAMBLE_REG(Bcm2836LocalRegisters, core_timer_control), 0);
    local_.write(BRAMBLE_REG(Bcm2836LocalRegisters, gpu_routing), 0); // GPU IRQs to core 0
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable), 0xFFFF'FFFF);
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable) + 4, 0xFFFF'FFFF);
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable_basic), 0xFFFF'FFFF);
    local_enabled_ = 0;
  }

  bool enable(std::uint32_t line) const {
    if (line < bcm2836::kLocalLines) {
      if (line > 3) return line == bcm2836::kGpuSourceBit; // only timers are switchable here
      local_enabled_ |= 1u << line;
      local_.write(BRAMBLE_REG(Bcm2836LocalRegisters, core_timer_control), local_enabled_ & bcm2836::kTimerLinesMask);
      return true;
    }
    if (line >= line_count()) return false;
    const std::uint32_t n = line - bcm2836::kLocalLines;
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, enable) + 4 * (n / 32), 1u << (n % 32));
    return true;
  }

  bool disable(std::uint32_t line) const {
    if (line < bcm2836::kLocalLines) {
      if (line > 3) return false;
      local_enabled_ &= ~(1u << line);
      local_.write(BRAMBLE_REG(Bcm2836LocalRegisters, core_timer_control), local_enabled_ & bcm2836::kTimerLinesMask);
      return true;
    }
    if (line >= line_count()) return false;
    const std::uint32_t n = line - bcm2836::kLocalLines;
    armctrl_.write(BRAMBLE_REG(ArmctrlRegisters, disable) + 4 * (n / 32), 1u << (n % 32));
    return true;
  }

  // The lowest-numbered pending source; an armctrl interrupt is resolved to its own line.
  [[nodiscard]] std::uint32_t acknowledge() const {
    const std::uint32_t source = local_.read(BRAMBLE_REG(Bcm2836LocalRegisters, core_irq_source));
    const std::uint32_t timers = source & bcm2836::kTimerLinesMask & local_enabled_;
    if (timers) return static_cast<std::uint32_t>(__builtin_ctz(timers));
    if (source & (1u << bcm2836::kGpuSourceBit)) {
      for (std::uint32_t bank = 0; bank < 2; ++bank) {
        const std::uint32_t pending = armctrl_.read(BRAMBLE_REG(ArmctrlRegisters, pending) + 4 * bank);
        if (pending) return bcm2836::kLocalLines + 32 * bank + static_cast<std::uint32_t>(__builtin_ctz(pending));
      }
    }
    return kNoInterrupt;
  }

  // Level-triggered sources clear when their device is serviced: nothing to signal here.
  void end_of_interrupt(std::uint32_t) const {}

private:
  RegisterBlock<Bcm2836LocalRegisters, Io> local_;
  RegisterBlock<ArmctrlRegisters, Io> armctrl_;
  mutable std::uint32_t local_enabled_ = 0;
};

} // namespace bramble::drivers
