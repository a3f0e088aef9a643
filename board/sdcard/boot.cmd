# Bramble U-Boot boot script; tools/mksdcard.sh compiles it to boot.scr (mkimage -T script).
# It runs on both boards, from Bramble's uboot.env (fast) or from U-Boot's default distro boot, which
# also finds boot.scr on the first partition. Either way ${devnum} is the card's mmc device.

# 1. Which SoC is this? U-Boot's Raspberry Pi board code sets ${fdtfile} from the board revision
#    (broadcom/bcm2711-rpi-4-b.dtb, broadcom/bcm2837-rpi-3-b.dtb, ...); its SoC part picks the kernel.
#    ${board_name} is only the model's name ("4 Model B"), which differs between a 4B, a 400 and a CM4.
#    Two plain substitutions: a one-step capture group (".*(bcm[0-9]+)-.*") found no match here.
setenv bramble_soc ${fdtfile}
setexpr bramble_soc sub ".*/" "" "${bramble_soc}"
setexpr bramble_soc sub "-.*" "" "${bramble_soc}"
setenv bramble_kernel
if test "${bramble_soc}" = "bcm2711"; then setenv bramble_kernel kernel8-rpi4.img; fi
if test "${bramble_soc}" = "bcm2837" || test "${bramble_soc}" = "bcm2710"; then
  setenv bramble_kernel kernel8-rpi3.img
fi

# 2. Move the device tree out of the kernel's way to ${fdt_addr_r}, with 0x20000 bytes of room for
#    booti's /chosen and memory fix-ups. The firmware's DTB (${fdt_addr}) describes this board; when
#    there is none (rpi_3 under QEMU without -dtb), fall back to U-Boot's own, built into rpi_3; that
#    one was measured at 0xf3830, inside the kernel's load area, so it must move too.
#    `fdt move` refuses to run until `fdt addr` has named a tree.
if test -n "${fdt_addr}"; then setenv bramble_fdt ${fdt_addr}; else setenv bramble_fdt ${fdtcontroladdr}; fi

# 3. Load and start the kernel. booti, not go: booti turns U-Boot's MMU and caches off and enters the
#    image at EL2 with x0 = the DTB, as the firmware does; after go the kernel's first GIC access faults.
#    (No `exit` for the error case: this U-Boot's hush ignores `exit` inside if/then.)
if test -z "${bramble_kernel}"; then
  echo "Bramble: no kernel for this board: ${board_name}, fdtfile=${fdtfile}"
else
  echo "Bramble: booting ${bramble_kernel} (${board_name}) from mmc ${devnum}:1"
  fdt addr ${bramble_fdt}
  fdt move ${bramble_fdt} ${fdt_addr_r} 0x20000
  load mmc ${devnum}:1 ${kernel_addr_r} ${bramble_kernel}
  booti ${kernel_addr_r} - ${fdt_addr_r}
fi
