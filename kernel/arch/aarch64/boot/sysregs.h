/* System-register values used by kernel/arch/aarch64/boot/start.S (assembler-safe: numbers and macros only). */
#pragma once

/* SCR_EL3 (ARM ARM D19.2.117): NS=1 (bit 0), RES1 bits 4-5, SMD=1 (bit 7, no SMC), HCE=1 (bit 8, HVC
 * enabled), RW=1 (bit 10, EL2 is AArch64). */
#define SCR_EL3_VALUE ((1 << 0) | (3 << 4) | (1 << 7) | (1 << 8) | (1 << 10))

/* SPSR with M[3:0] = EL2h (0b1001) / EL1h (0b0101) and DAIF (bits 6-9) all masked. */
#define SPSR_EL2H_MASKED (0x3c0 | 0x9)
#define SPSR_EL1H_MASKED (0x3c0 | 0x5)

/* HCR_EL2: RW=1 (bit 31), EL1 is AArch64; no traps, no virtualization. */
#define HCR_EL2_VALUE (1 << 31)

/* CNTHCTL_EL2 (D19.13.4): EL1PCTEN (bit 0) and EL1PCEN (bit 1) let EL1/EL0 use the physical counter
 * and timer. */
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN (1 << 1)

/* CPTR_EL2 (non-VHE): RES1 bits 0-7, 9, 12-13; TFP (bit 10) = 0 so FP/SIMD is not trapped. */
#define CPTR_EL2_VALUE 0x33ff

/* SCTLR_EL1 for boot: the RES1 bits (29, 28, 23, 22, 20, 11) only: MMU off, caches off, EE=0
 * (little endian), alignment check A=0 (Device memory still faults on unaligned access). */
#define SCTLR_EL1_BOOT ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11))

/* CPACR_EL1.FPEN (bits 20-21) = 0b11: no FP/SIMD traps at EL1 or EL0. */
#define CPACR_EL1_FPEN (3 << 20)

/* The kernel's virtual base: physical address p of RAM or MMIO is reached at KERNEL_VBASE + p through
 * TTBR1 (39-bit kernel half, mm/descriptor.hpp kKernelHalfBase). The image is linked there. */
#define KERNEL_VBASE 0xFFFFFF8000000000

/* MAIR_EL1: Attr0 Normal WB RA/WA (0xFF), Attr1 Normal non-cacheable (0x44), Attr2 Device-nGnRE (0x04).
 * Same value as mm::kMairEl1 (checked by a static_assert in kernel/arch/aarch64/mmu.cpp). */
#define MAIR_EL1_VALUE 0x444FF

/* TCR_EL1 without IPS: T0SZ = T1SZ = 25 (39-bit halves), 4 KiB granules (TG0 = 0b00, TG1 = 0b10),
 * table walks inner/outer write-back write-allocate, inner shareable, AS = 1 (16-bit ASIDs)
 * (= mm::tcr_el1(0)). IPS [34:32] is filled in from ID_AA64MMFR0_EL1.PARange at boot, and AS is
 * cleared there on a core whose ID_AA64MMFR0_EL1.ASIDBits [7:4] is not 0b0010 (16 bits). */
#define TCR_EL1_NO_IPS 0x10B5193519
#define TCR_EL1_AS_BIT 36

/* Early translation descriptors (ARM ARM D8.3), 2 MiB level-2 blocks:
 *   Normal: valid, AttrIndx 0, SH inner (0b11 << 8), AF (1 << 10); executable (temporary).
 *   Device: valid, AttrIndx 2, AF, PXN (1 << 53), UXN (1 << 54). */
#define EARLY_BLOCK_NORMAL 0x701
#define EARLY_BLOCK_DEVICE 0x60000000000409
#define EARLY_TABLE 0x3

/* SCTLR_EL1 with the MMU on: M (bit 0), C (bit 2, data cache), SA (bit 3), SA0 (bit 4), I (bit 12,
 * instruction cache) on top of the boot value. WXN (bit 19) is added when the final tables are live. */
#define SCTLR_EL1_MMU_ON (SCTLR_EL1_BOOT | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12))
#define SCTLR_EL1_WXN (1 << 19)
