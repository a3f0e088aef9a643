# The ChannelBroker end to end (broker/root: the root task program; user/components: producer and
# consumer), on both boards. Each scenario boots with -append "test=user:root scenario=<name>"; the
# root task exits 0 only when every check it makes held, and the kernel adds its own frame-leak check.
foreach(board rpi4 rpi3)
  set(started "kernel: root task 'root' started")
  set(clean "root: memory in use ([0-9]+) bytes before, \\1 after. capabilities ([0-9]+) before, \\2 after. channels open 0")
  set(verdict "kernel: root task 'root' exited with code 0")
  set(leaks "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0")
  set(table "root: +([0-9]+) \\| centralized  \\| element \\|   sensor -> logger   \\| 0 -> 1 \\| +1000000 \\| +[0-9]+ \\| +0 \\|")
  set(table2 "root: +([0-9]+) \\| self-service \\| record  \\|   camera -> display  \\| 2 -> 3 \\| +1000000 \\| +[0-9]+ \\| +0 \\|")

  # The demo: 10^6 messages through a centralized element ring and a self-service record ring.
  bramble_qemu_test(broker.demo.${board} BUILD ${board} SCENARIO user:root TIMEOUT 120
    # The two consumers run on different cores and finish in either order.
    ARGS --expect "${started}" --expect "consumer (logger|display): received 1000000 messages \\([0-9]+ bytes\\), 0 errors"
         --expect "consumer (logger|display): received 1000000 messages \\([0-9]+ bytes\\), 0 errors"
         --expect "${table}" --expect "${table2}" --expect "root: audit #0 t=[0-9]+\\.[0-9]+ established centralized channel 1 sensor -> logger"
         --expect "root: audit #1 t=[0-9]+\\.[0-9]+ granted self-service channel 2 camera -> display"
         --expect "${clean}" --expect "root: scenario 'demo' passed" --expect "${verdict}" --expect "${leaks}"
         --reject "FAIL")
  # Centralized and self-service rings of the same shape: same address, same header, every message.
  bramble_qemu_test(broker.layout.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=layout" --expect "${started}"
         --expect "consumer (logger|display): ring at 0x90000000: magic 0x50495242 kind 1 element 64 capacity 1024 offsets 4096/8192/12288 total 77824"
         --expect "consumer (logger|display): ring at 0x90000000: magic 0x50495242 kind 1 element 64 capacity 1024 offsets 4096/8192/12288 total 77824"
         --expect "root: layout: centralized and self-service rings both at 0x90000000 with identical headers"
         --expect "${clean}" --expect "root: scenario 'layout' passed" --expect "${verdict}" --reject "FAIL")
  # Pairs, modes and shapes the manifest does not allow: refused, audited, free.
  bramble_qemu_test(broker.unauthorized.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=unauthorized" --expect "${started}"
         --expect "root: unauthorized: centralized logger -> sensor refused \\(pair not allowed\\)"
         --expect "root: unauthorized: centralized sensor -> intruder refused \\(pair not allowed\\)"
         --expect "root: unauthorized: self-service sensor -> logger refused \\(setup mode not allowed\\)"
         --expect "root: audit #0 t=[0-9]+\\.[0-9]+ refused centralized logger -> sensor"
         --expect "root: audit #3 t=[0-9]+\\.[0-9]+ refused centralized sensor -> logger .*ring shape not allowed"
         --expect "${clean}" --expect "root: scenario 'unauthorized' passed" --expect "${verdict}" --reject "FAIL")
  # Self-service without a registry capability: the kernel refuses the query.
  bramble_qemu_test(broker.no-registry.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=no-registry" --expect "${started}"
         --expect "consumer intruder: channel setup failed: kernel call failed \\(kernel error EmptySlot\\)"
         --expect "root: intruder exited with code 2" --expect "root: audit #0 t=[0-9]+\\.[0-9]+ refused self-service camera -> intruder"
         --expect "${clean}" --expect "root: scenario 'no-registry' passed" --expect "${verdict}" --reject "FAIL")
  # A producer killed mid-stream: the consumer drains, gets Closed, and everything is given back.
  bramble_qemu_test(broker.kill.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=kill" --expect "${started}" --expect "producer sensor: faulting on purpose at message 5000"
         --expect "kernel: task 'producer' killed"
         --expect "consumer logger: stream ended after 5000 messages: Closed"
         --expect "root: audit #1 t=[0-9]+\\.[0-9]+ peer-ended centralized channel 1 sensor -> logger"
         --expect "root: audit #2 t=[0-9]+\\.[0-9]+ closed centralized channel 1 sensor -> logger"
         --expect "${clean}" --expect "root: scenario 'kill' passed" --expect "${verdict}" --expect "${leaks}" --reject "FAIL")
  # Out of memory at each step of a centralized setup: each attempt rolls back completely.
  bramble_qemu_test(broker.oom.${board} BUILD ${board} SCENARIO user:root TIMEOUT 60
    ARGS --append "scenario=oom" --expect "${started}"
         --expect "root: oom: attempt 1 failed at allocate \\(QuotaExceeded\\). rolled back: memory in use unchanged, capabilities unchanged"
         --expect "root: oom: attempt [0-9]+ failed at map-broker \\(QuotaExceeded\\). rolled back: memory in use unchanged, capabilities unchanged"
         --expect "root: oom: attempt [0-9]+ failed at map-producer \\(QuotaExceeded\\). rolled back: memory in use unchanged, capabilities unchanged"
         --expect "root: oom: attempt [0-9]+ failed at map-consumer \\(QuotaExceeded\\). rolled back: memory in use unchanged, capabilities unchanged"
         --expect "root: oom: attempt [0-9]+ succeeded"
         --expect "${clean}" --expect "root: scenario 'oom' passed" --expect "${verdict}" --expect "${leaks}" --reject "FAIL")
  # A normal boot (no semihosting, as on hardware): the kernel starts 'root', the demo runs, the
  # system stays up.
  bramble_qemu_test(broker.boot-demo.${board} BUILD ${board} TIMEOUT 25
    ARGS --no-semihosting --expect-running --expect "${started}" --expect "root: scenario 'demo' passed"
         --expect "root: demo done. starting the console" --reject "FAIL")
endforeach()
