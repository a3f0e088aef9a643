// The memory functions compilers call implicitly, for the freestanding kernel and user programs alike
// (both build this file; see lib/memory.hpp for the rules and why it needs -fno-builtin).
#include <cstddef>

#include "lib/memory.hpp"

extern "C" {

void* memcpy(void* dst, const void* src, std::size_t n) {
  bramble::mem::copy_forward(dst, src, n);
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  bramble::mem::move(dst, src, n);
  return dst;
}
void* memset(void* dst, int value, std::size_t n) {
  bramble::mem::fill(dst, static_cast<unsigned char>(value), n);
  return dst;
}
int memcmp(const void* a, const void* b, std::size_t n) { return bramble::mem::compare(a, b, n); }
std::size_t strlen(const char* s) {
  std::size_t n = 0;
  while (s[n] != '\0')
    ++n;
  return n;
}

} // extern "C"
