# The SDK from outside the tree (docs/sdk.md) and the tutorial (docs/tutorial.md), on both boards.
# tools/sdk_project.py works in a fresh temporary directory: it installs the SDK from the board builds
# (build/rpi4, build/rpi3), builds a project against that prefix only, boots it under QEMU (through
# run_scenario.py, time-limited like every QEMU test) and checks what it prints. A project that does
# not configure or build fails the test, as does a wrong output.
#
# sdk.out-of-tree.<board>: examples/first-system (one producer, one consumer, one channel), booted under
#   a test (test=user:root): the root task runs the system, checks it and exits with its verdict.
# sdk.console-alone.<board>: systems/console.toml built alone through the SDK and driven at its prompt.
# tutorial.<board>: every file and command block of docs/tutorial.md, in order; its QEMU command boots
#   without semihosting, as the reader does, and the test types tasks, channels and graph into the
#   console. The tutorial's files must be examples/first-system's.
# The tests share the board builds and `cmake --preset` them (the tutorial's first step): one at a time.
set(_sdk_tool ${PROJECT_SOURCE_DIR}/tools/sdk_project.py)
set(_sdk_common --source-root ${PROJECT_SOURCE_DIR} --builds ${BRAMBLE_KERNEL_BUILD_ROOT})
set(_sdk_run "root: +1 \\| centralized  \\| element \\|  greeter -> listener \\| [0-3] -> [0-3] \\| +10 \\| +320 \\| +0 \\|")
foreach(board rpi4 rpi3)
  add_test(NAME sdk.out-of-tree.${board} COMMAND ${Python3_EXECUTABLE} ${_sdk_tool} ${_sdk_common} --board ${board}
    --project ${PROJECT_SOURCE_DIR}/examples/first-system --image first --
    --qemu ${BRAMBLE_QEMU} --scenario user:root --timeout 30 --reject FAIL
    --expect "kernel: root task 'root' started"
    --expect "^\\[listener\\] listener: got 'hello 1'$" --expect "^\\[listener\\] listener: got 'hello 2'$"
    --expect "^\\[listener\\] listener: got 'hello 3'$"
    --expect "^\\[listener\\] listener: 10 greetings, all in order$"
    --expect "${_sdk_run}"
    --expect "root: audit #0 t=[0-9.]+ established centralized channel 1 greeter -> listener"
    --expect "root: scenario 'first' passed" --expect "kernel: root task 'root' exited with code 0")

  add_test(NAME tutorial.${board} COMMAND ${Python3_EXECUTABLE} ${_sdk_tool} ${_sdk_common} --board ${board}
    --tutorial ${PROJECT_SOURCE_DIR}/docs/tutorial.md --same-as ${PROJECT_SOURCE_DIR}/examples/first-system --
    --qemu ${BRAMBLE_QEMU} --no-semihosting --until-expected --send-delay 0.5 --timeout 60 --reject FAIL
    --send-after "(?s)type 'help'.*bramble> " "tasks\\r"
    --send-after "(?s)cpu ms.*bramble> " "channels\\r"
    --send-after "(?s)channels open.*bramble> " "graph\\r"
    --expect "^\\[listener\\] listener: got 'hello 1'$"
    --expect "^\\[listener\\] listener: 10 greetings, all in order$"
    --expect "${_sdk_run}" --expect "root: scenario 'first' passed"
    --expect "root: first done. starting the console"
    --expect "Bramble console"
    --expect "greeter +(ready|blocked) +10 +[0-9]+\\.[0-9]"
    --expect "listener +(ready|blocked) +10 +[0-9]+\\.[0-9]"
    --expect "  [0-9]+  greeter +-> listener +centralized +element +[0-9]+ +open +[1-9]"
    --expect "5 channels open"
    --expect "^digraph .first. [{]$"
    --expect "^  .greeter. -> .listener. .label=.channel [0-9]+.nelement, [0-9]+ bytes.ncentralized."
    --expect "^[}]$" --expect "bramble> $")
  # systems/console.toml on its own, through the SDK (its programs all come with it): no component
  # to run at boot, straight to the prompt, and a bench command that says this system has no pair.
  add_test(NAME sdk.console-alone.${board} COMMAND ${Python3_EXECUTABLE} ${_sdk_tool} ${_sdk_common} --board ${board}
    --system ${PROJECT_SOURCE_DIR}/systems/console.toml --
    --qemu ${BRAMBLE_QEMU} --no-semihosting --until-expected --send-delay 0.5 --timeout 40 --reject FAIL
    --send-after "(?s)type 'help'.*bramble> " "tasks\\r"
    --send-after "(?s)cpu ms.*bramble> " "bench\\r"
    --expect "root: system 'console' starts no component at boot"
    --expect "root: scenario 'console' passed" --expect "root: console done. starting the console"
    --expect "^root +running +31" --expect "^uart +(blocked|ready) +30" --expect "^console +(blocked|ready) +20"
    --expect "bench: this system has no bench-tx -> bench-rx pair" --expect "bramble> $")
  set_tests_properties(sdk.out-of-tree.${board} tutorial.${board} sdk.console-alone.${board} PROPERTIES
    TIMEOUT 400 LABELS qemu RESOURCE_LOCK bramble_board_builds)
endforeach()
