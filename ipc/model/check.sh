#!/usr/bin/env bash
# check.sh: run one spin verification of ipc/model/channel.pml and judge pan's verdict.
#
#   check.sh --work DIR --capacity N [--messages M] [--define NAME]... \
#            --mode safety|liveness --expect pass|fail [--violation REGEX] [--model FILE]
#
# safety:   spin -a; gcc -DSAFETY -DNOCLAIM; ./pan        (assertions, invariant, invalid end states)
# liveness: spin -a -DNO_OBSERVER; gcc -DNFAIR=3; ./pan -a -f -N delivered   (LTL, weak fairness)
#
# --expect pass: pan must report "errors: 0" after a complete search (no depth cut-off).
# --expect fail: pan must report an error, and its error line must match --violation (an extended
#                regex such as "assertion violated.*consumer_asleep" or "acceptance cycle"), so a
#                mutant that fails for some other reason does not count.
# Prints one summary line with the state count, transitions and the time pan reported; pan's full
# output and any trail stay in DIR (replay a trail with the spin -t command printed on failure).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="$here/channel.pml"
work="" capacity="" messages="" mode="" expect="" violation=""
defines=()

die() { echo "check.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --capacity) capacity="$2"; shift 2 ;;
    --messages) messages="$2"; shift 2 ;;
    --define) defines+=("-D$2"); shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --expect) expect="$2"; shift 2 ;;
    --violation) violation="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) die "unknown argument '$1'" ;;
  esac
done

[[ -n "$work" && -n "$capacity" && -n "$mode" && -n "$expect" ]] \
  || die "need --work, --capacity, --mode and --expect"
[[ "$mode" == safety || "$mode" == liveness ]] || die "--mode must be safety or liveness"
[[ "$expect" == pass || "$expect" == fail ]] || die "--expect must be pass or fail"
[[ "$expect" == pass || -n "$violation" ]] || die "--expect fail needs --violation REGEX"
command -v spin >/dev/null || die "spin not found (Debian package spin)"
command -v gcc >/dev/null || die "gcc not found"

# Capacity is a power of two (the ring's contract); the default count wraps the ring at least twice.
(( capacity > 0 && (capacity & (capacity - 1)) == 0 )) || die "capacity must be a power of two"
[[ -n "$messages" ]] || messages=$(( 2 * capacity + 2 ))

spin_defs=(-DCAPACITY="$capacity" -DMESSAGES="$messages" "${defines[@]}")
if [[ "$mode" == safety ]]; then
  cc_defs=(-DSAFETY -DNOCLAIM)
  pan_args=()
else
  spin_defs+=(-DNO_OBSERVER)
  cc_defs=(-DNFAIR=3)
  pan_args=(-a -f -N delivered)
fi
# A passing run explores everything: optimise pan. A mutant stops at its first error: compile fast.
opt=-O2
[[ "$expect" == fail ]] && opt=-O0

rm -rf "$work"
mkdir -p "$work"
cp "$model" "$work/"
cd "$work"
name="$(basename "$model")"

spin -a "${spin_defs[@]}" "$name" >spin.out 2>&1 || { cat spin.out; die "spin -a failed"; }
# COLLAPSE: lossless state compression (exhaustive search, about half the memory).
gcc "$opt" -w -DCOLLAPSE "${cc_defs[@]}" -o pan pan.c || die "compiling pan failed"
set +e
./pan -m500000 "${pan_args[@]}" >pan.out 2>&1
set -e

field() { sed -n "$1" pan.out | head -n 1; }
errors="$(field 's/.*errors: \([0-9]*\).*/\1/p')"
states="$(field 's/^ *\([0-9.e+]*\) states, stored.*/\1/p')"
transitions="$(field 's/^ *\([0-9.e+]*\) transitions.*/\1/p')"
visited="$(field 's/.*states, stored (\([0-9.e+]*\) visited).*/\1/p')"
depth="$(field 's/.*depth reached \([0-9]*\).*/\1/p')"
seconds="$(field 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p')"
error_line="$(grep -m 1 -E '^pan:[0-9]+: ' pan.out || true)"

summary="model=$name capacity=$capacity messages=$messages mode=$mode"
[[ ${#defines[@]} -gt 0 ]] && summary+=" defines=${defines[*]}"
summary+=" errors=${errors:-?} states=${states:-?}"
[[ -n "$visited" ]] && summary+=" visited=$visited"
summary+=" transitions=${transitions:-?} depth=${depth:-?} pan_time=${seconds:-?}s"
echo "$summary"
[[ -n "$error_line" ]] && echo "first error: $error_line"

if [[ -z "$errors" ]]; then
  cat pan.out
  die "could not read pan's verdict (output above)"
fi

if [[ "$expect" == pass ]]; then
  if [[ "$errors" != 0 ]]; then
    echo "FAIL: expected no errors"
    echo "replay: cd $work && spin -t -p ${spin_defs[*]} $name"
    exit 1
  fi
  # An exhaustive claim needs a complete search: a depth cut-off would hide states.
  if grep -q -e 'max search depth too small' -e 'Search not completed' pan.out; then
    echo "FAIL: search incomplete (see $work/pan.out)"
    exit 1
  fi
  echo "PASS: no errors in a complete search"
else
  if [[ "$errors" == 0 ]]; then
    echo "FAIL: the mutant was expected to fail with /$violation/ but pan found no error"
    exit 1
  fi
  if ! grep -q -E -- "$violation" <<<"$error_line"; then
    echo "FAIL: pan found an error, but not the expected kind /$violation/"
    echo "replay: cd $work && spin -t -p ${spin_defs[*]} $name"
    exit 1
  fi
  echo "PASS: failed as expected (/$violation/)"
fi
