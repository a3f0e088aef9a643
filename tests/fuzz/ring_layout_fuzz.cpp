// Fuzz target: ring layout validation and both ends of a ring over a fuzzed shared mapping
// (ipc/include/bramble/ipc/layout.hpp, spsc_ring.hpp, record_ring.hpp).
//
// Input (read front to back, zeros past the end, see fuzz_support.hpp):
//   u8        shape: which of the five rings (Shape0..Shape4, kSpecs) the mapping is laid out for
//   i16       mapping size minus the shape's total size (the buffer is exactly that size, min 1 byte)
//   64 bytes  XOR mask over the canonical header (all zero: a valid header; anything else corrupts it)
//   u64 x4    tail, head, producer sleep word, consumer sleep word, stored into the control pages
//   rest      operations on the producer and consumer handles, including hostile writes into the
//             mapping (ring_ops.hpp)
// Checked: validate_header accepts exactly the canonical header for a spec and a big enough mapping,
// for every spec (not only the shape's); opening accepts exactly a valid header with sane indices;
// every span a handle returns lies inside the data region; while nothing hostile happened, the ring
// is a FIFO (items come out as they went in, Full and Empty only when the model says so). ASan
// reports any access outside the mapping.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <type_traits>
#include <utility>
#include <vector>

#include "bramble/ipc/layout.hpp"
#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "fuzz_support.hpp"
#include "ring_ops.hpp"

namespace {

using namespace bramble::ipc;
using bramble::fuzz::PageBuffer;
using bramble::fuzz::Reader;
using bramble::fuzz::ring::load_index;
using bramble::fuzz::ring::run_ops;
using bramble::fuzz::ring::store_index;

using Element24 = std::array<std::uint8_t, 24>; // an element size that is not a power of two

// Small rings (wrap-around is reachable) and rings whose data region ends exactly at the end of the
// mapping (any overrun of the data region is an ASan report, not only a failed span check).
using Shape0 = SpscRing<std::uint64_t, 8>;
using Shape1 = SpscRing<Element24, 16, std::uint32_t>;
using Shape2 = SpscRing<std::uint64_t, 1024, std::uint32_t>; // 8 KiB of data: exact end
using Shape3 = RecordRing<64>;
using Shape4 = RecordRing<4096, std::uint32_t>; // exact end
constexpr std::array<RingSpec, 5> kSpecs = {Shape0::kSpec, Shape1::kSpec, Shape2::kSpec, Shape3::kSpec, Shape4::kSpec};

// The header write_header produces for a spec (what a broker writes).
const SharedHeader& canonical_header(std::size_t spec_index) {
  static std::array<SharedHeader, kSpecs.size()> headers = [] {
    std::array<SharedHeader, kSpecs.size()> out{};
    for (std::size_t i = 0; i < kSpecs.size(); ++i) {
      const std::size_t total = ring_geometry(kSpecs[i]).total_size;
      PageBuffer scratch(total);
      const bool formatted = kSpecs[i].index_width == 8
                                 ? write_header<std::uint64_t>(scratch.data(), total, kSpecs[i]).ok()
                                 : write_header<std::uint32_t>(scratch.data(), total, kSpecs[i]).ok();
      BRAMBLE_FUZZ_CHECK(formatted);
      std::memcpy(&out[i], scratch.data(), sizeof(SharedHeader));
    }
    return out;
  }();
  return headers[spec_index];
}

// The oracle for validate_header: the header equals the canonical one in every field (layout version 2
// checks the granule word too, which version 1 kept reserved and ignored), and the mapping covers the
// whole ring.
bool header_should_validate(const unsigned char* mapping, std::size_t size, std::size_t spec_index) {
  if (size < kPageSize) return false;
  const auto* canonical = reinterpret_cast<const unsigned char*>(&canonical_header(spec_index));
  for (std::size_t i = 0; i < sizeof(SharedHeader); ++i) {
    if (mapping[i] != canonical[i]) return false;
  }
  return size >= ring_geometry(kSpecs[spec_index]).total_size;
}

template <typename Ring> struct Traits;
template <typename T, std::size_t N, typename I> struct Traits<SpscRing<T, N, I>> {
  using Index = I;
  static constexpr bool kRecord = false;
  static constexpr std::size_t kUnit = 1;
};
template <std::size_t N, typename I> struct Traits<RecordRing<N, I>> {
  using Index = I;
  static constexpr bool kRecord = true;
  static constexpr std::size_t kUnit = kRecordAlign;
};

template <typename Ring> void run_shape(std::size_t shape, Reader& in) {
  using Tr = Traits<Ring>;
  using I = typename Tr::Index;
  const RingGeometry g = Ring::kGeometry;
  const auto delta = static_cast<std::int16_t>(in.u16());
  const std::int64_t wanted = static_cast<std::int64_t>(g.total_size) + delta;
  const std::size_t size = wanted < 1 ? 1 : static_cast<std::size_t>(wanted);

  // Lay the ring out canonically in scratch memory, apply the input, then copy exactly `size` bytes
  // into the mapping the handles see.
  PageBuffer scratch(size > g.total_size ? size : g.total_size);
  BRAMBLE_FUZZ_CHECK(Ring::format(scratch.data(), scratch.size()).ok());
  const auto mask = in.bytes(sizeof(SharedHeader));
  for (std::size_t i = 0; i < mask.size(); ++i)
    scratch.data()[i] ^= mask[i];
  const std::uint64_t tail = in.u64();
  const std::uint64_t head = in.u64();
  store_index<I>(scratch.data() + g.producer.offset, tail);
  store_index<I>(scratch.data() + g.consumer.offset, head);
  store_index<I>(scratch.data() + g.producer.offset + kCacheLine, in.u64());
  store_index<I>(scratch.data() + g.consumer.offset + kCacheLine, in.u64());
  PageBuffer map(size);
  std::memcpy(map.data(), scratch.data(), size);

  // Validation against every spec, not only this shape's: a mapping is accepted only for its own.
  for (std::size_t s = 0; s < kSpecs.size(); ++s) {
    auto v = validate_header(map.data(), size, kSpecs[s]);
    BRAMBLE_FUZZ_CHECK(v.ok() == header_should_validate(map.data(), size, s));
    if (v.ok()) BRAMBLE_FUZZ_CHECK(v->total_size <= size && v->data.end() == v->total_size);
  }
  BRAMBLE_FUZZ_CHECK(validate_header(nullptr, size, kSpecs[shape]).error() == Error::NullBase);
  if (size > 1) BRAMBLE_FUZZ_CHECK(!validate_header(map.data() + 1, size - 1, kSpecs[shape]).ok());

  const bool valid = header_should_validate(map.data(), size, shape);
  const I t = valid ? load_index<I>(map.data() + g.producer.offset) : I{0};
  const I h = valid ? load_index<I>(map.data() + g.consumer.offset) : I{0};
  const std::uint64_t used = static_cast<I>(t - h);
  const bool sane = valid && used <= Ring::kSpec.capacity && t % Tr::kUnit == 0 && h % Tr::kUnit == 0;
  BRAMBLE_FUZZ_CHECK(Ring::open_producer(map.data(), size).ok() == sane);
  BRAMBLE_FUZZ_CHECK(Ring::open_consumer(map.data(), size).ok() == sane);
  if (!sane) return;
  // Whatever lies between head and tail at the start is zeros: zero items, or empty records.
  run_ops(static_cast<Ring*>(nullptr), in, map, g, static_cast<std::size_t>(used));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  const std::size_t shape = in.u8() % kSpecs.size();
  switch (shape) {
  case 0: run_shape<Shape0>(shape, in); break;
  case 1: run_shape<Shape1>(shape, in); break;
  case 2: run_shape<Shape2>(shape, in); break;
  case 3: run_shape<Shape3>(shape, in); break;
  default: run_shape<Shape4>(shape, in); break;
  }
  return 0;
}
