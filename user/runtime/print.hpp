// Console output for user programs: printf-style text (the kernel's own formatter, lib/
// format.hpp, compiled into the runtime) sent to the kernel console with the debug_write call.
#pragma once

#include <cstddef>

namespace bramble::user {

// Longest text one print() produces; longer output is cut here (the formatter never overruns).
inline constexpr std::size_t kPrintBuffer = 256;

// Writes `length` bytes, in as many debug_write calls as the kernel needs. Returns false when the
// kernel refused one (the rest is dropped).
bool write(const char* text, std::size_t length);

// Writes a NUL-terminated string.
bool write(const char* text);

// Formats like printf (the conversions lib/format.hpp supports, which include no floating
// point) and writes the result. Returns false when the kernel refused the text.
bool print(const char* format, ...) __attribute__((format(printf, 1, 2)));

} // namespace bramble::user
