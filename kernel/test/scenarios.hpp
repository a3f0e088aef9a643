// The boot-time test scenarios a QEMU test run selects with -append "test=<name>".
#pragma once

#include "kernel/boot_info.hpp"

namespace bramble::test {

// Runs the named scenario and ends the run with its verdict; an unknown name ends it with
// ExitCode::UnknownScenario after listing the known ones.
[[noreturn]] void run_scenario(const char* name, const BootInfo& info);

} // namespace bramble::test
