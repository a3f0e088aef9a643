// Lazy<T>: storage for a T that is constructed later (the kernel has no heap, and objects such as the
// frame allocator can only be made once boot has learned enough). Never destroyed: kernel globals
// live until the machine stops.
#pragma once

#include <new>
#include <utility>

namespace bramble {

template <typename T> class Lazy {
public:
  constexpr Lazy() {}
  ~Lazy() {}
  Lazy(const Lazy&) = delete;
  Lazy& operator=(const Lazy&) = delete;

  template <typename... Args> T& emplace(Args&&... args) {
    T* p = new (&value_) T(std::forward<Args>(args)...);
    constructed_ = true;
    return *p;
  }
  [[nodiscard]] bool constructed() const { return constructed_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

private:
  union {
    T value_;
  };
  bool constructed_ = false;
};

} // namespace bramble
