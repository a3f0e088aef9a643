#include "kernel/test/harness.hpp"

#include "kernel/arch/aarch64/cpu.hpp"
#include "kernel/arch/aarch64/semihosting.hpp"
#include "kernel/console.hpp"

namespace bramble::test {
namespace {
char g_command_line[256];
}

void load_command_line() {
  if (!semihosting::command_line(g_command_line, sizeof g_command_line)) g_command_line[0] = '\0';
}

const char* command_line() { return g_command_line; }

bool option(const char* key, char* buffer, unsigned size) {
  if (size == 0) return false;
  unsigned key_length = 0;
  while (key[key_length]) ++key_length;
  const char* s = g_command_line;
  while (*s) {
    while (*s == ' ') ++s;
    const char* word = s;
    while (*s && *s != ' ') ++s;
    bool match = static_cast<unsigned>(s - word) > key_length && word[key_length] == '=';
    for (unsigned i = 0; match && i < key_length; ++i) match = word[i] == key[i];
    if (match) {
      unsigned n = 0;
      for (const char* v = word + key_length + 1; v < s && n + 1 < size; ++v) buffer[n++] = *v;
      buffer[n] = '\0';
      return true;
    }
  }
  return false;
}

void finish(ExitCode code) {
  console::flush();
  semihosting::exit(static_cast<std::uint32_t>(code));
  arch::halt();
}

} // namespace bramble::test
