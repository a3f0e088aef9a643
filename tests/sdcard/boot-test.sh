#!/usr/bin/env bash
# Boots Bramble's SD image under QEMU the way a Pi does after its GPU firmware: QEMU never runs the
# firmware or reads config.txt, so this script plays the firmware's part and hands QEMU the U-Boot
# binary and DTB that config.txt names for the board, taken from the card itself. U-Boot then reads
# uboot.env and boot.scr from the card, loads the board's kernel from it, and starts it with booti; the
# kernel runs what -append "test=<scenario>" names (read through semihosting; the production kernel
# knows "user:root", its root task, which then runs its demo) and ends QEMU with the verdict.
#
# Usage: boot-test.sh --image IMG --board rpi4|rpi3 --banner REGEX [--scenario NAME] [--no-dtb]
#                     [--timeout SECONDS] [--qemu PATH]
#   --no-dtb  do not pass the firmware's DTB (rpi_3 then uses its built-in one; checks boot.scr's
#             fallback). A real Pi's firmware always passes one.
# Passes when QEMU exits with 0, U-Boot loaded uboot.env (the fast path) and booted the kernel, and the
# kernel printed a line starting with "Bramble" that matches REGEX after U-Boot handed over.
set -uo pipefail

image='' board='' banner='' scenario='user:root messages=1000' dtb=1 limit=60 qemu=qemu-system-aarch64
while [ $# -gt 0 ]; do
  case $1 in
    --image) image=$2; shift ;;
    --board) board=$2; shift ;;
    --banner) banner=$2; shift ;;
    --scenario) scenario=$2; shift ;;
    --no-dtb) dtb=0 ;;
    --timeout) limit=$2; shift ;;
    --qemu) qemu=$2; shift ;;
    *) echo "boot-test: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
case $board in
  rpi4) machine=raspi4b uboot=u-boot-rpi4.bin dtbfile=bcm2711-rpi-4-b.dtb ;;
  rpi3) machine=raspi3b uboot=u-boot-rpi3.bin dtbfile=bcm2837-rpi-3-b.dtb ;;
  *) echo "boot-test: --board must be rpi4 or rpi3" >&2; exit 2 ;;
esac
[ -f "$image" ] || { echo "FAIL: no image at $image" >&2; exit 1; }
[ -n "$banner" ] || { echo "boot-test: --banner is required" >&2; exit 2; }
command -v "$qemu" >/dev/null || { echo "FAIL: $qemu not found (tools/install-deps.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MTOOLS_SKIP_CHECK=1
mcopy -i "$image@@1M" "::$uboot" "::$dtbfile" "$tmp/" || { echo "FAIL: cannot read the card"; exit 1; }

args=(-M "$machine" -kernel "$tmp/$uboot")
[ "$dtb" = 1 ] && args+=(-dtb "$tmp/$dtbfile")
# snapshot=on: writes go to a temporary overlay, so parallel runs can share the image (QEMU refuses
# a read-only SD card). U-Boot's console is the mini UART (second serial port) and the kernel's is
# the PL011 (first): both go to one stdout.
# shellcheck disable=SC2054  # the commas belong to QEMU's -drive option
args+=(-drive "if=sd,format=raw,snapshot=on,file=$image"
  -chardev stdio,id=con,mux=on -serial chardev:con -serial chardev:con
  -display none -monitor none -semihosting -append "test=$scenario")

echo "boot-test: $qemu ${args[*]}"
log=$tmp/console.log
# Microseconds since the epoch, in bash alone ($EPOCHREALTIME is "seconds.microseconds"); the loop
# below forks nothing, so its time stamps do not lag behind the console.
usec() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }
secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 % 1000000 / 1000)); }
start=$(usec)
# Time-stamp every console line (seconds since QEMU started) so the log shows where boot time goes.
timeout "$limit" "$qemu" "${args[@]}" </dev/null 2>&1 |
  while IFS= read -r line || [ -n "$line" ]; do
    t=$EPOCHREALTIME
    t=$((10#${t/./} - start))
    printf '%4d.%03d %s\n' $((t / 1000000)) $((t % 1000000 / 1000)) "${line%$'\r'}"
  done >"$log"
rc=${PIPESTATUS[0]}
total=$(secs $(($(usec) - start)))

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

handover=$(grep -n 'Starting kernel \.\.\.' "$log" | head -1 | cut -d: -f1)
if [ "$rc" -eq 124 ]; then fail "QEMU still running after ${limit} s (timeout)"
elif [ "$rc" -ne 0 ]; then fail "QEMU exit code $rc (want 0: the scenario's verdict)"
else ok "QEMU exit code 0"; fi
# expect PATTERN OK-MESSAGE FAIL-MESSAGE: a fixed-string search of the console log.
expect() { if grep -qF -- "$1" "$log"; then ok "$2"; else fail "$3"; fi; }
expect 'U-Boot 20' "U-Boot started" "no U-Boot banner on the mini UART"
expect 'Loading Environment from FAT... OK' "U-Boot loaded uboot.env from the card" \
  "U-Boot did not load uboot.env (it fell back to its slow default environment)"
expect '## Executing script' "U-Boot ran boot.scr" "U-Boot did not run boot.scr"
if [ -n "$handover" ]; then
  ok "U-Boot started the kernel with booti (log line $handover)"
  # Only what follows the hand-over counts: boot.scr's own messages also start with "Bramble".
  banner_line=$(tail -n +"$handover" "$log" | grep -E "^ *[0-9.]+ Bramble" | grep -E -m1 "$banner")
  if [ -n "$banner_line" ]; then
    at=$(awk '{print $1; exit}' <<<"$banner_line")
    ok "kernel banner: $(sed -E 's/^ *[0-9.]+ //' <<<"$banner_line")"
    echo "boot-test: $board: kernel banner after $at s, QEMU exited after $total s"
  else
    fail "no kernel line starting with 'Bramble' and matching /$banner/ after U-Boot's hand-over"
  fi
  # U-Boot leaves cores 1-3 in the spin table; the kernel must bring all of them up.
  if tail -n +"$handover" "$log" | grep -qE "smp: 4 of 4 cores online"; then
    ok "all four cores online after booti"
  else
    fail "the kernel did not report 'smp: 4 of 4 cores online' after U-Boot's hand-over"
  fi
else
  fail "U-Boot never printed 'Starting kernel ...'"
fi

if [ "$failures" -ne 0 ]; then
  echo "---- console (seconds since start) ----"
  cat "$log"
  exit 1
fi
exit 0
