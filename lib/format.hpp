// printf-style formatting into a caller's buffer, for the kernel log. Host-tested against snprintf.
//
// Supported: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#', a width and a precision
// (numbers or '*'), and the length modifiers hh h l ll z t j. %p prints 0x and 16 hex digits.
// Anything else (%f, %n, an unknown conversion) is copied through literally: the kernel has no
// floating point and never writes through a pointer it was given to format.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace bramble {

// Formats into buffer[0..size), always NUL-terminated when size > 0. Returns the length the whole
// output has (as snprintf does), so a result >= size means it was truncated.
std::size_t vformat(char* buffer, std::size_t size, const char* format, va_list args);
std::size_t format(char* buffer, std::size_t size, const char* format, ...) __attribute__((format(printf, 3, 4)));

} // namespace bramble
