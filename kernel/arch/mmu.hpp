// The MMU's instructions, for the generic memory code: arch::TlbOps (TLB and cache maintenance for the
// page-table library, mm/table_ops.hpp), switching the kernel's and a task's translation tables,
// turning on write-implies-never-execute, the ASID width the core supports, and making freshly written
// code visible to instruction fetch.
#pragma once

#if defined(__aarch64__)
#include "kernel/arch/aarch64/mmu.hpp"
#else
#error "kernel/arch: no implementation of mmu.hpp for this architecture"
#endif
