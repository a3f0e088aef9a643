// Semihosting: how a test run learns its scenario (the QEMU -append text) and ends QEMU with an exit
// code. Only test runs use it: on hardware, or in QEMU without -semihosting, probe() finds it absent
// and everything here becomes a no-op.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel/arch/aarch64/exception_frame.hpp"

namespace bramble::semihosting {

// Issues a harmless call (SYS_ERRNO) once, with the exception vectors installed, to learn whether
// semihosting is there. Must run before any other function here.
void probe();
[[nodiscard]] bool available();

// The command line QEMU was given with -append, NUL-terminated; false if unavailable or empty.
bool command_line(char* buffer, std::size_t size);

// Ends the emulation with an exit code (SYS_EXIT_EXTENDED). Returns only if unavailable.
void exit(std::uint32_t code);

// Called by the synchronous exception handler: true if the fault was the probe's HLT being
// undefined (then the frame is adjusted to resume after it).
bool handle_undefined_trap(arch::ExceptionFrame& frame);

} // namespace bramble::semihosting
