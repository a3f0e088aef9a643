// The root task: the first EL0 task, started by the kernel from an embedded program with every
// authority the kernel hands out (all free memory as a quota, task creation, the registry) and a
// read-only boot-info page (kernel/abi/boot_info.hpp).
#pragma once

#include "kernel/boot_facts.hpp"

namespace bramble::ktask {
class Task;
}

namespace bramble::ktask::root {

// Creates and starts the root task from embedded program `program`. Panics if it cannot: without a
// root task there is nothing to run.
void create(const char* program, const BootFacts& info);

// Called by end_task when the root task ends (its record may be gone by the time it is reported).
void note_ended(const ktask::Task& task);

// Called by the scheduler after ended tasks were released: when the root task has ended, reports
// it; in a test run, checks that every frame came back and ends the run with the root's exit code.
void check_ended();

} // namespace bramble::ktask::root
