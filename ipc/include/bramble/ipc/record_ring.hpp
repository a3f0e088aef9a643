// RecordRing<N>: a single-producer single-consumer ring of N bytes carrying variable-length records,
// each stored contiguously so it can be written and read in place.
//
// Wire format (all in the data region, every record 8-byte aligned):
//   RecordHeader { u32 length; u32 flags; } followed by `length` payload bytes, padded to 8.
//   A record that would not fit before the end of the ring is preceded by a padding record
//   (flags = kPaddingFlag) that covers the rest of the ring, and starts again at offset 0.
// Indices count bytes. A payload is at most N/2 - 8 bytes (kMaxPayload): then padding plus record never
// exceed N, so a record always fits once the consumer catches up.
//
// Hostile producer: every header is copied out once and checked (flags known, padding exactly to the
// end, length within kMaxPayload, the record inside both the published bytes and the ring end) before a
// byte of payload is handed out; a violation faults the handle with PeerCorrupted. Payload read in place
// (peek) is untrusted and may change under the reader; copy it out (try_pop) to validate it once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/endpoint.hpp"
#include "bramble/ipc/handle.hpp"
#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/notifier.hpp"
#include "bramble/ipc/result.hpp"

namespace bramble::ipc {

struct RecordHeader {
  std::uint32_t length;
  std::uint32_t flags;
};
static_assert(sizeof(RecordHeader) == 8);

inline constexpr std::uint32_t kPaddingFlag = 1;
inline constexpr std::size_t kRecordAlign = 8;

// Whether an operation publishes its index now or leaves it for an explicit publish() (batching: many
// records, one publication).
enum class Publish : std::uint8_t { Now, Later };

[[nodiscard]] constexpr std::size_t record_footprint(std::size_t payload) {
  return sizeof(RecordHeader) + ((payload + kRecordAlign - 1) & ~(kRecordAlign - 1));
}

template <std::size_t N, typename I>
concept RecordRingShape = RingIndex<I> && N >= 32 && (N & (N - 1)) == 0 && N <= kMaxCapacity<I>&& N / 2 <= UINT32_MAX;

template <std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex>
requires RecordRingShape<N, I>
class RecordProducer : public detail::ProducerHandle<detail::ProducerCore<I, N, Nt>, N> {
  using Base = detail::ProducerHandle<detail::ProducerCore<I, N, Nt>, N>;
  using Base::core_;

public:
  static constexpr std::size_t kMaxPayload = N / 2 - sizeof(RecordHeader);

  explicit RecordProducer(const detail::Attached<I>& a, Nt notifier = {}) : Base(a, notifier) {}

  // Zero-copy: `length` writable payload bytes in place, contiguous. Nothing is visible until commit().
  [[nodiscard]] Result<std::span<std::byte>> reserve(std::size_t length) {
    if (core_.faulted()) return err(core_.fault());
    if (length > kMaxPayload) return err(Error::TooLarge);
    const std::size_t at = core_.offset();
    const std::size_t pad = padding_before(at, length);
    auto f = core_.free_space(pad + record_footprint(length));
    if (!f) return err(f.error());
    if (f.value() < pad + record_footprint(length)) return err(Error::Full);
    reserved_ = true;
    reserved_length_ = length;
    const std::size_t start = pad != 0 ? 0 : at;
    return std::span<std::byte>(bytes() + start + sizeof(RecordHeader), length);
  }

  // Writes the record header for the first `length` bytes of the last reservation (and the padding
  // record before it if it wrapped) and publishes, unless told to leave that for publish().
  [[nodiscard]] Result<void> commit(std::size_t length, Publish when = Publish::Now) {
    if (core_.faulted()) return err(core_.fault());
    if (!reserved_ || length > reserved_length_) return err(Error::BadArgument);
    reserved_ = false;
    const std::size_t at = core_.offset();
    const std::size_t pad = padding_before(at, reserved_length_);
    if (pad != 0) {
      write_header(at, RecordHeader{static_cast<std::uint32_t>(pad - sizeof(RecordHeader)), kPaddingFlag});
      core_.advance(pad);
    }
    write_header(core_.offset(), RecordHeader{static_cast<std::uint32_t>(length), 0});
    core_.advance(record_footprint(length));
    if (when == Publish::Now) core_.publish();
    return {};
  }

  // Publishes every record committed with Publish::Later.
  void publish() {
    if (!core_.faulted()) core_.publish();
  }

  // Copies one record in and publishes it.
  [[nodiscard]] Result<void> try_push(std::span<const std::byte> payload, Publish when = Publish::Now) {
    auto r = reserve(payload.size());
    if (!r) return err(r.error());
    if (!payload.empty()) __builtin_memcpy(r->data(), payload.data(), payload.size());
    return commit(payload.size(), when);
  }

  // Blocking push: sleeps on the notifier while the ring is too full for this record.
  [[nodiscard]] Result<void> push(std::span<const std::byte> payload) {
    return detail::retry_blocking(
        Error::Full, [&] { return try_push(payload); },
        [&] {
          const std::size_t need = padding_before(core_.offset(), payload.size()) + record_footprint(payload.size());
          return core_.wait_for_space(need);
        });
  }

private:
  // Bytes of padding needed at `at` before a record of `length` (0 if it fits before the end).
  static constexpr std::size_t padding_before(std::size_t at, std::size_t length) {
    return record_footprint(length) > N - at ? N - at : 0;
  }
  std::byte* bytes() const { return reinterpret_cast<std::byte*>(core_.data()); }
  void write_header(std::size_t at, RecordHeader h) { __builtin_memcpy(bytes() + at, &h, sizeof h); }

  bool reserved_ = false;
  std::size_t reserved_length_ = 0;
};

template <std::size_t N, Notifier Nt = NoNotify, RingIndex I = DefaultIndex>
requires RecordRingShape<N, I>
class RecordConsumer : public detail::ConsumerHandle<detail::ConsumerCore<I, N, Nt>, N> {
  using Base = detail::ConsumerHandle<detail::ConsumerCore<I, N, Nt>, N>;
  using Base::core_;

public:
  static constexpr std::size_t kMaxPayload = N / 2 - sizeof(RecordHeader);

  explicit RecordConsumer(const detail::Attached<I>& a, Nt notifier = {}) : Base(a, notifier) {}

  // Zero-copy: the next record's payload in place (untrusted: the producer may still write it). Call
  // release() to consume it. Repeated peeks without release return the same record.
  [[nodiscard]] Result<std::span<const std::byte>> peek() {
    if (core_.faulted()) return err(core_.fault());
    // release() consumes what this call returns, nothing older: a hostile producer may have turned
    // the header of an earlier peek into padding, which this call skips (found by tests/fuzz).
    peeked_ = 0;
    bool skipped_padding = false;
    for (;;) {
      auto a = core_.available(sizeof(RecordHeader));
      if (!a) return err(a.error());
      if (a.value() == 0) {
        if (skipped_padding) core_.publish(); // let the producer reuse the padding now
        return err(Error::Empty);
      }
      if (a.value() % kRecordAlign != 0) return core_.set_fault(Error::PeerCorrupted);
      const std::size_t at = core_.offset();
      const std::size_t to_end = N - at;
      RecordHeader h;
      __builtin_memcpy(&h, bytes() + at, sizeof h); // one copy; only the copy is checked and used
      if (h.flags == kPaddingFlag) {
        // Padding runs exactly to the end of the ring, and never starts at offset 0 (a record of at most
        // kMaxPayload always fits there): so after one padding the next header is a record, which also
        // bounds this loop to two rounds.
        if (at == 0 || h.length != to_end - sizeof(RecordHeader) || to_end > a.value())
          return core_.set_fault(Error::PeerCorrupted);
        core_.advance(to_end);
        skipped_padding = true;
        continue;
      }
      if (h.flags != 0 || h.length > kMaxPayload) return core_.set_fault(Error::PeerCorrupted);
      const std::size_t footprint = record_footprint(h.length);
      if (footprint > to_end || footprint > a.value()) return core_.set_fault(Error::PeerCorrupted);
      peeked_ = footprint;
      return std::span<const std::byte>(bytes() + at + sizeof(RecordHeader), h.length);
    }
  }

  // Consumes the record returned by the last peek() and publishes, unless told to leave that for publish().
  [[nodiscard]] Result<void> release(Publish when = Publish::Now) {
    if (core_.faulted()) return err(core_.fault());
    if (peeked_ == 0) return err(Error::BadArgument);
    core_.advance(peeked_);
    peeked_ = 0;
    if (when == Publish::Now) core_.publish();
    return {};
  }

  // Gives every record released with Publish::Later back to the producer.
  void publish() {
    if (!core_.faulted()) core_.publish();
  }

  // Copy-out read: copies the next record into `out` and consumes it; returns its length. A record
  // longer than `out` is left in place (BufferTooSmall).
  [[nodiscard]] Result<std::size_t> try_pop(std::span<std::byte> out, Publish when = Publish::Now) {
    auto p = peek();
    if (!p) return err(p.error());
    const std::size_t length = p->size();
    if (length > out.size()) return err(Error::BufferTooSmall);
    if (length != 0) __builtin_memcpy(out.data(), p->data(), length);
    if (auto r = release(when); !r) return err(r.error());
    return length;
  }

  // Blocking pop: sleeps on the notifier while the ring is empty.
  [[nodiscard]] Result<std::size_t> pop(std::span<std::byte> out) {
    return detail::retry_blocking(
        Error::Empty, [&] { return try_pop(out); }, [&] { return core_.wait_for_data(); });
  }

private:
  const std::byte* bytes() const { return reinterpret_cast<const std::byte*>(core_.data()); }

  std::size_t peeked_ = 0;
};

// The ring as a type: its spec and size, and the calls that lay it out and open either end.
// G as for SpscRing: Granule::Page (kernel channels) or Granule::Line (compact firmware rings).
template <std::size_t N, RingIndex I = DefaultIndex, Granule G = Granule::Page>
requires RecordRingShape<N, I>
struct RecordRing {
  static constexpr RingSpec kSpec = record_ring_spec<N, I, G>();
  static constexpr RingGeometry kGeometry = ring_geometry(kSpec);
  static constexpr std::size_t kBytes = kGeometry.total_size;
  static constexpr std::size_t kMaxPayload = N / 2 - sizeof(RecordHeader);
  template <Notifier Nt = NoNotify> using Producer = RecordProducer<N, Nt, I>;
  template <Notifier Nt = NoNotify> using Consumer = RecordConsumer<N, Nt, I>;

  [[nodiscard]] static Result<void> format(void* base, std::size_t size, I start = 0) {
    if (start % kRecordAlign != 0) return err(Error::BadArgument);
    return write_header<I>(base, size, kSpec, start);
  }
  template <Notifier Nt = NoNotify>
  [[nodiscard]] static Result<Producer<Nt>> open_producer(void* base, std::size_t size, Nt notifier = {}) {
    auto a = detail::attach<I>(base, size, kSpec, static_cast<I>(kRecordAlign));
    if (!a) return err(a.error());
    return Producer<Nt>(a.value(), notifier);
  }
  template <Notifier Nt = NoNotify>
  [[nodiscard]] static Result<Consumer<Nt>> open_consumer(void* base, std::size_t size, Nt notifier = {}) {
    auto a = detail::attach<I>(base, size, kSpec, static_cast<I>(kRecordAlign));
    if (!a) return err(a.error());
    return Consumer<Nt>(a.value(), notifier);
  }
};

} // namespace bramble::ipc
