// The console's line editor: pure logic (no system calls), so the host tests drive it byte by byte.
// Feed it the bytes the UART delivered; each feed() says what to echo and whether a line ended.
//
// Rules (docs/console.md):
//   0x20..0x7e       appended and echoed (at most kMaxLine: the rest is neither stored nor echoed,
//                    and the line is marked over-long; Enter on it gives TooLong)
//   BS 0x08, DEL 0x7f erase one character ("\b \b"); nothing at column 0
//   Ctrl-U 0x15      erases the whole line (and forgets that it was over-long)
//   Ctrl-C 0x03      cancels the line: "^C\n", the caller prints a new prompt
//   CR or LF         ends the line, echoed as "\n"; an LF right after a CR is ignored (terminals send
//                    CR, pipes CRLF or LF, and CRLF must not end two lines)
//   anything else    ignored, and so are terminal escape sequences (ESC [ ... final, ESC O x): an arrow
//                    key must not type "[A" into the line
// Once a line was over-long it stays refused even if the user erases back below the limit: the
// characters past the limit were dropped unseen, so what is stored is not what was typed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "user/protocol/console.hpp"

namespace bramble::console {

enum class LineEvent : std::uint8_t {
  None,      // keep typing
  Line,      // a complete line: LineEditor::line()
  TooLong,   // Enter on an over-long line (nothing stored is valid)
  Cancelled, // Ctrl-C
};

struct Feed {
  LineEvent event = LineEvent::None;
  std::span<const char> echo; // valid until the next feed()
};

inline constexpr std::uint8_t kBackspace = 0x08;
inline constexpr std::uint8_t kDelete = 0x7f;
inline constexpr std::uint8_t kCtrlC = 0x03;
inline constexpr std::uint8_t kCtrlU = 0x15;
inline constexpr std::uint8_t kEscape = 0x1b;

class LineEditor {
public:
  [[nodiscard]] Feed feed(std::uint8_t byte) {
    echo_length_ = 0;
    const bool after_cr = after_cr_;
    after_cr_ = false;
    if (escape_ != Escape::None && swallow_escape(byte)) return result(LineEvent::None);
    if (byte == '\r' || byte == '\n') {
      if (byte == '\n' && after_cr) return result(LineEvent::None);
      after_cr_ = byte == '\r';
      echo("\n");
      const bool too_long = overlong_;
      if (length_ != 0) __builtin_memcpy(finished_, line_, length_);
      finished_length_ = length_;
      clear();
      return result(too_long ? LineEvent::TooLong : LineEvent::Line);
    }
    if (byte >= 0x20 && byte <= 0x7e) {
      if (length_ < kMaxLine) {
        line_[length_++] = static_cast<char>(byte);
        echo_[echo_length_++] = static_cast<char>(byte);
      } else {
        overlong_ = true;
      }
      return result(LineEvent::None);
    }
    switch (byte) {
    case kBackspace:
    case kDelete:
      if (length_ > 0) {
        --length_;
        echo("\b \b");
      }
      return result(LineEvent::None);
    case kCtrlU:
      for (; length_ > 0; --length_)
        echo("\b \b");
      clear();
      return result(LineEvent::None);
    case kCtrlC:
      echo("^C\n");
      clear();
      return result(LineEvent::Cancelled);
    case kEscape: escape_ = Escape::Started; return result(LineEvent::None);
    default: return result(LineEvent::None);
    }
  }

  // The line the last Line event completed (without its terminator).
  [[nodiscard]] std::span<const char> line() const { return {finished_, finished_length_}; }
  // What is typed so far (for tests and redraws).
  [[nodiscard]] std::span<const char> pending() const { return {line_, length_}; }
  [[nodiscard]] bool overlong() const { return overlong_; }

private:
  enum class Escape : std::uint8_t { None, Started, Csi, Ss3 };

  // ECMA-48 5.4: a control sequence is ESC [ , parameter and intermediate bytes 0x20..0x3f, then one
  // final byte 0x40..0x7e; ESC O x (SS3) is what xterm sends for F1-F4 and some arrow keys; any other
  // ESC x is a two-byte sequence. Returns true when the byte belonged to the sequence.
  bool swallow_escape(std::uint8_t byte) {
    switch (escape_) {
    case Escape::Started:
      escape_ = byte == '[' ? Escape::Csi : byte == 'O' ? Escape::Ss3 : Escape::None;
      return byte >= 0x20 && byte <= 0x7e; // a control byte (CR, Ctrl-C) is not swallowed
    case Escape::Csi:
      if (byte >= 0x20 && byte <= 0x3f) return true;
      escape_ = Escape::None;
      return byte >= 0x40 && byte <= 0x7e;
    case Escape::Ss3: escape_ = Escape::None; return byte >= 0x20 && byte <= 0x7e;
    case Escape::None: break;
    }
    return false;
  }

  void clear() {
    length_ = 0;
    overlong_ = false;
  }
  void echo(const char* text) {
    for (; *text != '\0' && echo_length_ < sizeof echo_; ++text)
      echo_[echo_length_++] = *text;
  }
  [[nodiscard]] Feed result(LineEvent e) const { return Feed{e, std::span<const char>(echo_, echo_length_)}; }

  char line_[kMaxLine] = {};
  char echo_[3 * kMaxLine + 4] = {}; // worst case: Ctrl-U on a full line
  // The completed line is kept apart from the one being typed, so line() stays valid while the
  // caller already feeds the next bytes of the same record.
  char finished_[kMaxLine] = {};
  std::size_t length_ = 0;
  std::size_t echo_length_ = 0;
  std::size_t finished_length_ = 0;
  bool overlong_ = false;
  bool after_cr_ = false;
  Escape escape_ = Escape::None;
};

// A command line split into its first word and the rest, both without surrounding spaces.
struct Command {
  std::span<const char> word;
  std::span<const char> rest;
};

[[nodiscard]] constexpr Command split_command(std::span<const char> line) {
  std::size_t begin = 0;
  std::size_t end = line.size();
  while (begin < end && line[begin] == ' ')
    ++begin;
  while (end > begin && line[end - 1] == ' ')
    --end;
  std::size_t word_end = begin;
  while (word_end < end && line[word_end] != ' ')
    ++word_end;
  std::size_t rest = word_end;
  while (rest < end && line[rest] == ' ')
    ++rest;
  return Command{line.subspan(begin, word_end - begin), line.subspan(rest, end - rest)};
}

// Whether `text` is exactly the NUL-terminated `word`.
[[nodiscard]] constexpr bool equals(std::span<const char> text, const char* word) {
  std::size_t i = 0;
  for (; word[i] != '\0'; ++i) {
    if (i >= text.size() || text[i] != word[i]) return false;
  }
  return i == text.size();
}

} // namespace bramble::console
