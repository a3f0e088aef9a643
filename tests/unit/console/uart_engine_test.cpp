// uart_engine.hpp against a behavioural model of the PL011 (16-byte FIFOs, FR flags, IMSC, ICR): what
// the driver does to the registers, without the hardware.
#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "user/console/uart_engine.hpp"

using namespace bramble;
using namespace bramble::console;

namespace {

constexpr std::uintptr_t kBase = 0x2000'0000;
constexpr std::size_t kFifo = 16; // PL011 TRM 2.4: 16-entry transmit and receive FIFOs

struct UartModel {
  std::deque<std::uint32_t> rx; // DR values waiting (data byte plus error bits)
  std::deque<std::uint8_t> tx;  // the transmit FIFO
  std::string wire;             // what left the transmitter
  std::uint32_t imsc = 0;
  std::vector<std::uint32_t> icr_writes;
  std::vector<std::uintptr_t> other_writes; // offsets of writes to anything but DR/IMSC/ICR
  int writes_while_full = 0;

  std::uint32_t read(std::uintptr_t offset) {
    if (offset == 0x00) {
      if (rx.empty()) return 0;
      const std::uint32_t v = rx.front();
      rx.pop_front();
      return v;
    }
    if (offset == 0x18)
      return (rx.empty() ? drivers::pl011::kFrRxfe : 0) | (tx.size() >= kFifo ? drivers::pl011::kFrTxff : 0);
    if (offset == 0x38) return imsc;
    return 0;
  }
  void write(std::uintptr_t offset, std::uint32_t value) {
    if (offset == 0x00) {
      if (tx.size() >= kFifo)
        ++writes_while_full;
      else
        tx.push_back(static_cast<std::uint8_t>(value));
    } else if (offset == 0x38) {
      imsc = value;
    } else if (offset == 0x44) {
      icr_writes.push_back(value);
    } else {
      other_writes.push_back(offset);
    }
  }
  void transmit(std::size_t n) {
    for (; n > 0 && !tx.empty(); --n) {
      wire += static_cast<char>(tx.front());
      tx.pop_front();
    }
  }
  void receive(std::string_view text) {
    for (const char c : text)
      rx.push_back(static_cast<std::uint8_t>(c));
  }
};

struct ModelIo {
  UartModel* model;
  [[nodiscard]] std::uint32_t read32(std::uintptr_t address) const { return model->read(address - kBase); }
  void write32(std::uintptr_t address, std::uint32_t value) const { model->write(address - kBase, value); }
};
static_assert(drivers::MmioBackend<ModelIo>);

std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string drain_all(UartEngine<ModelIo>& uart) {
  std::string got;
  std::uint8_t buffer[kMaxRecord];
  for (std::size_t n = uart.drain_rx(buffer); n != 0; n = uart.drain_rx(buffer))
    got.append(reinterpret_cast<const char*>(buffer), n);
  return got;
}

} // namespace

TEST_CASE("start unmasks RX and RX-timeout only, clears stale interrupts, and leaves baud/LCRH/CR alone") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  uart.start();
  CHECK(m.imsc == (uart::kRxim | uart::kRtim));
  CHECK(m.imsc == 0x50);
  REQUIRE(m.icr_writes.size() == 1);
  CHECK(m.icr_writes[0] == 0x7FF);
  CHECK(m.other_writes.empty()); // no IBRD 0x24, FBRD 0x28, LCRH 0x2C, CR 0x30
  uart.stop();
  CHECK(m.imsc == 0);
}

TEST_CASE("drain_rx empties the FIFO in chunks of the buffer size") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  m.receive("help\r");
  std::uint8_t small[3];
  CHECK(uart.drain_rx(small) == 3);
  CHECK(std::string(reinterpret_cast<const char*>(small), 3) == "hel");
  CHECK(drain_all(uart) == "p\r");
  CHECK(m.rx.empty());
  CHECK(uart.drain_rx(small) == 0);
}

TEST_CASE("drain_rx drops bytes with framing/parity/break errors and counts overruns") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  m.rx = {'a', 0x100u | 'x', 0x200u | 'y', 0x400u | 'z', 0x800u | 'b', 'c'};
  CHECK(drain_all(uart) == "abc"); // an overrun flags a good byte: kept
  CHECK(uart.rx_stats().bad_bytes == 3);
  CHECK(uart.rx_stats().overruns == 1);
}

TEST_CASE("send turns \\n into \\r\\n and fills the FIFO, a short record needs no TX interrupt") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  uart.start();
  CHECK(uart.send(bytes("ok\nbramble> ")));
  CHECK(uart.tx_idle());
  CHECK((m.imsc & uart::kTxim) == 0);
  m.transmit(100);
  CHECK(m.wire == "ok\r\nbramble> ");
  CHECK(m.writes_while_full == 0);
}

TEST_CASE("a record larger than the FIFO: the rest waits with TXIM unmasked, then goes out and TXIM is masked") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  uart.start();
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += "line " + std::to_string(i) + "\n";
  REQUIRE(text.size() <= kMaxRecord);
  CHECK(uart.send(bytes(text)));
  CHECK_FALSE(uart.tx_idle());
  CHECK(m.tx.size() == kFifo);
  CHECK(uart.sent_of_record() == kFifo);
  CHECK((m.imsc & uart::kTxim) != 0);
  CHECK((m.imsc & (uart::kRxim | uart::kRtim)) == (uart::kRxim | uart::kRtim)); // receive stays on
  // Interrupts: the FIFO drains a little, the driver pumps again.
  int rounds = 0;
  while (!uart.tx_idle() && rounds < 100) {
    m.transmit(5);
    uart.pump();
    ++rounds;
  }
  CHECK(uart.tx_idle());
  CHECK(rounds > 1);
  CHECK((m.imsc & uart::kTxim) == 0);
  CHECK(m.imsc == (uart::kRxim | uart::kRtim));
  m.transmit(100);
  std::string expected;
  for (int i = 0; i < 10; ++i)
    expected += "line " + std::to_string(i) + "\r\n";
  CHECK(m.wire == expected);
  CHECK(m.writes_while_full == 0);
}

TEST_CASE("a record of kMaxRecord newlines fits the local buffer, longer records are refused") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  const std::string newlines(kMaxRecord, '\n');
  CHECK(uart.send(bytes(newlines)));
  for (int i = 0; i < 1000 && !uart.tx_idle(); ++i) {
    m.transmit(kFifo);
    uart.pump();
  }
  m.transmit(kFifo);
  std::string expected;
  for (std::size_t i = 0; i < kMaxRecord; ++i)
    expected += "\r\n";
  CHECK(m.wire == expected);
  const std::string too_long(kMaxRecord + 1, 'x');
  CHECK_FALSE(uart.send(bytes(too_long)));
  CHECK(uart.tx_idle());
}

TEST_CASE("pump with nothing pending writes nothing and does not touch IMSC") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  uart.start();
  m.imsc = 0xdead; // would be overwritten by any IMSC write
  CHECK_FALSE(uart.pump());
  CHECK(m.imsc == 0xdead);
  CHECK(m.tx.empty());
}

TEST_CASE("clear_interrupts writes every ICR bit") {
  UartModel m;
  UartEngine<ModelIo> uart(kBase, ModelIo{&m});
  uart.clear_interrupts();
  REQUIRE(m.icr_writes.size() == 1);
  CHECK(m.icr_writes[0] == 0x7FF);
}
