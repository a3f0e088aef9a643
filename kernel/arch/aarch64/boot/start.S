// Kernel entry: the arm64 Image header, exception-level drop, core parking, the early page tables
// that turn the MMU on, and the jump to the kernel's link address in the high half.
//
// Accepted boot states (docs/platform.md): EL2 with x0 = DTB (Pi firmware, U-Boot `booti`, QEMU -kernel
// Image; only core 0 runs, cores 1-3 wait in the spin table), or EL3 with all four cores running
// (QEMU -kernel ELF), or EL1. Whatever the entry level, the kernel continues at EL1h with all
// interrupts masked.
//
// The image is linked at KERNEL_VBASE + 0x80000 but entered at physical 0x80000 with the MMU off, so
// everything before `high_entry` must be position independent: adrp/add (adr_l) for addresses, no
// literal-pool addresses, no stack.

#include "kernel/arch/aarch64/boot/sysregs.h"
#include "board_layout.h"

// x = the run-time (physical, before the MMU is on) address of sym.
.macro adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
.endm

// EL2 -> EL1, continuing at `target` at EL1h with every interrupt masked. Everything EL1 relies on is
// set explicitly: on real hardware these reset to UNKNOWN values (ARM ARM D1.9 / the register
// descriptions). Clobbers x0.
.macro drop_el2_to_el1 target
    ldr     x0, =HCR_EL2_VALUE
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)   // EL1 may use the physical timer
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    ldr     x0, =CPTR_EL2_VALUE     // no FP/SIMD traps to EL2
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    mrs     x0, pmcr_el0            // MDCR_EL2.HPMN = PMCR_EL0.N: EL1 sees every counter, no traps
    ubfx    x0, x0, #11, #5
    msr     mdcr_el2, x0
    msr     vttbr_el2, xzr
    ldr     x0, =SCTLR_EL1_BOOT
    msr     sctlr_el1, x0
    ldr     x0, =SPSR_EL1H_MASKED
    msr     spsr_el2, x0
    adr     x0, \target
    msr     elr_el2, x0
    eret
.endm

// With MAIR, TCR and both TTBRs written: drop this core's stale TLB entries, turn the MMU and caches
// on, and start instruction fetch afresh. Clobbers x0.
.macro mmu_on
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =SCTLR_EL1_MMU_ON
    msr     sctlr_el1, x0
    isb
    ic      iallu
    dsb     nsh
    isb
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    // arm64 Image header (Linux Documentation/arch/arm64/booting.rst): 64 bytes.
    b       primary_entry           // code0: branch past the header
    .long   0                       // code1
    .quad   0x80000                 // text_offset: load 512 KiB above a 2 MiB-aligned RAM base
    .quad   __image_size            // image_size: bytes to reserve (includes BSS)
    .quad   0x2                     // flags: little endian, 4 KiB pages, 2 MiB-aligned base near RAM start
    .quad   0, 0, 0                 // res2..res4
    .ascii  "ARM\x64"               // magic
    .long   0                       // res5 (no PE/COFF header)

primary_entry:
    mov     x19, x0                 // the DTB address (or whatever the loader left there)
    mrs     x1, mpidr_el1
    and     x1, x1, #0xff           // Aff0: core number on BCM2711/BCM2837
    cbnz    x1, park_core           // all cores start at once only with an ELF: keep cores 1-3 out

    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    adr_l   x1, boot_entry_el       // reported in the banner (.data: survives the BSS clear)
    str     w0, [x1]
    cmp     x0, #3
    b.eq    from_el3
    cmp     x0, #2
    b.eq    from_el2
    b       at_el1

from_el3:
    // EL3 -> EL2: lower levels are non-secure AArch64, HVC enabled, SMC disabled.
    ldr     x0, =SCR_EL3_VALUE
    msr     scr_el3, x0
    msr     cptr_el3, xzr           // no FP/SIMD traps to EL3
    ldr     x0, =SPSR_EL2H_MASKED
    msr     spsr_el3, x0
    adr     x0, from_el2
    msr     elr_el3, x0
    eret

from_el2:
    drop_el2_to_el1 at_el1

at_el1:
    ldr     x0, =SCTLR_EL1_BOOT     // MMU and caches off
    msr     sctlr_el1, x0
    ldr     x0, =CPACR_EL1_FPEN     // FP/SIMD usable at EL1 and EL0 (tasks save and restore it)
    msr     cpacr_el1, x0
    isb
    msr     daifset, #0xf

    // Clear BSS (16-byte aligned bounds). It holds the early page tables and the boot stack.
    adr_l   x0, __bss_start
    adr_l   x1, __bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    // Cores 1-3 stay in the firmware's spin table (0xd8 + 8n) until the kernel has read its command
    // line: then it either starts them (secondary_entry) or parks them (secondary_parked), see
    // kernel/arch/aarch64/smp.cpp.
    bl      build_early_tables
    bl      enable_mmu
    // Continue at the link address, in the high half.
    ldr     x0, =high_entry
    br      x0

high_entry:
    ldr     x0, =__stack_top
    mov     sp, x0
    mov     x0, x19
    bl      boot_main               // kernel/arch/aarch64/boot/crt.cpp: constructors, then kernel_main(dtb)
3:  wfe
    b       3b

// Early translation tables, one L1 shared by TTBR0 (identity: the code keeps running until it jumps
// high) and TTBR1 (KERNEL_VBASE + physical): both index L1 with VA[38:30]. Four L2 tables give 2 MiB
// blocks over the first 4 GiB of physical space: Normal up to BOARD_EARLY_RAM_END, Device over the
// board's peripheral window, nothing elsewhere. kernel/mm replaces them with the final W^X tables.
build_early_tables:
    adr_l   x0, early_l1
    adr_l   x1, early_l2
    // L1[0..3] -> the four L2 tables (the rest of L1 is zero from the BSS clear).
    mov     x2, #0
4:  add     x3, x1, x2, lsl #12
    orr     x3, x3, #EARLY_TABLE
    str     x3, [x0, x2, lsl #3]
    add     x2, x2, #1
    cmp     x2, #4
    b.ne    4b
    // 2048 level-2 entries: entry i maps physical i * 2 MiB.
    ldr     x4, =BOARD_EARLY_RAM_END
    ldr     x5, =BOARD_DEVICE_START
    ldr     x6, =BOARD_DEVICE_END
    ldr     x7, =EARLY_BLOCK_NORMAL
    ldr     x8, =EARLY_BLOCK_DEVICE
    mov     x2, #0
5:  lsl     x3, x2, #21             // physical address of this block
    mov     x9, xzr
    cmp     x3, x4
    b.hs    6f
    orr     x9, x3, x7              // RAM
    b       7f
6:  cmp     x3, x5
    b.lo    7f
    cmp     x3, x6
    b.hs    7f
    orr     x9, x3, x8              // peripherals
7:  str     x9, [x1, x2, lsl #3]
    add     x2, x2, #1
    cmp     x2, #2048
    b.ne    5b
    ret

// Turns the MMU and caches on with the early tables. The tables and the whole image were written
// with the MMU off (straight to memory); invalidate any stale cache lines for them first (ARM ARM
// D7.5.7 / the boot protocol: only the image as loaded is guaranteed clean).
enable_mmu:
    mov     x10, x30
    adr_l   x0, __kernel_start
    adr_l   x1, __kernel_end
    mrs     x2, ctr_el0
    ubfx    x2, x2, #16, #4         // DminLine: log2(words) of the smallest D-cache line
    mov     x3, #4
    lsl     x3, x3, x2              // line size in bytes
    sub     x4, x3, #1
    bic     x0, x0, x4
8:  dc      ivac, x0
    add     x0, x0, x3
    cmp     x0, x1
    b.lo    8b
    dsb     sy

    ldr     x0, =MAIR_EL1_VALUE
    msr     mair_el1, x0
    ldr     x0, =TCR_EL1_NO_IPS
    mrs     x1, id_aa64mmfr0_el1
    and     x2, x1, #7              // PARange -> IPS: the output size the hardware supports
    bfi     x0, x2, #32, #3
    ubfx    x2, x1, #4, #4          // ASIDBits: 0b0010 = 16-bit ASIDs supported, else keep AS = 0
    cmp     x2, #2
    b.eq    9f
    bic     x0, x0, #(1 << TCR_EL1_AS_BIT)
9:
    msr     tcr_el1, x0
    adr_l   x0, early_l1
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    mmu_on
    mov     x30, x10
    ret

// Cores 1-3 when they started together with core 0 (ELF boot): sleep forever.
park_core:
    msr     daifset, #0xf
9:  wfi
    b       9b

// A secondary core sent here by the kernel to sleep for good (cores=1): MMU off, at the level the
// spin table left it. It checks in by setting its byte in parked_cores (a plain store: exclusives are
// not guaranteed on the Device memory everything is while the MMU is off), then sleeps in WFI, which
// under QEMU -icount costs no emulated instructions (a core left polling the spin table would leak
// instructions into every count).
    .global secondary_parked
secondary_parked:
    msr     daifset, #0xf
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    adr_l   x1, parked_cores
    mov     w2, #1
    strb    w2, [x1, x0]
    dsb     sy
13: wfi
    b       13b

// A secondary core started by the kernel (kernel/arch/aarch64/smp.cpp): from the spin table, MMU off,
// at EL2 (or EL1). Drops to EL1, turns the MMU on with the kernel's final tables in TTBR1 (and the
// early identity map in TTBR0 until it runs in the high half), takes its stack and C++ entry from its
// slot in secondary_boot, and calls entry(core). Core 0 cleaned the slot to the point of coherency.
    .global secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #2
    b.ne    secondary_el1
    drop_el2_to_el1 secondary_el1
secondary_el1:
    ldr     x0, =SCTLR_EL1_BOOT     // MMU and caches off
    msr     sctlr_el1, x0
    ldr     x0, =CPACR_EL1_FPEN
    msr     cpacr_el1, x0
    isb
    mrs     x20, mpidr_el1
    and     x20, x20, #0xff         // the core number
    adr_l   x21, secondary_boot
    add     x21, x21, x20, lsl #6   // its 64-byte slot: entry, stack top, TTBR1, TCR
    ldp     x22, x23, [x21]
    ldp     x24, x25, [x21, #16]
    ldr     x0, =MAIR_EL1_VALUE
    msr     mair_el1, x0
    msr     tcr_el1, x25
    adr_l   x0, early_l1
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x24
    mmu_on
    mov     sp, x23
    mov     x0, x20
    br      x22                     // the high half: entry(core) never returns

    .section .data.boot, "aw"
    .balign 64
    .global secondary_boot
secondary_boot:
    .space  4 * 64
    .balign 8
    .global parked_cores
parked_cores:
    .long   0
    .global boot_entry_el
boot_entry_el:
    .long   0

    .section .bss.early_tables, "aw", %nobits
    .balign 4096
    .global early_l1
early_l1:
    .space  4096
early_l2:
    .space  4 * 4096
