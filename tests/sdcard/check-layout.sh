#!/usr/bin/env bash
# Checks that an SD image built by tools/mksdcard.sh is what a real Raspberry Pi's boot ROM and GPU
# firmware expect, without mounting it: an MBR with one bootable FAT32 partition (type 0x0c) at 1 MiB,
# exactly the files mksdcard.sh lists, a config.txt whose sections name files that are on the card,
# a U-Boot script and environment in the formats U-Boot reads, and the kernels that were built.
# Usage: check-layout.sh IMAGE RPI4_KERNEL RPI3_KERNEL
set -uo pipefail

img=$1 k4=$2 k3=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=$PATH:/sbin:/usr/sbin
export MTOOLS_SKIP_CHECK=1
fat="$img@@1M"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

[ -f "$img" ] || { echo "FAIL: no image at $img"; exit 1; }

# --- The image file and its partition table -------------------------------------------------------
size=$(stat -c %s "$img")
check "image size $size is a power of two (QEMU's -sd requires it)" \
  test $((size & (size - 1))) -eq 0 -a "$size" -gt 0

table=$(sfdisk --dump "$img") || { echo "FAIL: sfdisk cannot read $img"; exit 1; }
printf '      %s\n' "${table//$'\n'/$'\n'      }"
check "label is dos (MBR); the Pi boot ROM does not read GPT" grep -q '^label: dos' <<<"$table"
parts=$(grep -c ' : *start=' <<<"$table")
check "exactly one partition (found $parts)" test "$parts" -eq 1
line=$(grep -m1 ' : *start=' <<<"$table")
check "partition starts at sector 2048 (1 MiB)" grep -Eq 'start= *2048,' <<<"$line"
check "partition type is c (W95 FAT32 LBA)" grep -Eq 'type=c(,|$)' <<<"$line"
check "partition is marked bootable" grep -q 'bootable' <<<"$line"
psize=$(sed -E 's/.*size= *([0-9]+).*/\1/' <<<"$line")
check "partition ends inside the image" test $(((2048 + psize) * 512)) -le "$size"

# --- The file system ------------------------------------------------------------------------------
fstype=$(dd if="$img" bs=1 skip=$((1048576 + 82)) count=8 status=none)
check "file system is FAT32 (boot sector says '$fstype')" test "$fstype" = "FAT32   "
label=$(mlabel -s -i "$fat" :: 2>/dev/null)
check "volume label is BOOT ($label)" grep -q 'BOOT' <<<"$label"

mapfile -t expected < <(bash "$here/tools/mksdcard.sh" -l | sort)
mapfile -t actual < <(mdir -b -i "$fat" :: | sed 's|^::/||' | sort)
echo "      card: ${actual[*]}"
missing=$(comm -23 <(printf '%s\n' "${expected[@]}") <(printf '%s\n' "${actual[@]}"))
extra=$(comm -13 <(printf '%s\n' "${expected[@]}") <(printf '%s\n' "${actual[@]}"))
check "no file missing from the card${missing:+ (missing: $missing)}" test -z "$missing"
check "no unexpected file on the card${extra:+ (extra: $extra)}" test -z "$extra"
for f in start4.elf fixup4.dat bootcode.bin start.elf fixup.dat bcm2711-rpi-4-b.dtb \
  bcm2837-rpi-3-b.dtb config.txt LICENCE.raspi-firmware; do
  check "firmware needs $f" grep -qx "$f" < <(printf '%s\n' "${actual[@]}")
done

same_as() { cmp -s <(mtype -i "$fat" "::$1") "$2"; }
check "kernel8-rpi4.img is the built Pi 4 kernel ($k4)" same_as kernel8-rpi4.img "$k4"
check "kernel8-rpi3.img is the built Pi 3 kernel ($k3)" same_as kernel8-rpi3.img "$k3"
check "config.txt is board/sdcard/config.txt" same_as config.txt "$here/board/sdcard/config.txt"
for k in kernel8-rpi4.img kernel8-rpi3.img; do
  # arm64 Image header (Linux Documentation/arch/arm64/booting.rst): magic "ARM\x64" at 0x38.
  magic=$(mtype -i "$fat" "::$k" | dd bs=1 skip=56 count=4 status=none | od -An -tx1 | tr -d ' ')
  check "$k has the arm64 Image magic (booti needs it)" test "$magic" = 41524d64
done

# --- config.txt / config-direct.txt: the GPU firmware's view --------------------------------------
# Prints "key=value" lines of SECTION ([all] is also what applies before any section).
section() {
  awk -v want="$2" '
    /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
    /^\[/ { cur = $0; gsub(/[][[:space:]]/, "", cur); next }
    { if ((cur == "" ? "all" : cur) == want) print }' <(mtype -i "$fat" "::$1" | tr -d '\r')
}
on_card() { grep -qx "$1" < <(printf '%s\n' "${actual[@]}"); }
for cfg in config.txt config-direct.txt; do
  check "$cfg: arm_64bit=1 in [all]" grep -qx 'arm_64bit=1' < <(section "$cfg" all)
  check "$cfg: enable_uart=1 in [all]" grep -qx 'enable_uart=1' < <(section "$cfg" all)
  check "$cfg: kernel_address=0x80000 in [all]" grep -qx 'kernel_address=0x80000' < <(section "$cfg" all)
  for s in pi4 pi3; do
    k=$(section "$cfg" "$s" | sed -n 's/^kernel=//p')
    check "$cfg: [$s] names a kernel ($k) that is on the card" on_card "${k:-<none>}"
    dt=$(section "$cfg" "$s" | sed -n 's/^device_tree=//p')
    [ -z "$dt" ] || check "$cfg: [$s] device_tree=$dt is on the card" on_card "$dt"
  done
done
check "config.txt: [pi4] starts u-boot-rpi4.bin" grep -qx 'kernel=u-boot-rpi4.bin' < <(section config.txt pi4)
check "config.txt: [pi3] starts u-boot-rpi3.bin" grep -qx 'kernel=u-boot-rpi3.bin' < <(section config.txt pi3)
check "config-direct.txt: [pi4] starts kernel8-rpi4.img" \
  grep -qx 'kernel=kernel8-rpi4.img' < <(section config-direct.txt pi4)
check "config-direct.txt: [pi3] starts kernel8-rpi3.img" \
  grep -qx 'kernel=kernel8-rpi3.img' < <(section config-direct.txt pi3)

# --- U-Boot's files --------------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mcopy -i "$fat" ::boot.scr ::uboot.env "$tmp/"
check "boot.scr is a U-Boot script image" grep -q 'Script' < <(mkimage -l "$tmp/boot.scr")
check "boot.scr starts the kernel with booti" grep -aq 'booti ' "$tmp/boot.scr"
envsize=$(stat -c %s "$tmp/uboot.env")
check "uboot.env is 0x4000 bytes (CONFIG_ENV_SIZE), found $envsize" test "$envsize" -eq 16384
# The first 4 bytes are a little-endian CRC-32 of the rest (U-Boot env/common.c): rebuild the image
# from the source text and compare, which checks the CRC and that the card is not stale.
mkenvimage -s 0x4000 -o "$tmp/expected.env" "$here/board/sdcard/uboot-env.txt"
check "uboot.env matches board/sdcard/uboot-env.txt (CRC and contents)" \
  cmp -s "$tmp/uboot.env" "$tmp/expected.env"
check "uboot.env sets bootdelay=0" grep -aq 'bootdelay=0' "$tmp/uboot.env"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
