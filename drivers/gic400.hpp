// ARM GIC-400 (GICv2) as on the BCM2711: distributor and CPU interface.
// Offsets: ARM Generic Interrupt Controller Architecture Specification v2 (IHI 0048B), Tables 4-1
// (distributor) and 4-2 (CPU interface); GIC-400 TRM (DDI 0471B) section 3.
//
// Line numbers are GIC INTIDs: 0-15 SGIs, 16-31 PPIs, 32 and up SPIs. Several cores: the CPU
// interface (GICC_*) and the distributor's registers for INTIDs 0-31 (ISENABLER0, ICENABLER0,
// ICPENDR0, IPRIORITYR0-7) are banked, every core sees its own copy at the same address (IHI 0048B
// 4.3 and 4.4). So init_cpu, enable_on, disable_on and acknowledge_on reach the calling core's
// registers whatever `cpu` says: call them with the caller's own core number. SPIs stay routed to
// core 0 (init), which takes every device interrupt.
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
  std::uint32_t rsvd3[128];      // 0xD00-0xEFC (GIC-400: PPISR, SPISRn)
  std::uint32_t sgir;            // 0xF00 GICD_SGIR (write-only)
  std::uint32_t rsvd4[3];        // 0xF04-0xF0C
  std::uint32_t cpendsgir[4];    // 0xF10
  std::uint32_t spendsgir[4];    // 0xF20
};
static_assert(offsetof(GicDistributorRegisters, isenabler) == 0x100);
static_assert(offsetof(GicDistributorRegisters, icenabler) == 0x180);
static_assert(offsetof(GicDistributorRegisters, icpendr) == 0x280);
static_assert(offsetof(GicDistributorRegisters, ipriorityr) == 0x400);
static_assert(offsetof(GicDistributorRegisters, itargetsr) == 0x800);
static_assert(offsetof(GicDistributorRegisters, icfgr) == 0xC00);
static_assert(offsetof(GicDistributorRegisters, sgir) == 0xF00);
static_assert(offsetof(GicDistributorRegisters, cpendsgir) == 0xF10);
static_assert(offsetof(GicDistributorRegisters, spendsgir) == 0xF20);

struct GicCpuRegisters {
  std::uint32_t ctlr; // 0x00 GICC_CTLR
  std::uint32_t pmr;  // 0x04 priority mask
  std::uint32_t bpr;  // 0x08 binary point
  std::uint32_t iar;  // 0x0C interrupt acknowledge
  std::uint32_t eoir; // 0x10 end of interrupt
};
static_assert(offsetof(GicCpuRegisters, pmr) == 0x04);
static_assert(offsetof(GicCpuRegisters, bpr) == 0x08);
static_assert(offsetof(GicCpuRegisters, iar) == 0x0C);
static_assert(offsetof(GicCpuRegisters, eoir) == 0x10);

namespace gic {
inline constexpr std::uint32_t kSpuriousId = 1023;     // GICC_IAR.InterruptID when nothing pends
inline constexpr std::uint32_t kIarIdMask = 0x3FF;     // IAR[9:0]
inline constexpr std::uint8_t kDefaultPriority = 0xA0; // lower value = higher priority
inline constexpr std::uint32_t kPriorityMask = 0xF0;   // PMR: accept priorities below 0xF0
inline constexpr std::uint32_t kFirstSpi = 32;
inline constexpr std::uint32_t kMaxCpus = 8;         // GICv2 addresses at most 8 cores
inline constexpr std::uint32_t kIpiSgi = 0;          // the SGI the kernel uses as its IPI
inline constexpr std::uint32_t kSgiTargetShift = 16; // GICD_SGIR.CPUTargetList, bits [23:16]
inline constexpr std::uint32_t kSgiIdMask = 0xF;     // GICD_SGIR.SGIINTID, bits [3:0]
inline constexpr std::uint32_t kIarCpuShift = 10;    // GICC_IAR.CPUID, bits [12:10]: an SGI's sender
inline constexpr std::uint32_t kIarCpuMask = 0x7;
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

  // The distributor (once, on core 0) and core 0's banked part (init_cpu).
  void init() const {
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ctlr), 0);
    init_banked_lines();
    const std::uint32_t words = line_count() / 32;
    for (std::uint32_t i = 1; i < words; ++i) {
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icenabler) + 4 * i, 0xFFFF'FFFF);
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icpendr) + 4 * i, 0xFFFF'FFFF);
    }
    // Every SPI at the default priority and routed to core 0 (ITARGETSR is read-only for SGIs/PPIs,
    // IHI 0048B 4.3.12).
    for (std::uint32_t i = gic::kFirstSpi / 4; i < line_count() / 4; ++i) {
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ipriorityr) + 4 * i, kPriorityWord);
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, itargetsr) + 4 * i, 0x0101'0101);
    }
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ctlr), 1);
    init_cpu_interface();
  }

  // Core cpu's own part, run on that core after core 0 ran init(): its SGIs and PPIs disabled, not
  // pending and at the default priority, then its CPU interface on. The registers are banked: this
  // configures the calling core, `cpu` only has to be in range.
  bool init_cpu(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return false;
    init_banked_lines();
    init_cpu_interface();
    return true;
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

  // For SPIs and PPIs. An SGI's EOIR write must carry the sender as well: use acknowledge_on and
  // end_of_interrupt(const IrqAck&) for the IPI.
  void end_of_interrupt(std::uint32_t line) const { gicc_.write(BRAMBLE_REG(GicCpuRegisters, eoir), line); }

  // --- SmpIrqController ---
  static constexpr std::uint32_t kMaxCpus = gic::kMaxCpus;
  static constexpr std::uint32_t kIpiLine = gic::kIpiSgi;

  // SGIs and PPIs (INTID < 32) of the calling core (banked ISENABLER0/ICENABLER0). Whether an SGI can
  // be disabled at all is implementation defined (IHI 0048B 4.3.5); the write is harmless either way.
  bool enable_on(std::uint32_t cpu, std::uint32_t line) const {
    if (cpu >= kMaxCpus || line >= gic::kFirstSpi) return false;
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, isenabler), 1u << line);
    return true;
  }

  bool disable_on(std::uint32_t cpu, std::uint32_t line) const {
    if (cpu >= kMaxCpus || line >= gic::kFirstSpi) return false;
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icenabler), 1u << line);
    return true;
  }

  // Reads the calling core's GICC_IAR (which marks the interrupt active); the token is the raw value,
  // CPUID bits included, because EOIR must be written with exactly that (IHI 0048B 4.4.5).
  [[nodiscard]] IrqAck acknowledge_on(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return IrqAck{kNoInterrupt, 0, cpu};
    const std::uint32_t iar = gicc_.read(BRAMBLE_REG(GicCpuRegisters, iar));
    const std::uint32_t id = iar & gic::kIarIdMask;
    return IrqAck{id >= gic::kSpuriousId ? kNoInterrupt : id, iar, cpu};
  }

  // Nothing to complete after a spurious acknowledge.
  void end_of_interrupt(const IrqAck& ack) const {
    if (ack.line == kNoInterrupt) return;
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, eoir), ack.token);
  }

  // The core that sent an SGI, from an IrqAck of that SGI.
  [[nodiscard]] static constexpr std::uint32_t sender_of(const IrqAck& ack) {
    return (ack.token >> gic::kIarCpuShift) & gic::kIarCpuMask;
  }

  // SGI kIpiLine to core cpu: GICD_SGIR with TargetListFilter 0 (use the list), CPUTargetList = the
  // one core, NSATT 0 (ignored for a Non-secure write and without the Security Extensions). The
  // caller orders its memory writes before this one (DMB ISHST) so the target sees them.
  bool send_ipi(std::uint32_t cpu) const {
    if (cpu >= kMaxCpus) return false;
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, sgir),
                (1u << (gic::kSgiTargetShift + cpu)) | (kIpiLine & gic::kSgiIdMask));
    return true;
  }

private:
  static constexpr std::uint32_t kPriorityWord = 0x0101'0101u * gic::kDefaultPriority;

  // The calling core's banked distributor registers: INTIDs 0-31 disabled, not pending, default priority.
  void init_banked_lines() const {
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icenabler), 0xFFFF'FFFF);
    gicd_.write(BRAMBLE_REG(GicDistributorRegisters, icpendr), 0xFFFF'FFFF);
    for (std::uint32_t i = 0; i < gic::kFirstSpi / 4; ++i)
      gicd_.write(BRAMBLE_REG(GicDistributorRegisters, ipriorityr) + 4 * i, kPriorityWord);
  }

  // The calling core's CPU interface: accept priorities below the mask, no preemption grouping, on.
  void init_cpu_interface() const {
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, pmr), gic::kPriorityMask);
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, bpr), 0);
    gicc_.write(BRAMBLE_REG(GicCpuRegisters, ctlr), 1);
  }

  RegisterBlock<GicDistributorRegisters, Io> gicd_;
  RegisterBlock<GicCpuRegisters, Io> gicc_;
};

} // namespace bramble::drivers
