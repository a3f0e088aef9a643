#include <doctest/doctest.h>

#include "drivers/gic400.hpp"
#include "fake_mmio.hpp"

#include <vector>

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

TEST_CASE("acknowledge reads IAR, spurious 1023 means nothing, EOI writes EOIR") {
  FakeMmio io;
  auto gic = make(io, 6);
  io.bus->scripted_reads[kGicc + 0x0C] = {30, 0x1C00 | 153, 1023};
  CHECK(gic.acknowledge() == 30);
  CHECK(gic.acknowledge() == 153); // CPUID bits [12:10] masked off
  CHECK(gic.acknowledge() == kNoInterrupt);
  gic.end_of_interrupt(30);
  CHECK(io.bus->writes_to(kGicc + 0x10).back().value == 30);
}

TEST_CASE("init configures core 0's banked SGI/PPI registers and leaves the SPI words to the loop") {
  FakeMmio io;
  auto gic = make(io, 6);
  gic.init();
  CHECK(io.bus->writes_to(kGicd + 0x180).size() == 1); // ICENABLER0 once, not twice
  CHECK(io.bus->registers[kGicd + 0x180] == 0xFFFF'FFFF);
  CHECK(io.bus->registers[kGicd + 0x280] == 0xFFFF'FFFF); // ICPENDR0
  for (std::uintptr_t i = 0; i < 56; ++i)
    CHECK(io.bus->registers[kGicd + 0x400 + 4 * i] == 0xA0A0'A0A0);
  CHECK(io.bus->registers[kGicd + 0x800 + 4 * 55] == 0x0101'0101); // SPIs 220-223 -> CPU 0
  CHECK(io.bus->writes_to(kGicd + 0x800 + 4 * 56).empty());        // nothing past the last line
  CHECK(io.bus->registers[kGicc + 0x08] == 0);                     // BPR
}

TEST_CASE("init_cpu: only the banked distributor registers and the CPU interface, in order") {
  FakeMmio io;
  auto gic = make(io, 6);
  CHECK(gic.init_cpu(2));
  // Exactly: ICENABLER0, ICPENDR0, IPRIORITYR0-7 (INTIDs 0-31), then PMR, BPR, CTLR.
  std::vector<MmioAccess> writes;
  for (const auto& a : io.bus->log)
    if (a.write) writes.push_back(a);
  REQUIRE(writes.size() == 2 + 8 + 3);
  CHECK(writes[0].address == kGicd + 0x180);
  CHECK(writes[0].value == 0xFFFF'FFFF);
  CHECK(writes[1].address == kGicd + 0x280);
  CHECK(writes[1].value == 0xFFFF'FFFF);
  for (std::uintptr_t i = 0; i < 8; ++i) {
    CHECK(writes[2 + i].address == kGicd + 0x400 + 4 * i);
    CHECK(writes[2 + i].value == 0xA0A0'A0A0);
  }
  CHECK(writes[10].address == kGicc + 0x04);
  CHECK(writes[10].value == 0xF0);
  CHECK(writes[11].address == kGicc + 0x08);
  CHECK(writes[11].value == 0);
  CHECK(writes[12].address == kGicc + 0x00);
  CHECK(writes[12].value == 1);
  CHECK(io.bus->writes_to(kGicd).empty()); // the distributor's own switch is core 0's business
  CHECK_FALSE(gic.init_cpu(8));
}

TEST_CASE("enable_on/disable_on: banked word 0 only, for SGIs and PPIs") {
  FakeMmio io;
  auto gic = make(io, 6);
  CHECK(gic.enable_on(1, 30)); // the EL1 physical timer PPI
  CHECK(io.bus->writes_to(kGicd + 0x100).back().value == 1u << 30);
  CHECK(gic.enable_on(3, Gic400<FakeMmio>::kIpiLine));
  CHECK(io.bus->writes_to(kGicd + 0x100).back().value == 1u << 0);
  CHECK(gic.disable_on(3, 30));
  CHECK(io.bus->writes_to(kGicd + 0x180).back().value == 1u << 30);
  const auto before = io.bus->log.size();
  CHECK_FALSE(gic.enable_on(0, 32)); // an SPI is not per core
  CHECK_FALSE(gic.disable_on(0, 153));
  CHECK_FALSE(gic.enable_on(8, 30));
  CHECK(io.bus->log.size() == before);
}

TEST_CASE("send_ipi writes GICD_SGIR: target list bit 16 + cpu, filter 0, SGI 0") {
  FakeMmio io;
  auto gic = make(io, 6);
  for (std::uint32_t cpu = 0; cpu < 4; ++cpu) {
    CHECK(gic.send_ipi(cpu));
    CHECK(io.bus->writes_to(kGicd + 0xF00).back().value == (1u << (16 + cpu)));
  }
  CHECK(io.bus->writes_to(kGicd + 0xF00).size() == 4);
  CHECK_FALSE(gic.send_ipi(8));
  CHECK(io.bus->writes_to(kGicd + 0xF00).size() == 4);
  CHECK(Gic400<FakeMmio>::kIpiLine == 0);
}

TEST_CASE("acknowledge_on keeps the raw IAR and end_of_interrupt writes it back to EOIR") {
  FakeMmio io;
  auto gic = make(io, 6);
  // SGI 0 from core 2 (CPUID 2 in IAR[12:10]), then the timer PPI, then spurious.
  io.bus->scripted_reads[kGicc + 0x0C] = {(2u << 10) | 0, 30, 1023};
  const IrqAck ipi = gic.acknowledge_on(1);
  CHECK(ipi.line == 0);
  CHECK(ipi.token == 0x800);
  CHECK(ipi.cpu == 1);
  CHECK(Gic400<FakeMmio>::sender_of(ipi) == 2);
  gic.end_of_interrupt(ipi);
  CHECK(io.bus->writes_to(kGicc + 0x10).back().value == 0x800); // not just the INTID
  const IrqAck timer = gic.acknowledge_on(1);
  CHECK(timer.line == 30);
  gic.end_of_interrupt(timer);
  CHECK(io.bus->writes_to(kGicc + 0x10).back().value == 30);
  const IrqAck none = gic.acknowledge_on(1);
  CHECK(none.line == kNoInterrupt);
  gic.end_of_interrupt(none);
  CHECK(io.bus->writes_to(kGicc + 0x10).size() == 2); // no EOI for a spurious read
  CHECK(gic.acknowledge_on(8).line == kNoInterrupt);
}

static_assert(IrqController<Gic400<FakeMmio>>);
static_assert(SmpIrqController<Gic400<FakeMmio>>);
static_assert(SmpIrqController<Gic400<DirectMmio>>);
