# EL0 test programs (tests/programs/<program>) run as the root task on both boards: the kernel starts
# the program for -append "test=user:<program>" and ends QEMU with its exit code (1 if a frame
# leaked). Each program prints one "FAIL <file>:<line>: <expr>" line per failed check and ends with
# "<program>: N checks, M failed".
foreach(board rpi4 rpi3)
  foreach(program syscall_errors cap_rights preempt fpu registers fault notify)
    set(extra "")
    if(program STREQUAL "syscall_errors")
      # The per-call check counts, for every call (the program checks it covered all of them).
      set(extra --expect "syscall debug_write: [1-9][0-9]* checks" --expect "syscall task_status: [1-9][0-9]* checks")
    endif()
    bramble_qemu_test(task.${program}.${board} BUILD ${board} SCENARIO user:${program} TIMEOUT 60
      ARGS --expect "kernel: root task '${program}' started" ${extra}
           --expect "${program}: [0-9]+ checks, 0 failed"
           --expect "kernel: root task '${program}' exited with code 0"
           --reject "FAIL " --reject "no checks")
  endforeach()
endforeach()

# wait_timeout (docs/syscalls.md) with every core online: timeouts measured with the generic timer,
# early signals, a waiter on core 2 woken while every core idles, a waiter killed or whose notification
# is destroyed before its deadline, wake-ups in deadline order, signals racing deadlines; then nothing
# may be left behind.
foreach(board rpi4 rpi3)
  bramble_qemu_test(task.timed_wait.${board} BUILD ${board} SCENARIO user:timed_wait TIMEOUT 90
    ARGS --expect "kernel: root task 'timed_wait' started"
         --expect "timed_wait: timeout: 50 ms asked, [0-9]+ ms waited"
         --expect "timed_wait: remote: a 100 ms wait on core 2 ended after [0-9]+ ms"
         --expect "timed_wait: order: woke 1 3 5 0 4 2"
         --expect "timed_wait: race: 200 waits"
         --expect "timed_wait: [0-9]+ checks, 0 failed"
         --expect "kernel: root task 'timed_wait' exited with code 0"
         --expect "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0"
         --reject "FAIL " --reject "PANIC")
endforeach()

# Devices for user-space drivers (docs/syscalls.md, docs/console.md): device frames, interrupt handlers, and a real
# interrupt-driven receive on the console UART while the kernel console is quiet.
foreach(board rpi4 rpi3)
  bramble_qemu_test(task.devices.${board} BUILD ${board} SCENARIO user:devices TIMEOUT 60
    ARGS --send-after "devices: the driver is listening" "hello irq\\r"
         --expect "devices: the driver received 'hello irq' through the UART interrupt"
         --expect "devices: [1-9][0-9]* interrupts taken" --expect "devices: [0-9]+ checks, 0 failed"
         --expect "kernel: root task 'devices' exited with code 0" --reject "FAIL ")
endforeach()

# The PMU at EL0 is read-only (kernel/arch/aarch64/pmu.cpp): with pmu=el0 the program reads both
# counters, then each child that writes a PMU register is killed by the trap, and the counters never
# stopped or went back. Were a write let through, its child would exit instead and the program fail.
# -icount as for the benchmark: QEMU counts INST_RETIRED only then (without it counter 0 stays 0).
foreach(board rpi4 rpi3)
  set(kill_lines "")
  foreach(reg PMCR_EL0 PMCNTENCLR_EL0 PMEVTYPER0_EL0 PMCCNTR_EL0 PMEVCNTR0_EL0 PMCCFILTR_EL0)
    list(APPEND kill_lines --expect "pmu_readonly: a child writes ${reg} "
         --expect "kernel: task 'pmu_readonly' killed: Trapped MSR/MRS/system instruction \\(ELR 0x[0-9a-f]+, ESR 0x62[0-9a-f]{6}\\)")
  endforeach()
  bramble_qemu_test(task.pmu_readonly.${board} BUILD ${board} SCENARIO user:pmu_readonly TIMEOUT 60
    ARGS --append "pmu=el0" --qemu-arg=-icount --qemu-arg=shift=0,align=off,sleep=off
         --expect "kernel: root task 'pmu_readonly' started"
         --expect "^\\[pmu_readonly\\] pmu_readonly: counters read at EL0: [1-9][0-9]* instructions, [1-9][0-9]* cycles"
         ${kill_lines}
         --expect "pmu_readonly: a child writes PMUSERENR_EL0 "
         --expect "kernel: task 'pmu_readonly' killed: Unknown reason \\(undefined instruction\\)"
         --expect "pmu_readonly: [0-9]+ checks, 0 failed"
         --expect "kernel: root task 'pmu_readonly' exited with code 0"
         --reject "FAIL ")
endforeach()

# debug_write is attributed (kernel/log.hpp): every line a task prints starts with "[<task>] ", its
# control characters are shown as \xNN, and a line it leaves open is never finished by someone else.
# The program prints copies of the kernel's lines; the kernel lines with that text must not appear,
# and the runner must not take the copies for them (a pattern starting "kernel:" only matches a line
# that starts so). A '[' in a pattern is written \\x5b here: an unbalanced '[' would stop CMake from
# splitting the argument list after it.
foreach(board rpi4 rpi3)
  set(el0 "^\\[debug_lines\\] ")
  bramble_qemu_test(task.debug_lines.${board} BUILD ${board} SCENARIO user:debug_lines
    ARGS --expect "kernel: root task 'debug_lines' started"
         --expect "${el0}kernel: task 'debug_lines' killed: forged by EL0$"
         --expect "${el0}kernel: root task 'debug_lines' exited with code 0$"
         --expect "${el0}carriage\\\\x0dkernel: forged after a carriage return$"
         --expect "${el0}escape\\\\x1b\\x5b2K\\\\x1b\\x5b1Gkernel: forged after an erase-line sequence$"
         --expect "${el0}backspace(\\\\x08){9}kernel: forged after backspaces$"
         --expect "${el0}partial, then a child:$"
         --expect "${el0}the child's line$"
         --expect "${el0} and the rest of the root's line$"
         --expect "debug_lines: [0-9]+ checks, 0 failed"
         --expect "kernel: root task 'debug_lines' exited with code 0"
         --reject "kernel: task 'debug_lines' killed" --reject "kernel: forged" --reject "\\x1b" --reject "\\x08"
         --reject "FAIL ")
endforeach()
