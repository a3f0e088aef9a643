#include "kernel/object/device.hpp"

#include "kernel/cap/cap_ops.hpp"
#include "kernel/console.hpp"
#include "kernel/irq.hpp"
#include "kernel/object/frame.hpp"
#include "kernel/object/notification.hpp"
#include "kernel/object/pool.hpp"
#include "kernel/platform.hpp"

namespace bramble::kobj {
namespace {

using abi::Error;

Pool<IrqHandler, 16> g_handlers;

void on_line(std::uint32_t, void* context) { static_cast<IrqHandler*>(context)->fire(); }

bool line_for_user(std::uint64_t line) {
  for (const auto& d : platform::devices()) {
    if (d.irq != drivers::kNoDeviceIrq && d.irq == line) return true;
  }
  return false;
}

} // namespace

IrqControl& irq_control() {
  static IrqControl instance;
  return instance;
}

IrqHandler::IrqHandler(std::uint32_t line)
    : KernelObject(kType), kernel_slots(std::span<cap::Capability>(notification_storage)), line_(line) {}

void IrqHandler::fire() {
  irq::mask(line_); // until the driver has serviced the device and acknowledged
  const cap::Capability& n = notification_storage[1];
  if (auto* notification = cap::object_cast<Notification>(n.object())) {
    notification->signal(n.badge() != abi::kNoBadge ? n.badge() : abi::kUnbadgedSignalBits);
  }
}

void IrqHandler::acknowledge() { irq::unmask(line_); }

void IrqHandler::on_last_capability_deleted() {
  irq::detach(line_);
  dead = true; // its notification copy is deleted by sweep_irq_handlers()
}

cap::Result<IrqHandler*> create_irq_handler(std::uint64_t line, cap::Capability& notification) {
  if (!line_for_user(line)) return err(Error::InvalidDevice);
  const auto l = static_cast<std::uint32_t>(line);
  if (irq::attached(l)) return err(Error::DeviceBusy);
  IrqHandler* h = g_handlers.create(l);
  if (h == nullptr) return err(Error::OutOfMemory);
  auto copy = cap::decode_derive(notification, h->notification_storage[1], notification.rights(), abi::kNoBadge);
  if (!copy.ok() || !irq::attach(l, on_line, h)) {
    g_handlers.destroy(h);
    return err(copy.ok() ? Error::InvalidDevice : copy.error());
  }
  cap::invoke_derive(*copy);
  return h;
}

cap::Result<Frame*> create_device_frame(std::uint64_t device) {
  const auto devices = platform::devices();
  if (device >= devices.size()) return err(Error::InvalidDevice);
  const auto& d = devices[device];
  return Frame::create_device(d.base, d.size, device == platform::console_device());
}

void sweep_irq_handlers() {
  IrqHandler* dead[16];
  std::size_t n = 0;
  g_handlers.for_each([&](IrqHandler& h) {
    if (h.dead && n < 16) dead[n++] = &h;
  });
  for (std::size_t i = 0; i < n; ++i) {
    cap::cap_table_clear(dead[i]->kernel_slots);
    g_handlers.destroy(dead[i]);
  }
}

void for_each_irq_table(void (*fn)(const cap::CapTable&, void*), void* context) {
  g_handlers.for_each([&](IrqHandler& h) { fn(h.kernel_slots, context); });
}

} // namespace bramble::kobj
