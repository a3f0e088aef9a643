// Test runs: the scenario named on the QEMU command line (-append "test=<name>") and the verdict
// returned through the semihosting exit code. On hardware there is no semihosting: no scenario is
// selected and finishing halts the core instead.
#pragma once

#include <cstdint>

namespace bramble::test {

// Exit codes the QEMU harness (tests/qemu/run_scenario.py) expects.
enum class ExitCode : std::uint32_t {
  Pass = 0,
  Fail = 1,
  UnknownScenario = 2,
  Panic = 3, // an unexpected exception or a kernel panic
};

// Reads the command line once (semihosting must have been probed).
void load_command_line();
[[nodiscard]] const char* command_line();

// The value of `key=value` in the command line, copied into buffer; false if absent.
bool option(const char* key, char* buffer, unsigned size);

// Ends a test run: flushes the console and exits QEMU with the code, or halts without semihosting.
[[noreturn]] void finish(ExitCode code);

} // namespace bramble::test
