/* Raspberry Pi 3 physical layout the boot code needs before C++ runs (assembler-safe: numbers only).
 * board.hpp uses the same values. The early page tables map [0, BOARD_EARLY_RAM_END) as Normal memory
 * and [BOARD_DEVICE_START, BOARD_DEVICE_END) as Device-nGnRE, in 2 MiB blocks. */
#pragma once

/* Peripherals at 0x3F00_0000 (bus 0x7E00_0000), the BCM2836 local block at 0x4000_0000 (QA7 4.1). */
#define BOARD_DEVICE_START 0x3F000000
#define BOARD_DEVICE_END 0x40200000
/* RAM ends where the peripherals begin (less the GPU's share, which the DTB reports). */
#define BOARD_EARLY_RAM_END 0x3F000000
