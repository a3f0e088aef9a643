// Exception entry: arch::install_exception_vectors(). The architecture decodes every exception and
// reports it to the generic kernel through kernel/trap.hpp; it never calls the scheduler itself.
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/exceptions.hpp"
#else
#error "kernel/arch: no implementation of exceptions.hpp for this architecture"
#endif
