# Components that come back (docs/broker.md "Lifecycle"; tests/root/restart.cpp), on both boards: a
# 10^6-message stream whose consumer, then whose producer, crashes ten times and is restarted by its
# policy each time (every message arrives once, in order; a message taken but not released comes
# again), the same through a self-service ring with both sides crashing (the restarted producer takes
# its ring over), a component that crashes at start-up until its budget is gone, and a self-service
# consumer that reads everything its dead producer published, then sees Closed.
foreach(board rpi4 rpi3)
  set(clean "root: memory in use ([0-9]+) bytes before, \\1 after. capabilities ([0-9]+) before, \\2 after. channels open 0")
  set(verdict "kernel: root task 'root' exited with code 0")
  set(leaks "kernel: frames free ([0-9]+), before root \\1. tasks 0, frames objects 0, notifications 0, mappings 0")
  set(done --expect "${verdict}" --expect "${leaks}" --reject "FAIL" --reject "PANIC")
  bramble_qemu_test(restart.consumer.${board} BUILD ${board} SCENARIO user:root TIMEOUT 120
    ARGS --append "scenario=restart-consumer"
         --expect "consumer restart-rx: faulting on purpose at message 90909"
         --expect "root: restart-rx restarts in 1 ms \\(1 of 12\\)"
         --expect "consumer restart-rx: restart 1 resumes at message 90909"
         --expect "consumer restart-rx: restart 10 resumes at message 909090"
         --expect "root: restart: producer sent 1000000, consumer verified 1000000 in order \\(1000010 taken, 10 again after a crash\\), 0 errors. 10 restarts"
         --expect "${clean}" --expect "root: scenario 'restart-consumer' passed" ${done})
  bramble_qemu_test(restart.producer.${board} BUILD ${board} SCENARIO user:root TIMEOUT 120
    ARGS --append "scenario=restart-producer"
         --expect "producer restart-tx: faulting on purpose at message 90909"
         --expect "producer restart-tx: restart 1 resumes at message 90909"
         --expect "producer restart-tx: restart 10 resumes at message 909090"
         --expect "root: restart: producer sent 1000000, consumer verified 1000000 in order \\(1000000 taken, 0 again after a crash\\), 0 errors. 10 restarts"
         --expect "${clean}" --expect "root: scenario 'restart-producer' passed" ${done})
  bramble_qemu_test(restart.self-service.${board} BUILD ${board} SCENARIO user:root TIMEOUT 120
    ARGS --append "scenario=restart-self-service"
         --expect "consumer restart-rx: faulting on purpose at message 90909"
         --expect "producer restart-tx: faulting on purpose at message 136363"
         --expect "producer restart-tx: restart 1 resumes at message 136363"
         --expect "root: restart: producer sent 1000000 \\(5 restarts\\), consumer verified 1000000 in order \\(1000005 taken, 5 restarts\\), 0 errors"
         --expect "${clean}" --expect "root: scenario 'restart-self-service' passed" ${done})
  bramble_qemu_test(restart.self-service-kill.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=self-service-kill"
         --expect "producer camera: faulting on purpose at message 5000"
         --expect "kernel: task 'producer' killed"
         --expect "consumer display: stream ended after 5000 messages: Closed"
         --expect "root: self-service-kill: the consumer read 5000 messages, then Closed"
         --expect "root: audit #[0-9]+ t=[0-9]+\\.[0-9]+ peer-ended self-service channel [0-9]+ camera -> display"
         --expect "${clean}" --expect "root: scenario 'self-service-kill' passed" ${done})
  bramble_qemu_test(restart.crash-loop.${board} BUILD ${board} SCENARIO user:root
    ARGS --append "scenario=crash-loop"
         --expect "crasher crasher: instance 0 crashes at start-up"
         --expect "root: crasher restarts in 5 ms \\(1 of 3\\)"
         --expect "crasher crasher: instance 3 crashes at start-up"
         --expect "root: crasher used up its restart budget \\(3 restarts\\): it stays down"
         --expect "root: audit #[0-9]+ t=[0-9]+\\.[0-9]+ gave-up crasher \\(3 restarts\\)"
         --expect "${clean}" --expect "root: scenario 'crash-loop' passed" ${done})
endforeach()
