# The serial console (docs/console.md): a normal boot (no semihosting, as on a Pi) runs the demo, then the
# UART driver and the console take the UART; these tests type commands into the serial port the way a
# person would (a pause before each line, so lower-priority tasks run in between) and check the
# answers. QEMU is stopped once every expected line has appeared. docs/console.md describes the pieces.
set(prompt "(?s)type 'help'.*bramble> ")
set(common --no-semihosting --until-expected --send-delay 0.5 --expect "Bramble console" --reject "FAIL")
# Every command that reports state, answered with live figures (both toolchains).
foreach(board rpi4 rpi3 rpi4-clang rpi3-clang)
  bramble_qemu_test(console.commands.${board} BUILD ${board} TIMEOUT 90
    ARGS ${common}
         --send-after "${prompt}" "help\\r"
         --send-after "(?s)restart <task>.*bramble> " "tasks\\r"
         --send-after "(?s)cpu ms.*bramble> " "cpus\\r"
         --send-after "(?s)switches.*bramble> " "channels\\r"
         --send-after "(?s)channels open.*bramble> " "graph\\r"
         --send-after "(?s)digraph.*bramble> " "mem\\r"
         --send-after "(?s)root quota.*bramble> " "audit\\r"
         --send-after "(?s)channel [0-9]+ root -> console.*bramble> " "bench 20000\\r"
         --expect "bramble> help" --expect "  channels +the channels" --expect "  kill <task> +end a task"
         --expect "  restart <task> +end a task if it runs and start it again"
         --expect "sensor +[a-z]+ +10 +[0-9]+\\.[0-9] +0 +0 +0 *$"
         --expect "logger +[a-z]+ +10 +[0-9]+\\.[0-9] +1 +1 +0 *$"
         --expect "root +running +31 +[0-9]+\\.[0-9] +0 +0 +0 *$"
         --expect "uart +(blocked|ready) +30 +[0-9]+\\.[0-9] +0 +0 +0 *$"
         --expect "console +(blocked|ready) +20 +[0-9]+\\.[0-9] +[0-3] +any +0 *$"
         --expect "core +state +ready +load +switches"
         --expect "^ +0 running +[0-9]+ +[0-9]+\\.[0-9]% +[1-9][0-9]*"
         --expect "^ +1 (running|idle) +[0-9]+ +[0-9]+\\.[0-9]% +[1-9][0-9]*"
         --expect "^ +3 (running|idle) +[0-9]+ +[0-9]+\\.[0-9]% +[0-9]+"
         --expect "  [0-9]+  uart +-> console +centralized +record +[0-9]+ +open +[1-9]"
         --expect "  [0-9]+  console +-> root +centralized +record +[0-9]+ +open +[1-9]"
         --expect "  [0-9]+  sensor +-> logger +centralized +element +[0-9]+ +open +[1-9][0-9]* +[1-9][0-9]* "
         --expect "5 channels open"
         --expect "^digraph .test. [{]$"
         --expect "^  .sensor. .label=.sensor.nproducer, priority 10, core 0."
         --expect "^  .sensor. -> .logger. .label=.channel [0-9]+.nelement, [0-9]+ bytes.ncentralized."
         --expect "^[}]$"
         --expect "frames: [1-9][0-9]* managed \\([0-9]+ MiB\\), [1-9][0-9]* free, [1-9][0-9]* in use"
         --expect "kernel image: [1-9][0-9]* frames"
         --expect "established centralized channel [0-9]+ uart -> console"
         --expect "established centralized channel [0-9]+ root -> console"
         --expect "bench: 20000 messages \\(64-byte slots"
         --expect "bench: [0-9]+\\.[0-9]+ ms, [1-9][0-9]* messages/s"
         --expect "bench: both sides exited with 0. memory in use ([0-9]+) bytes before, \\1 after"
         --expect "bramble> $")
endforeach()

foreach(board rpi4 rpi3)
  # What a person gets wrong: an unknown word, a line too long, kill without or with a bad argument,
  # a bench count that is no number, killing the same task twice (the consumer side, this time).
  string(REPEAT "x" 85 long_line)
  bramble_qemu_test(console.errors.${board} BUILD ${board} TIMEOUT 90
    ARGS ${common}
         --send-after "${prompt}" "frobnicate\\r"
         --send-after "(?s)unknown command 'frobnicate'.*bramble> " "${long_line}\\r"
         --send-after "(?s)line too long.*bramble> " "kill\\r"
         --send-after "(?s)usage: kill <task>.*bramble> " "kill nobody\\r"
         --send-after "(?s)no task called 'nobody'.*bramble> " "kill console\\r"
         --send-after "(?s)serves this console.*bramble> " "bench lots\\r"
         --send-after "(?s)messages must be a number.*bramble> " "kill logger\\r"
         --send-after "(?s)kill: logger killed.*bramble> " "kill logger\\r"
         --send-after "(?s)'logger' is not running.*bramble> " "help\\r"
         --expect "console: unknown command 'frobnicate'"
         --expect "bramble> x{80}\n"
         --expect "console: line too long \\(more than 80 characters\\), ignored"
         --expect "usage: kill <task>"
         --expect "kill: no task called 'nobody'"
         --expect "kill: 'console' serves this console. refused"
         --expect "bench: messages must be a number from 1 to 10000000"
         --expect "kill: logger killed"
         --expect "kill: channel [0-9]+ \\(sensor -> logger\\) closed. sensor was woken and sees Closed"
         --expect "kill: 'logger' is not running"
         --expect "  help +this list" --expect "bramble> $")

  # restart of the live consumer mid-stream, twice: it comes back on the same ring and carries on where
  # its predecessor stopped, the channel stays open throughout, tasks shows the restarts and the audit
  # trail each step; restart without a task, of a console part or of a task that never ran is refused.
  bramble_qemu_test(console.restart.${board} BUILD ${board} TIMEOUT 90
    ARGS ${common}
         --send-after "${prompt}" "restart\\r"
         --send-after "(?s)usage: restart <task>.*bramble> " "restart uart\\r"
         --send-after "(?s)serves this console.*bramble> " "restart intruder\\r"
         --send-after "(?s)nothing to restart.*bramble> " "restart logger\\r"
         --send-after "(?s)restart 1[)].*bramble> " "restart logger\\r"
         --send-after "(?s)restart 2[)].*bramble> " "channels\\r"
         --send-after "(?s)restart 2[)].*channels open.*bramble> " "tasks\\r"
         --send-after "(?s)restarts.*bramble> " "audit\\r"
         --expect "usage: restart <task>"
         --expect "restart: 'uart' serves this console. refused"
         --expect "restart: 'intruder' is not running \\(never started, or killed\\). nothing to restart"
         --expect "restart: logger ended and started again \\(restart 1\\). its channels are where they were"
         --expect "restart: logger ended and started again \\(restart 2\\)"
         --expect "  [0-9]+  sensor +-> logger +centralized +element +[0-9]+ +open +[1-9][0-9]* "
         --expect "5 channels open"
         --expect "logger +[a-z]+ +10 +[0-9]+\\.[0-9] +1 +1 +2 *$"
         --expect "side-down centralized channel [0-9]+ sensor -> logger"
         --expect "restarted logger \\(1 restarts\\)"
         --expect "reattached centralized channel [0-9]+ sensor -> logger"
         --expect "restarted logger \\(2 restarts\\)"
         --expect "bramble> $")
  # kill of the producer mid-stream: the broker closes its channel, wakes the consumer, which sees
  # Closed and exits; the channel goes, the audit trail shows both steps.
  bramble_qemu_test(console.kill.${board} BUILD ${board} TIMEOUT 90
    ARGS ${common}
         --send-after "${prompt}" "channels\\r"
         --send-after "(?s)channels open.*bramble> " "kill sensor\\r"
         --send-after "(?s)kill: channel.*bramble> " "channels\\r"
         --send-after "(?s)kill: channel.*channels open.*bramble> " "audit\\r"
         --send-after "(?s)peer-ended centralized channel [0-9]+ sensor -> logger.*bramble> " "tasks\\r"
         --expect "  [0-9]+  sensor +-> logger +centralized +element +[0-9]+ +open +[1-9]"
         --expect "5 channels open"
         --expect "kill: sensor killed"
         --expect "kill: channel [0-9]+ \\(sensor -> logger\\) closed. logger was woken and sees Closed"
         --expect "4 channels open"
         --expect "peer-ended centralized channel [0-9]+ sensor -> logger"
         --expect "closed centralized channel [0-9]+ sensor -> logger"
         --expect "logger +exited +10"
         --expect "bramble> $")
endforeach()
