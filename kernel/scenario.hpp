// The kernel test scenario a QEMU run selects with -append "test=<name>". Which scenarios exist is a
// link-time choice: the test image links tests/kernel/ (the scenarios), the production image links
// kernel/no_scenarios.cpp, so none of the scenario code ships on a card.
#pragma once

#include "kernel/boot_facts.hpp"

namespace bramble::scenario {

// Runs the named scenario and ends the run with its verdict (halt::finish); an unknown name ends it
// with halt::ExitCode::UnknownScenario after listing the known ones.
[[noreturn]] void run(const char* name, const BootFacts& info);

} // namespace bramble::scenario
