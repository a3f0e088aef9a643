// Stopping the kernel when it cannot go on: print why, then end the test run with ExitCode::Panic
// (under QEMU with semihosting) or halt.
#pragma once

namespace bramble {

[[noreturn]] void panic(const char* format, ...) __attribute__((format(printf, 1, 2)));

} // namespace bramble
