// The CPU, as generic kernel code sees it. Generic code includes this header, never an architecture's
// own (tools/check_deps.py, rule arch-seam); the architecture provides, in namespace bramble::arch:
//   enable_irqs(), disable_irqs(), wait_for_interrupt(), halt()    interrupts and stopping this core
//   current_el()                                                   the privilege level the kernel runs at
//   physical_count()                                               the free-running counter of CPU time
//   allow_el0_virtual_count()                                      EL0 may read the virtual count, nothing else
//   write_barrier(), read_barrier()                                memory against a device access (an IPI)
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/cpu.hpp"
#else
#error "kernel/arch: no implementation of cpu.hpp for this architecture"
#endif
