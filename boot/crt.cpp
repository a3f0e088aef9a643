// The C++ runtime the freestanding kernel provides for itself: constructors (.init_array), the few
// ABI symbols GCC and clang emit calls to, and the memory functions the compilers may call implicitly.
#include <cstddef>
#include <cstdint>

namespace {
using Word = std::uint64_t __attribute__((may_alias)); // the buffers have any type: no aliasing claims
constexpr std::uintptr_t kWordMask = sizeof(Word) - 1;

bool co_aligned(const void* a, const void* b) {
  return ((reinterpret_cast<std::uintptr_t>(a) ^ reinterpret_cast<std::uintptr_t>(b)) & kWordMask) == 0;
}
// Alignment is checked before every word access (the casts below go through void* for that reason).
bool word_aligned(const void* a) { return (reinterpret_cast<std::uintptr_t>(a) & kWordMask) == 0; }

void copy_forward(unsigned char* d, const unsigned char* s, std::size_t n) {
  if (co_aligned(d, s)) {
    for (; n != 0 && !word_aligned(d); --n) *d++ = *s++;
    for (; n >= sizeof(Word); n -= sizeof(Word), d += sizeof(Word), s += sizeof(Word))
      *static_cast<Word*>(static_cast<void*>(d)) = *static_cast<const Word*>(static_cast<const void*>(s));
  }
  while (n--) *d++ = *s++;
}
} // namespace

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

// The kernel runs with -mstrict-align (before the MMU is on every access is to Device memory, where an
// unaligned access faults), so these move 8 bytes at a time only when both addresses share their
// alignment, and bytes otherwise. A byte loop was the first version; frame copies on every context
// switch and the boot-time clearing of the frame bookkeeping paid for it (docs/PERFORMANCE.md).
// This file is compiled with -fno-builtin (and GCC's -fno-tree-loop-distribute-patterns) so the
// loops are not turned back into calls to the functions they implement.

void* memcpy(void* dst, const void* src, std::size_t n) {
  copy_forward(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(src), n);
  return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    copy_forward(d, s, n); // forward is safe when the destination starts below the source
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}
void* memset(void* dst, int value, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto byte = static_cast<unsigned char>(value);
  for (; n != 0 && !word_aligned(d); --n) *d++ = byte;
  const Word pattern = Word{byte} * 0x0101'0101'0101'0101u;
  for (; n >= sizeof(Word); n -= sizeof(Word), d += sizeof(Word)) *static_cast<Word*>(static_cast<void*>(d)) = pattern;
  while (n--) *d++ = byte;
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
