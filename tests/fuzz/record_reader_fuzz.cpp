// Fuzz target: the consumer of a RecordRing (ipc/include/bramble/ipc/record_ring.hpp) reading from a
// hostile producer: the producer's index, its record headers, padding records and payload bytes are
// all fuzz input, and the producer keeps changing them between the consumer's calls.
//
// Input (front to back, zeros past the end):
//   u8        shape (ring size and index width, kShapes below)
//   u64       start index of both sides (rounded down to the record alignment); near 2^64 crosses the wrap
//   u32       tail - start: how many bytes the producer claims to have published (not rounded)
//   u16       length of the action script that follows (taken modulo kMaxScript)
//   script    what the consumer and the hostile producer do, one action per byte (run below)
//   rest      the data region's initial bytes (record headers, padding, payload)
// Checked: every call returns (bounded loop); every span lies in the data region and is at most
// kMaxPayload long; a repeated peek returns the same record; a pop moves the position by the record's
// footprint plus at most the padding to the end of the ring; the published head equals the position
// after an immediate release; while the producer only ever moved its index forward, the consumer never
// passes it; a fault is sticky. ASan checks every access (the 4 KiB ring's data region ends exactly at
// the end of the mapping).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bramble/ipc/record_ring.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace bramble::ipc;
using bramble::fuzz::PageBuffer;
using bramble::fuzz::Reader;

constexpr std::size_t kMaxScript = 1024;

template <std::size_t N, typename I> void run(Reader& in) {
  using Ring = RecordRing<N, I>;
  constexpr RingGeometry g = Ring::kGeometry;
  constexpr std::size_t kMax = Ring::kMaxPayload;

  const I start = static_cast<I>(in.u64() & ~std::uint64_t{kRecordAlign - 1});
  const std::uint32_t claimed = in.u32();
  const std::size_t script_length = in.u16() % kMaxScript;
  const auto script_bytes = in.bytes(script_length);
  Reader script(script_bytes.data(), script_bytes.size());

  PageBuffer map(g.total_size);
  BRAMBLE_FUZZ_CHECK(Ring::format(map.data(), map.size(), start).ok());
  unsigned char* const data = map.data() + g.data.offset;
  const auto initial = in.bytes(N);
  if (!initial.empty()) std::memcpy(data, initial.data(), initial.size());
  auto* producer_page = map.data() + g.producer.offset;
  auto* consumer_page = map.data() + g.consumer.offset;
  auto store = [](unsigned char* at, I v) { std::memcpy(at, &v, sizeof v); };
  auto load = [](const unsigned char* at) {
    I v;
    std::memcpy(&v, at, sizeof v);
    return v;
  };
  I tail = static_cast<I>(start + static_cast<I>(claimed));
  store(producer_page, tail);

  auto opened = Ring::open_consumer(map.data(), map.size());
  const bool sane = claimed <= N && claimed % kRecordAlign == 0;
  BRAMBLE_FUZZ_CHECK(opened.ok() == sane);
  if (!opened.ok()) return;
  auto& consumer = opened.value();

  bool monotonic = true; // the producer's index only ever moved forward, by at most what is free
  std::vector<std::byte> out;
  auto check_span = [&](std::span<const std::byte> s) {
    BRAMBLE_FUZZ_CHECK(s.size() <= kMax);
    BRAMBLE_FUZZ_CHECK(map.within(s.data(), s.size(), g.data.offset, N));
    // The record's header sits right before its payload, inside the ring too.
    BRAMBLE_FUZZ_CHECK(map.within(s.data() - sizeof(RecordHeader), sizeof(RecordHeader), g.data.offset, N));
  };
  auto check_position = [&]() {
    if (consumer.broken()) return;
    BRAMBLE_FUZZ_CHECK(consumer.position() % kRecordAlign == 0);
    if (monotonic) BRAMBLE_FUZZ_CHECK(static_cast<I>(tail - consumer.position()) <= N);
  };

  // Every action is one call or one change by the producer; when the script ends the consumer drains
  // what is there. Each successful read consumes at least 8 bytes, so the bound is generous.
  const std::size_t max_steps = kMaxScript + 4 * (N / kRecordAlign) + 16;
  for (std::size_t step = 0; step < max_steps; ++step) {
    const bool scripted = !script.empty();
    const std::uint8_t action = scripted ? script.u8() : std::uint8_t{2};
    const I before = consumer.position();
    switch (action % 4) {
    case 0: { // zero-copy read: peek twice, the same record both times
      auto first = consumer.peek();
      if (!first.ok()) break;
      check_span(first.value());
      auto again = consumer.peek();
      BRAMBLE_FUZZ_CHECK(again.ok() && again->data() == first->data() && again->size() == first->size());
      break;
    }
    case 1: { // release what was peeked (refused without a peek)
      const Publish when = (action & 0x80) != 0 ? Publish::Later : Publish::Now;
      if (consumer.release(when).ok() && when == Publish::Now)
        BRAMBLE_FUZZ_CHECK(load(consumer_page) == consumer.position());
      break;
    }
    case 2: { // copy-out read into a buffer of some size (too small leaves the record in place)
      out.resize(scripted ? ((action >> 2) * 8) % (kMax + 16) : kMax);
      auto r = consumer.try_pop(out);
      if (r.ok()) {
        BRAMBLE_FUZZ_CHECK(r.value() <= out.size() && r.value() <= kMax);
        const std::size_t moved = static_cast<I>(consumer.position() - before);
        const std::size_t footprint = record_footprint(r.value());
        const std::size_t to_end = N - static_cast<std::size_t>(before & (N - 1));
        // The record itself, or a padding record to the end of the ring and then the record.
        BRAMBLE_FUZZ_CHECK(moved == footprint || moved == to_end + footprint);
        BRAMBLE_FUZZ_CHECK(load(consumer_page) == consumer.position());
      } else if (r.error() == Error::BufferTooSmall) {
        BRAMBLE_FUZZ_CHECK(consumer.position() == before || static_cast<I>(consumer.position() - before) ==
                                                                N - static_cast<std::size_t>(before & (N - 1)));
      } else if (!scripted) {
        step = max_steps; // drained (Empty) or broken: done
      }
      break;
    }
    default: { // the hostile producer changes something
      switch ((action >> 2) % 4) {
      case 0: { // publishes more (possibly more than is free: that must be refused)
        const I more = static_cast<I>(kRecordAlign * script.u8());
        const I free_now = static_cast<I>(N - static_cast<I>(tail - load(consumer_page)));
        if (more > free_now) monotonic = false;
        tail = static_cast<I>(tail + more);
        store(producer_page, tail);
        break;
      }
      case 1: // any index at all
        tail = static_cast<I>(script.u64());
        store(producer_page, tail);
        monotonic = false;
        break;
      case 2: // any byte of the data region
        data[script.u16() % N] = script.u8();
        break;
      default: { // a whole record header at an aligned offset
        const std::size_t at = (script.u16() * kRecordAlign) % N;
        const RecordHeader h{script.u32(), script.u32()};
        std::memcpy(data + at, &h, sizeof h);
        break;
      }
      }
      break;
    }
    }
    if (consumer.broken()) {
      // Sticky: every later call reports the same fault and nothing moves.
      const Error e = consumer.fault();
      const I at = consumer.position();
      BRAMBLE_FUZZ_CHECK(consumer.peek().error() == e && consumer.release().error() == e);
      BRAMBLE_FUZZ_CHECK(consumer.try_pop(out).error() == e && consumer.position() == at);
      return;
    }
    check_position();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  switch (in.u8() % 4) {
  case 0: run<64, std::uint64_t>(in); break;
  case 1: run<256, std::uint32_t>(in); break;
  case 2: run<4096, std::uint64_t>(in); break; // data region ends exactly at the end of the mapping
  default: run<64, std::uint32_t>(in); break;
  }
  return 0;
}
