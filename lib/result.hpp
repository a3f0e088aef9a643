// Errors are values: Result<T, E> holds either a T or an error E (a small enum class), and TRY returns
// the error early. There are no exceptions in the kernel; a function that can fail says so in its type.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

namespace bramble {

template <typename E> struct Unexpected { E error; };

// err(e) makes the error side of any Result with error type E.
template <typename E> constexpr Unexpected<E> err(E e) { return Unexpected<E>{e}; }

template <typename T, typename E> class [[nodiscard]] Result {
  static_assert(std::is_enum_v<E>, "error types are small enums");

public:
  constexpr Result(T value) : ok_(true) { new (&storage_.value) T(std::move(value)); }
  constexpr Result(Unexpected<E> e) : ok_(false) { storage_.error = e.error; }
  constexpr Result(const Result& o) : ok_(o.ok_) {
    if (ok_)
      new (&storage_.value) T(o.storage_.value);
    else
      storage_.error = o.storage_.error;
  }
  constexpr Result& operator=(const Result& o) {
    if (this != &o) {
      destroy();
      ok_ = o.ok_;
      if (ok_)
        new (&storage_.value) T(o.storage_.value);
      else
        storage_.error = o.storage_.error;
    }
    return *this;
  }
  constexpr ~Result() { destroy(); }

  [[nodiscard]] constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  [[nodiscard]] constexpr T& value() & { return storage_.value; }
  [[nodiscard]] constexpr const T& value() const& { return storage_.value; }
  [[nodiscard]] constexpr T&& value() && { return std::move(storage_.value); }
  [[nodiscard]] constexpr E error() const { return storage_.error; }
  constexpr T* operator->() { return &storage_.value; }
  constexpr const T* operator->() const { return &storage_.value; }
  constexpr T& operator*() { return storage_.value; }
  constexpr const T& operator*() const { return storage_.value; }
  [[nodiscard]] constexpr T value_or(T fallback) const { return ok_ ? storage_.value : fallback; }

private:
  constexpr void destroy() {
    if (ok_) storage_.value.~T();
  }
  union Storage {
    constexpr Storage() : error() {}
    constexpr ~Storage() {}
    T value;
    E error;
  } storage_;
  bool ok_;
};

// Result<void, E>: success carries nothing.
template <typename E> class [[nodiscard]] Result<void, E> {
public:
  constexpr Result() = default;
  constexpr Result(Unexpected<E> e) : ok_(false), error_(e.error) {}
  [[nodiscard]] constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  [[nodiscard]] constexpr E error() const { return error_; }

private:
  bool ok_ = true;
  E error_{};
};

} // namespace bramble

// TRY(expr): evaluate a Result; on error return the error from the enclosing function, else yield the
// value. Uses a GNU statement expression (GCC and clang), as SerenityOS's TRY does.
#define BRAMBLE_TRY(expr)                                                                                              \
  __extension__({                                                                                                      \
    auto _bramble_try_result = (expr);                                                                                 \
    if (!_bramble_try_result.ok()) return ::bramble::err(_bramble_try_result.error());                                 \
    std::move(_bramble_try_result).value();                                                                            \
  })
// TRY_VOID(expr): the same for Result<void, E>.
#define BRAMBLE_TRY_VOID(expr)                                                                                         \
  do {                                                                                                                 \
    auto _bramble_try_result = (expr);                                                                                 \
    if (!_bramble_try_result.ok()) return ::bramble::err(_bramble_try_result.error());                                 \
  } while (0)
