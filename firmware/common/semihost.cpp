#include "semihost.hpp"

namespace fw {
namespace {
constexpr std::uint32_t kSysWrite0 = 0x04;
constexpr std::uint32_t kSysExitExtended = 0x20;
constexpr std::uint32_t kApplicationExit = 0x20026; // ADP_Stopped_ApplicationExit

std::uint32_t semihost(std::uint32_t op, const void* arg) {
  register std::uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
} // namespace

void write(const char* text) { semihost(kSysWrite0, text); }

void exit(int code) {
  const std::uint32_t block[2] = {kApplicationExit, static_cast<std::uint32_t>(code)};
  semihost(kSysExitExtended, block);
  for (;;)
    __asm__ volatile("wfi");
}

Line& Line::operator<<(const char* text) {
  while (*text != '\0' && used_ + 1 < sizeof buffer_)
    buffer_[used_++] = *text++;
  return *this;
}

Line& Line::dec(std::uint32_t value) {
  char digits[11];
  unsigned n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n != 0 && used_ + 1 < sizeof buffer_)
    buffer_[used_++] = digits[--n];
  return *this;
}

Line& Line::hex(std::uint32_t value) {
  *this << "0x";
  for (int shift = 28; shift >= 0; shift -= 4) {
    const unsigned nibble = (value >> shift) & 0xFU;
    if (used_ + 1 < sizeof buffer_)
      buffer_[used_++] = static_cast<char>(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
  }
  return *this;
}

void Line::print() {
  *this << "\n";
  buffer_[used_] = '\0';
  write(buffer_);
  used_ = 0;
}

} // namespace fw
