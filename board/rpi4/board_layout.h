/* Raspberry Pi 4 physical layout the boot code needs before C++ runs (assembler-safe: numbers only).
 * board.hpp uses the same values. The early page tables map [0, BOARD_EARLY_RAM_END) as Normal memory
 * and [BOARD_DEVICE_START, BOARD_DEVICE_END) as Device-nGnRE, in 2 MiB blocks. */
#pragma once

/* Low-peripheral mode (the firmware's default): main peripherals 0xFC00_0000-0xFF7F_FFFF, ARM local
 * peripherals and the GIC-400 0xFF80_0000-0xFFFF_FFFF (BCM2711 ARM Peripherals, 1.2). */
#define BOARD_DEVICE_START 0xFC000000
#define BOARD_DEVICE_END 0x100000000
/* The kernel, its stack and the DTB (QEMU: 0x0800_0000; U-Boot: fdt_addr_r) all sit in the first GiB. */
#define BOARD_EARLY_RAM_END 0x40000000
