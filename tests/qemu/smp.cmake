# Cross-core tests (tests/programs/smp, docs/architecture.md "Concurrency"): the smp program runs as
# the root task with all four cores online and pins its children to their cores. Each case bounds its
# own waits with the generic timer, so a hang (a lost wake-up, a task that does not stop) fails a
# check rather than the runner's timeout. QEMU runs the four virtual CPUs on the host's threads; each
# case keeps at most four of them busy, and its work bounded, to stay well under a minute.
#
# The stream: 10^7 messages through a one-page (512-slot) ring, each side spinning up to
# ipc::kCrossCoreSpin times before it sleeps and pausing every 16,384 messages until the other sleeps
# (tests/programs/smp/smp.cpp checks that each pause cost the other side a sleep). On the shared 2-core
# development host (load 8-9) it ran in about 30 s on each board, 250,000-400,000 messages/s with about
# 16,000 sleeps per side (docs/PERFORMANCE.md, "The SMP figures"). The old 16-slot ring handed over
# every 16 messages, and each cross-core hand-over under QEMU costs a host thread's wake-up: 11,000-
# 13,000 messages/s, so only 200,000 messages fitted. Lower BRAMBLE_SMP_STREAM_MESSAGES on a slower
# host; the expect lines follow it. The timeout leaves room for a CI machine running another QEMU test
# beside it; the run itself stays under a minute.
set(BRAMBLE_SMP_STREAM_MESSAGES 10000000 CACHE STRING "Messages of the cross-core stream test (smp.stream.*)")
foreach(board rpi4 rpi3)
  set(done --expect "smp: [0-9]+ checks, 0 failed" --expect "kernel: root task 'smp' exited with code 0"
           --expect "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0"
           --reject "FAIL " --reject "PANIC")
  bramble_qemu_test(smp.stream.${board} BUILD ${board} SCENARIO user:smp TIMEOUT 120
    ARGS --append "case=stream messages=${BRAMBLE_SMP_STREAM_MESSAGES}"
         --expect "smp: stream: ${BRAMBLE_SMP_STREAM_MESSAGES} messages in [0-9]+ ms .*, lost 0, duplicated or reordered 0$"
         --expect "smp: stream: producer slept [1-9][0-9]* times .*consumer slept [1-9][0-9]* times"
         --expect "smp: stream: sleeps avoided by spinning: producer [0-9]+, consumer [0-9]+\\x3b pauses: producer [1-9][0-9]*, consumer [1-9][0-9]*" ${done})
  bramble_qemu_test(smp.kill-remote.${board} BUILD ${board} SCENARIO user:smp TIMEOUT 60
    ARGS --append "case=kill-remote" --expect "smp: kill-remote: round 7 \\(calling\\): killed on core 3"
         --expect "smp: kill-remote: free frames ([0-9]+) before, \\1 after\\x3b quota use ([0-9]+) bytes before, \\2 after" ${done})
  bramble_qemu_test(smp.unmap-remote.${board} BUILD ${board} SCENARIO user:smp TIMEOUT 60
    ARGS --append "case=unmap-remote"
         --expect "smp: unmap-remote: round 5 \\(frame deleted\\): .* then a translation fault .*, 0 stale reads" ${done})
  bramble_qemu_test(smp.hogs.${board} BUILD ${board} SCENARIO user:smp TIMEOUT 60
    ARGS --append "case=hogs" --expect "smp: hogs: all four counted at least [0-9]+ in [0-9]+ ms" ${done})
  bramble_qemu_test(smp.storm.${board} BUILD ${board} SCENARIO user:smp TIMEOUT 60
    ARGS --append "case=storm" --expect "smp: storm: calls in [0-9]+ ms: core 0 [1-9][0-9]*, core 1 [1-9][0-9]*, core 2 [1-9][0-9]*, core 3 [1-9][0-9]*" ${done})
endforeach()
