# The security suite (tests/programs/security): one attack class per test, on both boards, labelled
# `security` (ctest -L security). The root program `security` reads the class from the command line,
# starts the attacker (security_child, a budget of 64 KiB beyond the price of its own task) and checks
# that the root and an honest component keep working. Every attack prints one `attack: ...` line; a
# refusal other than the documented one prints FAIL. The kernel checks its capability invariants
# every few calls (capcheck=) and, at the root's exit, that every frame came back.
set(_security_classes ended-task pt-churn pt-hoard split-chain registry-flood revoke-grant pool-tasks pool-frames
    pool-notifications pool-mappings stale boundaries rights)
foreach(board rpi4 rpi3)
  foreach(class IN LISTS _security_classes)
    # The invariant check walks every table for every live capability: the classes whose attacker
    # fills a table of thousands of slots check less often.
    set(interval 101)
    if(class MATCHES "^pool-(mappings|notifications)$")
      set(interval 997)
    endif()
    set(timeout 120)
    if(class STREQUAL "pt-churn")
      set(timeout 240) # one map+unmap round per free frame of the machine (about 20 s today)
    endif()
    bramble_qemu_test(security.${class}.${board} BUILD ${board} SCENARIO user:security TIMEOUT ${timeout}
      ARGS --append "attack=${class} capcheck=${interval}"
           --expect "checking capability invariants every ${interval} system calls"
           --expect "kernel: root task 'security' started"
           --expect "security: attack class '${class}'"
           --expect "attack: "
           --expect "attacker: [0-9]+ checks, 0 failed"
           --expect "security: [0-9]+ checks, 0 failed"
           --expect "kernel: root task 'security' exited with code 0"
           --expect "kernel: frames free ([0-9]+), before root \\1[^0-9]"
           --reject "FAIL " --reject "BROKEN" --reject "PANIC" --reject "invariant violated" --reject "LEAK")
    set_tests_properties(security.${class}.${board} PROPERTIES LABELS "security;qemu")
  endforeach()
endforeach()
