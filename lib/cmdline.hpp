// Reads `key=value` options from a kernel command line (QEMU -append, /chosen/bootargs, semihosting),
// for the kernel and user programs alike. Freestanding and allocation-free: it scans the caller's
// buffer and copies at most what the caller's buffer holds.
//
// The grammar, and the choices made where a command line is ambiguous:
//   - options are separated by spaces or tabs; the line ends at a NUL or after `capacity` bytes,
//     whichever is first, so a fixed-size field that is not NUL-terminated is read safely;
//   - a key matches a whole word up to its '=': "iters" does not match "iterations=5", "xiters=5" or
//     a bare "iters";
//   - the value runs to the next space, tab or the end of the line; "key=" has an empty value;
//   - no quoting: a quote is an ordinary character and values cannot contain spaces;
//   - a repeated key: the first occurrence wins (what each of the parsers this one replaced did);
//   - a value longer than the caller's buffer is cut to fit and always NUL-terminated.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bramble::cmdline {

namespace detail {
constexpr bool is_space(char c) { return c == ' ' || c == '\t'; }
constexpr bool ends_word(char c) { return c == '\0' || is_space(c); }
} // namespace detail

// text[0..size), up to the first NUL, space or tab, as a decimal number; `fallback` when that is
// empty, not all digits, or too large for 64 bits.
constexpr std::uint64_t decimal(const char* text, std::size_t size, std::uint64_t fallback) {
  if (size == 0 || detail::ends_word(text[0])) return fallback;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size && !detail::ends_word(text[i]); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return fallback;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return fallback;
    v = v * 10 + digit;
  }
  return v;
}
template <std::size_t N> constexpr std::uint64_t decimal(const char (&text)[N], std::uint64_t fallback) {
  return decimal(text, N, fallback);
}

class CommandLine {
public:
  constexpr CommandLine(const char* text, std::size_t capacity) : text_(text), capacity_(text ? capacity : 0) {}
  template <std::size_t N> constexpr explicit CommandLine(const char (&text)[N]) : CommandLine(text, N) {}

  // The value of `key` copied into out[0..size) (truncated, NUL-terminated); "" when absent.
  // True when the key is present, even with an empty or truncated value.
  constexpr bool value(const char* key, char* out, std::size_t size) const {
    if (size != 0) out[0] = '\0';
    std::size_t at = 0;
    if (!find(key, at)) return false;
    std::size_t n = 0;
    for (; at < capacity_ && !ends_word(text_[at]) && n + 1 < size; ++at)
      out[n++] = text_[at];
    if (size != 0) out[n] = '\0';
    return true;
  }
  template <std::size_t N> constexpr bool value(const char* key, char (&out)[N]) const { return value(key, out, N); }

  // The value of `key` as decimal() reads it; `fallback` when the key is absent too.
  constexpr std::uint64_t number(const char* key, std::uint64_t fallback) const {
    std::size_t at = 0;
    return find(key, at) ? decimal(text_ + at, capacity_ - at, fallback) : fallback;
  }

  constexpr bool has(const char* key) const {
    std::size_t at = 0;
    return find(key, at);
  }

private:
  static constexpr bool is_space(char c) { return detail::is_space(c); }
  static constexpr bool ends_word(char c) { return detail::ends_word(c); }

  // On success `at` is the index of the value's first byte (just past the '=').
  constexpr bool find(const char* key, std::size_t& at) const {
    if (key == nullptr || key[0] == '\0') return false;
    std::size_t i = 0;
    while (i < capacity_ && text_[i] != '\0') {
      while (i < capacity_ && is_space(text_[i]))
        ++i;
      std::size_t k = 0;
      while (key[k] != '\0' && i + k < capacity_ && text_[i + k] == key[k])
        ++k;
      if (key[k] == '\0' && i + k < capacity_ && text_[i + k] == '=') {
        at = i + k + 1;
        return true;
      }
      while (i < capacity_ && !ends_word(text_[i]))
        ++i; // skip the rest of this word
    }
    return false;
  }

  const char* text_;
  std::size_t capacity_;
};

} // namespace bramble::cmdline
