// The board's devices for user-space drivers: the IrqControl authority (held by the root
// task), interrupt handlers (one line bound to a notification: the kernel masks the line and signals;
// the driver acknowledges, which unmasks it), and device frames (a board-declared MMIO range, mapped
// Device-nGnRE). Only what the board lists exists: RAM and the kernel's timer cannot be named.
#pragma once

#include "kernel/cap/cap_table.hpp"
#include "kernel/cap/kernel_object.hpp"

namespace bramble::kobj {

class Frame;

class IrqControl final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::IrqControl;
  IrqControl() : KernelObject(kType) {}
  ~IrqControl() = default;
  void on_last_capability_deleted() override {}
};
[[nodiscard]] IrqControl& irq_control();

class IrqHandler final : public cap::KernelObject {
public:
  static constexpr cap::CapType kType = cap::CapType::IrqHandler;
  explicit IrqHandler(std::uint32_t line);
  ~IrqHandler() = default;
  void on_last_capability_deleted() override;

  [[nodiscard]] std::uint32_t line() const { return line_; }
  void fire(); // interrupt context: mask, signal
  void acknowledge();

  cap::Capability notification_storage[2] = {}; // [1]: the kernel's copy of the driver's notification
  cap::CapTable kernel_slots;
  bool dead = false;

private:
  std::uint32_t line_;
};

// irq_handler_create's invoke step, after decode: checks the line (InvalidDevice, DeviceBusy), binds
// it, copies the notification capability. OutOfMemory when the handler pool is full.
[[nodiscard]] cap::Result<IrqHandler*> create_irq_handler(std::uint64_t line, cap::Capability& notification);
// device_frame_create: a frame over board device `device` (InvalidDevice, OutOfMemory).
[[nodiscard]] cap::Result<Frame*> create_device_frame(std::uint64_t device);
// After each operation: releases handlers whose last capability went (hooks may not do it).
void sweep_irq_handlers();
// Calls fn for each handler's kernel table (the invariant checker needs every table).
void for_each_irq_table(void (*fn)(const cap::CapTable&, void*), void* context);

} // namespace bramble::kobj
