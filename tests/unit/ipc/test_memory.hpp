// Page-aligned, zeroed memory standing in for a shared mapping in host tests.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>

#include "bramble/ipc/layout.hpp"

namespace bramble::ipc::test {

class Mapping {
public:
  explicit Mapping(std::size_t bytes)
      : size_(bytes), bytes_(static_cast<unsigned char*>(::operator new (bytes, std::align_val_t{kPageSize}))) {
    std::memset(bytes_, 0, bytes);
  }
  ~Mapping() { ::operator delete (bytes_, std::align_val_t{kPageSize}); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  [[nodiscard]] void* base() const { return bytes_; }
  [[nodiscard]] unsigned char* bytes() const { return bytes_; }
  [[nodiscard]] std::size_t size() const { return size_; }

  // The parts of a ring laid out in this mapping, as a hostile peer (or a test) would poke them.
  template <RingIndex I> ProducerControl<I>* producer() const {
    return std::launder(reinterpret_cast<ProducerControl<I>*>(bytes_ + kPageSize));
  }
  template <RingIndex I> ConsumerControl<I>* consumer() const {
    return std::launder(reinterpret_cast<ConsumerControl<I>*>(bytes_ + 2 * kPageSize));
  }
  SharedHeader* header() const { return std::launder(reinterpret_cast<SharedHeader*>(bytes_)); }
  unsigned char* data() const { return bytes_ + 3 * kPageSize; }

private:
  std::size_t size_;
  unsigned char* bytes_;
};

} // namespace bramble::ipc::test
