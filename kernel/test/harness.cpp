#include "kernel/test/harness.hpp"

#include "kernel/arch/aarch64/cpu.hpp"
#include "kernel/arch/aarch64/semihosting.hpp"
#include "kernel/console.hpp"
#include "lib/cmdline.hpp"

namespace bramble::test {
namespace {
char g_command_line[256];
}

void load_command_line() {
  if (!semihosting::command_line(g_command_line, sizeof g_command_line)) g_command_line[0] = '\0';
}

const char* command_line() { return g_command_line; }

bool option(const char* key, char* buffer, unsigned size) {
  return cmdline::CommandLine(g_command_line).value(key, buffer, size);
}

void finish(ExitCode code) {
  console::flush();
  semihosting::exit(static_cast<std::uint32_t>(code));
  arch::halt();
}

} // namespace bramble::test
