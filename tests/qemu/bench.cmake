# Smoke run of the kernel benchmark (broker/bench, tools/kbench.py) on both boards: a few iterations
# under -icount shift=0 with the PMU open to EL0. It must run to the end (exit 0: every peer exited
# cleanly and every streamed message was verified) and print sane figures; no timing assertions.
foreach(board rpi4 rpi3)
  set(n "[1-9][0-9]*")
  bramble_qemu_test(bench.kbench.${board} BUILD ${board} SCENARIO user:kbench TIMEOUT 60
    ARGS --append "pmu=el0 iters=5" --qemu-arg=-icount --qemu-arg=shift=0,align=off,sleep=off
         --expect "kernel: root task ready after ${n} instructions"
         --expect "kbench row null-syscall,cap_info-invalid-slot,instructions,${n},${n},${n},instructions,5"
         --expect "kbench row signal-wait-roundtrip,same-priority,instructions,${n},"
         --expect "kbench row context-switch,yield-between-2-tasks,instructions,${n},"
         --expect "kbench row setup,centralized-element,syscalls,${n},"
         --expect "kbench row stream,element-8B,instructions-per-1000-messages,${n},"
         --expect "kbench: element-8B: 30000 messages verified"
         --expect "kbench row stream,record-256B,syscalls-per-1000000-messages,[0-9]+,"
         --expect "kbench: done, 0 failures"
         --reject "FAILED")
endforeach()

# tools/kpath.py traces one fast path instruction by instruction (docs/PERFORMANCE.md shows what it
# prints): it must find kbench's counter reads around the null system call, trace a sample through to
# its end and name the vector code and the call's own entry in it. QEMU logging every instruction of
# the boot takes most of its time: about 45 s on an idle 2-core machine, 2 minutes beside the rest of
# the suite.
add_test(NAME bench.kpath.rpi4 COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/kpath.py
  --build-root ${BRAMBLE_KERNEL_BUILD_ROOT} --board rpi4 --path null --qemu ${BRAMBLE_QEMU} --timeout 540)
set_tests_properties(bench.kpath.rpi4 PROPERTIES LABELS qemu TIMEOUT 600
  PASS_REGULAR_EXPRESSION "K el0_synchronous\n[^\n]* K unsigned long bramble::syscall::[^\n]*entry<54ul>.*total [1-9][0-9]* instructions")
