#include "kernel/cmdline.hpp"

#include "kernel/arch/semihosting.hpp"
#include "kernel/fdt/fdt.hpp"
#include "lib/cmdline.hpp"

namespace bramble::cmdline {
namespace {
char g_command_line[256];
const char* g_source = "none";

bool from_devicetree(const void* dtb, std::uint32_t dtb_size) {
  if (dtb == nullptr || dtb_size == 0) return false;
  const auto blob = fdt::Fdt::create(dtb, dtb_size);
  if (!blob.ok()) return false;
  const auto args = blob->bootargs();
  if (!args.ok() || args->empty()) return false;
  std::size_t n = 0;
  for (; n < args->size() && n + 1 < sizeof g_command_line && (*args)[n] != '\0'; ++n)
    g_command_line[n] = (*args)[n];
  g_command_line[n] = '\0';
  return n != 0;
}
} // namespace

void load(const void* dtb, std::uint32_t dtb_size) {
  if (semihosting::command_line(g_command_line, sizeof g_command_line) && g_command_line[0] != '\0') {
    g_source = "semihosting";
  } else if (from_devicetree(dtb, dtb_size)) {
    g_source = "devicetree";
  } else {
    g_command_line[0] = '\0';
  }
}

const char* source() { return g_source; }

const char* text() { return g_command_line; }

bool option(const char* key, char* buffer, unsigned size) {
  return cmdline::CommandLine(g_command_line).value(key, buffer, size);
}

} // namespace bramble::cmdline
