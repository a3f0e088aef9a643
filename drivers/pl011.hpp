// ARM PrimeCell UART PL011 (r1p5), UART0 on BCM2711/BCM2837.
// Register map and bits: PL011 Technical Reference Manual (DDI 0183G), Table 3-1 and section 3.3.
#pragma once

#include "drivers/mmio.hpp"

namespace bramble::drivers {

struct Pl011Registers {
  std::uint32_t dr;       // 0x000 data
  std::uint32_t rsrecr;   // 0x004 receive status / error clear
  std::uint32_t rsvd0[4]; // 0x008-0x014
  std::uint32_t fr;       // 0x018 flags
  std::uint32_t rsvd1;    // 0x01C
  std::uint32_t ilpr;     // 0x020 IrDA low-power counter
  std::uint32_t ibrd;     // 0x024 integer baud-rate divisor
  std::uint32_t fbrd;     // 0x028 fractional baud-rate divisor
  std::uint32_t lcrh;     // 0x02C line control
  std::uint32_t cr;       // 0x030 control
  std::uint32_t ifls;     // 0x034 interrupt FIFO level select
  std::uint32_t imsc;     // 0x038 interrupt mask set/clear
  std::uint32_t ris;      // 0x03C raw interrupt status
  std::uint32_t mis;      // 0x040 masked interrupt status
  std::uint32_t icr;      // 0x044 interrupt clear
};
static_assert(offsetof(Pl011Registers, fr) == 0x18);
static_assert(offsetof(Pl011Registers, ibrd) == 0x24);
static_assert(offsetof(Pl011Registers, cr) == 0x30);
static_assert(offsetof(Pl011Registers, icr) == 0x44);
static_assert(sizeof(Pl011Registers) == 0x48);

namespace pl011 {
inline constexpr std::uint32_t kFrBusy = 1u << 3;    // FR.BUSY: transmitting
inline constexpr std::uint32_t kFrRxfe = 1u << 4;    // FR.RXFE: receive FIFO empty
inline constexpr std::uint32_t kFrTxff = 1u << 5;    // FR.TXFF: transmit FIFO full
inline constexpr std::uint32_t kLcrhFen = 1u << 4;   // LCRH.FEN: FIFOs enabled
inline constexpr std::uint32_t kLcrhWlen8 = 3u << 5; // LCRH.WLEN = 0b11: 8 data bits
inline constexpr std::uint32_t kCrUarten = 1u << 0;
inline constexpr std::uint32_t kCrTxe = 1u << 8;
inline constexpr std::uint32_t kCrRxe = 1u << 9;
inline constexpr std::uint32_t kDrErrorBits = 0xF00; // DR[11:8]: overrun, break, parity, framing

// Baud-rate divisor (TRM 3.3.6): divisor = clock / (16 * baud) as a 16.6 fixed-point number,
// FBRD = round(fraction * 64).
struct Divisor {
  std::uint32_t integer;
  std::uint32_t fraction;
};
[[nodiscard]] constexpr Divisor divisor_for(std::uint32_t clock_hz, std::uint32_t baud) {
  // 64 * clock / (16 * baud) = 4 * clock / baud, rounded to nearest.
  const std::uint64_t scaled = (4ull * clock_hz + baud / 2) / baud;
  return {static_cast<std::uint32_t>(scaled >> 6), static_cast<std::uint32_t>(scaled & 0x3F)};
}
static_assert(divisor_for(48'000'000, 115200).integer == 26);
static_assert(divisor_for(48'000'000, 115200).fraction == 3);
} // namespace pl011

template <MmioBackend Io = DirectMmio> class Pl011 {
public:
  constexpr explicit Pl011(std::uintptr_t base, Io io = Io{}) : regs_(base, io) {}

  // Full initialisation as real hardware needs it (QEMU accepts output without it): disable, wait
  // for the end of transmission, flush, program the divisor and 8N1 with FIFOs, enable TX and RX.
  void init(std::uint32_t clock_hz, std::uint32_t baud) const {
    regs_.write(BRAMBLE_REG(Pl011Registers, cr), 0);
    for (int i = 0; i < 100000 && (regs_.read(BRAMBLE_REG(Pl011Registers, fr)) & pl011::kFrBusy); ++i) {
    }
    // Clearing LCRH.FEN flushes the transmit FIFO (TRM 3.3.7).
    regs_.write(BRAMBLE_REG(Pl011Registers, lcrh), 0);
    regs_.write(BRAMBLE_REG(Pl011Registers, icr), 0x7FF);
    const auto divisor = pl011::divisor_for(clock_hz, baud);
    regs_.write(BRAMBLE_REG(Pl011Registers, ibrd), divisor.integer);
    regs_.write(BRAMBLE_REG(Pl011Registers, fbrd), divisor.fraction);
    // The divisor latches on the LCRH write that follows (TRM 3.3.6).
    regs_.write(BRAMBLE_REG(Pl011Registers, lcrh), pl011::kLcrhWlen8 | pl011::kLcrhFen);
    regs_.write(BRAMBLE_REG(Pl011Registers, imsc), 0);
    regs_.write(BRAMBLE_REG(Pl011Registers, cr), pl011::kCrUarten | pl011::kCrTxe | pl011::kCrRxe);
  }

  void put(char c) const {
    while (regs_.read(BRAMBLE_REG(Pl011Registers, fr)) & pl011::kFrTxff) {
    }
    regs_.write(BRAMBLE_REG(Pl011Registers, dr), static_cast<std::uint8_t>(c));
  }

  // Writes text, turning "\n" into "\r\n" for terminals.
  void write(const char* text, std::size_t length) const {
    for (std::size_t i = 0; i < length; ++i) {
      if (text[i] == '\n') put('\r');
      put(text[i]);
    }
  }

  // A received byte, or -1 when the receive FIFO is empty. Bytes received with an error (framing,
  // parity, break, overrun) are dropped and reported as -2 so callers can count them.
  [[nodiscard]] int try_get() const {
    if (regs_.read(BRAMBLE_REG(Pl011Registers, fr)) & pl011::kFrRxfe) return -1;
    const std::uint32_t data = regs_.read(BRAMBLE_REG(Pl011Registers, dr));
    if (data & pl011::kDrErrorBits) {
      regs_.write(BRAMBLE_REG(Pl011Registers, rsrecr), 0);
      return -2;
    }
    return static_cast<int>(data & 0xFF);
  }

  // Waits until everything written has left the transmitter.
  void flush() const {
    for (int i = 0; i < 1000000 && (regs_.read(BRAMBLE_REG(Pl011Registers, fr)) & pl011::kFrBusy); ++i) {
    }
  }

private:
  RegisterBlock<Pl011Registers, Io> regs_;
};

} // namespace bramble::drivers
