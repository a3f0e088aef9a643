#!/usr/bin/env bash
# Runs one libFuzzer target for CTest or by hand (docs/fuzzing.md).
#
#   run-fuzzer.sh regress BINARY CORPUS WORKDIR          each corpus file once, no mutation
#   run-fuzzer.sh fuzz    BINARY CORPUS WORKDIR SECONDS  fuzz a fresh copy of CORPUS for SECONDS
#   run-fuzzer.sh soak    BINARY CORPUS WORKDIR SECONDS  like fuzz, but WORKDIR's corpus is kept and
#                                                        grows from run to run; BRAMBLE_FUZZ_SOAK_SECONDS
#                                                        in the environment overrides SECONDS
#
# The checked-in corpus is never written to. A crash, a leak, a timeout or a violated property leaves
# the input under WORKDIR/artifacts/ and the log in WORKDIR/fuzz.log; reproduce it with
# `BINARY WORKDIR/artifacts/crash-...`. A dictionary tests/fuzz/dict/<target>.dict is used when present.
# Extra libFuzzer flags may come from BRAMBLE_FUZZ_FLAGS (e.g. "-jobs=2 -workers=2").
set -euo pipefail

mode=${1:?mode: regress, fuzz or soak}
binary=${2:?fuzzer binary}
corpus=${3:?seed corpus folder}
work=${4:?work folder}
seconds=${5:-20}
if [[ "$mode" == soak && -n "${BRAMBLE_FUZZ_SOAK_SECONDS:-}" ]]; then seconds=$BRAMBLE_FUZZ_SOAK_SECONDS; fi

target=$(basename "$corpus")
dict="$(cd "$(dirname "$0")" && pwd)/dict/$target.dict"
common=(-rss_limit_mb=1024 -timeout=10 -max_len=8192 -print_final_stats=1)
[[ -f "$dict" ]] && common+=(-dict="$dict")

if [[ ! -x "$binary" ]]; then
  echo "run-fuzzer: $binary is missing: build the host preset first" >&2
  exit 1
fi
shopt -s nullglob
seeds=("$corpus"/*)
if (( ${#seeds[@]} == 0 )); then
  echo "run-fuzzer: no seed files in $corpus" >&2
  exit 1
fi

case "$mode" in
regress)
  rm -rf "$work" && mkdir -p "$work"
  # With file arguments libFuzzer runs each input exactly once and exits non-zero on any finding.
  "$binary" "${common[@]}" -artifact_prefix="$work/" "${seeds[@]}" >"$work/regress.log" 2>&1 || {
    tail -n 60 "$work/regress.log"
    echo "run-fuzzer: $target failed on the checked-in corpus (log: $work/regress.log)" >&2
    exit 1
  }
  echo "run-fuzzer: $target: ${#seeds[@]} corpus inputs pass"
  ;;
fuzz | soak)
  if [[ "$mode" == fuzz ]]; then rm -rf "$work"; fi
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n "${seeds[@]}" "$work/corpus/"
  status=0
  "$binary" "${common[@]}" -max_total_time="$seconds" -artifact_prefix="$work/artifacts/" \
    ${BRAMBLE_FUZZ_FLAGS:-} "$work/corpus" >"$work/fuzz.log" 2>&1 || status=$?
  # The last status line carries the totals: runs, cov (covered edges), ft (features), exec/s.
  summary=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1 || true)
  execs=$(grep -E '^stat::number_of_executed_units' "$work/fuzz.log" | awk '{print $2}' || true)
  rate=$(grep -E '^stat::average_exec_per_sec' "$work/fuzz.log" | awk '{print $2}' || true)
  echo "run-fuzzer: $target: ${seconds}s, ${execs:-?} executions, ${rate:-?} exec/s, corpus $(ls "$work/corpus" | wc -l) files"
  echo "run-fuzzer: $target: last status: $summary"
  if (( status != 0 )); then
    tail -n 80 "$work/fuzz.log"
    echo "run-fuzzer: $target FAILED (exit $status); inputs in $work/artifacts/:" >&2
    ls -l "$work/artifacts/" >&2 || true
    exit 1
  fi
  ;;
*)
  echo "run-fuzzer: unknown mode $mode" >&2
  exit 2
  ;;
esac
