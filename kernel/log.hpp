// The kernel log: printf-style lines to the console (the board's PL011 once kconsole::init ran).
//
// The console carries two kinds of line, told apart by their first character:
//   - the kernel's own lines (kprintf, kputs, kwrite), which never start with '[';
//   - EL0 text (the debug_write call, kwrite_task), every line of which starts with "[<task>] ".
// EL0 bytes are filtered so that they cannot end that line early or start another one except with
// '\n' (which the next line's prefix follows): control characters other than '\n' and '\t' (a '\r',
// an escape sequence, a backspace) and bytes above 0x7e are written as "\xNN". A line that one
// writer leaves open (no '\n' yet) is ended before anyone else writes, so a line never carries two
// writers' text. Tools that read the console (tests/qemu/run_scenario.py) rely on this: a line that
// starts with "kernel:" came from the kernel.
#pragma once

#include <cstddef>

namespace bramble {

using ConsoleSink = void (*)(const char* text, std::size_t length);

// Where log output goes; nothing is written until a sink is set.
void set_console_sink(ConsoleSink sink);

// Formats (see lib/format.hpp) and writes. Output longer than 512 bytes per call is cut.
void kprintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Writes text as is (a '[' that would start a line is preceded by a space).
void kputs(const char* text);
void kwrite(const char* text, std::size_t length);

// Writes EL0 text on behalf of `writer` (its identity: a line it left open is continued only by the
// same writer under the same name), each line prefixed with "[name] " and filtered as above.
void kwrite_task(const void* writer, const char* name, const char* text, std::size_t length);

} // namespace bramble
