// Channel streaming and channel setup between two peers in different address spaces, through the IPC
// library with the kernel notifier (notify on need), over channels built by the broker library
// (centralized) or by the peers themselves (self-service, user/channel/establish.hpp).
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>

#include "broker/bench/bench.hpp"
#include "broker/channel_broker.hpp"
#include "broker/syscall_ops.hpp"
#include "generated/system_description.hpp"
#include "user/channel/establish.hpp"
#include "user/runtime/print.hpp"

namespace bramble::bench {
namespace {

using ElementRing = ipc::SpscRing<std::uint64_t, kElementSlots>;
using RecordRing = ipc::RecordRing<kRecordRingBytes>;
constexpr std::uint64_t kPerRound = 10000; // messages per measured round
constexpr std::uint64_t kMaxSetupRounds = 16;
constexpr std::uint64_t kQueryTimeout = 100000;

// The peers and their channels are systems/kbench.toml's (the generated tables): both ring shapes, both
// setup modes. The shapes measured here must be the ones it describes.
static_assert(broker::same_shape(broker::kSystemRules[0].spec, ElementRing::kSpec) &&
                  broker::same_shape(broker::kSystemRules[2].spec, ElementRing::kSpec),
              "systems/kbench.toml: the element channels are not the element-8B ring kbench measures");
static_assert(broker::same_shape(broker::kSystemRules[1].spec, RecordRing::kSpec) &&
                  broker::same_shape(broker::kSystemRules[3].spec, RecordRing::kSpec),
              "systems/kbench.toml: the record channels are not the record-256B ring kbench measures");
const broker::Policy g_policy{broker::kSystemComponents, broker::kSystemRules};

[[nodiscard]] const ipc::RingSpec& spec_of(Kind k) {
  return k == Kind::Element ? ElementRing::kSpec : RecordRing::kSpec;
}
[[nodiscard]] const char* kind_name(Kind k, bool cross_core = false) {
  if (cross_core) return k == Kind::Element ? "element-8B-cross-core" : "record-256B-cross-core";
  return k == Kind::Element ? "element-8B" : "record-256B";
}

std::uint64_t notifier_calls(const Shared& s) {
  std::uint64_t n = 0;
  for (const auto& c : s.notes)
    n += c.signals + c.waits;
  return n;
}

// Waits until the consumer took everything (as user/components/producer.cpp does at its end).
template <typename Tx> bool drain(Tx& tx, std::size_t capacity) {
  for (;;) {
    const std::uint64_t waits = tx.waits();
    if (!tx.wait_for_space(capacity)) return false;
    if (tx.waits() == waits) return true;
  }
}

template <typename Tx, typename Send> int produce(Shared& s, Tx& tx, std::size_t capacity, Send send) {
  std::uint64_t seq = 0;
  for (std::uint64_t r = 0; r < s.rounds; ++r) {
    const std::uint64_t calls = notifier_calls(s);
    const Counts start = read_counts();
    for (std::uint64_t i = 0; i < s.per_round; ++i, ++seq) {
      if (!send(tx, seq)) return 6;
    }
    if (!drain(tx, capacity)) return 7;
    s.round[r] = since(start);
    s.round_syscalls[r] = notifier_calls(s) - calls;
  }
  return 0;
}

// The channel this peer uses: the broker's config, or its own self-service setup (measured).
bool config_for(Shared& s, unsigned side, ipc::ChannelConfig& config) {
  if (s.self_service == 0) {
    config = side == 0 ? s.producer : s.consumer;
    return true;
  }
  const Counts start = read_counts();
  const auto r = user::channel::establish_channel(s.grant[side], side == 0 ? ipc::Role::Producer : ipc::Role::Consumer,
                                                  spec_of(s.kind), kQueryTimeout);
  s.setup[side] = since(start);
  s.setup_syscalls[side] = r.syscalls;
  config = r.config;
  return r.ok;
}

int producer_main(Shared& s) {
  ipc::ChannelConfig config{};
  if (!config_for(s, 0, config)) return 5;
  const user::channel::KernelNotifier notifier{config, &s.notes[0]};
  if (s.kind == Kind::Element) {
    auto tx = ipc::open_producer<std::uint64_t, kElementSlots>(config, notifier);
    if (!tx) return 4;
    return produce(s, *tx, kElementSlots, [](auto& t, std::uint64_t seq) { return t.push(seq).ok(); });
  }
  auto tx = ipc::open_record_producer<kRecordRingBytes>(config, notifier);
  if (!tx) return 4;
  return produce(s, *tx, kRecordRingBytes, [](auto& t, std::uint64_t seq) {
    std::uint64_t record[kRecordPayload / 8];
    for (std::uint64_t& w : record)
      w = seq;
    return t.push(std::as_bytes(std::span<const std::uint64_t>(record))).ok();
  });
}

int consumer_main(Shared& s) {
  ipc::ChannelConfig config{};
  if (!config_for(s, 1, config)) return 5;
  const user::channel::KernelNotifier notifier{config, &s.notes[1]};
  const std::uint64_t total = s.rounds * s.per_round;
  // What this core counted while the consumer ran (on another core than the producer's, the
  // producer's counts leave it out).
  const Counts start = read_counts();
  if (s.kind == Kind::Element) {
    auto rx = ipc::open_consumer<std::uint64_t, kElementSlots>(config, notifier);
    if (!rx) return 4;
    for (std::uint64_t seq = 0; seq < total; ++seq) {
      std::uint64_t v = 0;
      if (!rx->pop(v)) return 6;
      if (v != seq) ++s.errors;
      ++s.received;
    }
    s.consumer_span = since(start);
    return s.errors == 0 ? 0 : 8;
  }
  auto rx = ipc::open_record_consumer<kRecordRingBytes>(config, notifier);
  if (!rx) return 4;
  for (std::uint64_t seq = 0; seq < total; ++seq) {
    std::uint64_t record[kRecordPayload / 8] = {};
    const auto n = rx->pop(std::as_writable_bytes(std::span<std::uint64_t>(record)));
    if (!n) return 6;
    if (*n != kRecordPayload || record[0] != seq || record[kRecordPayload / 8 - 1] != seq) ++s.errors;
    ++s.received;
  }
  s.consumer_span = since(start);
  return s.errors == 0 ? 0 : 8;
}

void report_stream(Bench& b, Shared& s, const char* implementation) {
  Samples inst;
  Samples cyc;
  Samples calls;
  // Per 1000 messages: integers that keep three digits of the per-message figure.
  const std::uint64_t per = s.per_round / 1000;
  for (std::uint64_t r = 0; r < s.rounds; ++r) {
    inst.add(s.round[r].instructions / per);
    cyc.add(s.round[r].cycles / per);
    calls.add(s.round_syscalls[r] * 1000 / per);
  }
  row("stream", implementation, "instructions-per-1000-messages", stats(inst), "instructions");
  row("stream", implementation, "cycles-per-1000-messages", stats(cyc), "cycles");
  row("stream", implementation, "syscalls-per-1000000-messages", stats(calls), "syscalls");
  (void)b;
}

// Cross-core: the consumer's core, over the whole stream (one figure).
void report_consumer_core(Shared& s, const char* implementation) {
  Samples inst;
  inst.add(s.consumer_span.instructions / (s.rounds * s.per_round / 1000));
  row("stream", implementation, "consumer-core-instructions-per-1000-messages", stats(inst), "instructions");
}

// One pair of peers streaming over one channel of `kind`, set up in `mode`. Centralized setup is also
// timed on its own: established and closed `setup_rounds` times before the channel the peers use.
// `consumer_core` != 0: the consumer is pinned there, the producer stays on core 0 (the two run at
// the same time; the setup figures are not printed again).
void stream_once(Bench& b, Kind kind, broker::SetupMode mode, Word consumer_core = 0) {
  static broker::SyscallOps ops{b.root.memory};
  // A fresh broker per run (its tables are large: static storage, not the stack).
  alignas(broker::ChannelBroker) static unsigned char storage[sizeof(broker::ChannelBroker)];
  broker::ChannelBroker* broker = new (storage) broker::ChannelBroker{ops, g_policy, b.root.registry};
  Shared& s = shared();
  s = Shared{};
  s.kind = kind;
  s.rounds = b.iterations / 50 < 3 ? 3 : (b.iterations / 50 > kMaxRounds ? kMaxRounds : b.iterations / 50);
  s.per_round = kPerRound;
  Word badge[2] = {};
  Word task[2] = {};
  for (unsigned side = 0; side < 2; ++side) {
    task[side] = make_peer(b, abi::kMaxPriority, 0, 0, 0, badge[side]);
    if (task[side] == 0 || !broker->add_component(side, task[side]).ok()) {
      fail(b, "stream peer", 0);
      return;
    }
  }
  const char* impl = kind_name(kind, consumer_core != 0);
  if (consumer_core != 0 && !sys::task_set_core(task[1], consumer_core).ok()) {
    fail(b, "pin the consumer", consumer_core);
    return;
  }
  std::uint32_t channel_id = 0;
  if (mode == broker::SetupMode::Centralized) {
    Samples inst;
    Samples calls;
    const std::uint64_t rounds = b.iterations < kMaxSetupRounds ? b.iterations : kMaxSetupRounds;
    for (std::uint64_t r = 0; r < rounds; ++r) {
      const std::uint64_t calls0 = ops.calls();
      const Counts start = read_counts();
      auto ch = broker->establish_channel_centralized(0, 1, spec_of(kind));
      const Counts d = since(start);
      if (!ch.ok()) {
        user::print("kbench: centralized setup failed at step %s: %s\n", broker::setup_step_name(broker->last_step()),
                    abi::error_name(static_cast<std::uint64_t>(broker->last_kernel_error())));
        fail(b, "establish_channel_centralized", static_cast<std::uint64_t>(ch.error()));
        return;
      }
      inst.add(d.instructions);
      calls.add(ops.calls() - calls0);
      channel_id = ch->id;
      s.producer = ch->producer;
      s.consumer = ch->consumer;
      if (r + 1 < rounds && !broker->close_channel(ch->id).ok()) {
        fail(b, "close_channel", 0);
        return;
      }
    }
    if (consumer_core == 0) {
      row("setup", kind == Kind::Element ? "centralized-element" : "centralized-record", "instructions", stats(inst),
          "instructions");
      row("setup", kind == Kind::Element ? "centralized-element" : "centralized-record", "syscalls", stats(calls),
          "syscalls");
    }
  } else {
    const std::uint64_t calls0 = ops.calls();
    const Counts start = read_counts();
    auto g = broker->grant_self_service(0, 1, spec_of(kind));
    const Counts d = since(start);
    if (!g.ok()) {
      fail(b, "grant_self_service", static_cast<std::uint64_t>(g.error()));
      return;
    }
    s.self_service = 1;
    channel_id = g->id;
    const std::uint64_t grant_calls = ops.calls() - calls0;
    ipc::ChannelConfig shape{};
    shape.kind = spec_of(kind).kind;
    shape.element_size = spec_of(kind).element_size;
    shape.capacity = spec_of(kind).capacity;
    shape.role = ipc::Role::Producer;
    s.grant[0] = user::channel::ChannelGrant{user::channel::GrantMode::SelfService,
                                             g->producer_window,
                                             shape,
                                             g->producer_registry,
                                             g->producer_memory,
                                             g->name,
                                             g->producer_control,
                                             broker::self_service_control_name(g->id)};
    shape.role = ipc::Role::Consumer;
    s.grant[1] = user::channel::ChannelGrant{
        user::channel::GrantMode::SelfService, g->consumer_window, shape, g->consumer_registry, 0, g->name, 0, 0};
    s.setup[0] = Counts{d.instructions, grant_calls}; // the broker's part, until the peers overwrite it
  }
  const Counts grant_cost = s.setup[0];
  if (!sys::task_start(task[0], kProducer).ok() || !sys::task_start(task[1], kConsumer).ok()) {
    fail(b, "start the stream peers", 0);
    return;
  }
  // Both, even when the first failed: each deletes its peer's task capability.
  const bool producer_ok = finish_peer(b, task[0], badge[0]);
  const bool consumer_ok = finish_peer(b, task[1], badge[1]);
  const bool ok = producer_ok && consumer_ok;
  if (!ok || s.received != s.rounds * s.per_round) {
    user::print("kbench: %s %s: received %llu of %llu, %llu errors\n", impl, broker::mode_name(mode),
                static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.rounds * s.per_round),
                static_cast<unsigned long long>(s.errors));
    if (ok) fail(b, "stream count", s.received);
    if (channel_id != 0) (void)broker->close_channel(channel_id); // the next run's names must be free
    return;
  }
  if (mode == broker::SetupMode::SelfService) {
    // The broker's grant plus both peers' own setup (the consumer's includes the yields it spent
    // waiting for the producer's registration, if any).
    Samples inst;
    Samples calls;
    inst.add(grant_cost.instructions + s.setup[0].instructions + s.setup[1].instructions);
    calls.add(grant_cost.cycles + s.setup_syscalls[0] + s.setup_syscalls[1]);
    const char* name = kind == Kind::Element ? "self-service-element" : "self-service-record";
    row("setup", name, "instructions", stats(inst), "instructions");
    row("setup", name, "syscalls", stats(calls), "syscalls");
  }
  // Closing revokes what the channel handed out (for self-service, the producer's sub-quota, and with it
  // the registry entries that outlive the peers), and the broker's header mapping in this task must go
  // before the next broker, whose ids start again at 1, reuses the id and its registry names.
  if (!broker->close_channel(channel_id).ok()) fail(b, "close the streamed channel", channel_id);
  if (mode == broker::SetupMode::SelfService) return;
  report_stream(b, s, impl);
  if (consumer_core != 0) report_consumer_core(s, impl);
  user::print("kbench: %s: %llu messages verified, %llu signals + %llu waits (producer), %llu + %llu (consumer)\n",
              impl, static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.notes[0].signals),
              static_cast<unsigned long long>(s.notes[0].waits), static_cast<unsigned long long>(s.notes[1].signals),
              static_cast<unsigned long long>(s.notes[1].waits));
}

} // namespace

void run_stream(Bench& b) {
  for (Kind k : {Kind::Element, Kind::Record}) {
    stream_once(b, k, broker::SetupMode::Centralized);
    stream_once(b, k, broker::SetupMode::SelfService);
  }
  if (const Word core = second_core(b); core != 0) {
    for (Kind k : {Kind::Element, Kind::Record})
      stream_once(b, k, broker::SetupMode::Centralized, core);
  }
}

int stream_peer(Word role) {
  Shared& s = shared();
  return role == kProducer ? producer_main(s) : consumer_main(s);
}

} // namespace bramble::bench
