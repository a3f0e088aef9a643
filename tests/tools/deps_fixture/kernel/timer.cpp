// arch-seam, no-test-in-kernel: generic code names the architecture, and includes test code.
#include "kernel/arch/aarch64/cpu.hpp"
#include "tests/kernel/harness.hpp"
