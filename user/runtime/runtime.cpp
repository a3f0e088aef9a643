// The C++ runtime a freestanding user program needs: the memory functions compilers call implicitly,
// the few ABI symbols GCC and clang reference, and the exit path crt0.S takes after main.
#include <cstddef>
#include <cstdint>

#include "user/runtime/syscall.hpp"

// Every program defines this; `startup` is the task's read-only startup page, passed through as is.
int main(const void* startup);

extern "C" {

// Called by crt0.S once .bss is clear and the constructors have run. main's result is
// sign-extended, so -1 reaches the kernel as -1.
[[noreturn]] void bramble_user_main(const void* startup) { bramble::user::task_exit(main(startup)); }

// Static destructors never run: a task ends with task_exit and the kernel reclaims everything, so
// registering them is a no-op (the Itanium C++ ABI 3.3.5.3 lets __cxa_atexit succeed without acting).
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
[[noreturn]] void __cxa_pure_virtual() { bramble::user::task_exit(-1); }

// This file is compiled with -fno-builtin (and GCC's -fno-tree-loop-distribute-patterns) so these
// loops are not turned back into calls to the functions they implement. Unlike the kernel's copies
// they may use unaligned accesses: user memory is Normal memory once the MMU is on.
void* memcpy(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  while (n--)
    *d++ = *s++;
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    while (n--)
      *d++ = *s++;
  } else {
    while (n--)
      d[n] = s[n];
  }
  return dst;
}
void* memset(void* dst, int value, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  while (n--)
    *d++ = static_cast<unsigned char>(value);
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
  while (s[n])
    ++n;
  return n;
}

} // extern "C"

// User programs have no heap yet; these exist because virtual destructors reference them.
void operator delete(void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}
