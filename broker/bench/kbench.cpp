// kbench: the kernel performance suite (docs/PERFORMANCE.md). Run as the root task:
//   qemu-system-aarch64 ... -icount shift=0,align=off,sleep=off -append "test=user:kbench pmu=el0 iters=N"
// It measures the null system call, notification ping-pong across address spaces, yield-to-yield
// context switches, channel streaming and channel setup, each over repeated iterations, and prints one
// `kbench row` line per figure. Its peers are started from this same image (the task_start argument is
// their Role). Exits 0 when every benchmark ran and every check it makes passed.
#include <cstdint>

#include "broker/bench/bench.hpp"
#include "lib/cmdline.hpp"
#include "user/runtime/print.hpp"

namespace bramble::bench {
namespace {

constexpr const char* kProgram = "kbench";
constexpr std::uint64_t kDefaultIterations = 1000;

// The medians the one-line summary repeats (what a Pi owner pastes back).
struct Headline {
  const char* benchmark;
  const char* implementation;
  const char* label;
  std::uint64_t instructions = 0;
  std::uint64_t cycles = 0;
  bool seen = false;
};
Headline g_headlines[] = {
    {"null-syscall", "cap_info-invalid-slot", "null syscall"},
    {"null-syscall", "yield-alone", "yield"},
    {"context-switch", "yield-between-2-tasks", "switch"},
    {"signal-wait-roundtrip", "same-priority", "signal->wait"},
};

void print_summary(const char* board, unsigned failures) {
  user::print("kbench summary: %s:", board);
  for (const Headline& h : g_headlines) {
    if (h.seen) {
      user::print(" %s %llu instructions %llu cycles;", h.label, static_cast<unsigned long long>(h.instructions),
                  static_cast<unsigned long long>(h.cycles));
    } else {
      user::print(" %s not measured;", h.label);
    }
  }
  user::print(" %u failures\n", failures);
}

} // namespace

void row(const char* benchmark, const char* implementation, const char* metric, const Stats& s, const char* unit) {
  user::print("kbench row %s,%s,%s,%llu,%llu,%llu,%s,%llu\n", benchmark, implementation, metric,
              static_cast<unsigned long long>(s.median), static_cast<unsigned long long>(s.min),
              static_cast<unsigned long long>(s.max), unit, static_cast<unsigned long long>(s.count));
}

void rows(const char* benchmark, const char* implementation, Samples& instructions, Samples& cycles) {
  const Stats i = stats(instructions);
  const Stats c = stats(cycles);
  row(benchmark, implementation, "instructions", i, "instructions");
  row(benchmark, implementation, "cycles", c, "cycles");
  for (Headline& h : g_headlines) {
    if (user::task::same_string(h.benchmark, benchmark) && user::task::same_string(h.implementation, implementation)) {
      h.instructions = i.median;
      h.cycles = c.median;
      h.seen = true;
    }
  }
}

bool fail(Bench& b, const char* what, std::uint64_t status) {
  ++b.failures;
  user::print("kbench: FAILED %s (status %llu)\n", what, static_cast<unsigned long long>(status));
  return false;
}

Word make_peer(Bench& b, Word priority, Word in, Word in_rights, Word out, Word& badge) {
  badge = b.next_badge;
  b.next_badge <<= 1;
  const Word ended_copy = user::task::free_slot();
  if (!sys::cap_mint(b.ended, ended_copy, abi::kRightSignal, badge).ok()) {
    fail(b, "mint end report", 0);
    return 0;
  }
  const auto t = user::task::create(b.root, kPeerSlots, priority, ended_copy);
  if (!t.ok()) {
    fail(b, "task_create", t.status);
    return 0;
  }
  const Word task = t.r1;
  if (user::task::share(task, b.shared_frame, kSharedAddress, abi::kMapRead | abi::kMapWrite) == 0) {
    fail(b, "share the page", 0);
    return 0;
  }
  if (in != 0 && !sys::cap_insert_into(task, kIn, in, in_rights, 0).ok()) {
    fail(b, "insert in", 0);
    return 0;
  }
  if (out != 0 && !sys::cap_insert_into(task, kOut, out, abi::kRightSignal, 0).ok()) {
    fail(b, "insert out", 0);
    return 0;
  }
  return task;
}

Word second_core(const Bench& b) {
  const auto info = sys::cpu_info(b.root.memory, 1);
  return info.ok() && (info.r1 & abi::kCpuOnline) != 0 ? 1 : 0;
}

bool finish_peer(Bench& b, Word task, Word badge) {
  // Ends of other peers that arrive in the same word are kept for their own finish_peer().
  while ((b.seen & badge) == 0) {
    const auto woken = sys::wait(b.ended);
    if (!woken.ok()) return fail(b, "wait for a peer's end", woken.status);
    b.seen |= woken.r1;
  }
  b.seen &= ~badge;
  const auto st = sys::task_status(task);
  const bool ok = st.ok() && sys::status_state(st) == abi::TaskState::Exited && st.r2 == 0;
  (void)sys::cap_delete(task);
  if (!ok) return fail(b, "peer exit", st.r2);
  return true;
}

} // namespace bramble::bench

int main(const void* startup) {
  using namespace bramble;
  using namespace bramble::bench;
  if (!user::task::is_root(startup)) return peer_main(reinterpret_cast<Word>(startup));
  static Bench b{};
  if (!user::task::read_root(startup, kProgram, b.root) || b.root.image == user::task::kNoImage) {
    user::print("kbench: no boot info or no image\n");
    return 1;
  }
  b.iterations = cmdline::CommandLine(b.root.boot->command_line).number("iters", kDefaultIterations);
  if (b.iterations == 0) b.iterations = 1;
  if (b.iterations > kMaxSamples) b.iterations = kMaxSamples;
  b.next_badge = 1;
  b.shared_frame = user::task::map_new(b.root, abi::kPageSize, kSharedAddress, abi::kMapRead | abi::kMapWrite);
  const auto ended = sys::notification_create(b.root.memory);
  if (b.shared_frame == 0 || !ended.ok()) {
    user::print("kbench: cannot set up\n");
    return 1;
  }
  b.ended = ended.r1;
  // Is the PMU readable at all? Without pmu=el0 the first mrs traps and the kernel ends this task.
  const Counts probe = read_counts();
  user::print("kbench: %llu iterations on %s, counters at %llu instructions, %llu cycles\n",
              static_cast<unsigned long long>(b.iterations), b.root.boot->board,
              static_cast<unsigned long long>(probe.instructions), static_cast<unsigned long long>(probe.cycles));
  run_micro(b);
  run_stream(b);
  user::print("kbench: done, %u failures\n", b.failures);
  print_summary(b.root.boot->board, b.failures);
  return b.failures == 0 ? 0 : 1;
}
