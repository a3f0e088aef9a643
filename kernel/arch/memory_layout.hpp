// Where the kernel's linear map is: arch::kKernelVirtualBase, phys_to_virt(), phys_to_virt_address()
// and virt_to_phys().
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/memory_layout.hpp"
#else
#error "kernel/arch: no implementation of memory_layout.hpp for this architecture"
#endif
