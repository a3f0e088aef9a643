# Robustness (docs/fuzzing.md): the EL0 system-call fuzzer on both boards. Deterministic from its seed (printed
# first; replay any failure with the same -append). The kernel checks its capability invariants every
# 997 calls (a violation panics: exit 3), and the run fails if any frame was not given back.
# A longer soak: make -f Makefile.qemu soak [SEED=n CALLS=n].
set(BRAMBLE_FUZZ_SEED 20261125 CACHE STRING "Seed of the syscall fuzzer in the test suite")
set(BRAMBLE_FUZZ_CALLS 1000000 CACHE STRING "System calls the fuzzer makes per board in the test suite")
foreach(board rpi4 rpi3)
  bramble_qemu_test(robust.syscall-fuzz.${board} BUILD ${board} SCENARIO user:syscall_fuzz TIMEOUT 240
    ARGS --append "seed=${BRAMBLE_FUZZ_SEED} calls=${BRAMBLE_FUZZ_CALLS} capcheck=997"
         --expect "checking capability invariants every 997 system calls"
         --expect "syscall_fuzz: seed ${BRAMBLE_FUZZ_SEED}, ${BRAMBLE_FUZZ_CALLS} calls"
         --expect "syscall_fuzz: [0-9]+ calls by [0-9]+ workers .*: 0 kernel failures"
         --expect "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0"
         --reject "PANIC" --reject "invariant violated")
endforeach()
# The same fuzzer on every core at once (smp=1): one worker pinned to each online core, worker i with
# the stream of seed + i, so the workers' calls on shared objects (the quota, the registry, the tasks
# they create) race across cores while the invariant check runs. A failure replays each worker's calls,
# not the interleaving: rerun it a few times. 50,000 calls took 8-16 s per board on the shared 2-core
# development host (100,000 took 16 s; the all-core TLB invalidations that stop every virtual CPU are
# not what bounds it there), so the count leaves room for a slower machine under the minute.
set(BRAMBLE_FUZZ_SMP_CALLS 50000 CACHE STRING "System calls the four-core fuzzer makes per board in the test suite")
foreach(board rpi4 rpi3)
  bramble_qemu_test(robust.syscall-fuzz-smp.${board} BUILD ${board} SCENARIO user:syscall_fuzz TIMEOUT 60
    ARGS --append "seed=${BRAMBLE_FUZZ_SEED} calls=${BRAMBLE_FUZZ_SMP_CALLS} capcheck=997 smp=1"
         --expect "checking capability invariants every 997 system calls"
         --expect "syscall_fuzz: seed ${BRAMBLE_FUZZ_SEED}, ${BRAMBLE_FUZZ_SMP_CALLS} calls"
         --expect "syscall_fuzz: worker 3 on core 3, seed [0-9]+"
         --expect "syscall_fuzz: [0-9]+ calls by [0-9]+ workers .*: 0 kernel failures"
         --expect "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0"
         --reject "PANIC" --reject "invariant violated")
endforeach()
