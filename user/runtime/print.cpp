#include "user/runtime/print.hpp"

#include <cstdarg>

#include "lib/format.hpp"
#include "user/runtime/syscall.hpp"

namespace bramble::user {

bool write(const char* text, std::size_t length) {
  while (length > 0) {
    const std::size_t chunk = length < abi::kMaxDebugWrite ? length : static_cast<std::size_t>(abi::kMaxDebugWrite);
    const SyscallResult result = debug_write(text, chunk);
    // A kernel that reports writing nothing (or more than asked) would loop for ever or overrun.
    if (!result.ok() || result.r1 == 0 || result.r1 > chunk) return false;
    text += result.r1;
    length -= static_cast<std::size_t>(result.r1);
  }
  return true;
}

bool write(const char* text) {
  std::size_t length = 0;
  while (text[length] != '\0')
    ++length;
  return write(text, length);
}

bool print(const char* format, ...) {
  char buffer[kPrintBuffer];
  va_list args;
  va_start(args, format);
  const std::size_t full = vformat(buffer, sizeof buffer, format, args);
  va_end(args);
  return write(buffer, full < sizeof buffer ? full : sizeof buffer - 1);
}

} // namespace bramble::user
