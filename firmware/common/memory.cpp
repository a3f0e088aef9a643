// What the IPC headers (and the compiler, for struct copies and clears) need from the C library:
// memcpy, memmove and memset. A firmware with newlib (--specs=nano.specs) has them already; these are
// for images linked with -nostdlib, which is also what lets the link tests see every library call.
#include <cstddef>

extern "C" {
void* memcpy(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  while (n-- != 0)
    *d++ = *s++;
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    while (n-- != 0)
      *d++ = *s++;
  } else {
    while (n-- != 0)
      d[n] = s[n];
  }
  return dst;
}
void* memset(void* dst, int c, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  while (n-- != 0)
    *d++ = static_cast<unsigned char>(c);
  return dst;
}
}
