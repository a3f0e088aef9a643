// Reading the PMU from EL0, and median/min/max of a set of samples.
//
// The kernel starts PMCCNTR_EL0 and event counter 0 = INST_RETIRED (0x08) and lets EL0 read them only
// when the command line says pmu=el0 (kernel/arch/aarch64/pmu.hpp; PMUSERENR_EL0.CR/ER, ARM ARM
// D13.4): reads only; writing any PMU register but PMSELR_EL0 traps and kills the task. Both count
// EL0 and EL1 on this core, whichever task runs, so a span measured by one task includes the kernel
// and every task that ran in between: what a round trip really costs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bramble::bench {

struct Counts {
  std::uint64_t instructions;
  std::uint64_t cycles;
};

// `isb` first: without it the read may be taken before earlier instructions retire (ARM ARM D13.1.3).
[[nodiscard]] inline Counts read_counts() {
  std::uint64_t inst;
  std::uint64_t cyc;
  asm volatile("isb\n\tmrs %0, pmevcntr0_el0\n\tmrs %1, pmccntr_el0" : "=r"(inst), "=r"(cyc)::"memory");
  return Counts{inst, cyc};
}

// PMUv3 for v8.0 event counters are 32 bits wide (ARM ARM D13.4, PMEVCNTR<n>_EL0): take differences modulo 2^32. Every
// span measured here is far shorter than 2^32 instructions. PMCCNTR is 64-bit (PMCR_EL0.LC).
[[nodiscard]] inline Counts since(const Counts& start) {
  const Counts now = read_counts();
  return Counts{(now.instructions - start.instructions) & 0xffff'ffffu, now.cycles - start.cycles};
}

inline constexpr std::size_t kMaxSamples = 1024;

// Samples of one figure; median() sorts them in place.
struct Samples {
  std::uint64_t value[kMaxSamples];
  std::size_t count = 0;

  void add(std::uint64_t v) {
    if (count < kMaxSamples) value[count++] = v;
  }
  void sort() {
    for (std::size_t i = 1; i < count; ++i) {
      const std::uint64_t v = value[i];
      std::size_t j = i;
      for (; j > 0 && value[j - 1] > v; --j)
        value[j] = value[j - 1];
      value[j] = v;
    }
  }
};

struct Stats {
  std::uint64_t median;
  std::uint64_t min;
  std::uint64_t max;
  std::size_t count;
};

// The lower median for an even count (a value that was measured).
[[nodiscard]] inline Stats stats(Samples& s) {
  if (s.count == 0) return Stats{0, 0, 0, 0};
  s.sort();
  return Stats{s.value[(s.count - 1) / 2], s.value[0], s.value[s.count - 1], s.count};
}

} // namespace bramble::bench
