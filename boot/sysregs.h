/* System-register values used by boot/start.S (assembler-safe: numbers and macros only). */
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
