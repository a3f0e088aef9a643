#include <doctest/doctest.h>

#include "drivers/pl011.hpp"
#include "fake_mmio.hpp"

using namespace bramble::drivers;
constexpr std::uintptr_t kBase = 0xFE20'1000;

TEST_CASE("divisor: 48 MHz at 115200 baud is IBRD 26, FBRD 3 (TRM 3.3.6 worked example style)") {
  CHECK(pl011::divisor_for(48'000'000, 115200).integer == 26);
  CHECK(pl011::divisor_for(48'000'000, 115200).fraction == 3);
  // 3 MHz (the Pi 3's old default) at 115200: 1.627 -> IBRD 1, FBRD round(0.6276*64) = 40.
  CHECK(pl011::divisor_for(3'000'000, 115200).integer == 1);
  CHECK(pl011::divisor_for(3'000'000, 115200).fraction == 40);
}

TEST_CASE("init disables, programs divisor then LCRH (which latches it), enables last") {
  FakeMmio io;
  Pl011<FakeMmio> uart(kBase, io);
  uart.init(48'000'000, 115200);
  std::vector<std::uintptr_t> order;
  for (const auto& a : io.bus->log)
    if (a.write) order.push_back(a.address - kBase);
  // CR=0, LCRH=0 (flushes the FIFO), ICR, IBRD, FBRD, LCRH (latches the divisor), IMSC, CR
  const std::vector<std::uintptr_t> expected{0x30, 0x2C, 0x44, 0x24, 0x28, 0x2C, 0x38, 0x30};
  CHECK(order == expected);
  CHECK(io.bus->registers[kBase + 0x24] == 26);
  CHECK(io.bus->registers[kBase + 0x28] == 3);
  CHECK(io.bus->registers[kBase + 0x2C] == 0x70);  // 8 bits, FIFOs on: LCRH 0x70 (docs/platform.md)
  CHECK(io.bus->registers[kBase + 0x30] == 0x301); // UARTEN | TXE | RXE
}

TEST_CASE("put waits while the transmit FIFO is full; write turns \\n into \\r\\n") {
  FakeMmio io;
  Pl011<FakeMmio> uart(kBase, io);
  io.bus->scripted_reads[kBase + 0x18] = {pl011::kFrTxff, pl011::kFrTxff, 0};
  uart.put('A');
  CHECK(io.bus->writes_to(kBase).size() == 1);
  CHECK(io.bus->writes_to(kBase)[0].value == 'A');
  uart.write("a\nb", 3);
  const auto data = io.bus->writes_to(kBase);
  REQUIRE(data.size() == 5);
  CHECK(data[1].value == 'a');
  CHECK(data[2].value == '\r');
  CHECK(data[3].value == '\n');
  CHECK(data[4].value == 'b');
}

TEST_CASE("try_get: empty FIFO, a byte, and a byte with a framing error") {
  FakeMmio io;
  Pl011<FakeMmio> uart(kBase, io);
  io.bus->registers[kBase + 0x18] = pl011::kFrRxfe;
  CHECK(uart.try_get() == -1);
  io.bus->registers[kBase + 0x18] = 0;
  io.bus->registers[kBase] = 'x';
  CHECK(uart.try_get() == 'x');
  io.bus->registers[kBase] = 0x100 | 'y'; // DR.FE
  CHECK(uart.try_get() == -2);
  CHECK(io.bus->writes_to(kBase + 0x04).size() == 1); // error cleared through RSRECR
}
