// What the parts of kbench share: the roles its peer tasks play, the page the root shares with them,
// and how a figure is printed.
//
// Output: one line per figure, `kbench row <benchmark>,<implementation>,<metric>,<median>,<min>,<max>,<unit>,<n>`
// (tools/kbench.py collects them from both boards into one table and the CSV lines).
#pragma once

#include <cstdint>

#include "bramble/ipc/channel.hpp"
#include "user/channel/kernel_notifier.hpp"
#include "user/channel/startup.hpp"
#include "user/lib/pmu.hpp"
#include "user/lib/task.hpp"

namespace bramble::bench {

using user::task::Word;
namespace sys = user::sys;

// The task_start argument of a peer says what it does. Peers find their notifications in slots 1 (in)
// and 2 (out) and the shared page at kSharedAddress.
enum Role : Word {
  kPingPong = 1, // wait(in), signal(out), until stop
  kYielder = 2,  // yield until stop
  kProducer = 3, // stream into the channel in Shared::producer (or build it: Shared::self_service)
  kConsumer = 4,
};
inline constexpr Word kIn = 1;
inline constexpr Word kOut = 2;
inline constexpr Word kSharedAddress = user::task::kTestMapBase;
inline constexpr std::size_t kMaxRounds = 64;
// Room for 2 notification slots per centralized setup round: close_channel does not give a
// component its slots back, so repeated setups use fresh ones.
inline constexpr Word kPeerSlots = 64;

enum class Kind : std::uint64_t { Element = 0, Record = 1 };
inline constexpr std::size_t kElementSlots = 1024; // 8 KiB ring of 8-byte items
// 256 KiB: ~970 records of 268 bytes (256 + the 12-byte header), so the fill/drain cycle of a single
// core (4 notifier calls per ring-full) stays under the 0.01 syscalls per message target.
inline constexpr std::size_t kRecordRingBytes = 256 * 1024;
inline constexpr std::size_t kRecordPayload = 256;

// One page, read and written by the root and its peers.
struct Shared {
  volatile std::uint64_t stop;
  // Streaming.
  Kind kind;
  std::uint64_t rounds;
  std::uint64_t per_round; // messages per round
  ipc::ChannelConfig producer;
  ipc::ChannelConfig consumer;
  std::uint64_t self_service; // 1: build the channel from grant[] (user/channel/establish.hpp)
  user::channel::ChannelGrant grant[2];
  // Results (written by the peers).
  user::channel::NotifierCounters notes[2]; // producer, consumer: signal/wait calls made
  Counts round[kMaxRounds];                 // producer: one round, both sides and the kernel
  std::uint64_t round_syscalls[kMaxRounds];
  Counts setup[2]; // self-service: each side's establish_channel
  std::uint64_t setup_syscalls[2];
  std::uint64_t received;
  std::uint64_t errors;
  std::uint64_t failed; // 1 + step where a peer gave up
  // Cross-core figures: what the peer's own core counted (its PMU counts that core only).
  Counts ping_peer;          // ping-pong peer: from its first wake-up to the stop
  std::uint64_t ping_rounds; // round trips within that span
  Counts consumer_span;      // stream consumer: from opening the channel to the last message
};
static_assert(sizeof(Shared) <= 4096);

[[nodiscard]] inline Shared& shared() { return *reinterpret_cast<Shared*>(kSharedAddress); }

// What the root task knows while it runs the benchmarks.
struct Bench {
  user::task::Root root;
  std::uint64_t iterations;
  Word shared_frame; // the root's capability to the shared page
  Word ended;        // peers' ends are reported here (badge 1 << n)
  Word next_badge;
  Word seen; // end reports received and not yet collected by finish_peer()
  unsigned failures;
};

void row(const char* benchmark, const char* implementation, const char* metric, const Stats& s, const char* unit);
// Prints instructions and cycles (suffix "/op" etc. is up to the caller's metric name).
void rows(const char* benchmark, const char* implementation, Samples& instructions, Samples& cycles);
bool fail(Bench& b, const char* what, std::uint64_t status);

// A stopped peer from this image at `priority`, with the shared page mapped and `in`/`out` (0: none)
// in its slots 1 and 2. Returns the task slot (0 on failure); `badge` gets its end-report bit.
Word make_peer(Bench& b, Word priority, Word in, Word in_rights, Word out, Word& badge);
// Waits until the peer reported its end; true if it exited with 0. Deletes its task capability.
bool finish_peer(Bench& b, Word task, Word badge);

// The core a cross-core peer runs on (the root runs on core 0), or 0 when only core 0 is online.
[[nodiscard]] Word second_core(const Bench& b);
void run_micro(Bench& b);
void run_stream(Bench& b);
int peer_main(Word role);
int stream_peer(Word role);

} // namespace bramble::bench
