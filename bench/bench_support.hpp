// Support for the host ring benchmark: CPU pinning, a start gate, repeated runs, statistics, output.
#pragma once

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace bench {

// Pins the calling thread to one CPU; returns false (and the run continues unpinned) if that CPU is
// not available to this process.
inline bool pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Runs a(…) on CPU 1 and b(…) on CPU 0, both released at the same instant; returns the wall time in
// nanoseconds from the release until both are done.
template <typename A, typename B> double timed_pair(A&& a, B&& b, bool& pinned) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  bool pin_a = false, pin_b = false;
  std::thread ta([&] {
    pin_a = pin_to_cpu(1);
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    a();
  });
  std::thread tb([&] {
    pin_b = pin_to_cpu(0);
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    b();
  });
  while (ready.load() != 2) {
  }
  const auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  ta.join();
  tb.join();
  const auto t1 = std::chrono::steady_clock::now();
  pinned = pin_a && pin_b;
  return std::chrono::duration<double, std::nano>(t1 - t0).count();
}

struct Stats {
  double median;
  double min;
  double max;
};

inline Stats summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return Stats{median, v.front(), v.back()};
}

struct Figure {
  std::string benchmark;      // throughput | latency
  std::string implementation; // bramble-element, boost-spsc, ...
  std::string unit;           // Mitems/s | ns
  Stats stats;
};

inline void print_table(const std::vector<Figure>& figures) {
  std::printf("%-11s %-22s %10s %10s %10s  %s\n", "benchmark", "implementation", "median", "min", "max", "unit");
  for (const Figure& f : figures)
    std::printf("%-11s %-22s %10.1f %10.1f %10.1f  %s\n", f.benchmark.c_str(), f.implementation.c_str(), f.stats.median,
                f.stats.min, f.stats.max, f.unit.c_str());
}

inline void print_csv(const std::vector<Figure>& figures, std::FILE* out = stdout) {
  std::fprintf(out, "benchmark,implementation,metric,value,unit\n");
  for (const Figure& f : figures) {
    std::fprintf(out, "%s,%s,median,%.3f,%s\n", f.benchmark.c_str(), f.implementation.c_str(), f.stats.median,
                 f.unit.c_str());
    std::fprintf(out, "%s,%s,min,%.3f,%s\n", f.benchmark.c_str(), f.implementation.c_str(), f.stats.min,
                 f.unit.c_str());
    std::fprintf(out, "%s,%s,max,%.3f,%s\n", f.benchmark.c_str(), f.implementation.c_str(), f.stats.max,
                 f.unit.c_str());
  }
}

} // namespace bench
