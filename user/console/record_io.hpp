// Record helpers both console programs use, over any byte-record ring end (no system calls, so the host
// tests run them on rings in plain memory):
//   pop_bounded()  reads one record of at most out.size() bytes; a longer one is consumed and refused
//                  (TooLarge), so a peer that breaks the kMaxRecord rule cannot wedge the reader
//   TextOut        collects text and pushes it as records of at most kMaxRecord bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "bramble/ipc/result.hpp"
#include "user/protocol/console.hpp"

namespace bramble::console {

// Non-blocking: Empty when there is nothing to read (the caller decides whether to sleep).
template <typename Consumer>
[[nodiscard]] ipc::Result<std::size_t> pop_bounded(Consumer& rx, std::span<std::byte> out) {
  auto p = rx.peek();
  if (!p) return ipc::err(p.error());
  const std::size_t length = p->size();
  const bool fits = length <= out.size();
  // Copied once; only the copy is used (the producer may still be writing the ring in place).
  if (fits && length != 0) __builtin_memcpy(out.data(), p->data(), length);
  if (auto r = rx.release(); !r) return ipc::err(r.error());
  if (!fits) return ipc::err(ipc::Error::TooLarge);
  return length;
}

// Blocking: sleeps on the ring's notifier while it is empty. Other errors (Closed, PeerCorrupted,
// TooLarge) are returned.
template <typename Consumer>
[[nodiscard]] ipc::Result<std::size_t> pop_bounded_wait(Consumer& rx, std::span<std::byte> out) {
  for (;;) {
    auto r = pop_bounded(rx, out);
    if (r.ok() || r.error() != ipc::Error::Empty) return r;
    if (auto w = rx.wait_for_data(); !w) return ipc::err(w.error());
  }
}

// Counters of one ring end, in the shape of the report page's ChannelReport fields.
struct FlowCounters {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

// Text to a producer, in records of at most kMaxRecord bytes. put() buffers; flush() pushes what is
// buffered (blocking while the ring is full). After the first failure (the channel closed or broke)
// everything is dropped and failed() says why.
template <typename Producer> class TextOut {
public:
  explicit TextOut(Producer& tx, FlowCounters& counters) : tx_(tx), counters_(counters) {}

  void put(std::span<const char> text) {
    for (const char c : text) {
      if (length_ == sizeof buffer_) flush();
      buffer_[length_++] = c;
    }
    if (!text.empty()) last_ = text.back();
  }
  void put(const char* text) {
    std::size_t n = 0;
    while (text[n] != '\0')
      ++n;
    put(std::span<const char>(text, n));
  }

  void flush() {
    if (length_ == 0) return;
    const std::size_t n = length_;
    length_ = 0;
    if (failed_) return;
    auto r = tx_.push(std::span<const std::byte>(reinterpret_cast<const std::byte*>(buffer_), n));
    if (!r) {
      failed_ = true;
      error_ = r.error();
      return;
    }
    ++counters_.records;
    counters_.bytes += n;
  }

  // Starts a new line unless the output already ends with one (a reply that did not end its text).
  void end_line() {
    if (last_ != '\n') put("\n");
  }

  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] ipc::Error error() const { return error_; }

private:
  Producer& tx_;
  FlowCounters& counters_;
  char buffer_[kMaxRecord] = {};
  std::size_t length_ = 0;
  char last_ = '\n';
  bool failed_ = false;
  ipc::Error error_ = ipc::Error::Closed;
};

// One reply record, checked: only the two kinds protocol.hpp defines, at most kMaxRecord bytes.
enum class ReplyKind : std::uint8_t { Text, End, Invalid };

struct Reply {
  ReplyKind kind = ReplyKind::Invalid;
  std::span<const std::byte> text; // Text: the bytes after the kind byte
};

[[nodiscard]] constexpr Reply classify_reply(std::span<const std::byte> record) {
  if (record.empty() || record.size() > kMaxRecord) return {};
  const auto kind = static_cast<std::uint8_t>(record[0]);
  if (kind == kReplyText) return Reply{ReplyKind::Text, record.subspan(1)};
  if (kind == kReplyEnd) return Reply{ReplyKind::End, {}}; // anything after it is ignored
  return {};
}

// Reply text is the root's, but it goes straight to the user's terminal: anything but printable ASCII,
// "\n" and "\t" becomes '?', so a reply cannot send escape sequences or stray carriage returns.
[[nodiscard]] constexpr char printable(std::byte b) {
  const auto c = static_cast<std::uint8_t>(b);
  if (c == '\n' || c == '\t' || (c >= 0x20 && c <= 0x7e)) return static_cast<char>(c);
  return '?';
}

} // namespace bramble::console
