// Host ring benchmark: throughput of 8-byte items and round-trip latency between two pinned
// CPUs, for Bramble's ring (element API and zero-copy batch API), boost::lockfree::spsc_queue and
// moodycamel::ReaderWriterQueue in the same run, plus a raw cache-line ping-pong as the physical floor.
// Every figure is the median (and min, max) of --runs repetitions. --csv prints
// `benchmark,implementation,metric,value,unit` lines instead of the table; --csv-file PATH writes the
// same lines to PATH as well (for tools/bench_chart.py); --quick is a seconds-long smoke run.
//
// All rings have 4096 slots; all spin without pause or sleep (Bramble's rings use NoNotify), so every
// implementation is measured doing the same thing. Method and results: docs/PERFORMANCE.md.
#include <boost/lockfree/spsc_queue.hpp>
#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "bramble/ipc/spsc_ring.hpp"

namespace {

namespace ipc = bramble::ipc;
constexpr std::size_t kCapacity = 4096;
constexpr std::size_t kBatch = 1024;

struct Options {
  bool csv = false;
  bool quick = false;
  int runs = 7;
  std::string only;                    // run only the cases whose implementation contains this
  std::string csv_file;                // also write the CSV lines here
  std::uint64_t items = 20'000'000;    // per throughput run
  std::uint64_t round_trips = 500'000; // per latency run
};

// Page-aligned memory standing in for the shared mapping.
struct Mapping {
  explicit Mapping(std::size_t n)
      : bytes(static_cast<unsigned char*>(::operator new (n, std::align_val_t{ipc::kPageSize}))), size(n) {
    std::memset(bytes, 0, n);
  }
  ~Mapping() { ::operator delete (bytes, std::align_val_t{ipc::kPageSize}); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  unsigned char* bytes;
  std::size_t size;
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ring_bench: %s\n", what);
  std::exit(1);
}

// --- the four queues behind one shape: push(v) and pop() that spin until they succeed -------------

struct BrambleQueue {
  using Ring = ipc::SpscRing<std::uint64_t, kCapacity>;
  Mapping mem{Ring::kBytes};
  Ring::Producer<> tx = open_tx();
  Ring::Consumer<> rx = std::move(Ring::open_consumer(mem.bytes, mem.size)).value();
  Ring::Producer<> open_tx() {
    if (!Ring::format(mem.bytes, mem.size).ok()) die("format failed");
    auto r = Ring::open_producer(mem.bytes, mem.size);
    if (!r.ok()) die("open failed");
    return std::move(r).value();
  }
  void push(std::uint64_t v) {
    while (!tx.try_push(v).ok()) {
    }
  }
  std::uint64_t pop() {
    std::uint64_t v = 0;
    while (!rx.try_pop(v).ok()) {
    }
    return v;
  }
};

struct BoostQueue {
  boost::lockfree::spsc_queue<std::uint64_t, boost::lockfree::capacity<kCapacity>> q;
  void push(std::uint64_t v) {
    while (!q.push(v)) {
    }
  }
  std::uint64_t pop() {
    std::uint64_t v = 0;
    while (!q.pop(v)) {
    }
    return v;
  }
};

struct MoodycamelQueue {
  moodycamel::ReaderWriterQueue<std::uint64_t> q{kCapacity};
  void push(std::uint64_t v) {
    while (!q.try_enqueue(v)) {
    }
  }
  std::uint64_t pop() {
    std::uint64_t v = 0;
    while (!q.try_dequeue(v)) {
    }
    return v;
  }
};

std::uint64_t expected_sum(std::uint64_t n) { return n * (n - 1) / 2; }

// --- throughput ----------------------------------------------------------------------------------

template <typename Q> double element_throughput(const Options& o, bool& pinned) {
  auto q = std::make_unique<Q>();
  std::uint64_t sum = 0;
  const double ns = bench::timed_pair(
      [&] {
        for (std::uint64_t i = 0; i < o.items; ++i)
          q->push(i);
      },
      [&] {
        std::uint64_t s = 0;
        for (std::uint64_t i = 0; i < o.items; ++i)
          s += q->pop();
        sum = s;
      },
      pinned);
  if (sum != expected_sum(o.items)) die("throughput: wrong checksum");
  return static_cast<double>(o.items) / ns * 1e3; // Mitems/s
}

// Bramble's batch API, zero-copy: the producer fills reserved slots in place and publishes once per
// batch; the consumer reads slots in place and releases once per batch.
double batch_throughput(const Options& o, bool& pinned) {
  auto q = std::make_unique<BrambleQueue>();
  std::uint64_t sum = 0;
  const double ns = bench::timed_pair(
      [&] {
        std::uint64_t next = 0;
        while (next < o.items) {
          const std::uint64_t left = o.items - next;
          auto w = q->tx.reserve(left < kBatch ? static_cast<std::size_t>(left) : kBatch);
          if (!w.ok()) continue;
          for (std::uint64_t& slot : *w)
            slot = next++;
          if (!q->tx.commit(w->size()).ok()) die("commit failed");
        }
      },
      [&] {
        std::uint64_t got = 0, s = 0;
        while (got < o.items) {
          auto r = q->rx.peek(kBatch);
          if (!r.ok()) continue;
          for (std::uint64_t v : *r)
            s += v;
          got += r->size();
          if (!q->rx.release(r->size()).ok()) die("release failed");
        }
        sum = s;
      },
      pinned);
  if (sum != expected_sum(o.items)) die("batch throughput: wrong checksum");
  return static_cast<double>(o.items) / ns * 1e3;
}

// --- latency -------------------------------------------------------------------------------------

// Round trip through two queues: A sends i, B echoes it back, A waits for it.
template <typename Q> double round_trip(const Options& o, bool& pinned) {
  auto ab = std::make_unique<Q>();
  auto ba = std::make_unique<Q>();
  bool ok = true;
  const double ns = bench::timed_pair(
      [&] {
        for (std::uint64_t i = 0; i < o.round_trips; ++i) {
          ab->push(i);
          if (ba->pop() != i) ok = false;
        }
      },
      [&] {
        for (std::uint64_t i = 0; i < o.round_trips; ++i)
          ba->push(ab->pop());
      },
      pinned);
  if (!ok) die("latency: wrong echo");
  return ns / static_cast<double>(o.round_trips);
}

// The floor: one cache line bouncing between the two CPUs, nothing else.
double raw_ping_pong(const Options& o, bool& pinned) {
  struct alignas(ipc::kCacheLine) Line {
    std::atomic<std::uint64_t> value{0};
  };
  auto line = std::make_unique<Line>();
  const double ns = bench::timed_pair(
      [&] {
        for (std::uint64_t i = 0; i < o.round_trips; ++i) {
          line->value.store(2 * i + 1, std::memory_order_release);
          while (line->value.load(std::memory_order_acquire) != 2 * i + 2) {
          }
        }
      },
      [&] {
        for (std::uint64_t i = 0; i < o.round_trips; ++i) {
          while (line->value.load(std::memory_order_acquire) != 2 * i + 1) {
          }
          line->value.store(2 * i + 2, std::memory_order_release);
        }
      },
      pinned);
  return ns / static_cast<double>(o.round_trips);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--csv")
      o.csv = true;
    else if (a == "--quick")
      o.quick = true;
    else if (a == "--runs" && i + 1 < argc)
      o.runs = std::atoi(argv[++i]);
    else if (a == "--only" && i + 1 < argc)
      o.only = argv[++i];
    else if (a == "--csv-file" && i + 1 < argc)
      o.csv_file = argv[++i];
    else {
      std::fprintf(stderr, "usage: ring_bench [--csv] [--csv-file PATH] [--quick] [--runs N] [--only NAME]\n");
      std::exit(2);
    }
  }
  if (o.quick) {
    o.runs = 1;
    o.items = 200'000;
    o.round_trips = 10'000;
  }
  if (o.runs < 1) o.runs = 1;
  return o;
}

} // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  struct Case {
    const char* benchmark;
    const char* implementation;
    const char* unit;
    std::function<double(const Options&, bool&)> run;
  };
  const std::vector<Case> cases = {
      {"throughput", "bramble-element", "Mitems/s", element_throughput<BrambleQueue>},
      {"throughput", "bramble-batch", "Mitems/s", batch_throughput},
      {"throughput", "boost-spsc", "Mitems/s", element_throughput<BoostQueue>},
      {"throughput", "moodycamel-rwq", "Mitems/s", element_throughput<MoodycamelQueue>},
      {"latency", "bramble-element", "ns", round_trip<BrambleQueue>},
      {"latency", "boost-spsc", "ns", round_trip<BoostQueue>},
      {"latency", "moodycamel-rwq", "ns", round_trip<MoodycamelQueue>},
      {"latency", "raw-pingpong", "ns", raw_ping_pong},
  };
  // Runs are interleaved (case 1..8, then again) so that a burst of load from elsewhere on the machine
  // hits every implementation rather than one.
  std::vector<std::vector<double>> samples(cases.size());
  bool all_pinned = true;
  for (int run = 0; run < o.runs; ++run)
    for (std::size_t c = 0; c < cases.size(); ++c) {
      bool pinned = false;
      if (!o.only.empty() && std::string(cases[c].implementation).find(o.only) == std::string::npos) {
        samples[c].push_back(0);
        continue;
      }
      samples[c].push_back(cases[c].run(o, pinned));
      all_pinned = all_pinned && pinned;
    }
  std::vector<bench::Figure> figures;
  for (std::size_t c = 0; c < cases.size(); ++c)
    figures.push_back({cases[c].benchmark, cases[c].implementation, cases[c].unit, bench::summarize(samples[c])});

  auto median = [&](std::size_t c) { return figures[c].stats.median; };
  const double best_peer = median(2) > median(3) ? median(2) : median(3);
  const double element_ratio = median(0) / best_peer;
  const double batch_ratio = median(1) / best_peer;
  const double latency_ratio = median(4) / median(7);
  figures.push_back({"ratio", "element/best-peer", "x", {element_ratio, element_ratio, element_ratio}});
  figures.push_back({"ratio", "batch/best-peer", "x", {batch_ratio, batch_ratio, batch_ratio}});
  figures.push_back({"ratio", "latency/raw-pingpong", "x", {latency_ratio, latency_ratio, latency_ratio}});

  if (!o.csv_file.empty()) {
    std::FILE* f = std::fopen(o.csv_file.c_str(), "w");
    if (f == nullptr) die("cannot write the --csv-file");
    bench::print_csv(figures, f);
    if (std::fclose(f) != 0) die("cannot write the --csv-file");
  }
  if (o.csv) {
    bench::print_csv(figures);
  } else {
    char load[64] = "?";
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
      if (std::fgets(load, sizeof load, f) == nullptr) std::strcpy(load, "?");
      std::fclose(f);
      load[std::strcspn(load, "\n")] = 0;
    }
    std::printf("ring_bench: load average at the end %s\n", load);
    std::printf("ring_bench: %d run(s), %llu items per throughput run, %llu round trips per latency run, "
                "ring of %zu slots, threads %s\n\n",
                o.runs, static_cast<unsigned long long>(o.items), static_cast<unsigned long long>(o.round_trips),
                kCapacity,
                all_pinned ? "pinned to CPUs 1 (producer/initiator) and 0" : "NOT pinned (fewer than 2 CPUs?)");
    bench::print_table(figures);
    std::printf("\ntargets: element >= 1.0x best peer: %s (%.2fx); batch >= 1.5x best peer: %s (%.2fx); "
                "latency <= 1.2x raw ping-pong: %s (%.2fx)\n",
                element_ratio >= 1.0 ? "met" : "MISSED", element_ratio, batch_ratio >= 1.5 ? "met" : "MISSED",
                batch_ratio, latency_ratio <= 1.2 ? "met" : "MISSED", latency_ratio);
  }
  return 0;
}
