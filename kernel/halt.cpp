#include "kernel/halt.hpp"

#include "kernel/arch/aarch64/cpu.hpp"
#include "kernel/arch/aarch64/semihosting.hpp"
#include "kernel/console.hpp"

namespace bramble::halt {

void finish(ExitCode code) {
  console::flush();
  semihosting::exit(static_cast<std::uint32_t>(code));
  arch::halt();
}

} // namespace bramble::halt
