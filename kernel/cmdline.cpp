#include "kernel/cmdline.hpp"

#include "kernel/arch/semihosting.hpp"
#include "lib/cmdline.hpp"

namespace bramble::cmdline {
namespace {
char g_command_line[256];
}

void load() {
  if (!semihosting::command_line(g_command_line, sizeof g_command_line)) g_command_line[0] = '\0';
}

const char* text() { return g_command_line; }

bool option(const char* key, char* buffer, unsigned size) {
  return cmdline::CommandLine(g_command_line).value(key, buffer, size);
}

} // namespace bramble::cmdline
