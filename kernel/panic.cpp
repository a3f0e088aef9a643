#include "kernel/panic.hpp"

#include <cstdarg>

#include "kernel/console.hpp"
#include "kernel/halt.hpp"
#include "kernel/log.hpp"
#include "lib/format.hpp"

namespace bramble {

void panic(const char* fmt, ...) {
  char message[256];
  va_list args;
  va_start(args, fmt);
  vformat(message, sizeof message, fmt, args);
  va_end(args);
  kconsole::set_quiet(false);
  kprintf("\n*** KERNEL PANIC: %s\n*** system halted\n", message);
  halt::finish(halt::ExitCode::Panic);
}

} // namespace bramble
