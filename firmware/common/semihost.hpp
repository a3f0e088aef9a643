// Console output and exit through Arm semihosting (BKPT 0xAB on M-profile): QEMU's -semihosting
// prints SYS_WRITE0 strings and ends with SYS_EXIT_EXTENDED's code, which the tests check. On a real
// board without a debugger attached BKPT faults, so production firmware would print to a UART instead.
#pragma once

#include <cstdint>

namespace fw {

void write(const char* text);
[[noreturn]] void exit(int code);

// Appends to a fixed buffer (no heap, no printf): text, decimal and 0x-hex numbers.
class Line {
public:
  Line& operator<<(const char* text);
  Line& dec(std::uint32_t value);
  Line& hex(std::uint32_t value);
  void print(); // writes the line plus "\n" and starts over

private:
  char buffer_[256] = {};
  unsigned used_ = 0;
};

} // namespace fw
