// lib/cmdline.hpp: the one command-line parser the kernel, the root task, kbench and the fuzzer use.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "lib/cmdline.hpp"

using bramble::cmdline::CommandLine;

namespace {
CommandLine line(const char* text) { return CommandLine{text, std::strlen(text) + 1}; }

std::string value_of(const CommandLine& l, const char* key, std::size_t size = 32) {
  char out[64];
  std::memset(out, 'X', sizeof out);
  l.value(key, out, size);
  return out;
}
} // namespace

TEST_CASE("an empty line has no keys") {
  char out[8] = "junk";
  CHECK_FALSE(line("").value("test", out));
  CHECK(out[0] == '\0');
  CHECK(line("").number("iters", 7) == 7);
  CHECK_FALSE(line("   ").has("test"));
  CHECK_FALSE(CommandLine(nullptr, 16).has("test"));
}

TEST_CASE("a missing key leaves the output empty and the number at its fallback") {
  const CommandLine l = line("test=user:root scenario=demo");
  char out[8] = "junk";
  CHECK_FALSE(l.value("messages", out));
  CHECK(out[0] == '\0');
  CHECK(l.number("messages", 1'000'000) == 1'000'000);
}

TEST_CASE("a key matches a whole word up to its '=' only") {
  const CommandLine l = line("iterations=5 xiters=6 iters");
  CHECK_FALSE(l.has("iters"));
  CHECK(l.number("iters", 9) == 9);
  CHECK(value_of(line("iterations=5 iters=7"), "iters") == "7");
  CHECK(value_of(line("iters=7 iterations=5"), "iterations") == "5");
  CHECK_FALSE(line("iters=7").has("iter"));
  CHECK_FALSE(line("iters=7").has(""));
}

TEST_CASE("values run to the next space or tab, or to the end of the line") {
  const CommandLine l = line("  test=user:kbench\tpmu=el0   iters=100");
  CHECK(value_of(l, "test") == "user:kbench");
  CHECK(value_of(l, "pmu") == "el0");
  CHECK(value_of(l, "iters") == "100");
  CHECK(l.number("iters", 1) == 100);
}

TEST_CASE("the line ends after its capacity even without a NUL") {
  const char field[] = {'s', 'e', 'e', 'd', '=', '4', '2', ' ', 'c', 'a', 'l', 'l', 's', '=', '9'}; // no NUL
  const CommandLine l{field};
  CHECK(l.number("seed", 0) == 42);
  CHECK(l.number("calls", 0) == 9);
  CHECK(CommandLine(field, 14).number("calls", 3) == 3); // "calls=" and nothing after it
  CHECK(CommandLine(field, 6).number("seed", 0) == 4);
  CHECK_FALSE(CommandLine(field, 4).has("seed"));
  CHECK_FALSE(CommandLine(field, 13).has("calls"));
}

TEST_CASE("a value too long for the buffer is cut to fit and NUL-terminated") {
  const CommandLine l = line("scenario=hostile-producer next=1");
  char small[8];
  CHECK(l.value("scenario", small));
  CHECK(std::string(small) == "hostile");
  char one[1] = {'X'};
  CHECK(l.value("scenario", one, 1));
  CHECK(one[0] == '\0');
  CHECK(l.value("scenario", nullptr, 0)); // a zero-sized buffer is never written
}

TEST_CASE("an empty value is present, and numbers that are not all digits or overflow fall back") {
  CHECK(line("test=").has("test"));
  CHECK(value_of(line("test= pmu=el0"), "test").empty());
  CHECK(line("iters=").number("iters", 5) == 5);
  CHECK(line("iters=12abc").number("iters", 5) == 5);
  CHECK(line("iters=-3").number("iters", 5) == 5);
  CHECK(line("iters=18446744073709551615").number("iters", 5) == UINT64_MAX);
  CHECK(line("iters=18446744073709551616").number("iters", 5) == 5);
}

TEST_CASE("a repeated key: the first occurrence wins") {
  const CommandLine l = line("seed=1 seed=2");
  CHECK(l.number("seed", 0) == 1);
}

TEST_CASE("quotes are ordinary characters: values cannot hold spaces") {
  const CommandLine l = line("name=\"a b\" x=1");
  CHECK(value_of(l, "name") == "\"a");
  CHECK_FALSE(l.has("b\""));
  CHECK(l.number("x", 0) == 1);
}

TEST_CASE("a value may contain '='") { CHECK(value_of(line("opt=a=b"), "opt") == "a=b"); }

static_assert(CommandLine{"iters=12", 9}.number("iters", 0) == 12, "usable in constant expressions");

TEST_CASE("decimal reads a value already copied out, up to its buffer's end") {
  const char digits[] = {'1', '2', '3'}; // no NUL
  CHECK(bramble::cmdline::decimal(digits, 0) == 123);
  CHECK(bramble::cmdline::decimal(digits, 2, 0) == 12);
  CHECK(bramble::cmdline::decimal("", 1, 4) == 4);
  CHECK(bramble::cmdline::decimal("16 x", 4, 4) == 16);
}
