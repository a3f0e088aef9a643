#include "kernel/cmdline.hpp"

#include "kernel/arch/aarch64/semihosting.hpp"

namespace bramble::cmdline {
namespace {
char g_command_line[256];
}

void load() {
  if (!semihosting::command_line(g_command_line, sizeof g_command_line)) g_command_line[0] = '\0';
}

const char* text() { return g_command_line; }

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

} // namespace bramble::cmdline
