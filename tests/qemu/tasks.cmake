# EL0 test programs (user/tests/<program>) run as the root task on both boards: the kernel starts
# the program for -append "test=user:<program>" and ends QEMU with its exit code (1 if a frame
# leaked). Each program prints one "FAIL <file>:<line>: <expr>" line per failed check and ends with
# "<program>: N checks, M failed".
foreach(board rpi4 rpi3)
  foreach(program syscall_errors cap_rights preempt fpu fault notify)
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

# Devices for user-space drivers (issue 10): device frames, interrupt handlers, and a real
# interrupt-driven receive on the console UART while the kernel console is quiet.
foreach(board rpi4 rpi3)
  bramble_qemu_test(task.devices.${board} BUILD ${board} SCENARIO user:devices TIMEOUT 60
    ARGS --send-after "devices: the driver is listening" "hello irq\\r"
         --expect "devices: the driver received 'hello irq' through the UART interrupt"
         --expect "devices: [1-9][0-9]* interrupts taken" --expect "devices: [0-9]+ checks, 0 failed"
         --expect "kernel: root task 'devices' exited with code 0" --reject "FAIL ")
endforeach()
