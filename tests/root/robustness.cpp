// The root task's robustness scenarios (test image only): hostile peers and the long stress run.
//
// hostile-producer / hostile-consumer: a hostile component (user/components/hostile_*.cpp) exchanges
// kHonest honest messages with a demo component, then writes garbage into the shared words it may
// write. The honest side must report PeerCorrupted and exit normally (not fault, not hang); the
// root then has the broker close the channel at once (audited), which revokes the attacker's
// notification and so ends its wait: it exits too. Every attack runs on its own fresh channel.
// hostile-header: the attacker writes page 0, mapped read-only to both sides: the write faults, the
// kernel kills the attacker, the broker tells the survivor (Closed), then closes the channel.
// stress: 10^7 messages through one channel while a task of the same priority burns the CPU.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "tests/root/scenarios.hpp"
#include "user/lib/sys.hpp"
#include "user/protocol/exit_codes.hpp"
#include "user/protocol/hostile.hpp"
#include "user/protocol/stress.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
using ull = unsigned long long;
using namespace broker;
using components::Attack;

namespace {

constexpr std::uint64_t kHonest = 100;                    // messages exchanged before an attack
constexpr std::uint64_t kHonestProducerSends = 1'000'000; // an honest producer facing a hostile consumer

const char* name_of(System& s, std::size_t i) { return s.broker().policy().components()[i].name; }

std::uint64_t end_code(ipc::Error e) { return 1 + static_cast<std::uint64_t>(e); }

// The channel id of the newest row the System recorded (ids only grow).
std::uint32_t newest_channel(System& s) {
  std::uint32_t id = 0;
  for (const ChannelRow& row : s.rows()) {
    if (row.used && row.id > id) id = row.id;
  }
  return id;
}

// Closes every still-open channel component i is a party of; returns how many.
unsigned close_channels_of(System& s, std::size_t i) {
  unsigned closed = 0;
  for (const ChannelRow& row : s.rows()) {
    if (!row.used || (row.producer != i && row.consumer != i) || s.broker().channel(row.id) == nullptr) continue;
    // Printed first: closing wakes the hostile peer, whose own output must come after this line.
    user::print("root: %s reported channel %u corrupted (PeerCorrupted): the broker closes it\n", name_of(s, i),
                row.id);
    if (check(s.broker().close_channel(row.id).ok(), "close the corrupted channel")) ++closed;
  }
  return closed;
}

// A component that exited because its channel was corrupted has that channel closed by the broker
// at once, while the hostile peer still runs (System::wait_all's on_exit hook).
void close_if_corrupted(System& s, std::size_t i) {
  if (s.component(i).report->channels[0].end_error == end_code(ipc::Error::PeerCorrupted)) {
    (void)close_channels_of(s, i);
  }
}

// One attack on one fresh channel. `by_producer`: the hostile side is the producer (mallory-tx ->
// logger), else the consumer (sensor -> mallory-rx).
bool attack(System& s, Attack a, bool by_producer, const ipc::RingSpec& spec) {
  const std::size_t attacker = by_producer ? kMalloryTx : kMalloryRx;
  const std::size_t victim = by_producer ? kLogger : kSensor;
  const std::uint64_t closed_before = s.broker().audit().count(AuditEvent::Closed);
  bool ok = check(s.launch(attacker, kHonest, static_cast<std::uint64_t>(a)), "launch the attacker");
  // A victim consumer expects more than it will get; a victim producer has more to send than fits.
  ok = check(s.launch(victim, by_producer ? kHonest + 1000 : kHonestProducerSends), "launch the victim") && ok;
  ok = check(by_producer ? s.centralized(attacker, victim, spec) : s.centralized(victim, attacker, spec),
             "centralized channel") &&
       ok;
  if (!ok) return false;
  const std::uint32_t id = newest_channel(s);
  s.start_all();
  s.wait_all(System::kMax, close_if_corrupted);

  const Component& v = s.component(victim);
  const Component& h = s.component(attacker);
  const user::channel::ChannelReport& vr = v.report->channels[0];
  const bool header = a == Attack::HeaderWrite;
  const ipc::Error want = header ? ipc::Error::Closed : ipc::Error::PeerCorrupted;
  if (header) {
    ok = check(h.state == abi::TaskState::Faulted,
               "the write to the read-only header faulted and the kernel killed the attacker");
    ok = check(v.state == abi::TaskState::Exited && v.code == components::kExitPeerGone,
               "the victim was told the channel closed and exited normally") &&
         ok;
  } else {
    ok = check(h.state == abi::TaskState::Exited && h.code == components::kExitOk,
               "the attacker attacked and left once the broker withdrew the channel") &&
         ok;
    ok = check(v.state == abi::TaskState::Exited && v.code == components::kExitVerifyFailed,
               "the victim reported the broken channel and exited normally") &&
         ok;
  }
  ok = check(vr.end_error == end_code(want), "the victim's stream ended with the expected error") && ok;
  if (by_producer) {
    ok = check(vr.messages == kHonest && vr.errors == 0, "the victim received exactly the honest messages") && ok;
  }
  ok = check(s.broker().channel(id) == nullptr && s.broker().active_channels() == 0, "the broker closed the channel") &&
       ok;
  ok = check(s.broker().audit().count(AuditEvent::Closed) == closed_before + 1, "the close is audited") && ok;
  user::print(
      "root: hostile: %s by the %s on the %s ring: %s ended after %llu messages with %s, %s %s (%llu); "
      "channel %u closed\n",
      components::attack_name(a), by_producer ? "producer" : "consumer",
      spec.kind == ipc::RingKind::Element ? "element" : "record", name_of(s, victim), static_cast<ull>(vr.messages),
      vr.end_error == 0 ? "no error" : ipc::error_name(static_cast<ipc::Error>(vr.end_error - 1)), name_of(s, attacker),
      h.state == abi::TaskState::Faulted ? "was killed" : "exited", static_cast<ull>(h.code), id);
  s.cleanup();
  return ok;
}

struct Case {
  Attack attack;
  const ipc::RingSpec* spec;
};

bool run_cases(System& s, bool by_producer, std::initializer_list<Case> cases) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = true;
  for (const Case& c : cases)
    ok = attack(s, c.attack, by_producer, *c.spec) && ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

} // namespace

bool run_hostile_producer(System& s) {
  using components::kElementSpec;
  using components::kRecordSpec;
  return run_cases(s, true,
                   {{Attack::TailAhead, &kElementSpec},
                    {Attack::TailBack, &kElementSpec},
                    {Attack::TailAhead, &kRecordSpec},
                    {Attack::TailBack, &kRecordSpec},
                    {Attack::RecordOverrun, &kRecordSpec},
                    {Attack::RecordLength, &kRecordSpec},
                    {Attack::RecordPadAtZero, &kRecordSpec},
                    {Attack::RecordFlags, &kRecordSpec},
                    {Attack::RecordUnaligned, &kRecordSpec}});
}

bool run_hostile_consumer(System& s) {
  using components::kElementSpec;
  using components::kRecordSpec;
  return run_cases(s, false,
                   {{Attack::HeadBack, &kElementSpec},
                    {Attack::HeadAhead, &kElementSpec},
                    {Attack::HeadBack, &kRecordSpec},
                    {Attack::HeadAhead, &kRecordSpec}});
}

bool run_hostile_header(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = attack(s, Attack::HeaderWrite, true, components::kElementSpec);
  ok = attack(s, Attack::HeaderWrite, true, components::kRecordSpec) && ok;
  ok = attack(s, Attack::HeaderWrite, false, components::kElementSpec) && ok;
  ok = attack(s, Attack::HeaderWrite, false, components::kRecordSpec) && ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

bool run_stress(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = check(s.launch(kStressTx, messages), "launch the stress producer");
  ok = check(s.launch(kStressRx, messages), "launch the stress consumer") && ok;
  ok = check(s.launch(kHog, 0), "launch the CPU hog") && ok;
  ok = check(s.centralized(kStressTx, kStressRx, components::kStressSpec), "centralized stress channel") && ok;
  if (!ok) return false;
  const auto& specs = s.broker().policy().components();
  user::print("root: stress: %llu messages through one channel; %s, %s and %s all at priority %u, %s never yields\n",
              static_cast<ull>(messages), specs[kStressTx].name, specs[kStressRx].name, specs[kHog].name,
              static_cast<unsigned>(specs[kStressTx].priority), specs[kHog].name);
  s.start_all();
  s.wait_all(kHog, close_if_corrupted);

  // The hog never ends by itself: deleting its task capability ends it.
  Component& hog = s.component(kHog);
  const std::uint64_t spins = hog.report->channels[0].messages;
  ok = check(sys::cap_delete(hog.task).ok(), "end the hog") && ok;
  hog.task = 0;
  hog.ended = true;
  const Component& p = s.component(kStressTx);
  const Component& c = s.component(kStressRx);
  const components::StressCounts& n = *components::stress_counts(c.report);
  ok = check(p.state == abi::TaskState::Exited && p.code == 0, "the stress producer exited with 0") && ok;
  ok = check(c.state == abi::TaskState::Exited && c.code == 0, "the stress consumer exited with 0") && ok;
  ok = check(n.magic == components::kStressCountsMagic, "the consumer left its counts") && ok;
  ok = check(n.received == messages && n.in_order == messages, "every message arrived, in order") && ok;
  ok = check(n.lost == 0 && n.duplicated == 0 && n.corrupt == 0, "nothing lost, duplicated or corrupt") && ok;
  ok = check(n.seq_sum == (messages == 0 ? 0 : messages * (messages - 1) / 2), "the sequence numbers add up") && ok;
  // The hog never gives the CPU up: that it counted at all while the stream ran to its end means the
  // timer took the CPU from it and gave it back to the stream (and the other way round).
  ok = check(spins > 0, "the hog ran alongside the stream") && ok;
  user::print("root: stress: %llu sent, %llu received, %llu in order, %llu lost, %llu duplicated, %llu corrupt; "
              "consumer found the ring empty %llu times; hog counted to %llu\n",
              static_cast<ull>(p.report->channels[0].messages), static_cast<ull>(n.received),
              static_cast<ull>(n.in_order), static_cast<ull>(n.lost), static_cast<ull>(n.duplicated),
              static_cast<ull>(n.corrupt), static_cast<ull>(n.empty_waits), static_cast<ull>(spins));
  s.print_table();
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

} // namespace bramble::root
