// The kernel's printf-style formatter, checked against the host C library's snprintf.
#include <doctest/doctest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "lib/format.hpp"

namespace {

template <typename... Args> void check_same_as_snprintf(const char* fmt, Args... args) {
  char ours[256];
  char libc[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
  const std::size_t n = bramble::format(ours, sizeof ours, fmt, args...);
  const int m = std::snprintf(libc, sizeof libc, fmt, args...);
#pragma GCC diagnostic pop
  CAPTURE(fmt);
  CHECK(std::string(ours) == std::string(libc));
  CHECK(n == static_cast<std::size_t>(m));
}

// No format attribute on purpose: these tests pass what the compiler would refuse to check.
std::string format_unchecked(const char* fmt, ...) {
  char buffer[128];
  va_list args;
  va_start(args, fmt);
  bramble::vformat(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

} // namespace

TEST_CASE("integers in every base, width, precision and flag") {
  check_same_as_snprintf("%d %i %u", 42, -42, 42u);
  check_same_as_snprintf("%d", INT_MIN);
  check_same_as_snprintf("%lld", LLONG_MIN);
  check_same_as_snprintf("%llu", ULLONG_MAX);
  check_same_as_snprintf("%x %X %o", 0xbeefu, 0xbeefu, 8u);
  check_same_as_snprintf("[%8d] [%-8d] [%08d] [%+d] [% d]", 123, 123, -123, 5, 5);
  check_same_as_snprintf("[%.5d] [%8.3d] [%-8.3x] [%.0d] [%.0x]", 42, 7, 0xau, 0, 0u);
  check_same_as_snprintf("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
  check_same_as_snprintf("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 2, 4, 3, -6, 4);
  check_same_as_snprintf("%hhu %hhd %hu %hd", 300, 200, 70000, 40000);
  check_same_as_snprintf("%lx %zu %td %jd", 0x1234567890abcdefUL, static_cast<std::size_t>(99),
                         static_cast<std::ptrdiff_t>(-3), static_cast<std::intmax_t>(-77));
  check_same_as_snprintf("%016llx", 0xf2000042ULL);
}

TEST_CASE("strings and characters") {
  check_same_as_snprintf("[%s] [%10s] [%-10s] [%.3s] [%c] [%3c] [%-3c]|", "abc", "abc", "abc", "abcdef", 'x', 'y', 'z');
  check_same_as_snprintf("100%% done");
}

TEST_CASE("null strings print as (null)") {
  CHECK(format_unchecked("%s", static_cast<const char*>(nullptr)) == "(null)");
}

TEST_CASE("pointers print as 0x and 16 hex digits") {
  char buffer[32];
  bramble::format(buffer, sizeof buffer, "%p", reinterpret_cast<void*>(0x80000));
  CHECK(std::string(buffer) == "0x0000000000080000");
}

TEST_CASE("truncation keeps the terminator and reports the full length") {
  char buffer[8];
  std::memset(buffer, 'Z', sizeof buffer);
  const std::size_t n = bramble::format(buffer, sizeof buffer, "%s-%d", "abcdef", 12345);
  CHECK(n == 12);
  CHECK(std::string(buffer) == "abcdef-");
  CHECK(bramble::format(nullptr, 0, "%d", 12345) == 5);
}

TEST_CASE("unsupported conversions are copied through, not interpreted") {
  CHECK(format_unchecked("a %f b %n c %q", 1, 2, 3) == "a %f b %n c %q");
  CHECK(format_unchecked("trailing %") == "trailing %");
}
