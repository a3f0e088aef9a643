#!/usr/bin/env bash
# Installs what Bramble's build and tests need on Debian 12, and nothing that is already there.
#
# Idempotent: every package is checked with dpkg first. QEMU 10 (the first with raspi4b) comes from
# bookworm-backports, and the Pi firmware from non-free-firmware; both are enabled by writing a second
# deb822 source that reuses the mirror URI and keyring the machine's own apt sources already name, so
# no registry host is written into the project. When not run as root it prints the command instead.
#
# Usage: tools/install-deps.sh [--check]   (--check: exit 1 if something is missing, install nothing)
set -euo pipefail

want_packages=(
  cmake ninja-build make g++ clang lld llvm libclang-rt-14-dev clang-format-14
  g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
  gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib
  doctest-dev libfdt-dev device-tree-compiler
  libboost-dev libreaderwriterqueue-dev
  mtools dosfstools fdisk u-boot-tools
  gdb-multiarch spin python3 graphviz
  python3-matplotlib
)
backports_packages=(qemu-system-arm)
min_qemu_major=9   # raspi4b appeared in QEMU 9.0

missing=()
for p in "${want_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

qemu_ok=0
if command -v qemu-system-aarch64 >/dev/null 2>&1; then
  major=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
  [ -n "$major" ] && [ "$major" -ge "$min_qemu_major" ] && qemu_ok=1
fi

if [ ${#missing[@]} -eq 0 ] && [ $qemu_ok -eq 1 ]; then
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  echo "missing: ${missing[*]} $([ $qemu_ok -eq 1 ] || echo 'qemu-system-arm (>= 9, bookworm-backports)')" >&2
  exit 1
fi

sources=/etc/apt/sources.list.d/debian.sources
extra=/etc/apt/sources.list.d/bramble-backports.sources
if [ "$(id -u)" -ne 0 ]; then
  echo "Bramble needs packages that are not installed. Run as root:" >&2
  echo "  sudo $0" >&2
  [ ${#missing[@]} -gt 0 ] && echo "  (it installs: ${missing[*]})" >&2
  [ $qemu_ok -eq 1 ] || echo "  (and qemu-system-arm from bookworm-backports, with a source file $extra)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# apt fails at once when another apt holds the lock: wait for it instead.
wait_for_apt() {
  local i
  for i in $(seq 1 120); do
    if ! fuser /var/lib/dpkg/lock-frontend /var/lib/apt/lists/lock >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
}

# Registries drop a download now and then: retry each step and name what failed.
retry() {
  local what=$1; shift
  local n
  for n in 1 2 3 4; do
    wait_for_apt
    if "$@"; then return 0; fi
    echo "install-deps: '$what' failed (attempt $n), retrying" >&2
    sleep $((n * 5))
  done
  echo "install-deps: giving up on '$what'" >&2
  return 1
}

if [ ! -f "$extra" ]; then
  [ -f "$sources" ] || { echo "install-deps: $sources not found; cannot derive the mirror" >&2; exit 1; }
  uri=$(awk '/^URIs:/ {print $2; exit}' "$sources")
  key=$(awk '/^Signed-By:/ {print $2; exit}' "$sources")
  [ -n "$uri" ] || { echo "install-deps: no URIs: line in $sources" >&2; exit 1; }
  cat >"$extra" <<SRC
# Written by Bramble's tools/install-deps.sh: backports (QEMU with raspi4b) and the Pi firmware,
# from the same mirror as debian.sources.
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $key

Types: deb
URIs: $uri
Suites: bookworm
Components: non-free-firmware
Signed-By: $key
SRC
fi

retry "apt-get update" apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
  retry "apt-get install ${missing[*]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ $qemu_ok -eq 0 ]; then
  retry "apt-get install -t bookworm-backports qemu-system-arm" \
    apt-get install -y -q --no-install-recommends -t bookworm-backports "${backports_packages[@]}"
fi
echo "install-deps: done"
