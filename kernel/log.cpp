#include "kernel/log.hpp"

#include <cstdarg>

#include "lib/format.hpp"

namespace bramble {
namespace {
ConsoleSink g_sink = nullptr;
}

void set_console_sink(ConsoleSink sink) { g_sink = sink; }

void kprintf(const char* fmt, ...) {
  if (g_sink == nullptr) return;
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::size_t n = vformat(buffer, sizeof buffer, fmt, args);
  va_end(args);
  if (n >= sizeof buffer) n = sizeof buffer - 1;
  g_sink(buffer, n);
}

void kwrite(const char* text, std::size_t length) {
  if (g_sink != nullptr && length != 0) g_sink(text, length);
}

void kputs(const char* text) {
  if (g_sink == nullptr) return;
  std::size_t n = 0;
  while (text[n]) ++n;
  g_sink(text, n);
}

} // namespace bramble
