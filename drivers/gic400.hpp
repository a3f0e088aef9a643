// ARM GIC-400 (GICv2) as on the BCM2711: distributor and CPU interface.
// Offsets: ARM Generic Interrupt Controller Architecture Specification v2 (IHI 0048B), Tables 4-1
// (distributor) and 4-2 (CPU interface); GIC-400 TRM (DDI 0471B) section 3.
#pragma once

#include "drivers/irq_controller.hpp"
#include "drivers/mmio.hpp"

namespace bramble::drivers {

struct GicDistributorRegisters {
  std::uint32_t ctlr;            // 0x000 GICD_CTLR
  std::uint32_t typer;           // 0x004 GICD_TYPER
  std::uint32_t iidr;            // 0x008
  std::uint32_t rsvd0[29];       // 0x00C-0x07C
  std::uint32_t igroupr[32];     // 0x080
  std::uint32_t isenabler[32];   // 0x100
  std::uint32_t icenabler[32];   // 0x180
  std::uint32_t ispendr[32];     // 0x200
  std::uint32_t icpendr[32];     // 0x280
  std::uint32_t isactiver[32];   // 0x300
  std::uint32_t icactiver[32];   // 0x380
  std::uint32_t ipriorityr[255]; // 0x400 (byte per INTID, accessed as words)
  std::uint32_t rsvd1;           // 0x7FC
  std::uint32_t itargetsr[255];  // 0x800 (byte per INTID)
  std::uint32_t rsvd2;           // 0xBFC
  std::uint32_t icfgr[64];       // 0xC00
};
static_assert(offsetof(GicDistributorRegisters, isenabler) == 0x100);
static_assert(offsetof(GicDistributorRegisters, icenabler) == 0x180);
static_assert(offsetof(GicDistributorRegisters, icpendr) == 0x280);
static_assert(offsetof(GicDistributorRegisters, ipriorityr) == 0x400);
static_assert(offsetof(GicDistributorRegisters, itargetsr) == 0x800);
static_assert(offsetof(GicDistributorRegisters, icfgr) == 0xC00);

struct GicCpuRegisters {
  std::uint32_t ctlr; // 0x00 GICC_CTLR
  std::uint32_t pmr;  // 0x04 priority mask
  std::uint32_t bpr;  // 0x08 binary point
  std::uint32_t iar;  // 0x0C interrupt acknowledge
  std::uint32_t eoir; // 0x10 end of interrupt
};
static_assert(offsetof(GicCpuRegisters, iar) == 0x0C);
static_assert(offsetof(GicCpuRegisters, eoir) == 0x10);

namespace gic {
inline constexpr std::uint32_t kSpuriousId = 1023;     // GICC_IAR.InterruptID when nothing pends
inline constexpr std::uint32_t kIarIdMask = 0x3FF;     // IAR[9:0]
inline constexpr std::uint8_t kDefaultPriority = 0xA0; // lower value = higher priority
inline constexpr std::uint32_t kPriorityMask = 0xF0;   // PMR: accept priorities below 0xF0
inline constexpr std::uint32_t kFirstSpi = 32;
} // namespace gic

template <MmioBackend Io = DirectMmio> class Gic400 {
public:
  constexpr Gic400(std::uintptr_t distributor, std::uintptr_t cpu_interface, Io io = Io{})
      : gicd_(distributor, io), gicc_(cpu_interface, io) {}

  // Number of interrupt IDs this distributor implements: 32 * (GICD_TYPER.ITLinesNumber + 1).
  [[nodiscard]] std::uint32_t line_count() const {
    const std::uint32_t lines = 32 * ((gicd_.read(BRAMBLE_REG(GicDistributorRegisters, typer)) & 0x1F) + 1);
    return lines > 1020 ? 1020 : lines;
  }

  void init() const {
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ctlr), 0);
    const std::uint32_t words = line_count() / 32;
    for (std::uint32_t i = 0; i < words; ++i) {
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icenabler) + 4 * i, 0xFFFF'FFFF);
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icpendr) + 4 * i, 0xFFFF'FFFF);
    }
    // Every line at the default priority; SPIs routed to core 0 (ITARGETSR is read-only for
    // SGIs/PPIs, IHI 0048B 4.3.12).
    const std::uint32_t priority_word = 0x0101'0101u * gic::kDefaultPriority;
    for (std::uint32_t i = 0; i < line_count() / 4; ++i) {
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ipriorityr) + 4 * i, priority_word);
      if (i >= gic::kFirstSpi / 4) gicd_.write(BRAMBLE_REG(GicDistributorRegisters, itargetsr) + 4 * i, 0x0101'0101);
    }
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ctlr), 1);
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, pmr), gic::kPriorityMask);
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, bpr), 0);
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, ctlr), 1);
  }

  bool enable(std::uint32_t line) const {
    if (line >= line_count()) return false;
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, isenabler) + 4 * (line / 32), 1u << (line % 32));
    return true;
  }

  bool disable(std::uint32_t line) const {
    if (line >= line_count()) return false;
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icenabler) + 4 * (line / 32), 1u << (line % 32));
    return true;
  }

  [[nodiscard]] std::uint32_t acknowledge() const {
    const std::uint32_t id = gicc_.read(BRAMBLE_REG(GicCpuRegisters, iar)) & gic::kIarIdMask;
    return id >= gic::kSpuriousId ? kNoInterrupt : id;
  }

  void end_of_interrupt(std::uint32_t line) const { gicc_.write(BRAMBLE_REG(GicCpuRegisters, eoir), line); }

private:
  RegisterBlock<GicDistributorRegisters, Io> gicd_;
  RegisterBlock<GicCpuRegisters, Io> gicc_;
};

} // namespace bramble::drivers
