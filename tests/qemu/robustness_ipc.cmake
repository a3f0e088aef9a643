# Robustness of the channels (hostile peers, the stress run; docs/broker.md), on both boards. The root task runs the
# scenarios of tests/root/robustness.cpp; it exits 0 only when every check it makes held, and the
# kernel adds its frame-leak check.
#  - hostile-producer / hostile-consumer: after 100 honest messages a hostile component writes garbage
#    into the shared words it may write (each attack on a fresh channel); the honest side must end its
#    stream with PeerCorrupted and exit normally, and the broker then closes the channel (audited).
#  - hostile-header: the hostile side writes page 0, which the broker maps read-only: the kernel kills
#    it, and the honest side is told (Closed).
#  - stress: BRAMBLE_STRESS_MESSAGES messages through one channel while a task of the same priority
#    never gives up the CPU (about 7 s per board at 10^7 under QEMU 10 on the reference machine).
set(BRAMBLE_STRESS_MESSAGES 10000000 CACHE STRING "Messages of the robust.stress scenario")
foreach(board rpi4 rpi3)
  set(started "kernel: root task 'root' started")
  set(clean "root: memory in use ([0-9]+) bytes before, \\1 after. capabilities ([0-9]+) before, \\2 after. channels open 0")
  set(verdict "kernel: root task 'root' exited with code 0")
  set(leaks "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0")

  # Hostile producer (mallory-tx -> logger): every attack ends the honest consumer's stream after
  # exactly the 100 honest messages, with PeerCorrupted; the broker closes the channel.
  set(producer_attacks)
  set(id 0)
  foreach(attack element:tail-ahead element:tail-back record:tail-ahead record:tail-back record:record-overrun
                 record:record-length record:record-pad-at-0 record:record-flags record:record-unaligned)
    string(REPLACE ":" ";" parts "${attack}")
    list(GET parts 0 kind)
    list(GET parts 1 name)
    math(EXPR id "${id} + 1")
    list(APPEND producer_attacks
      --expect "hostile_producer mallory-tx: ${name} on the ${kind} ring after 100 honest messages"
      --expect "consumer logger: stream ended after 100 messages: PeerCorrupted"
      --expect "root: logger reported channel ${id} corrupted \\(PeerCorrupted\\): the broker closes it"
      --expect "hostile_producer mallory-tx: channel withdrawn, exiting"
      --expect "root: hostile: ${name} by the producer on the ${kind} ring: logger ended after 100 messages with PeerCorrupted, mallory-tx exited \\(0\\). channel ${id} closed")
  endforeach()
  bramble_qemu_test(robust.hostile-producer.${board} BUILD ${board} SCENARIO user:root TIMEOUT 60
    ARGS --append "scenario=hostile-producer" --expect "${started}" ${producer_attacks}
         --expect "root: audit #0 t=[0-9]+\\.[0-9]+ established centralized channel 1 mallory-tx -> logger"
         --expect "root: audit #1 t=[0-9]+\\.[0-9]+ closed centralized channel 1 mallory-tx -> logger"
         --expect "root: audit #17 t=[0-9]+\\.[0-9]+ closed centralized channel 9 mallory-tx -> logger"
         --expect "${clean}" --expect "root: scenario 'hostile-producer' passed" --expect "${verdict}" --expect "${leaks}"
         --reject "FAIL" --reject "misfired" --reject "killed")

  # Hostile consumer (sensor -> mallory-rx): the honest producer ends with PeerCorrupted at its next
  # look at the head (when its cached free space runs out), and the broker closes the channel.
  set(consumer_attacks)
  set(id 0)
  foreach(attack element:head-back element:head-ahead record:head-back record:head-ahead)
    string(REPLACE ":" ";" parts "${attack}")
    list(GET parts 0 kind)
    list(GET parts 1 name)
    math(EXPR id "${id} + 1")
    list(APPEND consumer_attacks
      --expect "hostile_consumer mallory-rx: ${name} on the ${kind} ring after 100 honest messages"
      --expect "producer sensor: stream ended after [0-9]+ messages: PeerCorrupted"
      --expect "root: sensor reported channel ${id} corrupted \\(PeerCorrupted\\): the broker closes it"
      --expect "hostile_consumer mallory-rx: channel withdrawn, exiting"
      --expect "root: hostile: ${name} by the consumer on the ${kind} ring: sensor ended after [0-9]+ messages with PeerCorrupted, mallory-rx exited \\(0\\). channel ${id} closed")
  endforeach()
  bramble_qemu_test(robust.hostile-consumer.${board} BUILD ${board} SCENARIO user:root TIMEOUT 60
    ARGS --append "scenario=hostile-consumer" --expect "${started}" ${consumer_attacks}
         --expect "root: audit #0 t=[0-9]+\\.[0-9]+ established centralized channel 1 sensor -> mallory-rx"
         --expect "root: audit #1 t=[0-9]+\\.[0-9]+ closed centralized channel 1 sensor -> mallory-rx"
         --expect "root: audit #7 t=[0-9]+\\.[0-9]+ closed centralized channel 4 sensor -> mallory-rx"
         --expect "${clean}" --expect "root: scenario 'hostile-consumer' passed" --expect "${verdict}" --expect "${leaks}"
         --reject "FAIL" --reject "misfired" --reject "killed")

  # Writing the read-only header page: a permission fault at the ring's base, the attacker killed,
  # the honest side told (Closed), the channel peer-ended then closed.
  set(fault "permission fault, level 3 at 0x90000000")
  bramble_qemu_test(robust.hostile-header.${board} BUILD ${board} SCENARIO user:root TIMEOUT 60
    ARGS --append "scenario=hostile-header" --expect "${started}"
         --expect "kernel: task 'hostile_producer' killed: Data Abort \\(lower EL\\), ${fault}"
         --expect "consumer logger: stream ended after 100 messages: Closed"
         --expect "root: hostile: header-write by the producer on the element ring: logger ended after 100 messages with Closed, mallory-tx was killed"
         --expect "kernel: task 'hostile_producer' killed: Data Abort \\(lower EL\\), ${fault}"
         --expect "root: hostile: header-write by the producer on the record ring: logger ended after 100 messages with Closed, mallory-tx was killed"
         --expect "kernel: task 'hostile_consumer' killed: Data Abort \\(lower EL\\), ${fault}"
         --expect "producer sensor: stream ended after [0-9]+ messages: Closed"
         --expect "root: hostile: header-write by the consumer on the element ring: sensor ended after [0-9]+ messages with Closed, mallory-rx was killed"
         --expect "kernel: task 'hostile_consumer' killed: Data Abort \\(lower EL\\), ${fault}"
         --expect "root: hostile: header-write by the consumer on the record ring: sensor ended after [0-9]+ messages with Closed, mallory-rx was killed"
         --expect "root: audit #1 t=[0-9]+\\.[0-9]+ peer-ended centralized channel 1 mallory-tx -> logger"
         --expect "root: audit #2 t=[0-9]+\\.[0-9]+ closed centralized channel 1 mallory-tx -> logger"
         --expect "root: audit #11 t=[0-9]+\\.[0-9]+ closed centralized channel 4 sensor -> mallory-rx"
         --expect "${clean}" --expect "root: scenario 'hostile-header' passed" --expect "${verdict}" --expect "${leaks}"
         --reject "FAIL" --reject "misfired" --reject "withdrawn")

  # The long run: sequence numbers and checksums of every message checked by the consumer, with timer
  # preemption the only way back to the stream once the hog has the CPU.
  set(n ${BRAMBLE_STRESS_MESSAGES})
  bramble_qemu_test(robust.stress.${board} BUILD ${board} SCENARIO user:root TIMEOUT 150
    ARGS --append "scenario=stress messages=${n}" --expect "${started}"
         --expect "root: stress: ${n} messages through one channel. stress-tx, stress-rx and hog all at priority 10, hog never yields"
         --expect "stress_consumer stress-rx: received ${n} messages: ${n} in order, 0 lost, 0 duplicated, 0 corrupt. sequence sum correct"
         --expect "root: stress: ${n} sent, ${n} received, ${n} in order, 0 lost, 0 duplicated, 0 corrupt. .*hog counted to [1-9][0-9]*"
         --expect "${clean}" --expect "root: scenario 'stress' passed" --expect "${verdict}" --expect "${leaks}"
         --reject "FAIL")
endforeach()
