// The one interface every interrupt controller offers; the board type picks the implementation
// (GIC-400 on the Pi 4, the BCM2836 local controller plus the legacy ARM controller on the Pi 3).
//
// IrqController is core 0's view (what a uniprocessor kernel needs). SmpIrqController refines it with
// what every core needs for itself: its own initialisation, its own per-core lines (the timer, the
// IPI), acknowledging on its own interface, and sending an inter-processor interrupt.
#pragma once

#include <concepts>
#include <cstdint>

namespace bramble::drivers {

// Returned by acknowledge() when no enabled interrupt is pending.
inline constexpr std::uint32_t kNoInterrupt = 0xFFFF'FFFF;

template <typename T>
concept IrqController = requires(const T c, std::uint32_t line) {
  c.init();                                 // all lines disabled, controller on
  { c.enable(line) } -> std::same_as<bool>; // false: no such line
  { c.disable(line) } -> std::same_as<bool>;
  { c.acknowledge() } -> std::same_as<std::uint32_t>; // highest-priority pending line or kNoInterrupt
  c.end_of_interrupt(line);
  { c.line_count() } -> std::same_as<std::uint32_t>;
};

// What acknowledge_on() took: the line (kNoInterrupt when nothing pends), a controller-specific token
// that end_of_interrupt(const IrqAck&) needs (the GIC's raw GICC_IAR, which for an SGI carries the
// sending core), and the core that acknowledged it. Pass it back unchanged.
struct IrqAck {
  std::uint32_t line = kNoInterrupt;
  std::uint32_t token = 0;
  std::uint32_t cpu = 0;
};

// A controller a multi-core kernel can drive. `cpu` is a core number (MPIDR_EL1.Aff0 on the Pis), below
// T::kMaxCpus; operations given a core number outside that range do nothing and return false (or an
// IrqAck with line kNoInterrupt).
//
// Per-core lines (T::kIpiLine, the board's timer line) are enabled per core with enable_on/disable_on;
// the shared lines (device interrupts) keep using enable/disable and are taken by core 0. Some
// controllers bank their per-core registers (the GIC): there, init_cpu, enable_on, disable_on and
// acknowledge_on act on the *calling* core's registers and `cpu` must be the caller's own number. Code
// that wants to run on both kinds therefore calls them only with its own core number.
template <typename T>
concept SmpIrqController = IrqController<T> &&
    requires(const T c, std::uint32_t cpu, std::uint32_t line, const IrqAck& ack) {
  { T::kMaxCpus } -> std::convertible_to<std::uint32_t>; // cores the controller can address
  { T::kIpiLine } -> std::convertible_to<std::uint32_t>; // the line send_ipi raises on the target
  { c.init_cpu(cpu) } -> std::same_as<bool>;             // core cpu's own part: its lines disabled, interface on
  { c.enable_on(cpu, line) } -> std::same_as<bool>;      // false: not a per-core line, or no such core
  { c.disable_on(cpu, line) } -> std::same_as<bool>;
  { c.acknowledge_on(cpu) } -> std::same_as<IrqAck>; // highest-priority line pending for core cpu
  c.end_of_interrupt(ack);                           // completes exactly what acknowledge_on returned
  { c.send_ipi(cpu) } -> std::same_as<bool>;         // raise kIpiLine on core cpu
};

} // namespace bramble::drivers
