// Fixed-size pools for kernel objects: the kernel has no heap, so every kind of object comes from a
// statically sized pool, and running out is an error value (OutOfMemory), never an allocation failure
// somewhere deep down.
#pragma once

#include <cstddef>
#include <utility>

#include "lib/lazy.hpp"

namespace bramble::kobj {

template <typename T, std::size_t N> class Pool {
public:
  static constexpr std::size_t kCapacity = N;

  // A new object, or nullptr when the pool is exhausted.
  template <typename... Args> T* create(Args&&... args) {
    for (std::size_t i = 0; i < N; ++i) {
      if (!used_[i]) {
        used_[i] = true;
        ++in_use_;
        return &slots_[i].emplace(std::forward<Args>(args)...);
      }
    }
    return nullptr;
  }

  // Destroys an object this pool made. Objects never destroy themselves through a base pointer.
  void destroy(T* object) {
    for (std::size_t i = 0; i < N; ++i) {
      if (used_[i] && &*slots_[i] == object) {
        object->~T();
        used_[i] = false;
        --in_use_;
        return;
      }
    }
  }

  [[nodiscard]] std::size_t in_use() const { return in_use_; }

  template <typename Fn> void for_each(Fn&& fn) {
    for (std::size_t i = 0; i < N; ++i) {
      if (used_[i]) fn(*slots_[i]);
    }
  }

private:
  Lazy<T> slots_[N];
  bool used_[N] = {};
  std::size_t in_use_ = 0;
};

} // namespace bramble::kobj
