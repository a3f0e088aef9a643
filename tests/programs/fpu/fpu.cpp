// fpu: every task keeps its own FP/SIMD state across preemption.
//
// Three tasks at the same priority (the root and two children) each load all 32 Q registers with
// their own pattern and set FPCR (rounding mode, flush-to-zero, default NaN) and FPSR (cumulative
// exception flags) to their own values, then spin without any system call for many time slices.
// While spinning each counts how often it finds that another task ran since its last look (a shared
// "last runner" word), which proves the timer switched tasks in the middle of the loop. Afterwards
// each stores its registers and checks them against its pattern. Children report through the shared
// frame and their exit code.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::abi::TaskState;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "fpu";
constexpr unsigned kTasks = 3; // task 0 is the root
constexpr unsigned kRegisters = 32;
constexpr Word kChildSlots = 2;
// Loop iterations (5 instructions each): ~320 M instructions per task, about a second of QEMU
// time at 100-300 M instructions/s, i.e. dozens of 10 ms slices for each of the three tasks.
constexpr Word kIterations = 64'000'000;
constexpr Word kRequiredSwitches = 3;

// FPCR (ARM ARM, FPCR register description): RMode [23:22], FZ [24], DN [25]. FPSR (its register
// description): cumulative flags IOC [0], DZC [1], OFC [2], UFC [3], IXC [4], IDC [7], QC [27]. No FP
// instruction runs in the loop, so the flags stay as set.
constexpr Word kFpcr[kTasks] = {0, (Word{1} << 22) | (Word{1} << 24), (Word{2} << 22) | (Word{1} << 25)};
constexpr Word kFpsr[kTasks] = {Word{1} << 0, (Word{1} << 1) | (Word{1} << 4), (Word{1} << 27) | (Word{1} << 2)};

struct alignas(16) Registers {
  Word q[kRegisters][2]; // low, high half of q0..q31
};

struct Result {
  Word switches;
  Word mismatches;
  Word fpcr;
  Word fpsr;
  Word done;
};

struct Shared {
  volatile Word last_runner;
  Result result[kTasks];
};

[[nodiscard]] constexpr Word pattern_low(unsigned id, unsigned reg) {
  return (Word{id + 1} << 56) | (Word{reg} << 48) | (0xA5A5'5A5A'C3C3ull ^ (Word{id} * 0x1111'1111ull));
}
[[nodiscard]] constexpr Word pattern_high(unsigned id, unsigned reg) {
  return ~pattern_low(id, reg) ^ (Word{reg} << 8);
}

#define BRAMBLE_FP_PAIRS(op, base)                                                                                     \
  op " q0, q1, [" base ", #0]\n\t" op " q2, q3, [" base ", #32]\n\t" op " q4, q5, [" base ", #64]\n\t" op              \
     " q6, q7, [" base ", #96]\n\t" op " q8, q9, [" base ", #128]\n\t" op " q10, q11, [" base ", #160]\n\t" op         \
     " q12, q13, [" base ", #192]\n\t" op " q14, q15, [" base ", #224]\n\t" op " q16, q17, [" base ", #256]\n\t" op    \
     " q18, q19, [" base ", #288]\n\t" op " q20, q21, [" base ", #320]\n\t" op " q22, q23, [" base ", #352]\n\t" op    \
     " q24, q25, [" base ", #384]\n\t" op " q26, q27, [" base ", #416]\n\t" op " q28, q29, [" base ", #448]\n\t" op    \
     " q30, q31, [" base ", #480]\n\t"

// Loads `in` into q0..q31 and the control/status values, spins `iterations` times counting task
// switches, then stores q0..q31 to `out`. One asm statement, so the compiler cannot touch an FP
// register in between.
Result torture(Word id, const Registers& in, Registers& out, volatile Word* last_runner, Word iterations) {
  Result result{};
  Word n = iterations;
  Word seen = 0;
  asm volatile(
      BRAMBLE_FP_PAIRS("ldp", "%[in]") "msr fpcr, %[fpcr_in]\n\t"
                                       "msr fpsr, %[fpsr_in]\n\t"
                                       "mov %[switches], #0\n"
                                       "1:\n\t"
                                       "ldr %[seen], [%[last]]\n\t"
                                       "cmp %[seen], %[id]\n\t"
                                       "b.eq 2f\n\t"
                                       "str %[id], [%[last]]\n\t"
                                       "add %[switches], %[switches], #1\n"
                                       "2:\n\t"
                                       "subs %[n], %[n], #1\n\t"
                                       "b.ne 1b\n\t" BRAMBLE_FP_PAIRS("stp", "%[out]") "mrs %[fpcr_out], fpcr\n\t"
                                                                                       "mrs %[fpsr_out], fpsr\n\t"
      : [n] "+r"(n), [seen] "=&r"(seen), [switches] "=&r"(result.switches), [fpcr_out] "=&r"(result.fpcr),
        [fpsr_out] "=&r"(result.fpsr)
      : [in] "r"(&in), [out] "r"(&out), [last] "r"(last_runner), [id] "r"(id), [fpcr_in] "r"(kFpcr[id]),
        [fpsr_in] "r"(kFpsr[id])
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
        "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
        "v31");
  return result;
}

#undef BRAMBLE_FP_PAIRS

// Runs the torture for task `id` and records the outcome in the shared frame.
Result run(unsigned id) {
  auto* shared = task::at<Shared>(task::kTestMapBase);
  Registers in{};
  Registers out{};
  for (unsigned r = 0; r < kRegisters; ++r) {
    in.q[r][0] = pattern_low(id, r);
    in.q[r][1] = pattern_high(id, r);
  }
  Result result = torture(id, in, out, &shared->last_runner, kIterations);
  for (unsigned r = 0; r < kRegisters; ++r) {
    if (out.q[r][0] != pattern_low(id, r) || out.q[r][1] != pattern_high(id, r)) {
      bramble::user::print("fpu: task %u q%u is 0x%016llx%016llx, want 0x%016llx%016llx\n", id, r,
                           static_cast<unsigned long long>(out.q[r][1]), static_cast<unsigned long long>(out.q[r][0]),
                           static_cast<unsigned long long>(pattern_high(id, r)),
                           static_cast<unsigned long long>(pattern_low(id, r)));
      ++result.mismatches;
    }
  }
  result.done = 1;
  shared->result[id] = result;
  return result;
}

int child_main(Word id) {
  if (id == 0 || id >= kTasks) return -1;
  const Result result = run(static_cast<unsigned>(id));
  const bool ok = result.mismatches == 0 && result.fpcr == kFpcr[id] && result.fpsr == kFpsr[id];
  return ok ? 0 : 1;
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  const Word frame = task::map_new(root, abi::kPageSize, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  if (!CHECK(frame != 0)) return bramble::user::check::summary(kProgram);
  auto* shared = task::at<Shared>(task::kTestMapBase);
  const Word ended = CHECK_OK(sys::notification_create(root.memory)).r1;

  Word child[kTasks] = {};
  Word view[kTasks] = {};
  Word ended_copy[kTasks] = {};
  for (unsigned id = 1; id < kTasks; ++id) {
    ended_copy[id] = task::free_slot();
    CHECK_OK(sys::cap_mint(ended, ended_copy[id], abi::kRightSignal, Word{1} << id));
    child[id] = CHECK_OK(task::create(root, kChildSlots, abi::kMaxPriority, ended_copy[id])).r1;
    view[id] = task::share(child[id], frame, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
    CHECK(view[id] != 0);
  }
  for (unsigned id = 1; id < kTasks; ++id)
    CHECK_OK(sys::task_start(child[id], id));
  run(0);
  const Word all = (Word{1} << 1) | (Word{1} << 2);
  CHECK_EQ(task::wait_for(ended, all) & (all | abi::kTaskEndedFault), all);

  for (unsigned id = 0; id < kTasks; ++id) {
    const Result& r = shared->result[id];
    bramble::user::print("fpu: task %u saw %llu switches, %llu register mismatches\n", id,
                         static_cast<unsigned long long>(r.switches), static_cast<unsigned long long>(r.mismatches));
    CHECK_EQ(r.done, 1);
    CHECK_EQ(r.mismatches, 0);
    CHECK_EQ(r.fpcr, kFpcr[id]);
    CHECK_EQ(r.fpsr, kFpsr[id]);
    CHECK(r.switches >= kRequiredSwitches);
    if (id == 0) continue;
    const SyscallResult status = CHECK_OK(sys::task_status(child[id]));
    CHECK_EQ(status.r1, static_cast<Word>(TaskState::Exited));
    CHECK_EQ(status.r2, 0);
    CHECK_OK(sys::cap_delete(child[id]));
    CHECK_OK(sys::cap_delete(view[id]));
    CHECK_OK(sys::cap_delete(ended_copy[id]));
  }
  CHECK_OK(sys::cap_delete(ended));
  CHECK_OK(sys::memory_unmap(task::kTestMapBase));
  CHECK_OK(sys::cap_delete(frame));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
