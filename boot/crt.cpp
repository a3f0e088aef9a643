// The C++ runtime the freestanding kernel provides for itself: constructors (.init_array), the few
// ABI symbols GCC and clang emit calls to, and the memory functions the compilers may call implicitly.
#include <cstddef>
#include <cstdint>

extern "C" {
using InitFunction = void (*)();
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];

void kernel_main(std::uintptr_t dtb_address);

// Called by boot/start.S on core 0 at EL1 with a stack and a cleared BSS.
[[noreturn]] void boot_main(std::uintptr_t dtb_address) {
  for (InitFunction* f = __init_array_start; f != __init_array_end; ++f) (*f)();
  kernel_main(dtb_address);
  for (;;) asm volatile("wfe");
}

// Static destructors never run in a kernel that never returns: registering them is a no-op.
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
[[noreturn]] void __cxa_pure_virtual() {
  for (;;) asm volatile("wfe");
}

// Byte loops on purpose: the kernel runs with -mstrict-align (Device memory before the MMU is on).
// This file is compiled with -fno-builtin (and GCC's -fno-tree-loop-distribute-patterns) so the
// loops are not turned back into calls to the functions they implement.
void* memcpy(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  while (n--) *d++ = *s++;
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}
void* memset(void* dst, int value, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  while (n--) *d++ = static_cast<unsigned char>(value);
  return dst;
}
int memcmp(const void* a, const void* b, std::size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}
std::size_t strlen(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}
} // extern "C"

// The kernel never allocates with new; these exist because virtual destructors reference them.
void operator delete(void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}
