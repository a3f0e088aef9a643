// The production image's side of kernel/scenario.hpp: it carries no test scenarios, and says so
// rather than hanging when a command line asks for one.
#include "kernel/halt.hpp"
#include "kernel/log.hpp"
#include "kernel/scenario.hpp"

namespace bramble::scenario {

void run(const char* name, const BootFacts&) {
  kprintf("test: unknown scenario '%s'; known: none (the scenarios are in the test image, kernel8-test.img)\n", name);
  halt::finish(halt::ExitCode::UnknownScenario);
}

} // namespace bramble::scenario
