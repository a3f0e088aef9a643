// The byte-moving loops behind memcpy, memmove, memset and memcmp, shared by the kernel
// (kernel/arch/aarch64/boot/crt.cpp's runtime) and user programs (user/runtime), and host-tested against the C library.
//
// The kernel builds with -mstrict-align: before the MMU is on every access is to Device memory, where
// an unaligned access faults. So these move 8 bytes at a time only when both addresses share their
// alignment, and single bytes otherwise. A translation unit that defines memcpy & co. from these must
// be compiled with -fno-builtin and GCC's -fno-tree-loop-distribute-patterns, or the loops below could
// be turned back into calls to the very functions they implement.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bramble::mem {

namespace detail {
using Word = std::uint64_t __attribute__((may_alias)); // the buffers have any type: no aliasing claims
inline constexpr std::uintptr_t kWordMask = sizeof(Word) - 1;

inline bool word_aligned(const void* a) { return (reinterpret_cast<std::uintptr_t>(a) & kWordMask) == 0; }
inline bool co_aligned(const void* a, const void* b) {
  return ((reinterpret_cast<std::uintptr_t>(a) ^ reinterpret_cast<std::uintptr_t>(b)) & kWordMask) == 0;
}
// Word accesses happen only after the alignment checks above (the casts go through void* for that).
inline Word* word_at(unsigned char* p) { return static_cast<Word*>(static_cast<void*>(p)); }
inline const Word* word_at(const unsigned char* p) { return static_cast<const Word*>(static_cast<const void*>(p)); }
} // namespace detail

// Copies n bytes upwards; correct for overlapping buffers when dst starts below src (each word is
// loaded before it is stored).
inline void copy_forward(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (detail::co_aligned(d, s)) {
    for (; n != 0 && !detail::word_aligned(d); --n)
      *d++ = *s++;
    for (; n >= sizeof(detail::Word); n -= sizeof(detail::Word), d += sizeof(detail::Word), s += sizeof(detail::Word))
      *detail::word_at(d) = *detail::word_at(s);
  }
  while (n--)
    *d++ = *s++;
}

inline void move(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d <= s) {
    copy_forward(d, s, n);
    return;
  }
  while (n--)
    d[n] = s[n]; // the destination starts above the source: copy from the end
}

inline void fill(void* dst, unsigned char value, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  for (; n != 0 && !detail::word_aligned(d); --n)
    *d++ = value;
  const detail::Word pattern = detail::Word{value} * 0x0101'0101'0101'0101u;
  for (; n >= sizeof(detail::Word); n -= sizeof(detail::Word), d += sizeof(detail::Word))
    *detail::word_at(d) = pattern;
  while (n--)
    *d++ = value;
}

inline int compare(const void* a, const void* b, std::size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (; n != 0; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}

} // namespace bramble::mem
