// Errors are values: every fallible call of the IPC library returns Result<T>, holding either a T or an
// Error. The library stands alone (it must not include the kernel), so it carries its own small Result
// with the same shape as the kernel's bramble::Result (lib/result.hpp).
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace bramble::ipc {

enum class Error : std::uint8_t {
  // Flow control: nothing is wrong, try again later.
  Full,  // no room for what was asked
  Empty, // nothing to read
  // Caller mistakes.
  TooLarge,       // a request larger than the ring can ever hold
  BadArgument,    // e.g. commit() of more than was reserved, or without a reserve()
  BufferTooSmall, // copy-out target smaller than the record (nothing was consumed)
  WrongRole,      // a ChannelConfig for the other end, or another ring kind / element size
  Detached,       // the handle was moved from
  // Layout validation (the mapping cannot be trusted, nothing was touched).
  NullBase,
  Misaligned, // base not aligned to the layout's granule (a page, or a cache line)
  MappingTooSmall,
  BadMagic,
  BadVersion,
  BadKind,
  BadIndexWidth,
  BadElementSize,
  BadCapacity,
  BadOffsets,
  BadTotalSize,
  // A value read from the peer's page or from the data region is impossible. Sticky.
  PeerCorrupted,
  // Whoever set the channel up (the broker) closed it, typically because the peer ended: the consumer
  // gets it once everything published before the close was read, the producer at its next refresh of
  // the consumer's index. Sticky.
  Closed,
  // Layout validation, added with layout version 2 (last, so the values above keep their numbers): the
  // header's granule (page or cache-line layout) is not the one this side was built for.
  BadGranule,
};

[[nodiscard]] constexpr const char* error_name(Error e) {
  switch (e) {
  case Error::Full: return "Full";
  case Error::Empty: return "Empty";
  case Error::TooLarge: return "TooLarge";
  case Error::BadArgument: return "BadArgument";
  case Error::BufferTooSmall: return "BufferTooSmall";
  case Error::WrongRole: return "WrongRole";
  case Error::Detached: return "Detached";
  case Error::NullBase: return "NullBase";
  case Error::Misaligned: return "Misaligned";
  case Error::MappingTooSmall: return "MappingTooSmall";
  case Error::BadMagic: return "BadMagic";
  case Error::BadVersion: return "BadVersion";
  case Error::BadKind: return "BadKind";
  case Error::BadIndexWidth: return "BadIndexWidth";
  case Error::BadElementSize: return "BadElementSize";
  case Error::BadCapacity: return "BadCapacity";
  case Error::BadOffsets: return "BadOffsets";
  case Error::BadTotalSize: return "BadTotalSize";
  case Error::PeerCorrupted: return "PeerCorrupted";
  case Error::Closed: return "Closed";
  case Error::BadGranule: return "BadGranule";
  }
  return "?";
}

struct Unexpected {
  Error error;
};

// err(e) makes the error side of any Result.
[[nodiscard]] constexpr Unexpected err(Error e) { return Unexpected{e}; }

template <typename T> class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result holds values");

public:
  constexpr Result(T value) : value_(std::move(value)), ok_(true) {}
  constexpr Result(Unexpected e) : error_(e.error), ok_(false) {}
  constexpr Result(Result&& o) noexcept : ok_(o.ok_) {
    if (ok_)
      ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
    else
      error_ = o.error_;
  }
  constexpr Result(const Result& o) requires std::is_copy_constructible_v<T> : ok_(o.ok_) {
    if (ok_)
      ::new (static_cast<void*>(&value_)) T(o.value_);
    else
      error_ = o.error_;
  }
  constexpr Result& operator=(Result&& o) noexcept {
    if (this != &o) {
      destroy();
      ok_ = o.ok_;
      if (ok_)
        ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
      else
        error_ = o.error_;
    }
    return *this;
  }
  constexpr Result& operator=(const Result& o) requires std::is_copy_constructible_v<T> {
    if (this != &o) {
      destroy();
      ok_ = o.ok_;
      if (ok_)
        ::new (static_cast<void*>(&value_)) T(o.value_);
      else
        error_ = o.error_;
    }
    return *this;
  }
  constexpr ~Result() { destroy(); }

  [[nodiscard]] constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  [[nodiscard]] constexpr T& value() & { return value_; }
  [[nodiscard]] constexpr const T& value() const& { return value_; }
  [[nodiscard]] constexpr T&& value() && { return std::move(value_); }
  [[nodiscard]] constexpr Error error() const { return error_; }
  constexpr T* operator->() { return &value_; }
  constexpr const T* operator->() const { return &value_; }
  constexpr T& operator*() { return value_; }
  constexpr const T& operator*() const { return value_; }
  [[nodiscard]] constexpr T value_or(T fallback) const { return ok_ ? value_ : fallback; }

private:
  constexpr void destroy() {
    if (ok_) value_.~T();
  }

  union {
    T value_;
    Error error_;
  };
  bool ok_;
};

// Result<void>: success carries nothing.
template <> class [[nodiscard]] Result<void> {
public:
  constexpr Result() = default;
  constexpr Result(Unexpected e) : ok_(false), error_(e.error) {}
  [[nodiscard]] constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  [[nodiscard]] constexpr Error error() const { return error_; }

private:
  bool ok_ = true;
  Error error_{};
};

} // namespace bramble::ipc
