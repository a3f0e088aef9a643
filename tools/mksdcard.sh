#!/usr/bin/env bash
# Builds Bramble's SD-card image without root or loop mounts: one FAT32 partition (MBR type 0x0c,
# bootable, starting at 1 MiB) in a 64 MiB file (QEMU's -sd wants a power-of-two size), holding the Pi
# GPU firmware, the DTBs, U-Boot for each board, config.txt (+ config-direct.txt), boot.scr, uboot.env
# and both boards' kernels. The same card boots a Raspberry Pi 4 and a Pi 3 (config.txt sections).
#
# Usage: tools/mksdcard.sh [-o OUT] [-4 RPI4_KERNEL] [-3 RPI3_KERNEL] [-c CACHE] [-a ARGS] [-f] [-l]
#   -o  output image                     (default: build/sdcard.img)
#   -4  kernel image for the Pi 4        (default: build/rpi4/kernel8.img)
#   -3  kernel image for the Pi 3        (default: build/rpi3/kernel8.img)
#   -c  download cache for fetch-pi-files (default: build/cache)
#   -a  kernel command line: U-Boot's bootargs and cmdline.txt (e.g. "init=kbench pmu=el0")
#   -f  fix the ARM clock (force_turbo=1 in config.txt), for benchmark figures that do not drift
#   -l  list what the card would carry and exit (no image is written)
# Needs: sfdisk (fdisk), mkfs.vfat (dosfstools), mcopy (mtools), mkimage + mkenvimage (u-boot-tools).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/sdcard.img
k4=$here/build/rpi4/kernel8.img
k3=$here/build/rpi3/kernel8.img
cache=$here/build/cache
list_only=0
bootargs=''
fixed_clock=0
while getopts "o:4:3:c:a:flh" opt; do
  case $opt in
    o) out=$OPTARG ;;
    4) k4=$OPTARG ;;
    3) k3=$OPTARG ;;
    c) cache=$OPTARG ;;
    a) bootargs=$OPTARG ;;
    f) fixed_clock=1 ;;
    l) list_only=1 ;;
    *) sed -n '2,13s/^# \{0,1\}//p' "$0"; [ "$opt" = h ] && exit 0; exit 2 ;;
  esac
done

die() { echo "mksdcard: $*" >&2; exit 1; }

# Geometry. 64 MiB is the smallest power of two that holds everything with room to spare (~5 MiB
# of firmware, ~2 MiB of U-Boot, the kernels) and FAT32 needs at least 65525 clusters: 63 MiB in
# 512-byte clusters is 129024 sectors, enough. The partition starts at 1 MiB (sector 2048), the
# alignment SD cards' erase blocks and every partitioning tool use.
readonly kImageMiB=64
readonly kStartSector=2048
readonly kSectors=$((kImageMiB * 2048 - kStartSector))
# U-Boot's environment size: CONFIG_ENV_SIZE=0x4000 in Debian's rpi_* builds. mkenvimage must use
# the same size or U-Boot rejects the CRC and falls back to its slow default environment.
readonly kEnvSize=0x4000

src=$here/board/sdcard
pi=$cache/pi
# Which U-Boot build each board gets (see docs/hardware.md, "Why these U-Boot builds").
readonly kUbootRpi4=rpi_arm64
readonly kUbootRpi3=rpi_3

# The card's contents as "destination-name source-path" pairs.
files=(
  "start4.elf $pi/firmware/start4.elf"
  "fixup4.dat $pi/firmware/fixup4.dat"
  "bootcode.bin $pi/firmware/bootcode.bin"
  "start.elf $pi/firmware/start.elf"
  "fixup.dat $pi/firmware/fixup.dat"
  "LICENCE.raspi-firmware $pi/firmware/LICENCE.raspi-firmware"
  "bcm2711-rpi-4-b.dtb $pi/dtbs/bcm2711-rpi-4-b.dtb"
  "bcm2837-rpi-3-b.dtb $pi/dtbs/bcm2837-rpi-3-b.dtb"
  "u-boot-rpi4.bin $pi/u-boot/$kUbootRpi4/u-boot.bin"
  "u-boot-rpi3.bin $pi/u-boot/$kUbootRpi3/u-boot.bin"
  "LICENCE.u-boot $pi/u-boot/LICENCE.u-boot"
  "config.txt @config.txt"
  "config-direct.txt $src/config-direct.txt"
  "boot.scr @boot.scr"
  "uboot.env @uboot.env"
  "kernel8-rpi4.img $k4"
  "kernel8-rpi3.img $k3"
)
# The command line, for both ways the card boots: U-Boot passes ${bootargs} to the kernel in
# /chosen/bootargs, the firmware (config-direct.txt) passes cmdline.txt there.
[ -n "$bootargs" ] && files+=("cmdline.txt @cmdline.txt")
if [ "$list_only" = 1 ]; then
  for f in "${files[@]}"; do echo "${f%% *}"; done
  exit 0
fi

# sfdisk and mkfs.vfat live in /usr/sbin, which is not on a Debian user's PATH.
export PATH=$PATH:/sbin:/usr/sbin
for tool in sfdisk mkfs.vfat mcopy mkimage mkenvimage; do
  command -v "$tool" >/dev/null ||
    die "$tool not found (install fdisk, dosfstools, mtools, u-boot-tools: tools/install-deps.sh)"
done
[ -s "$k4" ] || die "no Pi 4 kernel at $k4 (cmake --preset rpi4 && cmake --build --preset rpi4)"
[ -s "$k3" ] || die "no Pi 3 kernel at $k3 (cmake --preset rpi3 && cmake --build --preset rpi3)"

bash "$here/tools/fetch-pi-files.sh" "$cache"

mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/.mksdcard.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkimage -A arm64 -O linux -T script -C none -n "Bramble boot script" \
  -d "$src/boot.cmd" "$work/boot.scr" >/dev/null
cp "$src/uboot-env.txt" "$work/uboot-env.txt"
cp "$src/config.txt" "$work/config.txt"
if [ -n "$bootargs" ]; then
  printf 'bootargs=%s\n' "$bootargs" >>"$work/uboot-env.txt"
  printf '%s\n' "$bootargs" >"$work/cmdline.txt"
fi
if [ "$fixed_clock" = 1 ]; then
  printf '\n[all]\n# Benchmark card (tools/mksdcard.sh -f): the ARM clock stays at its maximum, no scaling.\nforce_turbo=1\n' \
    >>"$work/config.txt"
fi
mkenvimage -s "$kEnvSize" -o "$work/uboot.env" "$work/uboot-env.txt"

img=$work/sdcard.img
truncate -s "${kImageMiB}M" "$img"
# MBR, one primary partition: type 0x0c (FAT32 with LBA), the type the Pi's boot ROM and bootcode.bin
# look for, and bootable. sfdisk writes a file as happily as a disk.
echo "start=$kStartSector, size=$kSectors, type=c, bootable" | sfdisk --quiet --label dos "$img"
mkfs.vfat -F 32 -n BOOT --offset "$kStartSector" "$img" $((kSectors / 2)) >/dev/null

for f in "${files[@]}"; do
  name=${f%% *} path=${f#* }
  case $path in @*) path=$work/${path#@} ;; esac
  [ -s "$path" ] || die "missing input for $name: $path"
  mcopy -i "$img@@$((kStartSector * 512))" "$path" "::$name"
done

mv -f "$img" "$out"
echo "mksdcard: wrote $out (${kImageMiB} MiB, ${#files[@]} files)"
