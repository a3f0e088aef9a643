#include <doctest/doctest.h>

#include "drivers/gpio.hpp"
#include "fake_mmio.hpp"

using namespace bramble::drivers;
constexpr std::uintptr_t kBase = 0xFE20'0000;

TEST_CASE("function select: pins 14/15 to ALT0 touch only their bits of GPFSEL1") {
  FakeMmio io;
  Gpio<FakeMmio> gpio(kBase, GpioPullStyle::Bcm2711Direct, io);
  io.bus->registers[kBase + 0x04] = 0xFFFF'FFFF;
  gpio.set_function(14, GpioFunction::Alt0);
  gpio.set_function(15, GpioFunction::Alt0);
  // bits 12-14 and 15-17 become 0b100 each; everything else stays.
  CHECK(io.bus->registers[kBase + 0x04] == ((0xFFFF'FFFFu & ~(0x3Fu << 12)) | (0b100u << 12) | (0b100u << 15)));
  gpio.set_function(53, GpioFunction::Output); // last pin: GPFSEL5 bits 9-11
  CHECK(io.bus->registers[kBase + 0x14] == (0b001u << 9));
  const auto writes = io.bus->log.size();
  gpio.set_function(54, GpioFunction::Output); // no such pin: nothing touched
  CHECK(io.bus->log.size() == writes);
}

TEST_CASE("pulls: BCM2711 clears 2 bits per pin in GPIO_PUP_PDN_CNTRL") {
  FakeMmio io;
  Gpio<FakeMmio> gpio(kBase, GpioPullStyle::Bcm2711Direct, io);
  io.bus->registers[kBase + 0xE4] = 0xFFFF'FFFF;
  gpio.disable_pull(15);
  CHECK(io.bus->registers[kBase + 0xE4] == 0x3FFF'FFFF);
  CHECK(io.bus->writes_to(kBase + 0x94).empty());
}

TEST_CASE("pulls: BCM2835 uses GPPUD then a GPPUDCLK pulse, then clears both") {
  FakeMmio io;
  Gpio<FakeMmio> gpio(0x3F20'0000, GpioPullStyle::Bcm2835Clocked, io);
  gpio.disable_pull(14);
  std::vector<std::pair<std::uintptr_t, std::uint32_t>> writes;
  for (const auto& a : io.bus->log)
    if (a.write) writes.emplace_back(a.address - 0x3F20'0000, a.value);
  REQUIRE(writes.size() == 4);
  CHECK(writes[0] == std::make_pair(std::uintptr_t{0x94}, 0u));
  CHECK(writes[1] == std::make_pair(std::uintptr_t{0x98}, 1u << 14));
  CHECK(writes[2] == std::make_pair(std::uintptr_t{0x94}, 0u));
  CHECK(writes[3] == std::make_pair(std::uintptr_t{0x98}, 0u));
}
