// fault: a fault kills only the faulting task, and its supervisor learns how it ended.
//
// The root starts one child per way of ending, one after the other, each with its own badged copy
// of one fault notification: (a) a load from an unmapped address, (b) `udf #0`, (c) `svc` with a
// number that names no call, (d) task_exit(7), (e) a store into its own read-only text, (g) a jump
// into its (never executable) stack. For each it checks the notification bits (the ended bit ORed
// with that child's badge, nothing else) and task_status (state, code, detail). Meanwhile (f) a
// healthy sibling counts in a shared frame and signals every kProgressStep steps: it must still make
// progress after all the others died.
#include <cstdint>

#include "user/lib/check.hpp"
#include "user/lib/task.hpp"

namespace {

using bramble::abi::Error;
using bramble::abi::FaultReason;
using bramble::abi::TaskState;
using bramble::user::SyscallResult;
using bramble::user::task::Word;
namespace abi = bramble::abi;
namespace sys = bramble::user::sys;
namespace task = bramble::user::task;

constexpr const char* kProgram = "fault";

// Child roles (the task_start argument).
enum Role : Word {
  kLoadUnmapped = 1,
  kUndefined = 2,
  kBadSyscall = 3,
  kExitSeven = 4,
  kWriteText = 5,
  kHealthy = 6,
  kExecuteStack = 7,
  kYieldThenExit = 8,
};

constexpr Word kUnmappedAddress = 0x3000'0000; // inside the user window, never mapped here
constexpr Word kBadSyscallNumber = 99;         // below kSyscallLimit, but no call has it
constexpr std::int64_t kExitCode = 7;
constexpr Word kChildPriority = 30; // below the root, so the root's waits let them run
constexpr Word kChildSlots = 4;
constexpr Word kChildProgressSlot = 1; // healthy child: Signal on the progress notification
constexpr Word kProgressStep = 256;
constexpr Word kHealthyBadge = Word{1} << 20; // faulting children use bits 0..7
constexpr Word kNotKilled = 100;              // a child that survives what should kill it exits so

// ESR_EL1 fields (ARM ARM, the ESR_EL1 register description and its ISS encoding for aborts): EC
// in bits [31:26]; for aborts the ISS holds the fault status code in [5:0] and WnR in bit 6.
constexpr unsigned kEsrEcShift = 26;
constexpr Word kEsrEcMask = 0x3f;
constexpr Word kEcUnknown = 0x00;             // "Unknown reason": udf and other undefined encodings
constexpr Word kEcInstructionAbortLow = 0x20; // Instruction Abort from a lower Exception level
constexpr Word kEcDataAbortLow = 0x24;        // Data Abort from a lower Exception level
constexpr Word kFscMask = 0x3c;               // fault status code without its level bits
constexpr Word kFscTranslation = 0x04;        // 0b0001LL: translation fault, level LL
constexpr Word kFscPermission = 0x0c;         // 0b0011LL: permission fault, level LL
constexpr Word kIssWnR = Word{1} << 6;

[[nodiscard]] constexpr Word esr_class(Word esr) { return (esr >> kEsrEcShift) & kEsrEcMask; }

struct Shared {
  volatile Word healthy_steps;
};

int child_main(Word role) {
  switch (role) {
  case kLoadUnmapped: {
    const Word value = *reinterpret_cast<volatile Word*>(kUnmappedAddress);
    return static_cast<int>(kNotKilled + (value & 1));
  }
  case kUndefined: asm volatile("udf #0"); return static_cast<int>(kNotKilled);
  case kBadSyscall: (void)sys::raw_call(kBadSyscallNumber); return static_cast<int>(kNotKilled);
  case kExitSeven: sys::task_exit(kExitCode);
  case kWriteText:
    // The program's first page is its text (user.ld: R-X).
    *reinterpret_cast<volatile std::uint32_t*>(abi::kProgramBase) = 0;
    return static_cast<int>(kNotKilled);
  case kExecuteStack: {
    // `ret` encoded, on the stack: user stacks are mapped execute-never.
    volatile std::uint32_t code[4] = {0xd65f03c0u, 0, 0, 0};
    auto* function = reinterpret_cast<void (*)()>(reinterpret_cast<std::uintptr_t>(&code[0]));
    function();
    return static_cast<int>(kNotKilled);
  }
  case kYieldThenExit:
    for (int i = 0; i < 16; ++i)
      (void)sys::yield();
    return 0;
  case kHealthy: {
    auto* shared = task::at<Shared>(task::kTestMapBase);
    for (;;) {
      shared->healthy_steps = shared->healthy_steps + 1;
      if (shared->healthy_steps % kProgressStep == 0) (void)sys::signal(kChildProgressSlot);
      (void)sys::yield();
    }
  }
  default: return 1;
  }
}

struct Expect {
  Role role;
  TaskState state;
  Word code;      // exit code or FaultReason
  Word esr_class; // for MemoryAccess / UndefinedInstruction; ~0 when not checked
  Word detail;    // for BadSyscall; ~0 when not checked
  const char* what;
};

constexpr Word kAny = ~Word{0};

constexpr Expect kCases[] = {
    {kLoadUnmapped, TaskState::Faulted, static_cast<Word>(FaultReason::MemoryAccess), kEcDataAbortLow, kAny,
     "(a) load from an unmapped address"},
    {kUndefined, TaskState::Faulted, static_cast<Word>(FaultReason::UndefinedInstruction), kEcUnknown, kAny,
     "(b) udf #0"},
    {kBadSyscall, TaskState::Faulted, static_cast<Word>(FaultReason::BadSyscall), kAny, kBadSyscallNumber,
     "(c) svc with x8 = 99"},
    {kExitSeven, TaskState::Exited, static_cast<Word>(kExitCode), kAny, kAny, "(d) task_exit(7)"},
    {kWriteText, TaskState::Faulted, static_cast<Word>(FaultReason::MemoryAccess), kEcDataAbortLow, kAny,
     "(e) store into read-only text"},
    {kExecuteStack, TaskState::Faulted, static_cast<Word>(FaultReason::MemoryAccess), kEcInstructionAbortLow, kAny,
     "(g) jump into the stack"},
};

// Runs one case: a child with its own badged fault-notification copy, started, waited for, judged.
void run_case(const task::Root& root, Word faults, Word badge, const Expect& expect) {
  bramble::user::print("fault: %s\n", expect.what);
  const Word minted = task::free_slot();
  if (!CHECK_OK(sys::cap_mint(faults, minted, abi::kRightSignal, badge)).ok()) return;
  const SyscallResult child = CHECK_OK(task::create(root, kChildSlots, kChildPriority, minted));
  if (!child.ok()) return;
  CHECK_OK(sys::task_start(child.r1, expect.role));
  const SyscallResult woken = CHECK_OK(sys::wait(faults));
  const Word ended = expect.state == TaskState::Exited ? abi::kTaskEndedExit : abi::kTaskEndedFault;
  CHECK_EQ(woken.r1, ended | badge);

  const SyscallResult status = CHECK_OK(sys::task_status(child.r1));
  CHECK_EQ(status.r1, static_cast<Word>(expect.state));
  CHECK_EQ(status.r2, expect.code);
  if (expect.detail != kAny) CHECK_EQ(status.r3, expect.detail);
  if (expect.esr_class != kAny) {
    CHECK_EQ(esr_class(status.r3), expect.esr_class);
    if (expect.role == kLoadUnmapped) {
      CHECK_EQ(status.r3 & kFscMask, kFscTranslation);
      CHECK_EQ(status.r3 & kIssWnR, 0);
    }
    if (expect.role == kWriteText) {
      CHECK_EQ(status.r3 & kFscMask, kFscPermission);
      CHECK_EQ(status.r3 & kIssWnR, kIssWnR);
    }
  }
  // An ended task cannot be started again; deleting its capability reclaims it.
  CHECK_ERR(sys::task_start(child.r1, 0), InvalidState);
  CHECK_OK(sys::cap_delete(child.r1));
  CHECK_ERR(sys::task_status(child.r1), EmptySlot);
  CHECK_OK(sys::cap_delete(minted));
}

int root_main(const void* startup) {
  task::Root root{};
  if (!CHECK(task::read_root(startup, kProgram, root)) || !CHECK(root.image != task::kNoImage)) {
    return bramble::user::check::summary(kProgram);
  }
  const Word faults = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word progress = CHECK_OK(sys::notification_create(root.memory)).r1;
  const Word frame = task::map_new(root, abi::kPageSize, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  CHECK(frame != 0);
  auto* shared = task::at<Shared>(task::kTestMapBase);

  // (f) the healthy sibling, with its own badge on the same fault notification.
  const Word healthy_fault = task::free_slot();
  CHECK_OK(sys::cap_mint(faults, healthy_fault, abi::kRightSignal, kHealthyBadge));
  const Word healthy = CHECK_OK(task::create(root, kChildSlots, kChildPriority, healthy_fault)).r1;
  const Word healthy_view = task::share(healthy, frame, task::kTestMapBase, abi::kMapRead | abi::kMapWrite);
  CHECK(healthy_view != 0);
  CHECK_OK(sys::cap_insert_into(healthy, kChildProgressSlot, progress, abi::kRightSignal, 0));
  CHECK_OK(sys::task_start(healthy, kHealthy));
  CHECK_OK(sys::wait(progress));
  CHECK(shared->healthy_steps >= kProgressStep);

  Word badge = 1;
  for (const Expect& expect : kCases) {
    run_case(root, faults, badge, expect);
    badge <<= 1;
  }

  // (f) still alive and still counting after every sibling died.
  const Word before = shared->healthy_steps;
  CHECK_OK(sys::wait(progress));
  CHECK_OK(sys::wait(progress));
  CHECK(shared->healthy_steps >= before + kProgressStep);
  const SyscallResult status = CHECK_OK(sys::task_status(healthy));
  CHECK_EQ(status.r1, static_cast<Word>(TaskState::Running));
  CHECK_EQ(CHECK_OK(sys::poll(faults)).r1, 0); // nobody else ended

  // Deleting the last capability of a running task destroys it: while a sibling at its priority
  // yields 16 times and exits, a still-living healthy task would have counted on.
  CHECK_OK(sys::cap_delete(healthy));
  // The kernel reports that end too (a kill, not an exit), with the healthy child's badge.
  CHECK_EQ(CHECK_OK(sys::poll(faults)).r1, abi::kTaskEndedFault | kHealthyBadge);
  const Word frozen = shared->healthy_steps;
  const SyscallResult sentinel = CHECK_OK(task::create(root, kChildSlots, kChildPriority, healthy_fault));
  CHECK_OK(sys::task_start(sentinel.r1, kYieldThenExit));
  CHECK_EQ(CHECK_OK(sys::wait(faults)).r1, abi::kTaskEndedExit | kHealthyBadge);
  CHECK_EQ(shared->healthy_steps, frozen);
  CHECK_OK(sys::cap_delete(sentinel.r1));

  CHECK_OK(sys::cap_delete(healthy_view));
  CHECK_OK(sys::cap_delete(healthy_fault));
  CHECK_OK(sys::memory_unmap(task::kTestMapBase));
  CHECK_OK(sys::cap_delete(frame));
  CHECK_OK(sys::cap_delete(progress));
  CHECK_OK(sys::cap_delete(faults));
  return bramble::user::check::summary(kProgram);
}

} // namespace

int main(const void* startup) {
  if (!task::is_root(startup)) return child_main(reinterpret_cast<Word>(startup));
  return root_main(startup);
}
