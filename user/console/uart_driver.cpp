// The PL011 driver component (image `uart_driver`): owns the console UART through the device frame
// and interrupt handler the root task installed, produces the rx channel (bytes as they came, at
// most kMaxRecord per record) and consumes the tx channel (text; "\n" goes out as "\r\n").
//
// One notification wakes it for both reasons: the tx ring's "to consumer" notification, which the
// root also bound to the UART interrupt with kUartInterruptBadge. So the loop is: service the UART
// (receive, transmit), then tx.wait_for_data(), which sleeps until the console wrote something OR the
// UART interrupted. While transmit bytes wait for FIFO room the ring is not read, so the driver sleeps
// on the notification directly and the TX interrupt wakes it.
//
// It never blocks on the console: when rx is full, received bytes are dropped and counted, as a UART
// overruns. Report page: channels[kDriverRx] and [kDriverTx] as every component's (messages =
// records, bytes, signals, waits), rx.errors = bytes dropped because rx was full or closed, tx.errors
// = tx records refused (longer than kMaxRecord); channels[kDeviceEntry] is the UART itself: messages =
// interrupts taken, bytes = bytes read from the RX FIFO, errors = bytes the UART flagged (framing,
// parity, break) plus overruns, end_error = the kernel error of a failed irq_ack (0: none).
#include <cstddef>
#include <cstdint>
#include <span>

#include "user/console/grants.hpp"
#include "user/console/uart_engine.hpp"
#include "user/lib/sys.hpp"
#include "user/protocol/console.hpp"

using namespace bramble;
using namespace bramble::console;

namespace {

constexpr const char* kWho = "uart_driver";
// The device frame's address: outside the channel window [0x9000_0000, 0xA000_0000) (the kernel
// refuses device frames there) and away from the program, startup and report pages.
constexpr std::uint64_t kUartMap = 0x2000'0000;
constexpr unsigned kDeviceEntry = 2; // report entry for the UART itself (the driver has two grants)

std::uint64_t woken_bits = 0;

[[noreturn]] void leave(UartEngine<>& uart, int code) {
  uart.stop(); // no interrupts for a driver that is gone
  report_page().finished = 1;
  user::task_exit(code);
}

} // namespace

int main(const void* startup_page) {
  const auto& startup = *static_cast<const ch::Startup*>(startup_page);
  const ipc::ChannelConfig rx_config = open_grant_or_exit(startup, kDriverRx, kWho);
  const ipc::ChannelConfig tx_config = open_grant_or_exit(startup, kDriverTx, kWho);
  ch::Report& report = report_page();
  if (startup.device_frame == 0 || startup.irq_handler == 0 ||
      !user::sys::memory_map(startup.device_frame, kUartMap, abi::kMapRead | abi::kMapWrite).ok()) {
    report.setup_error = 1 + static_cast<std::uint64_t>(ch::SetupError::NoGrant);
    report.finished = 1;
    user::print("%s: no usable UART device frame or interrupt handler\n", kWho);
    return kExitSetupFailed;
  }

  GrantCounters rxc;
  GrantCounters txc;
  // Both remember the bits their waits returned, so the loop knows whether kUartInterruptBadge was
  // among the reasons it woke.
  const ch::KernelNotifier rx_notifier{rx_config, &rxc.notifier, &woken_bits};
  const ch::KernelNotifier tx_notifier{tx_config, &txc.notifier, &woken_bits};
  auto rx = ipc::open_record_producer<kRingBytes>(rx_config, rx_notifier);
  if (!rx) open_failed(kDriverRx, rx.error(), kWho);
  auto tx = ipc::open_record_consumer<kRingBytes>(tx_config, tx_notifier);
  if (!tx) open_failed(kDriverTx, tx.error(), kWho);
  ch::KernelNotifier interrupt_wait = tx_notifier; // the same notification, waited on without the ring

  UartEngine<> uart(kUartMap);
  uart.start();
  ch::ChannelReport& device = report.channels[kDeviceEntry];
  std::uint8_t received[kMaxRecord];
  bool rx_open = true;
  bool tx_open = true;

  // The first round runs before any sleep: bytes that arrived before the interrupt was unmasked
  // raise no new interrupt, so they must be drained now.
  for (;;) {
    const std::uint64_t bits = woken_bits;
    woken_bits = 0;
    const bool interrupted = (bits & kUartInterruptBadge) != 0;
    if (interrupted) {
      ++device.messages;
      uart.clear_interrupts();
    }

    // Receive: the whole FIFO, every time (polling FR is cheap, and a stale interrupt bit costs
    // nothing); records of at most kMaxRecord bytes, published once.
    for (;;) {
      const std::size_t n = uart.drain_rx(received);
      if (n == 0) break;
      device.bytes += n;
      if (!rx_open) {
        rxc.errors += n;
        continue;
      }
      auto r = rx->try_push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(received), n),
                            ipc::Publish::Later);
      if (r) {
        ++rxc.flow.records;
        rxc.flow.bytes += n;
      } else {
        rxc.errors += n;
        if (r.error() != ipc::Error::Full) {
          rx_open = false;
          set_end(kDriverRx, r.error());
        }
      }
    }
    if (rx_open) rx->publish();
    device.errors = uart.rx_stats().bad_bytes + uart.rx_stats().overruns;

    // Transmit: finish the record in hand, then take records while the FIFO keeps up.
    uart.pump();
    while (tx_open && uart.tx_idle()) {
      auto p = tx->peek();
      if (!p) {
        if (p.error() != ipc::Error::Empty) {
          tx_open = false;
          set_end(kDriverTx, p.error());
        }
        break;
      }
      if (uart.send(*p)) {
        ++txc.flow.records;
        txc.flow.bytes += p->size();
      } else {
        ++txc.errors;
      }
      (void)tx->release(); // cannot fail: the handle is not faulted and peek() just succeeded
    }

    // The line stays masked at the interrupt controller from the interrupt until this ack
    // (kernel/abi: irq_ack), so ack only interrupts we were told about and have serviced.
    if (interrupted) {
      const user::SyscallResult ack = user::sys::irq_ack(startup.irq_handler);
      if (!ack.ok()) device.end_error = ack.status;
    }
    rxc.publish(report.channels[kDriverRx]);
    txc.publish(report.channels[kDriverTx]);

    // A broken peer (PeerCorrupted) ends the driver; a closed one only once both channels are closed.
    const auto closed = [&](unsigned i) {
      return report.channels[i].end_error == 1 + static_cast<std::uint64_t>(ipc::Error::Closed);
    };
    if ((!rx_open && !closed(kDriverRx)) || (!tx_open && !closed(kDriverTx))) leave(uart, kExitBroken);
    if (!tx_open && rx_open) {
      // Nothing more will come to print: is anyone still reading? wait_for_space(0) never sleeps
      // (zero bytes are always free); it only re-reads the channel state, which says Closed.
      if (auto probe = rx->wait_for_space(0); !probe) {
        rx_open = false;
        set_end(kDriverRx, probe.error());
        continue;
      }
    }
    if (!tx_open && !rx_open) leave(uart, kExitPeerGone);

    if (tx_open && uart.tx_idle()) {
      (void)tx->wait_for_data(); // tx data, or the interrupt (an error is seen by the next peek)
      continue;
    }
    // The FIFO is full (TXIM unmasked) or nobody writes any more: interrupts only.
    const std::uint64_t failures = txc.notifier.failures;
    interrupt_wait.wait();
    // With tx closed its notification may be revoked too; then nothing can wake us again, and
    // spinning at the driver's priority could starve the root that is closing rx: leave.
    if (!tx_open && txc.notifier.failures != failures) leave(uart, kExitPeerGone);
  }
}
