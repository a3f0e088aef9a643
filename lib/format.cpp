#include "lib/format.hpp"

#include <cstdint>

namespace bramble {
namespace {

class Output {
public:
  Output(char* buffer, std::size_t size) : buffer_(buffer), size_(size) {}
  void put(char c) {
    if (length_ + 1 < size_) buffer_[length_] = c;
    ++length_;
  }
  void repeat(char c, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      put(c);
  }
  std::size_t finish() {
    if (size_ > 0) buffer_[length_ < size_ ? length_ : size_ - 1] = '\0';
    return length_;
  }

private:
  char* buffer_;
  std::size_t size_;
  std::size_t length_ = 0;
};

struct Spec {
  bool left = false, zero = false, plus = false, space = false, alt = false;
  int width = 0;
  int precision = -1;
};

enum class Length { Int, Char, Short, Long, LongLong, Size, Ptrdiff, Max };

void emit_padded(Output& out, const Spec& spec, const char* prefix, const char* digits, std::size_t ndigits) {
  std::size_t nprefix = 0;
  while (prefix[nprefix])
    ++nprefix;
  // Precision gives the minimum number of digits; with a precision the '0' flag is ignored (C17 7.21.6.1).
  const std::size_t precision = spec.precision < 0 ? 0 : static_cast<std::size_t>(spec.precision);
  const std::size_t zeros_for_precision = precision > ndigits ? precision - ndigits : 0;
  std::size_t body = nprefix + zeros_for_precision + ndigits;
  const std::size_t width = spec.width > 0 ? static_cast<std::size_t>(spec.width) : 0;
  const std::size_t pad = width > body ? width - body : 0;
  const bool zero_pad = spec.zero && !spec.left && spec.precision < 0;
  if (!spec.left && !zero_pad) out.repeat(' ', pad);
  for (std::size_t i = 0; i < nprefix; ++i)
    out.put(prefix[i]);
  if (zero_pad) out.repeat('0', pad);
  out.repeat('0', zeros_for_precision);
  for (std::size_t i = 0; i < ndigits; ++i)
    out.put(digits[i]);
  if (spec.left) out.repeat(' ', pad);
}

void emit_unsigned(Output& out, const Spec& spec, std::uint64_t value, unsigned base, bool upper,
                   const char* sign_prefix) {
  char digits[24];
  std::size_t n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  // A zero value with a zero precision prints no digits (C17 7.21.6.1).
  if (!(value == 0 && spec.precision == 0)) {
    do {
      digits[n++] = set[value % base];
      value /= base;
    } while (value);
  }
  char reversed[24];
  for (std::size_t i = 0; i < n; ++i)
    reversed[i] = digits[n - 1 - i];
  char prefix[4] = {};
  std::size_t p = 0;
  for (const char* s = sign_prefix; *s; ++s)
    prefix[p++] = *s;
  if (spec.alt && base == 16 && n > 0 && !(n == 1 && reversed[0] == '0')) {
    prefix[p++] = '0';
    prefix[p++] = upper ? 'X' : 'x';
  }
  if (spec.alt && base == 8 && (n == 0 || reversed[0] != '0')) {
    // '#' with octal forces a leading zero, counted as a digit.
    if (spec.precision <= static_cast<int>(n)) prefix[p++] = '0';
  }
  prefix[p] = '\0';
  emit_padded(out, spec, prefix, reversed, n);
}

std::uint64_t fetch_unsigned(va_list& args, Length length) {
  switch (length) {
  case Length::Char: return static_cast<unsigned char>(va_arg(args, unsigned int));
  case Length::Short: return static_cast<unsigned short>(va_arg(args, unsigned int));
  case Length::Long: return va_arg(args, unsigned long);
  case Length::LongLong: return va_arg(args, unsigned long long);
  case Length::Size: return va_arg(args, std::size_t);
  case Length::Ptrdiff: return static_cast<std::uint64_t>(va_arg(args, std::ptrdiff_t));
  case Length::Max: return va_arg(args, std::uintmax_t);
  case Length::Int: break;
  }
  return va_arg(args, unsigned int);
}

std::int64_t fetch_signed(va_list& args, Length length) {
  switch (length) {
  case Length::Char: return static_cast<signed char>(va_arg(args, int));
  case Length::Short: return static_cast<short>(va_arg(args, int));
  case Length::Long: return va_arg(args, long);
  case Length::LongLong: return va_arg(args, long long);
  case Length::Size: return static_cast<std::int64_t>(va_arg(args, std::size_t));
  case Length::Ptrdiff: return va_arg(args, std::ptrdiff_t);
  case Length::Max: return va_arg(args, std::intmax_t);
  case Length::Int: break;
  }
  return va_arg(args, int);
}

} // namespace

std::size_t vformat(char* buffer, std::size_t size, const char* fmt, va_list ap) {
  Output out(buffer, size);
  va_list args;
  va_copy(args, ap);
  for (const char* f = fmt; *f; ++f) {
    if (*f != '%') {
      out.put(*f);
      continue;
    }
    const char* start = f++;
    Spec spec;
    for (;; ++f) {
      if (*f == '-')
        spec.left = true;
      else if (*f == '0')
        spec.zero = true;
      else if (*f == '+')
        spec.plus = true;
      else if (*f == ' ')
        spec.space = true;
      else if (*f == '#')
        spec.alt = true;
      else
        break;
    }
    if (*f == '*') {
      spec.width = va_arg(args, int);
      if (spec.width < 0) {
        spec.left = true;
        spec.width = -spec.width;
      }
      ++f;
    } else {
      while (*f >= '0' && *f <= '9')
        spec.width = spec.width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
      ++f;
      spec.precision = 0;
      if (*f == '*') {
        spec.precision = va_arg(args, int);
        ++f;
      } else {
        while (*f >= '0' && *f <= '9')
          spec.precision = spec.precision * 10 + (*f++ - '0');
      }
    }
    Length length = Length::Int;
    if (*f == 'h') {
      length = f[1] == 'h' ? Length::Char : Length::Short;
      f += f[1] == 'h' ? 2 : 1;
    } else if (*f == 'l') {
      length = f[1] == 'l' ? Length::LongLong : Length::Long;
      f += f[1] == 'l' ? 2 : 1;
    } else if (*f == 'z') {
      length = Length::Size;
      ++f;
    } else if (*f == 't') {
      length = Length::Ptrdiff;
      ++f;
    } else if (*f == 'j') {
      length = Length::Max;
      ++f;
    }
    switch (*f) {
    case 'd':
    case 'i': {
      const std::int64_t v = fetch_signed(args, length);
      const std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      emit_unsigned(out, spec, magnitude, 10, false, v < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "");
      break;
    }
    case 'u': emit_unsigned(out, spec, fetch_unsigned(args, length), 10, false, ""); break;
    case 'x': emit_unsigned(out, spec, fetch_unsigned(args, length), 16, false, ""); break;
    case 'X': emit_unsigned(out, spec, fetch_unsigned(args, length), 16, true, ""); break;
    case 'o': emit_unsigned(out, spec, fetch_unsigned(args, length), 8, false, ""); break;
    case 'p': {
      Spec p;
      p.precision = 16;
      p.alt = false;
      emit_unsigned(out, p, reinterpret_cast<std::uintptr_t>(va_arg(args, void*)), 16, false, "0x");
      break;
    }
    case 'c': {
      const char c = static_cast<char>(va_arg(args, int));
      emit_padded(out, Spec{spec.left, false, false, false, false, spec.width, -1}, "", &c, 1);
      break;
    }
    case 's': {
      const char* s = va_arg(args, const char*);
      if (s == nullptr) s = "(null)";
      std::size_t n = 0;
      while (s[n] && (spec.precision < 0 || n < static_cast<std::size_t>(spec.precision)))
        ++n;
      emit_padded(out, Spec{spec.left, false, false, false, false, spec.width, -1}, "", s, n);
      break;
    }
    case '%': out.put('%'); break;
    default:
      // Unknown or unsupported: copy the directive through as written.
      for (const char* s = start; s <= f && *s; ++s)
        out.put(*s);
      if (!*f) {
        va_end(args);
        return out.finish();
      }
      break;
    }
  }
  va_end(args);
  return out.finish();
}

std::size_t format(char* buffer, std::size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::size_t n = vformat(buffer, size, fmt, args);
  va_end(args);
  return n;
}

} // namespace bramble
