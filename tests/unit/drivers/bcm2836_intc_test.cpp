#include <doctest/doctest.h>

#include "drivers/bcm2836_intc.hpp"
#include "fake_mmio.hpp"

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

static_assert(IrqController<Bcm2836InterruptController<FakeMmio>>);
