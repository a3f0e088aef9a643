// The PL011 side of the console's UART driver: receive draining and interrupt-driven transmit over
// the UART's registers, with no system calls and no rings, so the host tests run it against a model
// of the UART (tests/unit/console). uart_driver.cpp connects it to the rx/tx rings and the interrupt.
//
// Transmit: a record is translated ("\n" -> "\r\n") into a local buffer and copied into the TX FIFO
// while FR.TXFF is clear. Bytes that do not fit stay in the buffer; the driver then unmasks TXIM and
// sleeps until the FIFO drains below its trigger level (TRM DDI 0183G 2.9.2, UARTTXINTR), and masks it
// again once the buffer is empty, so an idle transmitter raises no interrupts.
// Receive: RXIM and RTIM are unmasked for good; drain_rx() empties the FIFO (TRM 2.9.2: the receive
// interrupt and the timeout interrupt both clear when the FIFO is read empty).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/mmio.hpp"
#include "drivers/pl011.hpp"
#include "user/protocol/console.hpp"

namespace bramble::console {

namespace uart {
// UARTIMSC / UARTICR / UARTRIS bits (TRM DDI 0183G 3.3.13-3.3.16).
inline constexpr std::uint32_t kRxim = 1u << 4; // receive (FIFO at its trigger level)
inline constexpr std::uint32_t kTxim = 1u << 5; // transmit (FIFO at or below its trigger level)
inline constexpr std::uint32_t kRtim = 1u << 6; // receive timeout (data waiting, line idle 32 bits)
// UARTDR bits (TRM 3.3.1): 11 OE overrun (the byte is good, earlier ones were lost), 10 BE break,
// 9 PE parity, 8 FE framing (the byte itself is bad).
inline constexpr std::uint32_t kDrOverrun = 1u << 11;
inline constexpr std::uint32_t kDrBadByte = 0x700;
} // namespace uart

// What the engine counted on the receive side (the driver copies them into its report page).
struct RxStats {
  std::uint64_t bad_bytes = 0; // received with a framing, parity or break error, dropped
  std::uint64_t overruns = 0;  // times the UART's own FIFO overflowed (an unknown number of bytes lost)
};

template <drivers::MmioBackend Io = drivers::DirectMmio> class UartEngine {
public:
  // Worst case of one record after translation: every byte a "\n".
  static constexpr std::size_t kPendingBytes = 2 * kMaxRecord;

  constexpr explicit UartEngine(std::uintptr_t base, Io io = Io{}) : regs_(base, io) {}

  // Unmasks the receive interrupts, masks the rest, and clears anything stale. Deliberately no
  // baud rate, LCRH or CR: on QEMU the UART needs no setup and on a Pi the kernel's console already
  // programmed IBRD/FBRD/LCRH/CR (docs/platform.md: 115200 8N1, FIFOs on), which this driver inherits
  // with the device frame; rewriting them would only risk garbling bytes still in the TX FIFO.
  void start() {
    imsc_ = uart::kRxim | uart::kRtim;
    write(BRAMBLE_REG(drivers::Pl011Registers, icr), kAllInterrupts);
    write(BRAMBLE_REG(drivers::Pl011Registers, imsc), imsc_);
  }

  // Masks every interrupt (the driver is leaving).
  void stop() {
    imsc_ = 0;
    write(BRAMBLE_REG(drivers::Pl011Registers, imsc), 0);
  }

  // Clears the interrupts the driver is about to service. Called before draining, not after: the
  // receive timeout re-asserts only on new data, so a byte that arrived between a drain and a later
  // clear would sit in the FIFO with no interrupt to announce it.
  void clear_interrupts() { write(BRAMBLE_REG(drivers::Pl011Registers, icr), kAllInterrupts); }

  // Reads received bytes into `out` until the FIFO is empty or `out` is full; returns how many.
  // Bad bytes are dropped and counted.
  [[nodiscard]] std::size_t drain_rx(std::span<std::uint8_t> out) {
    std::size_t n = 0;
    while (n < out.size() && (read(BRAMBLE_REG(drivers::Pl011Registers, fr)) & drivers::pl011::kFrRxfe) == 0) {
      const std::uint32_t data = read(BRAMBLE_REG(drivers::Pl011Registers, dr));
      if ((data & uart::kDrOverrun) != 0) ++rx_.overruns;
      if ((data & uart::kDrBadByte) != 0) {
        ++rx_.bad_bytes;
        continue;
      }
      out[n++] = static_cast<std::uint8_t>(data & 0xFF);
    }
    return n;
  }

  // Whether the previous record has left the local buffer (the driver may take the next one).
  [[nodiscard]] bool tx_idle() const { return sent_ == pending_; }

  // Takes one record (call only when tx_idle()): translates it into the local buffer and starts
  // sending it. Returns false when the record is too long to be one (it is dropped).
  [[nodiscard]] bool send(std::span<const std::byte> record) {
    if (record.size() > kMaxRecord) return false;
    pending_ = 0;
    sent_ = 0;
    for (const std::byte b : record) {
      if (b == std::byte{'\n'}) buffer_[pending_++] = '\r';
      buffer_[pending_++] = static_cast<std::uint8_t>(b);
    }
    pump();
    return true;
  }

  // Moves buffered bytes into the TX FIFO while it has room, then (un)masks TXIM: unmasked exactly
  // while bytes wait for room. Returns true when bytes are still waiting.
  bool pump() {
    while (sent_ < pending_ && (read(BRAMBLE_REG(drivers::Pl011Registers, fr)) & drivers::pl011::kFrTxff) == 0)
      write(BRAMBLE_REG(drivers::Pl011Registers, dr), buffer_[sent_++]);
    const std::uint32_t want = tx_idle() ? (imsc_ & ~uart::kTxim) : (imsc_ | uart::kTxim);
    if (want != imsc_) {
      imsc_ = want;
      write(BRAMBLE_REG(drivers::Pl011Registers, imsc), imsc_);
    }
    return !tx_idle();
  }

  [[nodiscard]] const RxStats& rx_stats() const { return rx_; }
  [[nodiscard]] std::uint32_t mask() const { return imsc_; }
  // Bytes written to the FIFO so far, counting the "\r" the translation added.
  [[nodiscard]] std::size_t sent_of_record() const { return sent_; }

private:
  // UARTICR bits 0..10: every interrupt the PL011 has (TRM 3.3.16).
  static constexpr std::uint32_t kAllInterrupts = 0x7FF;

  [[nodiscard]] std::uint32_t read(std::size_t offset) const { return regs_.read(offset); }
  void write(std::size_t offset, std::uint32_t value) const { regs_.write(offset, value); }

  drivers::RegisterBlock<drivers::Pl011Registers, Io> regs_;
  std::uint32_t imsc_ = 0; // our copy of IMSC: the register is never read back
  std::uint8_t buffer_[kPendingBytes] = {};
  std::size_t pending_ = 0;
  std::size_t sent_ = 0;
  RxStats rx_{};
};

} // namespace bramble::console
