// How a kernel run ends: a panic, an unexpected exception, the end of the root task under QEMU, or a
// test scenario's verdict. Under QEMU the code leaves through semihosting (the harness,
// tests/qemu/run_scenario.py, reads it); on hardware there is no one to tell, so the core halts.
#pragma once

#include <cstdint>

namespace bramble::halt {

// Exit codes the QEMU harness expects.
enum class ExitCode : std::uint32_t {
  Pass = 0,
  Fail = 1,
  UnknownScenario = 2,
  Panic = 3, // an unexpected exception or a kernel panic
};

// Flushes the console and exits QEMU with the code, or halts the core without semihosting.
[[noreturn]] void finish(ExitCode code);

} // namespace bramble::halt
