// lib/memory.hpp (behind the kernel's and user programs' memcpy, memmove, memset, memcmp) against the
// C library, over every alignment of source and destination and lengths around the word size.
#include <doctest/doctest.h>

#include <cstring>

#include "lib/memory.hpp"

namespace {

constexpr std::size_t kSize = 96;

void pattern(unsigned char* p, std::size_t n, unsigned seed) {
  for (std::size_t i = 0; i < n; ++i)
    p[i] = static_cast<unsigned char>(seed * 131u + i * 7u + 1u);
}

} // namespace

TEST_CASE("memory: copy_forward matches memcpy for every alignment and length") {
  for (std::size_t da = 0; da < 8; ++da) {
    for (std::size_t sa = 0; sa < 8; ++sa) {
      for (std::size_t n = 0; n <= 40; ++n) {
        alignas(8) unsigned char src[kSize], ours[kSize], libc[kSize];
        pattern(src, kSize, 1);
        pattern(ours, kSize, 2);
        pattern(libc, kSize, 2);
        bramble::mem::copy_forward(ours + da, src + sa, n);
        std::memcpy(libc + da, src + sa, n);
        CAPTURE(da);
        CAPTURE(sa);
        CAPTURE(n);
        REQUIRE(std::memcmp(ours, libc, kSize) == 0); // nothing outside [da, da + n) changed either
      }
    }
  }
}

TEST_CASE("memory: move handles overlap in both directions") {
  for (std::size_t from = 0; from < 24; ++from) {
    for (std::size_t to = 0; to < 24; ++to) {
      for (std::size_t n = 0; n <= 40; ++n) {
        alignas(8) unsigned char ours[kSize], libc[kSize];
        pattern(ours, kSize, 3);
        pattern(libc, kSize, 3);
        bramble::mem::move(ours + to, ours + from, n);
        std::memmove(libc + to, libc + from, n);
        CAPTURE(from);
        CAPTURE(to);
        CAPTURE(n);
        REQUIRE(std::memcmp(ours, libc, kSize) == 0);
      }
    }
  }
}

TEST_CASE("memory: fill matches memset, compare matches the sign of memcmp") {
  for (std::size_t at = 0; at < 8; ++at) {
    for (std::size_t n = 0; n <= 40; ++n) {
      alignas(8) unsigned char ours[kSize], libc[kSize];
      pattern(ours, kSize, 4);
      pattern(libc, kSize, 4);
      bramble::mem::fill(ours + at, 0xA5, n);
      std::memset(libc + at, 0xA5, n);
      REQUIRE(std::memcmp(ours, libc, kSize) == 0);
    }
  }
  const unsigned char a[] = {1, 2, 3, 200};
  const unsigned char b[] = {1, 2, 4, 0};
  CHECK(bramble::mem::compare(a, b, 2) == 0);
  CHECK(bramble::mem::compare(a, b, 4) < 0);
  CHECK(bramble::mem::compare(b, a, 4) > 0);
  CHECK(bramble::mem::compare(a, a, 0) == 0);
}
