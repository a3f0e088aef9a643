// The boot-time test scenarios a QEMU test run selects with -append "test=<name>".
#pragma once

#include <span>

#include "kernel/boot_facts.hpp"
#include "tests/kernel/harness.hpp"

namespace bramble::test {

struct Scenario {
  const char* name;
  ExitCode (*run)(const BootFacts&);
};

// Each group of scenarios lives with the subsystem it tests; run_scenario() searches them all.
std::span<const Scenario> boot_scenarios(); // tests/kernel/scenarios.cpp
std::span<const Scenario> mm_scenarios();   // tests/kernel/mm_scenarios.cpp

} // namespace bramble::test
