#include <doctest/doctest.h>

#include "drivers/bcm2836_intc.hpp"
#include "fake_mmio.hpp"

#include <vector>

using namespace bramble::drivers;
constexpr std::uintptr_t kLocal = 0x4000'0000;
constexpr std::uintptr_t kArmctrl = 0x3F00'B200;

TEST_CASE("the physical non-secure timer (line 1) is enabled in core 0's timer control") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  CHECK(io.bus->registers[kLocal + 0x40] == 0);
  CHECK(c.enable(1));
  CHECK(io.bus->registers[kLocal + 0x40] == 0b10);
  CHECK(c.enable(3));
  CHECK(io.bus->registers[kLocal + 0x40] == 0b1010);
  CHECK(c.disable(1));
  CHECK(io.bus->registers[kLocal + 0x40] == 0b1000);
}

TEST_CASE("armctrl lines: 32 + n, enable/disable banks 1 and 2") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  CHECK(c.enable(32 + 57)); // PL011
  CHECK(io.bus->writes_to(kArmctrl + 0x14).back().value == 1u << 25);
  CHECK(c.disable(32 + 57));
  CHECK(io.bus->writes_to(kArmctrl + 0x20).back().value == 1u << 25);
  CHECK_FALSE(c.enable(96));
  CHECK(c.line_count() == 96);
}

TEST_CASE("acknowledge: enabled timers first, then the armctrl line behind the GPU bit") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  (void)c.enable(1);
  io.bus->registers[kLocal + 0x60] = 0b10;
  CHECK(c.acknowledge() == 1);
  io.bus->registers[kLocal + 0x60] = 0b1000; // a timer line that is not enabled is ignored
  CHECK(c.acknowledge() == kNoInterrupt);
  io.bus->registers[kLocal + 0x60] = 1u << 8;
  io.bus->registers[kArmctrl + 0x04] = 0;
  io.bus->registers[kArmctrl + 0x08] = 1u << 25;
  CHECK(c.acknowledge() == 32 + 57);
  io.bus->registers[kLocal + 0x60] = 0;
  CHECK(c.acknowledge() == kNoInterrupt);
}

TEST_CASE("init does core 0's per-core part, init_cpu(n) touches only core n's registers") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  CHECK(io.bus->writes_to(kLocal + 0x0C).back().value == 0);   // GPU interrupts to core 0
  CHECK(io.bus->writes_to(kLocal + 0x50).back().value == 0);   // core 0 mailbox interrupts off
  CHECK(io.bus->writes_to(kLocal + 0xC0).back().value == ~0u); // core 0 mailbox 0 emptied
  io.bus->log.clear();
  CHECK(c.init_cpu(2));
  std::vector<MmioAccess> writes;
  for (const auto& a : io.bus->log)
    if (a.write) writes.push_back(a);
  REQUIRE(writes.size() == 3);
  CHECK(writes[0].address == kLocal + 0x48); // core 2 timers interrupt control
  CHECK(writes[0].value == 0);
  CHECK(writes[1].address == kLocal + 0x58); // core 2 mailboxes interrupt control
  CHECK(writes[1].value == 0);
  CHECK(writes[2].address == kLocal + 0xE0); // core 2 mailbox 0 read/clear
  CHECK(writes[2].value == 0xFFFF'FFFF);
  CHECK_FALSE(c.init_cpu(4));
}

TEST_CASE("enable_on: core n's timer in 0x40 + 4n, its IPI mailbox in 0x50 + 4n, each core apart") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  for (std::uint32_t cpu = 1; cpu < 4; ++cpu)
    CHECK(c.init_cpu(cpu));
  CHECK(c.enable_on(3, 1)); // CNTPNSIRQ of core 3
  CHECK(io.bus->registers[kLocal + 0x4C] == 0b10);
  CHECK(io.bus->registers[kLocal + 0x40] == 0); // core 0 untouched
  CHECK(c.enable_on(3, Bcm2836InterruptController<FakeMmio>::kIpiLine));
  CHECK(io.bus->registers[kLocal + 0x5C] == 0b1); // mailbox 0 IRQ enable
  CHECK(c.enable_on(1, 1));
  CHECK(io.bus->registers[kLocal + 0x44] == 0b10);
  CHECK(io.bus->registers[kLocal + 0x4C] == 0b10); // core 3's bits kept apart
  CHECK(c.disable_on(3, 1));
  CHECK(io.bus->registers[kLocal + 0x4C] == 0);
  CHECK(io.bus->registers[kLocal + 0x44] == 0b10);
  CHECK(c.disable_on(3, 4));
  CHECK(io.bus->registers[kLocal + 0x5C] == 0);
  const auto before = io.bus->log.size();
  CHECK_FALSE(c.enable_on(4, 1));       // no core 4
  CHECK_FALSE(c.enable_on(0, 8));       // the GPU bit is not per core
  CHECK_FALSE(c.enable_on(0, 32 + 57)); // nor an armctrl line
  CHECK(io.bus->log.size() == before);
  // The old interface is core 0's view.
  CHECK(c.enable(4));
  CHECK(io.bus->registers[kLocal + 0x50] == 0b1);
}

TEST_CASE("send_ipi sets bit 0 of core n's mailbox 0 at 0x80 + 0x10n") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  for (std::uint32_t cpu = 0; cpu < 4; ++cpu) {
    CHECK(c.send_ipi(cpu));
    const auto w = io.bus->writes_to(kLocal + 0x80 + 0x10 * cpu);
    REQUIRE(w.size() == 1);
    CHECK(w.back().value == 1);
  }
  CHECK_FALSE(c.send_ipi(4));
  CHECK(io.bus->log.size() == 4);
  CHECK(Bcm2836InterruptController<FakeMmio>::kIpiLine == 4);
}

TEST_CASE("acknowledge_on reads core n's source at 0x60 + 4n and clears the IPI mailbox it read") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  CHECK(c.init_cpu(2));
  CHECK(c.enable_on(2, 1));
  CHECK(c.enable_on(2, 4));
  io.bus->registers[kLocal + 0x60] = 0b10;    // core 0's timer: not core 2's business
  io.bus->registers[kLocal + 0x68] = 1u << 4; // core 2: mailbox 0
  io.bus->registers[kLocal + 0xE0] = 0b1;
  io.bus->log.clear();
  const IrqAck ipi = c.acknowledge_on(2);
  CHECK(ipi.line == 4);
  CHECK(ipi.token == 0b1);
  CHECK(ipi.cpu == 2);
  REQUIRE(io.bus->log.size() == 3);
  CHECK(io.bus->log[0].address == kLocal + 0x68);
  CHECK_FALSE(io.bus->log[0].write);
  CHECK(io.bus->log[1].address == kLocal + 0xE0);
  CHECK_FALSE(io.bus->log[1].write);
  CHECK(io.bus->log[2].address == kLocal + 0xE0); // write 1 to clear exactly the bits read
  CHECK(io.bus->log[2].write);
  CHECK(io.bus->log[2].value == 0b1);
  io.bus->log.clear();
  c.end_of_interrupt(ipi);
  CHECK(io.bus->log.empty());

  io.bus->registers[kLocal + 0x68] = (1u << 4) | 0b10; // timer first
  CHECK(c.acknowledge_on(2).line == 1);
  io.bus->registers[kLocal + 0x68] = 1u << 4; // the mailbox emptied meanwhile: nothing
  io.bus->registers[kLocal + 0xE0] = 0;
  io.bus->log.clear();
  CHECK(c.acknowledge_on(2).line == kNoInterrupt);
  CHECK(io.bus->writes_to(kLocal + 0xE0).empty());
  io.bus->registers[kLocal + 0x64] = 1u << 4; // core 1 has not enabled its mailbox
  io.bus->registers[kLocal + 0xD0] = 1;
  CHECK(c.acknowledge_on(1).line == kNoInterrupt);
  CHECK(c.acknowledge_on(4).line == kNoInterrupt);
}

TEST_CASE("acknowledge() is acknowledge_on(0): core 0 sees its IPI and the armctrl lines") {
  FakeMmio io;
  Bcm2836InterruptController<FakeMmio> c(kLocal, kArmctrl, io);
  c.init();
  CHECK(c.enable(4));
  io.bus->registers[kLocal + 0x60] = (1u << 4) | (1u << 8);
  io.bus->registers[kLocal + 0xC0] = 1;
  io.bus->registers[kArmctrl + 0x08] = 1u << 25;
  CHECK(c.acknowledge() == 4);
  CHECK(io.bus->writes_to(kLocal + 0xC0).back().value == 1);
  io.bus->registers[kLocal + 0xC0] = 0;
  CHECK(c.acknowledge() == 32 + 57);
}

static_assert(IrqController<Bcm2836InterruptController<FakeMmio>>);
static_assert(SmpIrqController<Bcm2836InterruptController<FakeMmio>>);
static_assert(SmpIrqController<Bcm2836InterruptController<DirectMmio>>);
