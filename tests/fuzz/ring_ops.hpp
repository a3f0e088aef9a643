// The operation scripts of the ring_layout fuzz target (ring_layout_fuzz.cpp): what an element ring's
// and a record ring's two honest handles do to a fuzzed mapping, interleaved with hostile writes, and
// the FIFO model they are checked against while nothing hostile has happened.
//
// Operations (one byte each, `code % 9`, some followed by argument bytes):
//   element rings: 0 push, 1 reserve u8 / commit u8, 2 batch push u8, 3 pop, 4 peek u8 / release u8,
//                  5 batch pop u8, 6 poke u16 offset u8 value, 7 index jump u8 which u64 value, 8 re-open
//   record rings:  0 push u16 length (bit 7: publish later), 1 reserve u16 / commit u16, 2 publish,
//                  3 pop into u16 bytes, 4 peek (bit 6: keep it peeked, bit 7: release later), 5 release,
//                  6, 7, 8 as above
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <type_traits>
#include <utility>
#include <vector>

#include "bramble/ipc/record_ring.hpp"
#include "bramble/ipc/spsc_ring.hpp"
#include "fuzz_support.hpp"

namespace bramble::fuzz::ring {

using namespace bramble::ipc;

inline constexpr std::size_t kMaxOps = 512;

template <typename I> void store_index(unsigned char* at, std::uint64_t value) {
  const I v = static_cast<I>(value);
  std::memcpy(at, &v, sizeof v);
}
template <typename I> I load_index(const unsigned char* at) {
  I v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

// What the ring must hold while every write to the mapping came from the two honest handles.
template <typename Item> struct Model {
  bool clean = true;
  std::deque<Item> published; // visible to the consumer, in order
  std::deque<Item> pending;   // committed with Publish::Later, not yet visible
  std::uint64_t next = 1;     // items carry a sequence number so reordering is visible
  void publish() {
    published.insert(published.end(), pending.begin(), pending.end());
    pending.clear();
  }
};

template <typename T> T make_item(std::uint64_t seq) {
  T item{};
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    item = seq;
  } else {
    for (std::size_t i = 0; i < item.size(); ++i)
      item[i] = static_cast<std::uint8_t>(seq + i);
  }
  return item;
}

// Element rings: the operations a producer and a consumer can perform, interleaved with hostile writes.
template <typename T, std::size_t N, typename I>
void run_ops(SpscRing<T, N, I>*, Reader& in, PageBuffer& map, const RingGeometry& g, std::size_t initial_items) {
  using Ring = SpscRing<T, N, I>;
  auto producer = Ring::open_producer(map.data(), map.size());
  auto consumer = Ring::open_consumer(map.data(), map.size());
  BRAMBLE_FUZZ_CHECK(producer.ok() && consumer.ok());
  Model<T> model;
  for (std::size_t i = 0; i < initial_items; ++i)
    model.published.push_back(T{}); // the data region is zero
  auto in_data = [&](const void* p, std::size_t bytes) { return map.within(p, bytes, g.data.offset, N * sizeof(T)); };
  auto expect_front = [&](const T& got) {
    if (!model.clean) return;
    BRAMBLE_FUZZ_CHECK(!model.published.empty());
    BRAMBLE_FUZZ_CHECK(std::memcmp(&got, &model.published.front(), sizeof(T)) == 0);
    model.published.pop_front();
  };

  for (std::size_t op = 0; op < kMaxOps && !in.empty(); ++op) {
    const std::uint8_t code = in.u8();
    switch (code % 9) {
    case 0: { // push one
      const T item = make_item<T>(model.next);
      auto r = producer->try_push(item);
      if (r.ok()) {
        ++model.next;
        if (model.clean) model.published.push_back(item);
      } else if (model.clean) {
        BRAMBLE_FUZZ_CHECK(r.error() == Error::Full && model.published.size() == N);
      }
      break;
    }
    case 1: { // reserve + commit in place
      auto span = producer->reserve(in.u8() % (N + 2));
      if (!span.ok()) break;
      BRAMBLE_FUZZ_CHECK(!span->empty() && in_data(span->data(), span->size_bytes()));
      const std::size_t k = in.u8() % (span->size() + 2);
      for (std::size_t i = 0; i < span->size(); ++i)
        (*span)[i] = make_item<T>(model.next + i);
      auto c = producer->commit(k);
      BRAMBLE_FUZZ_CHECK(c.ok() == (k <= span->size()) || !model.clean);
      if (c.ok()) {
        for (std::size_t i = 0; i < k; ++i) {
          if (model.clean) model.published.push_back(make_item<T>(model.next + i));
        }
        model.next += k;
      }
      break;
    }
    case 2: { // batch push
      std::vector<T> items(in.u8() % (2 * N + 1));
      for (std::size_t i = 0; i < items.size(); ++i)
        items[i] = make_item<T>(model.next + i);
      auto r = producer->try_push_batch(items);
      if (r.ok()) {
        BRAMBLE_FUZZ_CHECK(r.value() <= items.size());
        for (std::size_t i = 0; i < r.value(); ++i) {
          if (model.clean) model.published.push_back(items[i]);
        }
        model.next += r.value();
      }
      break;
    }
    case 3: { // pop one
      T out{};
      auto r = consumer->try_pop(out);
      if (r.ok())
        expect_front(out);
      else if (model.clean)
        BRAMBLE_FUZZ_CHECK(r.error() == Error::Empty && model.published.empty());
      break;
    }
    case 4: { // peek + release in place
      auto span = consumer->peek(in.u8() % (N + 2));
      if (!span.ok()) break;
      BRAMBLE_FUZZ_CHECK(!span->empty() && in_data(span->data(), span->size_bytes()));
      const std::size_t k = in.u8() % (span->size() + 2);
      std::vector<T> seen(span->begin(), span->end());
      if (consumer->release(k).ok()) {
        for (std::size_t i = 0; i < k; ++i)
          expect_front(seen[i]);
      }
      break;
    }
    case 5: { // batch pop
      std::vector<T> out(in.u8() % (2 * N + 1));
      auto r = consumer->try_pop_batch(out);
      if (r.ok()) {
        BRAMBLE_FUZZ_CHECK(r.value() <= out.size());
        for (std::size_t i = 0; i < r.value(); ++i)
          expect_front(out[i]);
      }
      break;
    }
    case 6: { // hostile: scribble one byte anywhere in the mapping
      const std::size_t at = in.u16() % map.size();
      map.data()[at] = in.u8();
      model.clean = false;
      break;
    }
    case 7: { // hostile: a peer index jumps
      const bool tail = (in.u8() & 1) != 0;
      store_index<I>(map.data() + (tail ? g.producer.offset : g.consumer.offset), in.u64());
      model.clean = false;
      break;
    }
    default: { // re-attach both ends from what the mapping says now
      auto p = Ring::open_producer(map.data(), map.size());
      auto c = Ring::open_consumer(map.data(), map.size());
      if (p.ok()) producer = std::move(p.value());
      if (c.ok()) consumer = std::move(c.value());
      model.clean = false;
      break;
    }
    }
    // A broken handle stays broken with the same error.
    if (producer->broken()) BRAMBLE_FUZZ_CHECK(producer->try_push(T{}).error() == producer->fault());
    if (consumer->broken()) BRAMBLE_FUZZ_CHECK(consumer->try_pop().error() == consumer->fault());
  }
}

// Record rings.
template <std::size_t N, typename I>
void run_ops(RecordRing<N, I>*, Reader& in, PageBuffer& map, const RingGeometry& g, std::size_t initial_bytes) {
  using Ring = RecordRing<N, I>;
  using Record = std::vector<std::byte>;
  auto producer = Ring::open_producer(map.data(), map.size());
  auto consumer = Ring::open_consumer(map.data(), map.size());
  BRAMBLE_FUZZ_CHECK(producer.ok() && consumer.ok());
  Model<Record> model;
  // A zeroed data region reads as empty records ({length 0, flags 0}), one per 8 bytes.
  for (std::size_t i = 0; i < initial_bytes / kRecordAlign; ++i)
    model.published.emplace_back();
  auto in_data = [&](const void* p, std::size_t bytes) { return map.within(p, bytes, g.data.offset, N); };
  auto make_record = [&](std::size_t length) {
    Record r(length);
    for (std::size_t i = 0; i < length; ++i)
      r[i] = static_cast<std::byte>(model.next + i);
    ++model.next;
    return r;
  };
  auto expect_front = [&](std::span<const std::byte> got) {
    if (!model.clean) return;
    BRAMBLE_FUZZ_CHECK(!model.published.empty());
    const Record& want = model.published.front();
    BRAMBLE_FUZZ_CHECK(got.size() == want.size() &&
                       (want.empty() || std::memcmp(got.data(), want.data(), want.size()) == 0));
    model.published.pop_front();
  };
  constexpr std::size_t kMax = Ring::kMaxPayload;
  bool peeked = false; // the consumer holds a peeked, unreleased record

  for (std::size_t op = 0; op < kMaxOps && !in.empty(); ++op) {
    const std::uint8_t code = in.u8();
    switch (code % 9) {
    case 0: { // push one (sometimes too large), now or later
      const Record rec = make_record(in.u16() % (kMax + 9));
      const Publish when = (code & 0x80) != 0 ? Publish::Later : Publish::Now;
      auto r = producer->try_push(rec, when);
      if (r.ok() && model.clean) {
        model.pending.push_back(rec);
        if (when == Publish::Now) model.publish();
      }
      if (!r.ok() && model.clean) BRAMBLE_FUZZ_CHECK(r.error() == (rec.size() > kMax ? Error::TooLarge : Error::Full));
      break;
    }
    case 1: { // reserve + commit in place
      auto span = producer->reserve(in.u16() % (kMax + 9));
      if (!span.ok()) break;
      BRAMBLE_FUZZ_CHECK(span->size() <= kMax && in_data(span->data(), span->size()));
      const std::size_t k = in.u16() % (span->size() + 2);
      const Record rec = make_record(span->size());
      if (!rec.empty()) std::memcpy(span->data(), rec.data(), rec.size());
      auto c = producer->commit(k);
      if (c.ok() && model.clean) {
        model.pending.push_back(Record(rec.begin(), rec.begin() + static_cast<std::ptrdiff_t>(k)));
        model.publish();
      }
      if (model.clean) BRAMBLE_FUZZ_CHECK(c.ok() == (k <= span->size()));
      break;
    }
    case 2:
      producer->publish();
      if (!producer->broken()) model.publish();
      consumer->publish();
      break;
    case 3: { // copy out
      std::vector<std::byte> out(in.u16() % (kMax + 9));
      auto r = consumer->try_pop(out);
      if (r.ok()) {
        BRAMBLE_FUZZ_CHECK(r.value() <= out.size());
        expect_front({out.data(), r.value()});
      } else if (model.clean && r.error() == Error::Empty) {
        BRAMBLE_FUZZ_CHECK(model.published.empty());
      } else if (model.clean) {
        BRAMBLE_FUZZ_CHECK(r.error() == Error::BufferTooSmall && !model.published.empty() &&
                           model.published.front().size() > out.size());
      }
      // Every peek forgets the one before; BufferTooSmall leaves this record peeked (release() takes it).
      peeked = !r.ok() && r.error() == Error::BufferTooSmall;
      break;
    }
    case 4: { // peek twice (same record), then release now or later
      auto first = consumer->peek();
      if (!first.ok()) {
        peeked = false;
        if (model.clean) BRAMBLE_FUZZ_CHECK(first.error() == Error::Empty && model.published.empty());
        break;
      }
      BRAMBLE_FUZZ_CHECK(first->size() <= kMax && in_data(first->data(), first->size()));
      auto again = consumer->peek();
      BRAMBLE_FUZZ_CHECK(again.ok() && again->data() == first->data() && again->size() == first->size());
      const Record seen(first->begin(), first->end());
      peeked = true;
      if ((code & 0x40) != 0) break; // sometimes leave it peeked for case 5
      if (consumer->release((code & 0x80) != 0 ? Publish::Later : Publish::Now).ok()) {
        expect_front(seen);
        peeked = false;
      }
      break;
    }
    case 5: { // release: consumes the record peeked last; refused (changing nothing) without one
      const I before = consumer->position();
      auto r = consumer->release();
      if (!peeked && !consumer->broken())
        BRAMBLE_FUZZ_CHECK(r.error() == Error::BadArgument && consumer->position() == before);
      if (peeked && r.ok() && model.clean) model.published.pop_front();
      peeked = false;
      break;
    }
    case 6: { // hostile: scribble one byte anywhere in the mapping
      const std::size_t at = in.u16() % map.size();
      map.data()[at] = in.u8();
      model.clean = false;
      break;
    }
    case 7: { // hostile: a peer index jumps
      const bool tail = (in.u8() & 1) != 0;
      store_index<I>(map.data() + (tail ? g.producer.offset : g.consumer.offset), in.u64());
      model.clean = false;
      break;
    }
    default: {
      auto p = Ring::open_producer(map.data(), map.size());
      auto c = Ring::open_consumer(map.data(), map.size());
      if (p.ok()) producer = std::move(p.value());
      if (c.ok()) {
        consumer = std::move(c.value());
        peeked = false;
      }
      model.clean = false;
      break;
    }
    }
    if (producer->broken()) BRAMBLE_FUZZ_CHECK(producer->reserve(0).error() == producer->fault());
    if (consumer->broken()) BRAMBLE_FUZZ_CHECK(consumer->peek().error() == consumer->fault());
  }
}

} // namespace bramble::fuzz::ring
