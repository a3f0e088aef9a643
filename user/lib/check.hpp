// The CHECK facility of the EL0 test programs. Every check is counted; a failed one prints
// `FAIL <file>:<line>: <expr>` (plus what was expected and what came) and the program goes on, so
// one run reports every failure. summary() prints `<program>: N checks, M failed` and returns the
// exit code (0 iff nothing failed), which the kernel turns into QEMU's exit code.
//
// Checks can be grouped into named sections (one per system call in syscall_errors), and
// print_sections() lists how many checks each section made.
//
//   CHECK(expr)                     expr is true
//   CHECK_EQ(a, b)                  a == b as 64-bit numbers (both printed on failure)
//   CHECK_OK(call)                  the call returned kSuccess; yields the SyscallResult
//   CHECK_ERR(call, Name)           the call returned abi::Error::Name; yields the SyscallResult
//
// Header-only, single-threaded per task (each task has its own copy of the counters).
#pragma once

#include <cstdint>

#include "kernel/abi/errors.hpp"
#include "user/runtime/print.hpp"
#include "user/runtime/syscall.hpp"

namespace bramble::user::check {

inline constexpr unsigned kMaxSections = 40;

struct Section {
  const char* name;
  unsigned checks;
};

struct Tally {
  unsigned checks;
  unsigned failed;
  Section sections[kMaxSections];
  unsigned section_count;
  Section* current;
};

// Zero-initialized (.bss): every task starts with an empty tally.
inline Tally tally;

// "tests/programs/x/x.cpp" rather than the build machine's absolute path.
[[nodiscard]] inline const char* short_file(const char* path) {
  const char* last = path;
  for (const char* p = path; *p != '\0'; ++p) {
    if (*p == '/') last = p + 1;
  }
  return last;
}

[[nodiscard]] inline bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

// Counts the following checks under `name` (created on first use).
inline void section(const char* name) {
  for (unsigned i = 0; i < tally.section_count; ++i) {
    if (same_name(tally.sections[i].name, name)) {
      tally.current = &tally.sections[i];
      return;
    }
  }
  if (tally.section_count == kMaxSections) {
    tally.current = nullptr;
    return;
  }
  tally.sections[tally.section_count] = Section{name, 0};
  tally.current = &tally.sections[tally.section_count++];
}

inline bool count(bool ok) {
  ++tally.checks;
  if (tally.current != nullptr) ++tally.current->checks;
  if (!ok) ++tally.failed;
  return ok;
}

inline bool report(bool ok, const char* file, int line, const char* expr) {
  if (!count(ok)) print("FAIL %s:%d: %s\n", short_file(file), line, expr);
  return ok;
}

inline bool report_equal(std::uint64_t got, std::uint64_t want, const char* file, int line, const char* expr) {
  const bool ok = count(got == want);
  if (!ok)
    print("FAIL %s:%d: %s (got 0x%llx, want 0x%llx)\n", short_file(file), line, expr,
          static_cast<unsigned long long>(got), static_cast<unsigned long long>(want));
  return ok;
}

// "ok", an error's name, or "?" for a value that is neither.
[[nodiscard]] inline const char* status_name(std::uint64_t status) {
  if (status == abi::kSuccess) return "ok";
  const char* name = abi::error_name(status);
  return name != nullptr ? name : "?";
}

inline SyscallResult report_status(const SyscallResult& result, std::uint64_t want, const char* file, int line,
                                   const char* expr) {
  if (!count(result.status == want)) {
    print("FAIL %s:%d: %s (got %s %llu, want %s)\n", short_file(file), line, expr, status_name(result.status),
          static_cast<unsigned long long>(result.status), status_name(want));
  }
  return result;
}

// One line per section: `<prefix><name>: N checks`.
inline void print_sections(const char* prefix) {
  for (unsigned i = 0; i < tally.section_count; ++i) {
    print("%s%s: %u checks\n", prefix, tally.sections[i].name, tally.sections[i].checks);
  }
}

// Prints the summary line and returns the exit code.
[[nodiscard]] inline int summary(const char* program) {
  print("%s: %u checks, %u failed\n", program, tally.checks, tally.failed);
  return tally.failed == 0 ? 0 : 1;
}

} // namespace bramble::user::check

#define CHECK(expr) ::bramble::user::check::report(static_cast<bool>(expr), __FILE__, __LINE__, #expr)
#define CHECK_EQ(a, b)                                                                                                 \
  ::bramble::user::check::report_equal(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), __FILE__,         \
                                       __LINE__, #a " == " #b)
#define CHECK_OK(call)                                                                                                 \
  ::bramble::user::check::report_status((call), ::bramble::abi::kSuccess, __FILE__, __LINE__, #call)
#define CHECK_ERR(call, name)                                                                                          \
  ::bramble::user::check::report_status((call), static_cast<std::uint64_t>(::bramble::abi::Error::name), __FILE__,     \
                                        __LINE__, #call " -> " #name)
