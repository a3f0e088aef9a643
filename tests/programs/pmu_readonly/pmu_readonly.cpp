// pmu_readonly: with pmu=el0 EL0 may read the performance counters and change nothing about them.
//
// The kernel sets PMUSERENR_EL0 = CR | ER (kernel/arch/aarch64/pmu.cpp): PMCCNTR_EL0 and
// PMEVCNTR0_EL0 read at EL0; every write that could reset, stop, reprogram or overwrite a counter
// traps to EL1 and kills the writer. The root reads both counters, then starts one child per such
// write, each with its own badged copy of one fault notification, and checks that each child died of
// exactly that instruction: Faulted, UndefinedInstruction, ESR class 0x18 (trapped MSR/MRS) with the
// ISS naming the register and a write (or class 0x00 for PMUSERENR_EL0, which EL0 may never write).
// Last, it reads the counters again: still counting, never reset. Run with -append "pmu=el0" (and,
// under QEMU, -icount: without it QEMU leaves INST_RETIRED at 0).
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/pmu.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::abi::FaultReason;
using bramble::abi::TaskState;
using bramble::bench::Counts;
using bramble::bench::read_counts;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "pmu_readonly";
constexpr Word kChildPriority = 30; // below the root: the root's wait lets the child run
constexpr Word kChildSlots = 4;
constexpr Word kNotKilled = 100; // a child whose write went through exits with this

// The writes each child tries (the task_start argument).
enum Role : Word {
  kWritePmcr = 1,     // msr pmcr_el0, xzr: E = 0 stops every counter
  kWriteCntenClr = 2, // msr pmcntenclr_el0: stop the cycle counter and counter 0
  kWriteEvtyper0 = 3, // msr pmevtyper0_el0: make counter 0 count something else
  kWriteCcntr = 4,    // msr pmccntr_el0, xzr: reset the cycle counter
  kWriteEvcntr0 = 5,  // msr pmevcntr0_el0, xzr: reset counter 0
  kWriteCcfiltr = 6,  // msr pmccfiltr_el0: stop counting cycles at EL0 and EL1
  kWriteUserenr = 7,  // msr pmuserenr_el0: give itself EN
};

int child_main(Word role) {
  const std::uint64_t all = ~std::uint64_t{0};
  // Bits 31 (P) and 30 (U) of PMEVTYPER<n>_EL0 / PMCCFILTR_EL0: do not count at EL1, at EL0.
  const std::uint64_t exclude_el1_el0 = (std::uint64_t{1} << 31) | (std::uint64_t{1} << 30);
  switch (role) {
  case kWritePmcr: asm volatile("msr pmcr_el0, xzr\n\tisb" ::: "memory"); break;
  case kWriteCntenClr: asm volatile("msr pmcntenclr_el0, %0\n\tisb" ::"r"(all) : "memory"); break;
  case kWriteEvtyper0: asm volatile("msr pmevtyper0_el0, %0\n\tisb" ::"r"(exclude_el1_el0) : "memory"); break;
  case kWriteCcntr: asm volatile("msr pmccntr_el0, xzr\n\tisb" ::: "memory"); break;
  case kWriteEvcntr0: asm volatile("msr pmevcntr0_el0, xzr\n\tisb" ::: "memory"); break;
  case kWriteCcfiltr: asm volatile("msr pmccfiltr_el0, %0\n\tisb" ::"r"(exclude_el1_el0) : "memory"); break;
  case kWriteUserenr: asm volatile("msr pmuserenr_el0, %0\n\tisb" ::"r"(std::uint64_t{0xf}) : "memory"); break;
  default: return 1;
  }
  return static_cast<int>(kNotKilled);
}

// ESR_EL1 (ARM ARM D17.2.37, as kernel/arch/aarch64/esr.hpp): EC in bits [31:26]. For EC 0x18
// (its "ISS encoding for an exception from MSR, MRS, or System instruction execution in AArch64
// state") the ISS holds Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
// Rt [9:5], CRm [4:1] and Direction [0] (0: a write, MSR).
constexpr unsigned kEsrEcShift = 26;
constexpr Word kEsrEcMask = 0x3f;
constexpr Word kEcUnknown = 0x00;
constexpr Word kEcSysreg = 0x18;
constexpr Word kIssMask = 0x1ff'ffff;
constexpr Word kIssRtMask = Word{0x1f} << 5;

[[nodiscard]] constexpr Word sysreg_write_iss(Word op0, Word op1, Word crn, Word crm, Word op2) {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (crm << 1);
}

struct Case {
  Role role;
  Word esr_class;
  Word iss; // without Rt; checked for class 0x18 only
  const char* what;
};

// The encodings (op0, op1, CRn, CRm, op2) are those of the registers' descriptions (ARM ARM D13.4,
// the Performance Monitors registers).
constexpr Case kCases[] = {
    {kWritePmcr, kEcSysreg, sysreg_write_iss(3, 3, 9, 12, 0), "PMCR_EL0 (stop every counter)"},
    {kWriteCntenClr, kEcSysreg, sysreg_write_iss(3, 3, 9, 12, 2), "PMCNTENCLR_EL0 (disable the counters)"},
    {kWriteEvtyper0, kEcSysreg, sysreg_write_iss(3, 3, 14, 12, 0), "PMEVTYPER0_EL0 (count nothing)"},
    {kWriteCcntr, kEcSysreg, sysreg_write_iss(3, 3, 9, 13, 0), "PMCCNTR_EL0 (reset the cycle counter)"},
    {kWriteEvcntr0, kEcSysreg, sysreg_write_iss(3, 3, 14, 8, 0), "PMEVCNTR0_EL0 (reset counter 0)"},
    {kWriteCcfiltr, kEcSysreg, sysreg_write_iss(3, 3, 14, 15, 7), "PMCCFILTR_EL0 (filter out EL0 and EL1)"},
    {kWriteUserenr, kEcUnknown, 0, "PMUSERENR_EL0 (grant itself write access)"},
};

void run_case(const task::Root& root, Word faults, Word badge, const Case& c) {
  bramble::user::print("%s: a child writes %s\n", kProgram, c.what);
  const Word minted = task::free_slot();
  if (!CHECK_OK(sys::cap_mint(faults, minted, abi::kRightSignal, badge)).ok()) return;
  const SyscallResult child = CHECK_OK(task::create(root, kChildSlots, kChildPriority, minted));
  if (!child.ok()) return;
  CHECK_OK(sys::task_start(child.r1, c.role));
  CHECK_EQ(CHECK_OK(sys::wait(faults)).r1, abi::kTaskEndedFault | badge);
  const SyscallResult status = CHECK_OK(sys::task_status(child.r1));
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Faulted));
  CHECK_EQ(status.r2, static_cast<Word>(FaultReason::UndefinedInstruction));
  CHECK_EQ((status.r3 >> kEsrEcShift) & kEsrEcMask, c.esr_class);
  if (c.esr_class == kEcSysreg) CHECK_EQ(status.r3 & kIssMask & ~kIssRtMask, c.iss);
  CHECK_OK(sys::cap_delete(child.r1));
  CHECK_OK(sys::cap_delete(minted));
}

// Instructions retired since `start`, modulo 2^32 (counter 0 is 32 bits wide in PMUv3 for v8.0).
[[nodiscard]] Word instructions_since(const Counts& start, const Counts& now) {
  return (now.instructions - start.instructions) & 0xffff'ffffu;
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  // Reading works (without pmu=el0 the first read would kill this task).
  const Counts first = read_counts();
  volatile Word sink = 0;
  for (Word i = 0; i < 1000; ++i)
    sink = sink + i;
  const Counts second = read_counts();
  CHECK(second.cycles > first.cycles);
  CHECK(instructions_since(first, second) >= 1000);
  bramble::user::print("%s: counters read at EL0: %llu instructions, %llu cycles for a 1000-step loop\n", kProgram,
                       static_cast<unsigned long long>(instructions_since(first, second)),
                       static_cast<unsigned long long>(second.cycles - first.cycles));

  const Word faults = CHECK_OK(sys::notification_create(root.memory)).r1;
  Word badge = 1;
  for (const Case& c : kCases) {
    run_case(root, faults, badge, c);
    badge <<= 1;
  }
  CHECK_OK(sys::cap_delete(faults));

  // No write went through: both counters still run and the cycle counter was never reset (from
  // boot it has counted far more than this program's own run).
  const Counts third = read_counts();
  for (Word i = 0; i < 1000; ++i)
    sink = sink + i;
  const Counts fourth = read_counts();
  CHECK(third.cycles > second.cycles);
  CHECK(fourth.cycles > third.cycles);
  CHECK(instructions_since(third, fourth) >= 1000);
  CHECK(instructions_since(second, third) > 0);
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
