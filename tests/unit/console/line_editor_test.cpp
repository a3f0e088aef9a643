#include <doctest/doctest.h>

#include <string>

#include "user/console/line_editor.hpp"

using namespace bramble::console;

namespace {

// Feeds `bytes`; collects everything echoed and every line event with its text.
struct Session {
  LineEditor editor;
  std::string echo;
  std::string events; // one letter per event: L(ine), T(oo long), C(ancelled)
  std::string lines;  // completed lines, each followed by '|'

  void type(const std::string& bytes) {
    for (const char c : bytes) {
      const Feed f = editor.feed(static_cast<std::uint8_t>(c));
      echo.append(f.echo.data(), f.echo.size());
      switch (f.event) {
      case LineEvent::None: break;
      case LineEvent::Line:
        events += 'L';
        lines.append(editor.line().data(), editor.line().size());
        lines += '|';
        break;
      case LineEvent::TooLong: events += 'T'; break;
      case LineEvent::Cancelled: events += 'C'; break;
      }
    }
  }
  [[nodiscard]] std::string pending() const { return {editor.pending().data(), editor.pending().size()}; }
};

std::string str(std::span<const char> s) { return {s.data(), s.size()}; }

} // namespace

TEST_CASE("printable characters are stored and echoed, CR ends the line with a \\n echo") {
  Session s;
  s.type("tasks");
  CHECK(s.echo == "tasks");
  CHECK(s.pending() == "tasks");
  CHECK(s.events.empty());
  s.type("\r");
  CHECK(s.events == "L");
  CHECK(s.lines == "tasks|");
  CHECK(s.echo == "tasks\n");
  CHECK(s.pending().empty());
}

TEST_CASE("every printable byte 0x20..0x7e is kept, bytes outside are ignored without echo") {
  Session s;
  std::string printable;
  for (int c = 0x20; c <= 0x7e; ++c)
    printable += static_cast<char>(c);
  s.type(printable.substr(0, 40));
  s.type(std::string("\x01\x02\x04\x07\x09\x0b\x0c\x0e\x1f\x80\xff", 11));
  CHECK(s.echo == printable.substr(0, 40));
  s.type(printable.substr(40, 40));
  s.type("\n");
  s.type(printable.substr(80) + "\n"); // 95 printable bytes are more than one line holds
  CHECK(s.events == "LL");
  CHECK(s.lines == printable.substr(0, 80) + "|" + printable.substr(80) + "|");
}

TEST_CASE("LF alone ends a line, CRLF ends exactly one, LF LF ends two") {
  Session s;
  s.type("a\nb\r\nc\n\n");
  CHECK(s.events == "LLLL");
  CHECK(s.lines == "a|b|c||");
  CHECK(s.echo == "a\nb\nc\n\n");
}

TEST_CASE("CR CR ends two lines, an LF is ignored only right after a CR") {
  Session s;
  s.type("x\r\rq\r");
  CHECK(s.lines == "x||q|");
  s.type("\n\n");
  CHECK(s.lines == "x||q||"); // the first LF belonged to the CR, the second is a new empty line
}

TEST_CASE("backspace and DEL erase one character with \\b \\b") {
  Session s;
  s.type("abc\x08");
  CHECK(s.pending() == "ab");
  CHECK(s.echo == "abc\b \b");
  s.type("\x7f");
  CHECK(s.pending() == "a");
  CHECK(s.echo == "abc\b \b\b \b");
  s.type("z\r");
  CHECK(s.lines == "az|");
}

TEST_CASE("backspace at column 0 does nothing and echoes nothing") {
  Session s;
  s.type("\x08\x7f\x08");
  CHECK(s.echo.empty());
  CHECK(s.pending().empty());
  s.type("ok\r");
  CHECK(s.lines == "ok|");
}

TEST_CASE("Ctrl-U erases the whole line, one \\b \\b per character") {
  Session s;
  s.type("kill x");
  s.type("\x15");
  CHECK(s.pending().empty());
  std::string expected = "kill x";
  for (int i = 0; i < 6; ++i)
    expected += "\b \b";
  CHECK(s.echo == expected);
  s.type("mem\r");
  CHECK(s.lines == "mem|");
}

TEST_CASE("Ctrl-C cancels the line with ^C and no line event") {
  Session s;
  s.type("bench\x03");
  CHECK(s.events == "C");
  CHECK(s.echo == "bench^C\n");
  CHECK(s.pending().empty());
  s.type("help\r");
  CHECK(s.events == "CL");
  CHECK(s.lines == "help|");
}

TEST_CASE("a line of exactly kMaxLine characters is accepted") {
  Session s;
  const std::string full(kMaxLine, 'x');
  s.type(full + "\r");
  CHECK(s.events == "L");
  CHECK(s.lines == full + "|");
  CHECK(s.echo == full + "\n");
}

TEST_CASE("characters past kMaxLine are neither stored nor echoed, Enter gives TooLong") {
  Session s;
  const std::string full(kMaxLine, 'y');
  s.type(full + "zzz");
  CHECK(s.editor.overlong());
  CHECK(s.pending() == full);
  CHECK(s.echo == full);
  s.type("\r");
  CHECK(s.events == "T");
  CHECK(s.lines.empty());
  CHECK(s.echo == full + "\n");
  // The next line starts fresh.
  s.type("mem\r");
  CHECK(s.events == "TL");
  CHECK(s.lines == "mem|");
}

TEST_CASE("typing after the overflow: erasing below the limit still refuses the line") {
  Session s;
  s.type(std::string(kMaxLine + 5, 'a'));
  s.type("\x08\x08");
  CHECK(s.pending().size() == kMaxLine - 2);
  s.type("bb");
  CHECK(s.pending().size() == kMaxLine);
  s.type("c"); // still full: not stored
  CHECK(s.pending().back() == 'b');
  s.type("\n");
  CHECK(s.events == "T");
}

TEST_CASE("Ctrl-U and Ctrl-C forget the overflow") {
  Session s;
  s.type(std::string(kMaxLine + 1, 'a') + "\x15" + "tasks\r");
  CHECK(s.events == "L");
  CHECK(s.lines == "tasks|");
  s.type(std::string(kMaxLine + 1, 'a') + "\x03" + "mem\r");
  CHECK(s.events == "LCL");
  CHECK(s.lines == "tasks|mem|");
}

TEST_CASE("terminal escape sequences (arrow keys) are swallowed, not typed") {
  Session s;
  s.type("ta\x1b[Ask\x1b[1;5Cs\x1bOB\r");
  CHECK(s.lines == "tasks|");
  CHECK(s.echo == "tasks\n");
  // A control byte inside a sequence still acts.
  s.type("x\x1b\x03");
  CHECK(s.events == "LC");
}

TEST_CASE("line() stays valid while the next line is typed") {
  Session s;
  s.type("first\r");
  const std::span<const char> before = s.editor.line();
  (void)s.editor.feed('Z');
  CHECK(str(before) == "first");
}

TEST_CASE("split_command: first word and rest, spaces trimmed") {
  const auto split = [](const char* text) {
    const std::string_view v(text);
    const Command c = split_command(std::span<const char>(v.data(), v.size()));
    return str(c.word) + "|" + str(c.rest);
  };
  CHECK(split("tasks") == "tasks|");
  CHECK(split("  kill   producer  ") == "kill|producer");
  CHECK(split("kill a b  c ") == "kill|a b  c");
  CHECK(split("") == "|");
  CHECK(split("     ") == "|");
  CHECK(split("kill ") == "kill|");
}

TEST_CASE("equals compares a span with a word exactly") {
  const std::string_view kill = "kill";
  CHECK(equals(std::span<const char>(kill.data(), 4), "kill"));
  CHECK_FALSE(equals(std::span<const char>(kill.data(), 3), "kill"));
  CHECK_FALSE(equals(std::span<const char>(kill.data(), 4), "kil"));
  CHECK_FALSE(equals(std::span<const char>(kill.data(), 4), "kills"));
  CHECK(equals(std::span<const char>(), ""));
}
