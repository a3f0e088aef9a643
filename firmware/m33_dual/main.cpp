// Dual Cortex-M33 (QEMU mps2-an521, the SSE-200 subsystem, like the RP2350's two M33s): core 0 formats
// a compact ring and produces, core 1 consumes, both running at the same time; each side sleeps in
// WFE when it must wait and the other wakes it with DSB + SEV (notify on need: a signal only when the
// peer announced a sleep). Core 1 is held in CPUWAIT at reset; core 0 points INITSVTOR1 at core 1's
// vector table and clears CPUWAIT through the SSE-200 system control registers (QEMU models both:
// hw/misc/iotkit-sysctl.c resets core 1 with the new vector table when its CPUWAIT bit is cleared).
#include <cstdint>

#include <bramble/ipc/ipc.hpp>

#include "semihost.hpp"

namespace ipc = bramble::ipc;

namespace {
using Ring = ipc::SpscRing<std::uint32_t, 64, std::uint32_t, ipc::Granule::Line>;
constexpr std::uint32_t kMessages = 20000;
constexpr std::uint32_t kStart = 0U - 1000U; // 1000 below 2^32: the stream crosses the index wrap

// The event register keeps a SEV sent before the WFE (ARMv8-M ARM, "Wait For Event and Send Event"),
// which gives exactly the notifier's semantics: a signal is not lost, several collapse, WFE may return
// early. DSB first so the index store the signal announces is complete before the event.
struct SevNotifier {
  void signal() { __asm__ volatile("dsb sy\n\tsev" ::: "memory"); }
  void wait() { __asm__ volatile("wfe" ::: "memory"); }
};

// SSE-200 system control (secure, 0x5002_1000): INITSVTOR1 at +0x114, CPUWAIT at +0x118.
volatile std::uint32_t& sysctl(std::uint32_t offset) {
  return *reinterpret_cast<volatile std::uint32_t*>(0x5002'1000U + offset);
}

alignas(64) unsigned char ring_memory[Ring::kBytes];

// Core 1's report, written once before `done`.
struct Report {
  std::uint32_t received;
  std::uint32_t first_bad; // index of the first message out of order, or kMessages
  std::uint32_t got;
  std::uint32_t end_position;
  std::uint32_t waits;
};
Report report;
ipc::SharedWord<std::uint32_t> done;

[[noreturn]] void core1_main() {
  auto rx = Ring::open_consumer<SevNotifier>(ring_memory, Ring::kBytes);
  Report r{0, kMessages, 0, 0, 0};
  if (rx.ok()) {
    for (std::uint32_t expected = 0; expected < kMessages; ++expected) {
      std::uint32_t value = 0;
      if (!rx->pop(value).ok() || value != expected) {
        r.first_bad = expected;
        r.got = value;
        break;
      }
      ++r.received;
    }
    r.end_position = static_cast<std::uint32_t>(rx->position());
    r.waits = static_cast<std::uint32_t>(rx->waits());
  }
  report = r;
  done.store(1, std::memory_order_release);
  SevNotifier{}.signal();
  for (;;)
    __asm__ volatile("wfe");
}
} // namespace

extern "C" {
void __core1_stack_top();
[[noreturn]] void core1_reset() { core1_main(); }
// Core 1's vector table: initial SP, reset. VTOR needs 128-byte alignment for up to 32 entries.
using Handler = void (*)();
__attribute__((used, aligned(128)))
const Handler core1_vectors[4] = {__core1_stack_top, core1_reset, core1_reset, core1_reset};
}

int main() {
  if (!Ring::format(ring_memory, Ring::kBytes, kStart).ok()) {
    fw::write("m33: FAIL format\n");
    return 1;
  }
  auto tx = Ring::open_producer<SevNotifier>(ring_memory, Ring::kBytes);
  if (!tx.ok()) {
    fw::write("m33: FAIL open\n");
    return 1;
  }
  __asm__ volatile("dsb sy" ::: "memory"); // the formatted ring is in memory before core 1 starts
  sysctl(0x114) = reinterpret_cast<std::uint32_t>(&core1_vectors[0]);
  sysctl(0x118) = 0; // release core 1 from CPUWAIT
  fw::write("m33: core 1 released\n");

  for (std::uint32_t i = 0; i < kMessages; ++i) {
    if (!tx->push(i).ok()) {
      fw::write("m33: FAIL push\n");
      return 1;
    }
  }
  for (std::uint32_t spins = 0; done.load(std::memory_order_acquire) == 0; ++spins)
    SevNotifier{}.wait();
  const Report r = report;
  fw::Line l;
  if (r.received != kMessages || r.end_position != kStart + kMessages) {
    l << "m33: FAIL core 1 received ";
    l.dec(r.received) << ", first bad ";
    l.dec(r.first_bad) << " got ";
    l.dec(r.got).print();
    return 1;
  }
  l << "m33: core 1 received ";
  l.dec(r.received) << " messages in order across the index wrap (";
  l.hex(kStart) << " -> ";
  l.hex(r.end_position) << "), ring ";
  l.dec(static_cast<std::uint32_t>(Ring::kBytes)) << " bytes; core 0 announced ";
  l.dec(static_cast<std::uint32_t>(tx->sleeps())) << " sleeps and sent ";
  l.dec(static_cast<std::uint32_t>(tx->signals_sent())) << " SEVs, core 1 waited ";
  l.dec(r.waits) << " times";
  l.print();
  return 0;
}
