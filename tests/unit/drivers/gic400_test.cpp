#include <doctest/doctest.h>

#include "drivers/gic400.hpp"
#include "fake_mmio.hpp"

using namespace bramble::drivers;
constexpr std::uintptr_t kGicd = 0xFF84'1000;
constexpr std::uintptr_t kGicc = 0xFF84'2000;

namespace {
Gic400<FakeMmio> make(FakeMmio& io, std::uint32_t it_lines_number) {
  io.bus->registers[kGicd + 0x004] = it_lines_number; // GICD_TYPER.ITLinesNumber
  return Gic400<FakeMmio>(kGicd, kGicc, io);
}
} // namespace

TEST_CASE("line count comes from GICD_TYPER (QEMU raspi4b: 224 INTIDs)") {
  FakeMmio io;
  CHECK(make(io, 6).line_count() == 224);
  FakeMmio io2;
  CHECK(make(io2, 31).line_count() == 1020);
}

TEST_CASE("init: distributor off while configuring, all lines disabled, SPIs to core 0, then both on") {
  FakeMmio io;
  auto gic = make(io, 6);
  gic.init();
  const auto ctlr = io.bus->writes_to(kGicd);
  REQUIRE(ctlr.size() == 2);
  CHECK(ctlr.front().value == 0);
  CHECK(ctlr.back().value == 1);
  for (std::uintptr_t i = 0; i < 7; ++i)
    CHECK(io.bus->registers[kGicd + 0x180 + 4 * i] == 0xFFFF'FFFF);
  CHECK(io.bus->registers[kGicd + 0x400 + 28] == 0xA0A0'A0A0); // IPRIORITYR for INTIDs 28-31
  CHECK(io.bus->writes_to(kGicd + 0x800 + 28).empty());        // PPI targets are read-only
  CHECK(io.bus->registers[kGicd + 0x800 + 32] == 0x0101'0101); // SPIs 32-35 -> CPU 0
  CHECK(io.bus->registers[kGicc + 0x04] == 0xF0);
  CHECK(io.bus->registers[kGicc + 0x00] == 1);
}

TEST_CASE("enable/disable write one bit in the right ISENABLER/ICENABLER word") {
  FakeMmio io;
  auto gic = make(io, 6);
  CHECK(gic.enable(30));
  CHECK(io.bus->writes_to(kGicd + 0x100).back().value == 1u << 30);
  CHECK(gic.enable(153));
  CHECK(io.bus->writes_to(kGicd + 0x100 + 4 * 4).back().value == 1u << (153 % 32));
  CHECK(gic.disable(153));
  CHECK(io.bus->writes_to(kGicd + 0x180 + 4 * 4).back().value == 1u << (153 % 32));
  CHECK_FALSE(gic.enable(224));
}

TEST_CASE("acknowledge reads IAR, spurious 1023 means nothing; EOI writes EOIR") {
  FakeMmio io;
  auto gic = make(io, 6);
  io.bus->scripted_reads[kGicc + 0x0C] = {30, 0x1C00 | 153, 1023};
  CHECK(gic.acknowledge() == 30);
  CHECK(gic.acknowledge() == 153); // CPUID bits [12:10] masked off
  CHECK(gic.acknowledge() == kNoInterrupt);
  gic.end_of_interrupt(30);
  CHECK(io.bus->writes_to(kGicc + 0x10).back().value == 30);
}

static_assert(IrqController<Gic400<FakeMmio>>);
