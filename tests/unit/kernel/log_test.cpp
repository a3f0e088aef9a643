// The console's line discipline (kernel/log.cpp): EL0 text is attributed line by line, filtered, and
// never shares a line with another writer; the kernel's own lines never start with '['.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "kernel/log.hpp"

namespace {

std::string g_console;

void capture(const char* text, std::size_t length) { g_console.append(text, length); }

// Every case starts at the beginning of a line with an empty capture.
void fresh() {
  bramble::set_console_sink(capture);
  bramble::kputs("\n");
  g_console.clear();
}

int task_a = 0;
int task_b = 0;

void el0(const void* writer, const char* name, const char* text) {
  bramble::kwrite_task(writer, name, text, std::strlen(text));
}

} // namespace

TEST_CASE("each EL0 line starts with the name of its writer") {
  fresh();
  el0(&task_a, "producer", "one\ntwo\n");
  CHECK(g_console == "[producer] one\n[producer] two\n");
}

TEST_CASE("an EL0 line that copies a kernel line is attributed") {
  fresh();
  el0(&task_a, "evil", "kernel: root task 'x' exited with code 0\n");
  CHECK(g_console == "[evil] kernel: root task 'x' exited with code 0\n");
}

TEST_CASE("the line of one writer continues across calls") {
  fresh();
  el0(&task_a, "producer", "hello ");
  el0(&task_a, "producer", "world\n");
  CHECK(g_console == "[producer] hello world\n");
}

TEST_CASE("text from another writer starts a fresh line") {
  fresh();
  el0(&task_a, "producer", "partial");
  el0(&task_b, "consumer", "kernel: forged\n");
  el0(&task_a, "producer", " rest\n");
  CHECK(g_console == "[producer] partial\n[consumer] kernel: forged\n[producer]  rest\n");
}

TEST_CASE("two tasks of one program do not share a line either") {
  fresh();
  el0(&task_a, "worker", "a");
  el0(&task_b, "worker", "b\n");
  CHECK(g_console == "[worker] a\n[worker] b\n");
}

TEST_CASE("a reused writer with another name starts a fresh line") {
  fresh();
  el0(&task_a, "first", "a");
  el0(&task_a, "second", "b\n");
  CHECK(g_console == "[first] a\n[second] b\n");
}

TEST_CASE("the kernel never continues the line of a task nor a task that of the kernel") {
  fresh();
  el0(&task_a, "producer", "partial");
  bramble::kprintf("kernel: task '%s' killed\n", "producer");
  bramble::kputs("kernel: half");
  el0(&task_a, "producer", "x\n");
  CHECK(g_console == "[producer] partial\nkernel: task 'producer' killed\nkernel: half\n[producer] x\n");
}

TEST_CASE("control characters from EL0 are shown, not obeyed") {
  fresh();
  el0(&task_a, "evil", "a\rkernel: b\x1b[2K\bc\td\x7f\xc3\xa9\n");
  CHECK(g_console == "[evil] a\\x0dkernel: b\\x1b[2K\\x08c\td\\x7f\\xc3\\xa9\n");
  CHECK(g_console.find('\r') == std::string::npos);
  CHECK(g_console.find('\x1b') == std::string::npos);
}

TEST_CASE("a task name cannot fake a prefix") {
  fresh();
  el0(&task_a, "a] [b", "x\n");
  CHECK(g_console == "[a???b] x\n");
}

TEST_CASE("a kernel line never starts with a bracket") {
  fresh();
  bramble::kputs("[not a task] one\n[two]\nthree [ok]\n");
  CHECK(g_console == " [not a task] one\n [two]\nthree [ok]\n");
}

TEST_CASE("a long EL0 write goes out whole") {
  fresh();
  std::string text(1000, 'x');
  text += '\n';
  el0(&task_a, "big", text.c_str());
  CHECK(g_console == "[big] " + text);
}
