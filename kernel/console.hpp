// The kernel console on the board's PL011 (GPIO14/15, 115200 8N1).
#pragma once

namespace bramble::kconsole {

// Routes GPIO14/15 to the UART, initialises it and makes it the log sink.
void init();

// A received byte or -1 if none is waiting (-2: a byte arrived with a line error).
[[nodiscard]] int try_read();

// While a user-space driver owns the UART (its device frame exists) the kernel writes nothing,
// except a panic, which speaks again.
void set_quiet(bool quiet);

// Waits until everything written has been sent (before ending a QEMU run or halting).
void flush();

} // namespace bramble::kconsole
