// The host debugger's channel, for test runs under an emulator: bramble::semihosting::probe(),
// available(), command_line() and exit(). On hardware it is absent and every call is a no-op.
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/semihosting.hpp"
#else
#error "kernel/arch: no implementation of semihosting.hpp for this architecture"
#endif
