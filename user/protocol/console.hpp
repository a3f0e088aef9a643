// The serial console (docs/console.md): the shapes of its four channels, which grant is which on the
// startup pages, and the protocol between the console component and the root task.
//
//   uart (driver)  --rx-->   console   --requests-->  root
//   uart (driver)  <--tx--   console   <--replies---  root
//
// All four are byte-record rings the broker sets up from the manifest (centralized). rx carries the
// bytes the driver read from the UART, as they came; tx carries text to print (the driver turns "\n"
// into "\r\n"). A request is one command line (no terminator, at most kMaxLine bytes). The root
// answers with reply records: a kind byte, then text; a kReplyEnd record closes every answer.
// Everything read from a ring is untrusted: lengths are checked by the ring, contents by the reader.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/record_ring.hpp"

namespace bramble::console {

inline constexpr std::size_t kRingBytes = 8192;
using ByteRing = ipc::RecordRing<kRingBytes>;
inline constexpr ipc::RingSpec kByteSpec = ByteRing::kSpec;

// Grants on the startup pages, in this order.
inline constexpr unsigned kDriverRx = 0;       // driver: producer of rx
inline constexpr unsigned kDriverTx = 1;       // driver: consumer of tx
inline constexpr unsigned kConsoleRx = 0;      // console: consumer of rx
inline constexpr unsigned kConsoleTx = 1;      // console: producer of tx
inline constexpr unsigned kConsoleRequest = 2; // console: producer of requests
inline constexpr unsigned kConsoleReply = 3;   // console: consumer of replies

inline constexpr std::size_t kMaxLine = 80;    // characters of a command line (longer: refused)
inline constexpr std::size_t kMaxRecord = 256; // payload bytes of any record on these rings

// The driver's tx notification also carries the UART interrupt: the root binds the interrupt handler
// to a copy of it with this badge, so a wake-up with this bit set means "the UART wants service".
inline constexpr std::uint64_t kUartInterruptBadge = std::uint64_t{1} << 20;

// Reply records: kind byte first.
inline constexpr std::uint8_t kReplyText = 't'; // followed by text for the user
inline constexpr std::uint8_t kReplyEnd = '.';  // the answer is complete (nothing follows)

inline constexpr const char* kPrompt = "bramble> ";

} // namespace bramble::console
