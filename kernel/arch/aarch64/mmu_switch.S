// Replacing the kernel's translation tables (TTBR1_EL1) while running on them is not safe: the TLB
// may hold entries of the old tables (2 MiB blocks) next to entries of the new ones (pages) for the
// same addresses, which the ARM ARM allows to raise TLB conflict aborts (D8.16.1). So the switch runs
// from the boot identity map in TTBR0, touching nothing in the high half until the old entries are gone.
//
//   mmu_replace_ttbr1(x0 = new TTBR1_EL1 value)
// must be called through its physical (identity) address; it uses no stack and returns to the
// caller's high-half address in x30.
    .section .text, "ax"
    .balign 4
    .global mmu_replace_ttbr1
mmu_replace_ttbr1:
    dsb     ish                 // the new tables are written
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1             // drop every entry of the old tables
    dsb     nsh
    isb
    ret
