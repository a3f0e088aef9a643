// The kernel log: printf-style lines to the console (the board's PL011 once console::init ran).
#pragma once

#include <cstddef>

namespace bramble {

using ConsoleSink = void (*)(const char* text, std::size_t length);

// Where log output goes; nothing is written until a sink is set.
void set_console_sink(ConsoleSink sink);

// Formats (see lib/format.hpp) and writes. Output longer than 512 bytes per call is cut.
void kprintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Writes text as is.
void kputs(const char* text);
void kwrite(const char* text, std::size_t length);

} // namespace bramble
