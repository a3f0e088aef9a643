#include "kernel/halt.hpp"

#include "kernel/arch/cpu.hpp"
#include "kernel/arch/semihosting.hpp"
#include "kernel/console.hpp"

namespace bramble::halt {

void finish(ExitCode code) {
  kconsole::flush();
  semihosting::exit(static_cast<std::uint32_t>(code));
  arch::halt();
}

} // namespace bramble::halt
