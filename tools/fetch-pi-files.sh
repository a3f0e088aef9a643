#!/usr/bin/env bash
# Fetches the Raspberry Pi files Bramble needs from Debian's arm64 packages, without changing this
# machine's apt configuration (a private lists/sources folder and an architecture override for these
# calls only), and unpacks them into a cache folder that later runs reuse:
#   <cache>/pi/dtbs/bcm2711-rpi-4-b.dtb, bcm2837-rpi-3-b.dtb      (linux-image-*-arm64)
#   <cache>/pi/firmware/{start4.elf,fixup4.dat,bootcode.bin,...}  (raspi-firmware, non-free-firmware)
#   <cache>/pi/u-boot/{rpi_3,rpi_4,rpi_arm64}/u-boot.bin           (u-boot-rpi)
# Usage: tools/fetch-pi-files.sh [cache-dir]     (default: build/cache)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=$(realpath -m "${1:-$here/build/cache}")
out=$cache/pi
stamp=$out/.complete
[ -f "$stamp" ] && exit 0

mkdir -p "$cache/apt/lists/partial" "$cache/apt/sources" "$cache/debs" "$out"
src=/etc/apt/sources.list.d/debian.sources
uri=$(awk '/^URIs:/ {print $2; exit}' "$src")
key=$(awk '/^Signed-By:/ {print $2; exit}' "$src")
[ -n "$uri" ] || { echo "fetch-pi-files: no URIs: line in $src" >&2; exit 1; }
cat >"$cache/apt/sources/pi.sources" <<SRC
Types: deb
URIs: $uri
Suites: bookworm
Components: main non-free-firmware
Architectures: arm64
Signed-By: $key
SRC

o=(-q -oAPT::Architecture=arm64 -oAPT::Architectures=arm64
   -oDir::State::Lists="$cache/apt/lists" -oDir::Etc::SourceList=/dev/null
   -oDir::Etc::SourceParts="$cache/apt/sources" -oDir::Cache="$cache/apt/cache"
   -oDebug::NoLocking=1)

retry() {
  local n
  for n in 1 2 3 4; do
    "$@" && return 0
    echo "fetch-pi-files: '$*' failed (attempt $n), retrying" >&2
    sleep $((n * 5))
  done
  echo "fetch-pi-files: giving up on: $*" >&2
  return 1
}

retry apt-get "${o[@]}" update
# The arm64 kernel image package's exact name changes with every kernel update: ask apt which one the
# metapackage points at.
kpkg=$(apt-cache "${o[@]}" depends linux-image-arm64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || { echo "fetch-pi-files: cannot resolve linux-image-arm64" >&2; exit 1; }
(cd "$cache/debs" && retry apt-get "${o[@]}" download u-boot-rpi raspi-firmware "$kpkg")

mkdir -p "$out/dtbs" "$out/firmware" "$out/u-boot"
for name in bcm2711-rpi-4-b bcm2837-rpi-3-b; do
  dpkg-deb --fsys-tarfile "$cache"/debs/linux-image-*arm64*.deb |
    tar -xO --wildcards "*/broadcom/$name.dtb" >"$out/dtbs/$name.dtb"
  [ -s "$out/dtbs/$name.dtb" ] || { echo "fetch-pi-files: $name.dtb missing from $kpkg" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$cache"/debs/raspi-firmware_*.deb "$tmp/fw"
cp "$tmp"/fw/usr/lib/raspi-firmware/* "$out/firmware/"
for f in "$tmp"/fw/usr/share/doc/raspi-firmware/copyright; do cp "$f" "$out/firmware/LICENCE.raspi-firmware"; done
dpkg-deb -x "$cache"/debs/u-boot-rpi_*.deb "$tmp/ub"
for b in rpi_3 rpi_4 rpi_arm64; do
  mkdir -p "$out/u-boot/$b"
  cp "$tmp/ub/usr/lib/u-boot/$b/u-boot.bin" "$out/u-boot/$b/"
done
cp "$tmp/ub/usr/share/doc/u-boot-rpi/copyright" "$out/u-boot/LICENCE.u-boot" 2>/dev/null || true
echo "$kpkg" >"$out/kernel-package"
touch "$stamp"
echo "fetch-pi-files: done ($out)"
