// The shared-memory layout of one ring, as the broker (or a self-service producer) lays it out and as
// each side validates it before trusting a mapping. Four parts, each starting on a granule boundary:
//
//   part 0          SharedHeader + channel-state word: read-only to both sides once written
//   part 1          ProducerControl: written only by the producer (tail, producer sleep_seq)
//   part 2          ConsumerControl: written only by the consumer (head, consumer sleep_seq)
//   part 3 ...      data: written only by the producer, read by the consumer
//
// The granule is a property of the layout, recorded in the header and checked on open:
//   Granule::Page (4096)  each part on its own pages, so the broker can map each part writable only to
//                         the side that writes it (header RO to both, producer page RW to the producer
//                         and RO to the consumer, the consumer page the other way round, data RW to the
//                         producer and RO to the consumer). The kernel's channels use this layout.
//   Granule::Line (64)    for memory without an MMU (microcontrollers, two cores of an RP2040/RP2350):
//                         the parts are packed on cache lines, so a ring costs its data plus 384 bytes.
// Every field has the same offset, size and byte order on every architecture (little-endian Arm,
// x86-64): a ring laid out by one core can be opened by another if both name the same index type and
// granule. Nothing in shared memory is a pointer: every address is the mapping's base plus an offset
// that each side computes for itself.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "bramble/ipc/config.hpp"
#include "bramble/ipc/result.hpp"

namespace bramble::ipc {

enum class RingKind : std::uint8_t {
  Element = 1, // SpscRing<T, N>: N fixed-size slots of sizeof(T) bytes
  Record = 2,  // RecordRing<N>: N bytes carrying length-prefixed records
};

inline constexpr std::uint32_t kLayoutMagic = 0x5049'5242; // "BRIP" in memory on a little-endian CPU
// Version 2 added the granule (the word that version 1 kept reserved and zero).
inline constexpr std::uint16_t kLayoutVersion = 2;

// What separates the four parts of a ring (see above); the value is the size in bytes.
enum class Granule : std::uint32_t {
  Line = 64,   // kCacheLine: compact, for targets without an MMU
  Page = 4096, // kPageSize: one mapping per part, for a broker that maps parts with different rights
};
[[nodiscard]] constexpr bool known_granule(Granule g) { return g == Granule::Line || g == Granule::Page; }
[[nodiscard]] constexpr std::size_t granule_bytes(Granule g) { return static_cast<std::size_t>(g); }

// Part 0. Plain integers: written once before either side maps the ring, then only read, and each side
// reads it exactly once (into a private copy) when it opens its end.
struct SharedHeader {
  std::uint32_t magic;
  std::uint16_t version;
  std::uint8_t kind;        // RingKind
  std::uint8_t index_width; // bytes per index: 8, or 4 on targets without lock-free 64-bit atomics
  std::uint32_t element_size;
  std::uint32_t granule;  // Granule: 4096 (page layout) or 64 (cache-line layout)
  std::uint64_t capacity; // slots (Element) or bytes (Record); a power of two
  std::uint64_t producer_offset;
  std::uint64_t consumer_offset;
  std::uint64_t data_offset;
  std::uint64_t data_size;  // capacity * element_size, rounded up to whole granules
  std::uint64_t total_size; // bytes the mapping must cover
};
static_assert(sizeof(SharedHeader) == 64 && alignof(SharedHeader) == 8, "the header is part of the ABI");

// The one word of part 0 that may change after the ring was opened, on its own cache line after the
// header: 0 while the channel is open, kChannelClosed once whoever laid the ring out (the broker, which
// keeps page 0 mapped writable for itself while both sides map it read-only) closed it. Sides read it
// only on their slow paths (ProducerCore/ConsumerCore::refresh), never on a streaming publication. A
// 32-bit word so it has an access policy on every target (shared_word.hpp; Cortex-M0 included).
inline constexpr std::size_t kChannelStateOffset = 64;
inline constexpr std::uint32_t kChannelClosed = 1;
// A side ended and its owner (the broker) starts it again: the survivor's operations go on as with a
// slow peer (a producer fills the ring, then waits; a consumer drains it, then waits) and the
// restarted side opens the same ring where its predecessor left it. Anything but kChannelClosed reads
// as open on the rings' slow paths.
inline constexpr std::uint32_t kChannelPeerRestarting = 2;
using ChannelStateWord = SharedWord<std::uint32_t>;
static_assert(sizeof(ChannelStateWord) == 4 && alignof(ChannelStateWord) == 4, "a bare word in shared memory");

// Part 1. The index and the sleep word sit on separate cache lines: the consumer polls tail, and only a
// producer about to sleep on a full ring touches sleep_seq.
template <RingIndex I> struct ProducerControl {
  alignas(kCacheLine) SharedWord<I> tail;      // next index the producer will write (free-running)
  alignas(kCacheLine) SharedWord<I> sleep_seq; // odd while the producer is about to sleep / asleep
};

// Part 2, the mirror image.
template <RingIndex I> struct ConsumerControl {
  alignas(kCacheLine) SharedWord<I> head;      // next index the consumer will read (free-running)
  alignas(kCacheLine) SharedWord<I> sleep_seq; // odd while the consumer is about to sleep / asleep
};

// Bytes of the header part and of each control part before rounding up to the granule.
inline constexpr std::size_t kHeaderPartBytes = kChannelStateOffset + sizeof(ChannelStateWord);
inline constexpr std::size_t kControlPartBytes = 2 * kCacheLine;
static_assert(sizeof(ProducerControl<DefaultIndex>) == kControlPartBytes &&
              sizeof(ConsumerControl<DefaultIndex>) == kControlPartBytes);
static_assert(sizeof(SharedWord<std::uint32_t>) == 4, "a shared index must be a bare word in shared memory");
static_assert(sizeof(SharedWord<DefaultIndex>) == sizeof(DefaultIndex), "a shared index must be a bare word");

// What a ring is: the values a side expects to find in the header.
struct RingSpec {
  RingKind kind;
  std::uint32_t element_size; // 1 for a record ring
  std::uint64_t capacity;
  std::uint8_t index_width;
  Granule granule = Granule::Page;
};

template <typename T, std::size_t N, RingIndex I = DefaultIndex, Granule G = Granule::Page>
constexpr RingSpec element_ring_spec() {
  return RingSpec{RingKind::Element, static_cast<std::uint32_t>(sizeof(T)), N, static_cast<std::uint8_t>(sizeof(I)), G};
}
template <std::size_t N, RingIndex I = DefaultIndex, Granule G = Granule::Page> constexpr RingSpec record_ring_spec() {
  return RingSpec{RingKind::Record, 1, N, static_cast<std::uint8_t>(sizeof(I)), G};
}

struct ByteRange {
  std::size_t offset;
  std::size_t size;
  [[nodiscard]] constexpr std::size_t end() const { return offset + size; }
};

// Byte ranges of the four parts of a ring; every range starts on a granule boundary.
struct RingGeometry {
  ByteRange header;
  ByteRange producer;
  ByteRange consumer;
  ByteRange data;
  std::size_t total_size;
};

[[nodiscard]] constexpr std::size_t round_up_to(std::size_t bytes, std::size_t unit) {
  return (bytes + unit - 1) & ~(unit - 1);
}
[[nodiscard]] constexpr std::size_t round_up_to_page(std::size_t bytes) { return round_up_to(bytes, kPageSize); }

// Geometry for a data region of data_bytes (capacity * element size) with the given granule (a known
// one: check_spec checks). The caller guarantees the sum does not overflow (check_spec does).
//   Page: header [0, 4096), producer [4096, 8192), consumer [8192, 12288), data from 12288.
//   Line: header [0, 128), producer [128, 256), consumer [256, 384), data from 384.
[[nodiscard]] constexpr RingGeometry ring_geometry(std::size_t data_bytes, Granule granule = Granule::Page) {
  const std::size_t unit = granule_bytes(granule);
  const std::size_t header = round_up_to(kHeaderPartBytes, unit);
  const std::size_t control = round_up_to(kControlPartBytes, unit);
  const std::size_t data = round_up_to(data_bytes, unit);
  return RingGeometry{{0, header},
                      {header, control},
                      {header + control, control},
                      {header + 2 * control, data},
                      header + 2 * control + data};
}
[[nodiscard]] constexpr RingGeometry ring_geometry(const RingSpec& spec) {
  return ring_geometry(static_cast<std::size_t>(spec.capacity * spec.element_size), spec.granule);
}
// Bytes a mapping must have for a ring of N elements of T (what a broker allocates).
template <typename T, std::size_t N, Granule G = Granule::Page>
inline constexpr std::size_t kElementRingBytes = ring_geometry(sizeof(T) * N, G).total_size;
template <std::size_t N, Granule G = Granule::Page>
inline constexpr std::size_t kRecordRingBytes = ring_geometry(N, G).total_size;

// Whether a spec describes a ring this library can run: checked before any arithmetic on its values.
[[nodiscard]] constexpr Result<void> check_spec(const RingSpec& spec) {
  if (spec.kind != RingKind::Element && spec.kind != RingKind::Record) return err(Error::BadKind);
  if (spec.index_width != 8 && spec.index_width != 4) return err(Error::BadIndexWidth);
  if (!known_granule(spec.granule)) return err(Error::BadGranule);
  if (spec.element_size == 0 || (spec.kind == RingKind::Record && spec.element_size != 1))
    return err(Error::BadElementSize);
  const std::uint64_t max_capacity = std::uint64_t{1} << (spec.index_width * 8 - 1);
  // A record ring needs room for at least a header and one 8-byte payload in each half (RecordRing).
  const std::uint64_t min_capacity = spec.kind == RingKind::Record ? 32 : 1;
  if (spec.capacity < min_capacity || spec.capacity > max_capacity || (spec.capacity & (spec.capacity - 1)) != 0)
    return err(Error::BadCapacity);
  constexpr std::uint64_t kMaxData = (std::uint64_t{1} << (sizeof(std::size_t) * 8 - 2));
  if (spec.capacity > kMaxData / spec.element_size) return err(Error::BadCapacity);
  return {};
}

[[nodiscard]] inline bool aligned_to(const void* p, std::size_t unit) {
  return (reinterpret_cast<std::uintptr_t>(p) & (unit - 1)) == 0;
}
[[nodiscard]] inline bool page_aligned(const void* p) { return aligned_to(p, kPageSize); }

// The header a valid spec lays out (constexpr, so tests can compare its bytes at compile time).
[[nodiscard]] constexpr SharedHeader make_header(const RingSpec& spec) {
  const RingGeometry g = ring_geometry(spec);
  return SharedHeader{kLayoutMagic,     kLayoutVersion,    static_cast<std::uint8_t>(spec.kind),
                      spec.index_width, spec.element_size, static_cast<std::uint32_t>(spec.granule),
                      spec.capacity,    g.producer.offset, g.consumer.offset,
                      g.data.offset,    g.data.size,       g.total_size};
}

// Writes part 0 only (a page, or two cache lines): the header and an open channel-state word. For a
// broker that maps the parts of a ring as separate frames: kernel frames come zeroed, which is exactly
// what write_header would store in the two control pages (indices 0, sleep words 0), so it needs no
// mapping of them.
[[nodiscard]] inline Result<void> write_header_page(void* page, const RingSpec& spec) {
  if (page == nullptr) return err(Error::NullBase);
  if (known_granule(spec.granule) && !aligned_to(page, granule_bytes(spec.granule))) return err(Error::Misaligned);
  if (auto r = check_spec(spec); !r) return r;
  auto* bytes = static_cast<unsigned char*>(page);
  ::new (static_cast<void*>(bytes)) SharedHeader(make_header(spec));
  auto* state = ::new (static_cast<void*>(bytes + kChannelStateOffset)) ChannelStateWord{};
  state->store(0, std::memory_order_relaxed);
  return {};
}

// The channel-state word of the ring whose page 0 is at `base`.
[[nodiscard]] inline ChannelStateWord* channel_state(void* base) {
  return std::launder(
      static_cast<ChannelStateWord*>(static_cast<void*>(static_cast<unsigned char*>(base) + kChannelStateOffset)));
}
[[nodiscard]] inline const ChannelStateWord* channel_state(const void* base) {
  return std::launder(static_cast<const ChannelStateWord*>(
      static_cast<const void*>(static_cast<const unsigned char*>(base) + kChannelStateOffset)));
}

// Closes the channel for both sides (the broker does this through its own writable mapping of page 0,
// then signals both notifications so a sleeping side wakes, re-checks and sees it). Release: whatever the
// closer saw before (a dead producer's last published tail) is visible to a side that sees the word.
inline void mark_closed(void* base) { channel_state(base)->store(kChannelClosed, std::memory_order_release); }
[[nodiscard]] inline bool is_closed(const void* base) {
  return channel_state(base)->load(std::memory_order_acquire) == kChannelClosed;
}
// Marks a peer as restarting / back (the broker, as for mark_closed; the word's only writer, so a load
// and a store suffice, and every target has them). A closed channel stays closed.
inline void mark_peer_restarting(void* base) {
  if (channel_state(base)->load(std::memory_order_relaxed) == 0)
    channel_state(base)->store(kChannelPeerRestarting, std::memory_order_release);
}
inline void mark_peer_back(void* base) {
  if (channel_state(base)->load(std::memory_order_relaxed) == kChannelPeerRestarting)
    channel_state(base)->store(0, std::memory_order_release);
}
[[nodiscard]] inline bool peer_restarting(const void* base) {
  return channel_state(base)->load(std::memory_order_acquire) == kChannelPeerRestarting;
}

// Lays a ring out in fresh memory: writes the header and the two control parts (indices = start, sleep
// words = 0). This is what the broker, or a producer setting up its own channel, does before either side
// opens the ring. `start` lets tests begin near the top of the index range to cross its wrap.
template <RingIndex I = DefaultIndex>
[[nodiscard]] inline Result<void> write_header(void* base, std::size_t mapping_size, const RingSpec& spec,
                                               I start = 0) {
  if (base == nullptr) return err(Error::NullBase);
  if (known_granule(spec.granule) && !aligned_to(base, granule_bytes(spec.granule))) return err(Error::Misaligned);
  if (spec.index_width != sizeof(I)) return err(Error::BadIndexWidth);
  if (auto r = check_spec(spec); !r) return r;
  const RingGeometry g = ring_geometry(spec);
  if (mapping_size < g.total_size) return err(Error::MappingTooSmall);

  auto* bytes = static_cast<unsigned char*>(base);
  if (auto r = write_header_page(bytes + g.header.offset, spec); !r) return r;
  auto* p = ::new (static_cast<void*>(bytes + g.producer.offset)) ProducerControl<I>{};
  auto* c = ::new (static_cast<void*>(bytes + g.consumer.offset)) ConsumerControl<I>{};
  p->tail.store(start, std::memory_order_relaxed);
  p->sleep_seq.store(0, std::memory_order_relaxed);
  c->head.store(start, std::memory_order_relaxed);
  c->sleep_seq.store(0, std::memory_order_relaxed);
  // No fence here: the ring reaches the other side only through a later synchronising step (the
  // kernel's map call, or starting the thread), which orders these stores before its first read.
  return {};
}

// Reads the header at `base` once into a private copy and checks it against what the caller expects and
// against the mapping size. Nothing past the header is touched unless every check passes.
[[nodiscard]] inline Result<RingGeometry> validate_header(const void* base, std::size_t mapping_size,
                                                          const RingSpec& expected) {
  if (base == nullptr) return err(Error::NullBase);
  if (!known_granule(expected.granule)) return err(Error::BadGranule);
  if (!aligned_to(base, granule_bytes(expected.granule))) return err(Error::Misaligned);
  if (mapping_size < ring_geometry(0, expected.granule).header.size) return err(Error::MappingTooSmall);
  SharedHeader h;
  __builtin_memcpy(&h, base, sizeof h); // one copy: later checks cannot be raced by a writer
  if (h.magic != kLayoutMagic) return err(Error::BadMagic);
  if (h.version != kLayoutVersion) return err(Error::BadVersion);
  if (h.kind != static_cast<std::uint8_t>(expected.kind)) return err(Error::BadKind);
  // Both sides must agree on the index width and the granule: a 32-bit and a 64-bit side, or a page
  // and a cache-line side, would read each other's words at the wrong offsets.
  if (h.index_width != expected.index_width) return err(Error::BadIndexWidth);
  if (h.granule != static_cast<std::uint32_t>(expected.granule)) return err(Error::BadGranule);
  if (h.element_size != expected.element_size) return err(Error::BadElementSize);
  if (h.capacity != expected.capacity) return err(Error::BadCapacity);
  if (auto r = check_spec(expected); !r) return err(r.error());
  const RingGeometry g = ring_geometry(expected);
  if (h.producer_offset != g.producer.offset || h.consumer_offset != g.consumer.offset ||
      h.data_offset != g.data.offset || h.data_size != g.data.size)
    return err(Error::BadOffsets);
  if (h.total_size != g.total_size) return err(Error::BadTotalSize);
  if (mapping_size < g.total_size) return err(Error::MappingTooSmall);
  return g;
}

} // namespace bramble::ipc
