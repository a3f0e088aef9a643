#include "kernel/panic.hpp"

#include <cstdarg>

#include "kernel/console.hpp"
#include "lib/format.hpp"
#include "kernel/log.hpp"
#include "kernel/test/harness.hpp"

namespace bramble {

void panic(const char* fmt, ...) {
  char message[256];
  va_list args;
  va_start(args, fmt);
  vformat(message, sizeof message, fmt, args);
  va_end(args);
  console::set_quiet(false);
  kprintf("\n*** KERNEL PANIC: %s\n*** system halted\n", message);
  test::finish(test::ExitCode::Panic);
}

} // namespace bramble
