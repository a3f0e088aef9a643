// Fixture: arch deciding policy itself (the arch-reports-up rule).
#include "kernel/trap.hpp"
#include "kernel/sched.hpp"
