// Helpers shared by the libFuzzer targets: a front-to-back reader of the fuzz input, a check that
// aborts with a message (libFuzzer then saves the input as a crash artifact), and a page-aligned heap
// buffer of an exact size, so AddressSanitizer reports any access one byte past a "mapping".
//
// Host-only test code (clang with -fsanitize=fuzzer): it may use the hosted standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>

namespace bramble::fuzz {

// Aborts the run with the failed condition: a violated property is a finding, like a crash.
[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz property violated: %s\n", file, line, what);
  std::abort();
}

#define BRAMBLE_FUZZ_CHECK(cond)                                                                                       \
  do {                                                                                                                 \
    if (!(cond)) ::bramble::fuzz::fail(__FILE__, __LINE__, #cond);                                                     \
  } while (0)

// Reads the input from the front. Past the end every read yields zeros, so any input is a complete
// script, and a short seed describes a long, mostly-zero one. Little-endian, byte by byte.
class Reader {
public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  [[nodiscard]] std::size_t remaining() const { return size_ - at_; }
  [[nodiscard]] bool empty() const { return at_ >= size_; }

  std::uint8_t u8() { return at_ < size_ ? data_[at_++] : std::uint8_t{0}; }
  // (Each half is read into its own variable: the operands of | are unsequenced.)
  std::uint16_t u16() {
    const std::uint16_t low = u8();
    const std::uint16_t high = u8();
    return static_cast<std::uint16_t>(low | (high << 8));
  }
  std::uint32_t u32() {
    const std::uint32_t low = u16();
    const std::uint32_t high = u16();
    return low | (high << 16);
  }
  std::uint64_t u64() {
    const std::uint64_t low = u32();
    const std::uint64_t high = u32();
    return low | (high << 32);
  }

  // Up to n bytes of the input (fewer at its end), without copying.
  std::span<const std::uint8_t> bytes(std::size_t n) {
    const std::size_t take = n < remaining() ? n : remaining();
    std::span<const std::uint8_t> out(data_ + at_, take);
    at_ += take;
    return out;
  }

private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// `size` bytes (at least 1) starting on a 4 KiB boundary, zero-filled. Allocated with the aligned
// operator new, which ASan tracks to the byte: the first byte past `size` is a redzone.
class PageBuffer {
public:
  static constexpr std::size_t kAlign = 4096;

  explicit PageBuffer(std::size_t size)
      : size_(size),
        data_(static_cast<unsigned char*>(::operator new (size == 0 ? 1 : size, std::align_val_t{kAlign}))) {
    std::memset(data_, 0, size == 0 ? 1 : size);
  }
  ~PageBuffer() { ::operator delete (data_, std::align_val_t{kAlign}); }
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  [[nodiscard]] unsigned char* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }

  // Whether [p, p + n) lies inside [data() + offset, data() + offset + length).
  [[nodiscard]] bool within(const void* p, std::size_t n, std::size_t offset, std::size_t length) const {
    const auto begin = reinterpret_cast<std::uintptr_t>(data_) + offset;
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    return at >= begin && n <= length && at - begin <= length - n;
  }

private:
  std::size_t size_;
  unsigned char* data_;
};

} // namespace bramble::fuzz
