#include "kernel/log.hpp"

#include <cstdarg>

#include "lib/format.hpp"

namespace bramble {
namespace {

ConsoleSink g_sink = nullptr;

// Longest task name a line remembers (task names are shorter: ktask::kTaskNameLength).
constexpr std::size_t kNameLength = 32;

// The console's line state: is a line open (text written, no '\n' yet), and whose is it. Only the
// kernel writes here, on one core, never preempted, so plain globals are enough.
struct Line {
  bool open = false;
  bool kernel = true;           // the open line is the kernel's (else a task's)
  const void* writer = nullptr; // the task whose line is open
  char name[kNameLength] = {};  // and the name its prefix shows
};
Line g_line;

// EL0 text goes out through a small buffer rather than one sink call per byte.
class Out {
public:
  void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }
  void flush() {
    if (used_ != 0) g_sink(buffer_, used_);
    used_ = 0;
  }

private:
  char buffer_[128];
  std::size_t used_ = 0;
};

bool same_name(const char* remembered, const char* name) {
  std::size_t i = 0;
  for (; i + 1 < kNameLength && name[i] != '\0'; ++i) {
    if (remembered[i] != name[i]) return false;
  }
  return remembered[i] == '\0';
}

// Letters, digits, '_', '-' and '.' as they are; anything else (a ']' or a space would let a name
// fake a different prefix) as '?'. Program names come from the image table, so this is a backstop.
char name_char(char c) {
  const bool ok =
      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  return ok ? c : '?';
}

// The kernel's text, in spans; a '[' at the start of a line gets a space in front so that only EL0
// lines start with '['.
void kernel_text(const char* text, std::size_t length) {
  if (g_sink == nullptr || length == 0) return;
  if (g_line.open && !g_line.kernel) {
    g_sink("\n", 1); // a task left its line open: the kernel's text starts a line of its own
    g_line.open = false;
  }
  std::size_t span = 0;
  for (std::size_t i = 0; i < length; ++i) {
    if (!g_line.open && text[i] == '[') {
      g_sink(text + span, i - span);
      g_sink(" ", 1);
      span = i;
    }
    g_line.open = text[i] != '\n';
  }
  g_sink(text + span, length - span);
  if (g_line.open) g_line.kernel = true;
}

} // namespace

void set_console_sink(ConsoleSink sink) { g_sink = sink; }

void kprintf(const char* fmt, ...) {
  if (g_sink == nullptr) return;
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::size_t n = vformat(buffer, sizeof buffer, fmt, args);
  va_end(args);
  if (n >= sizeof buffer) n = sizeof buffer - 1;
  kernel_text(buffer, n);
}

void kwrite(const char* text, std::size_t length) { kernel_text(text, length); }

void kputs(const char* text) {
  std::size_t n = 0;
  while (text[n])
    ++n;
  kernel_text(text, n);
}

void kwrite_task(const void* writer, const char* name, const char* text, std::size_t length) {
  if (g_sink == nullptr || length == 0) return;
  if (name == nullptr) name = "";
  Out out;
  // Someone else's open line (the kernel's, another task's, or a task of another name in a reused
  // record) is ended first: this writer's text never continues it.
  if (g_line.open && (g_line.kernel || g_line.writer != writer || !same_name(g_line.name, name))) {
    out.put('\n');
    g_line.open = false;
  }
  for (std::size_t i = 0; i < length; ++i) {
    if (!g_line.open) {
      out.put('[');
      std::size_t k = 0;
      for (; k + 1 < kNameLength && name[k] != '\0'; ++k) {
        out.put(name_char(name[k]));
        g_line.name[k] = name[k];
      }
      g_line.name[k] = '\0';
      out.put(']');
      out.put(' ');
      g_line.open = true;
      g_line.kernel = false;
      g_line.writer = writer;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out.put('\n');
      g_line.open = false;
    } else if (c == '\t' || (c >= 0x20 && c <= 0x7e)) {
      out.put(static_cast<char>(c));
    } else {
      // '\r', ESC, backspace and the rest could move a terminal's cursor back over the prefix (or
      // a runner's idea of a line start); bytes above 0x7e could be C1 controls. Shown, not obeyed.
      constexpr char kHex[] = "0123456789abcdef";
      out.put('\\');
      out.put('x');
      out.put(kHex[c >> 4]);
      out.put(kHex[c & 0xf]);
    }
  }
  out.flush();
}

} // namespace bramble
