// The scheduler: strict priorities 0..31, round robin within a priority on the timer tick (one tick
// is the time slice), blocking waits. The kernel is not preemptible: it switches tasks only on the
// way back to EL0 (exit_to_user), with one kernel stack for everything (the seL4 model).
#pragma once

#include <cstdint>

#include "kernel/arch/context.hpp"

namespace bramble::ktask {
class Task;
}

namespace bramble::sched {

using ktask::Task;

// The task whose registers are in the exception frame (nullptr while idle).
[[nodiscard]] Task* current();

void make_ready(Task& task);
// Takes a task off the ready queue (or marks the running task as leaving the CPU).
void remove(Task& task);
// A blocked task's call completes with x0 = status, x1 = value; it becomes ready.
void wake(Task& task, std::uint64_t status, std::uint64_t value);
// The running task blocks (its call's results are filled in by wake()).
void block_current();
void yield_current();
// Timer tick (interrupt context).
void on_tick();
// A task ended (ktask::end_task): the next exit_to_user reaps it (and reports an ended root task).
void note_task_ended();

// At the end of every exception taken from EL0: releases ended tasks, and if the running task
// blocked, ended, used up its slice or a higher-priority task woke, saves its registers from `frame`
// and loads the next task's into it (idling until one is ready).
void exit_to_user(arch::ExceptionFrame& frame);

// Leaves kernel_main for the first task (there must be a ready one). Does not return.
[[noreturn]] void start();

[[nodiscard]] std::uint64_t context_switches();

// The task's CPU time in generic-timer counter ticks (CNTPCT_EL0; CNTFRQ_EL0 per second): the time it
// held the CPU, at EL0 and in the kernel on its behalf, up to now for the running task. Charged once
// per context switch (one counter read) and when the task ends; idle time is charged to nobody.
[[nodiscard]] std::uint64_t cpu_time(const Task& task);

} // namespace bramble::sched
