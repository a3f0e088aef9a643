// record_io.hpp: bounded reads, text split into records, and reply validation, on a real byte-record
// ring in plain memory (both ends polling).
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "bramble/ipc/layout.hpp"
#include "user/console/record_io.hpp"

using namespace bramble;
using namespace bramble::console;

namespace {

struct Ring {
  void* base = std::aligned_alloc(4096, ByteRing::kBytes);
  ByteRing::Producer<> tx = open_tx();
  ByteRing::Consumer<> rx = open_rx();
  ~Ring() { std::free(base); }
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  ByteRing::Producer<> open_tx() {
    REQUIRE(ByteRing::format(base, ByteRing::kBytes).ok());
    auto r = ByteRing::open_producer(base, ByteRing::kBytes);
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  ByteRing::Consumer<> open_rx() {
    auto r = ByteRing::open_consumer(base, ByteRing::kBytes);
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  void push(std::string_view text) {
    REQUIRE(tx.try_push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(text.data()), text.size())).ok());
  }
  // Every record left in the ring, each followed by '|'.
  std::string drain() {
    std::string all;
    std::byte buffer[ByteRing::kMaxPayload];
    for (auto r = rx.try_pop(buffer); r.ok(); r = rx.try_pop(buffer)) {
      all.append(reinterpret_cast<const char*>(buffer), r.value());
      all += '|';
    }
    return all;
  }
};

std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

} // namespace

TEST_CASE("pop_bounded: a record that fits is copied out, Empty when there is none") {
  Ring ring;
  std::byte out[8];
  CHECK(pop_bounded(ring.rx, out).error() == ipc::Error::Empty);
  ring.push("hello");
  auto r = pop_bounded(ring.rx, out);
  REQUIRE(r.ok());
  CHECK(std::string_view(reinterpret_cast<const char*>(out), r.value()) == "hello");
  CHECK(pop_bounded(ring.rx, out).error() == ipc::Error::Empty);
}

TEST_CASE("pop_bounded: a record longer than the buffer is consumed and refused, the next one still reads") {
  Ring ring;
  std::byte out[4];
  ring.push("too long");
  ring.push("ok");
  CHECK(pop_bounded(ring.rx, out).error() == ipc::Error::TooLarge);
  auto r = pop_bounded(ring.rx, out);
  REQUIRE(r.ok());
  CHECK(r.value() == 2);
}

TEST_CASE("pop_bounded_wait reports Closed once the channel closed and is empty") {
  Ring ring;
  std::byte out[16];
  ring.push("last");
  ipc::mark_closed(ring.base);
  auto r = pop_bounded_wait(ring.rx, out);
  REQUIRE(r.ok()); // what was published before the close is still delivered
  CHECK(r.value() == 4);
  CHECK(pop_bounded_wait(ring.rx, out).error() == ipc::Error::Closed);
}

TEST_CASE("TextOut: buffers until flush, splits into records of at most kMaxRecord bytes") {
  Ring ring;
  FlowCounters counters;
  TextOut out(ring.tx, counters);
  out.put("abc");
  CHECK(ring.drain().empty());
  out.flush();
  CHECK(ring.drain() == "abc|");
  const std::string big(kMaxRecord * 2 + 10, 'q');
  out.put(std::span<const char>(big.data(), big.size()));
  out.flush();
  const std::string expected =
      std::string(kMaxRecord, 'q') + "|" + std::string(kMaxRecord, 'q') + "|" + std::string(10, 'q') + "|";
  CHECK(ring.drain() == expected);
  CHECK(counters.records == 4);
  CHECK(counters.bytes == 3 + big.size());
  out.flush(); // nothing buffered: no empty record
  CHECK(ring.drain().empty());
  CHECK(counters.records == 4);
}

TEST_CASE("TextOut: end_line adds a newline only when the output does not end with one") {
  Ring ring;
  FlowCounters counters;
  TextOut out(ring.tx, counters);
  out.end_line(); // nothing written yet: counts as the start of a line
  out.put("text");
  out.end_line();
  out.put("line\n");
  out.end_line();
  out.flush();
  CHECK(ring.drain() == "text\nline\n|");
}

TEST_CASE("TextOut: a closed channel fails once and drops the rest") {
  Ring ring;
  FlowCounters counters;
  TextOut out(ring.tx, counters);
  ipc::mark_closed(ring.base);
  // The producer learns of the close on its slow path; fill until it takes it.
  const std::string chunk(kMaxRecord, 'z');
  for (int i = 0; i < 64 && !out.failed(); ++i) {
    out.put(std::span<const char>(chunk.data(), chunk.size()));
    out.flush();
  }
  REQUIRE(out.failed());
  CHECK(out.error() == ipc::Error::Closed);
  const auto records = counters.records;
  out.put("more");
  out.flush();
  CHECK(counters.records == records);
}

TEST_CASE("classify_reply: text, end, and everything else invalid") {
  const Reply text = classify_reply(bytes("thello"));
  CHECK(text.kind == ReplyKind::Text);
  CHECK(std::string_view(reinterpret_cast<const char*>(text.text.data()), text.text.size()) == "hello");
  CHECK(classify_reply(bytes("t")).kind == ReplyKind::Text); // empty text is fine
  CHECK(classify_reply(bytes(".")).kind == ReplyKind::End);
  CHECK(classify_reply(bytes("x.")).kind == ReplyKind::Invalid);
  CHECK(classify_reply(bytes("")).kind == ReplyKind::Invalid);
  const std::string over = "t" + std::string(kMaxRecord, 'a');
  CHECK(classify_reply(bytes(over)).kind == ReplyKind::Invalid);
  const std::string at_limit = "t" + std::string(kMaxRecord - 1, 'a');
  CHECK(classify_reply(bytes(at_limit)).kind == ReplyKind::Text);
}

TEST_CASE("printable: reply text cannot carry control bytes to the terminal") {
  CHECK(printable(std::byte{'a'}) == 'a');
  CHECK(printable(std::byte{'\n'}) == '\n');
  CHECK(printable(std::byte{'\t'}) == '\t');
  CHECK(printable(std::byte{0x1b}) == '?');
  CHECK(printable(std::byte{'\r'}) == '?');
  CHECK(printable(std::byte{0x7f}) == '?');
  CHECK(printable(std::byte{0xc3}) == '?');
}
