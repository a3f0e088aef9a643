// SpscRing<T, N>: a single-producer single-consumer ring of N slots of a trivially copyable T, living in
// a shared mapping laid out as layout.hpp describes.
//
// Three ways to move items, all with the same ordering (acquire on the peer's index, release on ours):
//   element   try_push / try_emplace / try_pop, one index publication per item;
//   batch     try_push_batch / try_pop_batch, one publication per call;
//   zero-copy reserve(n) + commit(k) writes in place; peek(n) + release(k) reads in place.
// push() and pop() block using the notifier (notify on need, wake.hpp).
//
// Untrusted data: slots read in place (peek) may be rewritten by a hostile producer while being read.
// A consumer that must validate an item first copies it out (try_pop / try_pop_batch) and validates the
// copy. With an untrusted producer, T should be a type for which every bit pattern is a valid value
// (integers, byte arrays), not bool or enums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/endpoint.hpp"
#include "bramble/ipc/handle.hpp"
#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/result.hpp"

namespace bramble::ipc {

template <typename T, std::size_t N, typename I>
concept ElementRingShape = RingIndex<I> && std::is_trivially_copyable_v<T> && N >
0 && (N & (N - 1)) == 0 && N <= kMaxCapacity<I> && alignof(T) <= kPageSize && sizeof(T) <= UINT32_MAX;

template <typename T, std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex>
requires ElementRingShape<T, N, I>
class RingProducer : public detail::ProducerHandle<detail::ProducerCore<I, N, Nt>, N> {
  using Base = detail::ProducerHandle<detail::ProducerCore<I, N, Nt>, N>;
  using Base::core_;
  static constexpr std::size_t kMask = N - 1;

public:
  explicit RingProducer(const detail::Attached<I>& a, Nt notifier = {}) : Base(a, notifier) {}

  // Copies one item in and publishes it.
  // Fast path: one compare against the cached head (which also catches a faulted handle, whose cache
  // is empty), the copy, the release store. The peer's head is read and validated only in refill_one().
  [[nodiscard]] Result<void> try_push(const T& item) {
    if (core_.cached_free() == 0) [[unlikely]] {
      if (auto r = core_.refill_one(); !r) return r;
    }
    // The index is read once, before the copy: for all the compiler knows the slot may alias the handle.
    const I at = core_.position();
    __builtin_memcpy(slot(static_cast<std::size_t>(at & kMask)), &item, sizeof(T));
    core_.publish_at(static_cast<I>(at + 1));
    return {};
  }

  // Constructs one item in its slot and publishes it.
  template <typename... Args> [[nodiscard]] Result<void> try_emplace(Args&&... args) {
    if (core_.faulted()) return err(core_.fault());
    auto f = core_.free_space(1);
    if (!f) return err(f.error());
    if (f.value() == 0) return err(Error::Full);
    ::new (static_cast<void*>(slot(core_.offset()))) T(std::forward<Args>(args)...);
    core_.advance(1);
    core_.publish();
    return {};
  }

  // Copies as many items as fit (possibly across the end of the ring) and publishes them once.
  // Returns how many went in; Full if none did.
  [[nodiscard]] Result<std::size_t> try_push_batch(std::span<const T> items) {
    if (core_.faulted()) return err(core_.fault());
    if (items.empty()) return std::size_t{0};
    auto f = core_.free_space(items.size());
    if (!f) return err(f.error());
    const std::size_t count = items.size() < f.value() ? items.size() : f.value();
    if (count == 0) return err(Error::Full);
    const std::size_t at = core_.offset();
    const std::size_t first = count < N - at ? count : N - at;
    __builtin_memcpy(slot(at), items.data(), first * sizeof(T));
    if (count > first) __builtin_memcpy(slot(0), items.data() + first, (count - first) * sizeof(T));
    core_.advance(count);
    core_.publish();
    return count;
  }

  // Zero-copy: up to n contiguous writable slots in place (fewer at the end of the ring or when the
  // ring is nearly full). Nothing is visible to the consumer until commit().
  [[nodiscard]] Result<std::span<T>> reserve(std::size_t n) {
    if (core_.faulted()) return err(core_.fault());
    if (n == 0) return err(Error::BadArgument);
    auto f = core_.free_space(n);
    if (!f) return err(f.error());
    const std::size_t at = core_.offset();
    std::size_t count = n < f.value() ? n : f.value();
    if (count > N - at) count = N - at;
    if (count == 0) return err(Error::Full);
    reserved_ = count;
    return std::span<T>(slot(at), count);
  }

  // Publishes the first k slots of the last reserve().
  [[nodiscard]] Result<void> commit(std::size_t k) {
    if (core_.faulted()) return err(core_.fault());
    if (k > reserved_) return err(Error::BadArgument);
    reserved_ = 0;
    if (k == 0) return {};
    core_.advance(k);
    core_.publish();
    return {};
  }

  // Blocking push: sleeps on the notifier while the ring is full.
  [[nodiscard]] Result<void> push(const T& item) {
    return detail::retry_blocking(
        Error::Full, [&] { return try_push(item); }, [&] { return core_.wait_for_space(1); });
  }

private:
  T* slot(std::size_t at) const { return std::launder(static_cast<T*>(static_cast<void*>(core_.data()))) + at; }

  std::size_t reserved_ = 0;
};

template <typename T, std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex>
requires ElementRingShape<T, N, I>
class RingConsumer : public detail::ConsumerHandle<detail::ConsumerCore<I, N, Nt>, N> {
  using Base = detail::ConsumerHandle<detail::ConsumerCore<I, N, Nt>, N>;
  using Base::core_;
  static constexpr std::size_t kMask = N - 1;

public:
  explicit RingConsumer(const detail::Attached<I>& a, Nt notifier = {}) : Base(a, notifier) {}

  // Copies one item out (the copy is the consumer's own: validate it, not the slot).
  // Fast path as in try_push: the tail is read and validated only in refill_one(), once per refresh.
  // No [[unlikely]] here: a consumer that keeps up finds the cache empty on most calls (measured: the
  // attribute cost ~4 % of round-trip latency by moving the refresh out of line).
  [[nodiscard]] Result<void> try_pop(T& out) {
    if (core_.cached_available() == 0) {
      if (auto r = core_.refill_one(); !r) return r;
    }
    const I at = core_.position();
    __builtin_memcpy(&out, slot(static_cast<std::size_t>(at & kMask)), sizeof(T));
    core_.publish_at(static_cast<I>(at + 1));
    return {};
  }
  [[nodiscard]] Result<T> try_pop() {
    T out;
    if (auto r = try_pop(out); !r) return err(r.error());
    return out;
  }

  // Copies out as many items as are available (up to out.size()) and releases them with one publication.
  [[nodiscard]] Result<std::size_t> try_pop_batch(std::span<T> out) {
    if (core_.faulted()) return err(core_.fault());
    if (out.empty()) return std::size_t{0};
    auto a = core_.available(out.size());
    if (!a) return err(a.error());
    const std::size_t count = out.size() < a.value() ? out.size() : a.value();
    if (count == 0) return err(Error::Empty);
    const std::size_t at = core_.offset();
    const std::size_t first = count < N - at ? count : N - at;
    __builtin_memcpy(out.data(), slot(at), first * sizeof(T));
    if (count > first) __builtin_memcpy(out.data() + first, slot(0), (count - first) * sizeof(T));
    core_.advance(count);
    core_.publish();
    return count;
  }

  // Zero-copy: up to n contiguous readable slots in place. Untrusted: the producer may still write them.
  [[nodiscard]] Result<std::span<const T>> peek(std::size_t n) {
    if (core_.faulted()) return err(core_.fault());
    if (n == 0) return err(Error::BadArgument);
    auto a = core_.available(n);
    if (!a) return err(a.error());
    const std::size_t at = core_.offset();
    std::size_t count = n < a.value() ? n : a.value();
    if (count > N - at) count = N - at;
    if (count == 0) return err(Error::Empty);
    peeked_ = count;
    return std::span<const T>(slot(at), count);
  }

  // Gives the first k slots of the last peek() back to the producer.
  [[nodiscard]] Result<void> release(std::size_t k) {
    if (core_.faulted()) return err(core_.fault());
    if (k > peeked_) return err(Error::BadArgument);
    peeked_ = 0;
    if (k == 0) return {};
    core_.advance(k);
    core_.publish();
    return {};
  }

  // Blocking pop: sleeps on the notifier while the ring is empty.
  [[nodiscard]] Result<void> pop(T& out) {
    return detail::retry_blocking(
        Error::Empty, [&] { return try_pop(out); }, [&] { return core_.wait_for_data(); });
  }

private:
  const T* slot(std::size_t at) const {
    return std::launder(static_cast<const T*>(static_cast<const void*>(core_.data()))) + at;
  }

  std::size_t peeked_ = 0;
};

// The ring as a type: its spec and size, and the calls that lay it out and open either end. G is the
// layout's granule (layout.hpp): Page for the kernel's channels, Line for compact firmware rings.
template <typename T, std::size_t N, RingIndex I = DefaultIndex, Granule G = Granule::Page>
requires ElementRingShape<T, N, I> &&(alignof(T) <= granule_bytes(G)) struct SpscRing {
  static constexpr RingSpec kSpec = element_ring_spec<T, N, I, G>();
  static constexpr RingGeometry kGeometry = ring_geometry(kSpec);
  static constexpr std::size_t kBytes = kGeometry.total_size;
  template <Notifier Nt = NoNotify> using Producer = RingProducer<T, N, Nt, I>;
  template <Notifier Nt = NoNotify> using Consumer = RingConsumer<T, N, Nt, I>;

  [[nodiscard]] static Result<void> format(void* base, std::size_t size, I start = 0) {
    return write_header<I>(base, size, kSpec, start);
  }
  template <Notifier Nt = NoNotify>
  [[nodiscard]] static Result<Producer<Nt>> open_producer(void* base, std::size_t size, Nt notifier = {}) {
    auto a = detail::attach<I>(base, size, kSpec, 1);
    if (!a) return err(a.error());
    return Producer<Nt>(a.value(), notifier);
  }
  template <Notifier Nt = NoNotify>
  [[nodiscard]] static Result<Consumer<Nt>> open_consumer(void* base, std::size_t size, Nt notifier = {}) {
    auto a = detail::attach<I>(base, size, kSpec, 1);
    if (!a) return err(a.error());
    return Consumer<Nt>(a.value(), notifier);
  }
};

} // namespace bramble::ipc
