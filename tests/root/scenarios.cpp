// The root task's test scenarios (linked only into the test image's root program, tests/root/):
// layout, refused setups, a producer killed mid-stream, out of memory at every step of a setup.
#include "tests/root/scenarios.hpp"
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "user/channel/establish.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
using ull = unsigned long long;
using namespace broker;

bool launch_all(System& s, std::initializer_list<std::size_t> which, std::uint64_t messages,
                std::uint64_t fault_after) {
  bool ok = true;
  for (std::size_t i : which)
    ok = check(s.launch(i, messages, i == kSensor ? fault_after : 0), "launch") && ok;
  return ok;
}

bool delivered(System& s, std::size_t producer, std::size_t consumer, std::uint64_t messages) {
  const auto& p = s.component(producer);
  const auto& c = s.component(consumer);
  bool ok = check(p.state == abi::TaskState::Exited && p.code == 0, "producer exited with 0");
  ok = check(c.state == abi::TaskState::Exited && c.code == 0, "consumer exited with 0") && ok;
  ok = check(c.report->channels[0].messages == messages, "every message delivered") && ok;
  ok = check(c.report->channels[0].errors == 0, "no message failed verification") && ok;
  return ok;
}

bool run_layout(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = launch_all(s, {kSensor, kLogger, kCamera, kDisplay}, 1000);
  ok = check(s.centralized(kSensor, kLogger, components::kElementSpec), "centralized channel") && ok;
  ok = check(s.self_service(kCamera, kDisplay, components::kElementSpec), "self-service grant") && ok;
  if (!ok) return false;
  s.start_all();
  s.wait_all();
  ok = delivered(s, kSensor, kLogger, 1000) && ok;
  ok = delivered(s, kCamera, kDisplay, 1000) && ok;
  const auto& a = s.component(kLogger).report->channels[0];
  const auto& b = s.component(kDisplay).report->channels[0];
  bool same = a.base == b.base;
  for (int i = 0; i < 8; ++i)
    same = same && a.header[i] == b.header[i];
  ok = check(same, "both rings at the same address with the same header") && ok;
  if (same)
    user::print("root: layout: centralized and self-service rings both at 0x%llx with identical headers\n",
                static_cast<ull>(a.base));
  s.print_table();
  return everything_back(s, memory, caps) && ok;
}

bool run_unauthorized(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = launch_all(s, {kSensor, kLogger, kIntruder}, 0);
  const std::uint64_t before = s.memory_in_use();
  struct Try {
    std::size_t p, c;
    bool self;
    const ipc::RingSpec* spec;
  };
  const Try tries[] = {{kLogger, kSensor, false, &components::kElementSpec},   // the wrong direction
                       {kSensor, kIntruder, false, &components::kElementSpec}, // a pair the manifest does not list
                       {kSensor, kLogger, true, &components::kElementSpec},    // the right pair, the wrong mode
                       {kSensor, kLogger, false, &components::kRecordSpec}};   // the right pair, another ring
  for (const Try& t : tries) {
    const bool made = t.self ? s.self_service(t.p, t.c, *t.spec) : s.centralized(t.p, t.c, *t.spec);
    ok = check(!made, "an unauthorized channel was refused") && ok;
    const auto& names = s.broker().policy().components();
    user::print("root: unauthorized: %s %s -> %s refused (%s)\n", t.self ? "self-service" : "centralized",
                names[t.p].name, names[t.c].name, policy_error_name(s.broker().last_policy_error()));
  }
  ok = check(s.broker().audit().count(AuditEvent::Refused) == 4, "four refusals audited") && ok;
  ok = check(s.memory_in_use() == before, "a refusal costs no memory") && ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

bool run_no_registry(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = launch_all(s, {kCamera, kIntruder}, 0);
  // The intruder may have no channel: the broker refuses to grant it self-service...
  ok = check(!s.self_service(kCamera, kIntruder, components::kRecordSpec), "self-service for the intruder refused") &&
       ok;
  // ...so it tries the channel's registry name with a slot that holds no registry capability.
  auto& in = *s.component(kIntruder).startup;
  ipc::ChannelConfig shape{};
  shape.role = ipc::Role::Consumer;
  shape.kind = components::kRecordSpec.kind;
  shape.element_size = components::kRecordSpec.element_size;
  shape.capacity = components::kRecordSpec.capacity;
  in.channels[0] =
      user::channel::ChannelGrant{user::channel::GrantMode::SelfService, 0, shape, 5, 0, self_service_name(1), 0, 0};
  in.channel_count = 1;
  s.start_all();
  s.wait_all();
  const auto& c = s.component(kIntruder);
  ok = check(c.state == abi::TaskState::Exited && c.code == 2, "the intruder's self-service setup failed") && ok;
  ok = check(c.report->setup_error == 1 + static_cast<std::uint64_t>(user::channel::SetupError::Kernel),
             "the kernel refused the registry call") &&
       ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

bool run_kill(System& s, std::uint64_t messages) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  constexpr std::uint64_t kFaultAfter = 5000;
  bool ok = launch_all(s, {kSensor, kLogger}, messages, kFaultAfter);
  const std::uint64_t before_channel = s.memory_in_use();
  ok = check(s.centralized(kSensor, kLogger, components::kElementSpec), "centralized channel") && ok;
  const std::uint64_t with_channel = s.memory_in_use();
  user::print("root: kill: memory in use %llu before the channel, %llu with it\n", static_cast<ull>(before_channel),
              static_cast<ull>(with_channel));
  if (!ok) return false;
  s.start_all();
  s.wait_all();
  const auto& p = s.component(kSensor);
  const auto& c = s.component(kLogger);
  ok = check(p.state == abi::TaskState::Faulted, "the producer was killed") && ok;
  ok =
      check(c.state == abi::TaskState::Exited && c.code == 3, "the consumer was told (Closed), not left hanging") && ok;
  ok = check(c.report->channels[0].messages == kFaultAfter, "everything sent before the kill was delivered") && ok;
  ok = check(c.report->channels[0].end_error == 1 + static_cast<std::uint64_t>(ipc::Error::Closed),
             "ended with Closed") &&
       ok;
  ok = check(s.broker().active_channels() == 0, "the channel was torn down") && ok;
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

bool run_oom(System& s) {
  const std::uint64_t memory = s.memory_in_use();
  const std::size_t caps = s.caps_in_use();
  bool ok = launch_all(s, {kSensor, kLogger}, 0);
  const abi::BootInfo& boot = s.boot();
  // Keep some single pages, fill the rest of the quota, then give the kept pages back one at a time:
  // every attempt must fail at the same step as the one before or a later one (each step's frames,
  // records and page tables are charged to the quota the broker and its components share), roll back
  // to the byte, and the last one must succeed.
  constexpr int kKept = 64;
  Slot keep[kKept] = {};
  for (Slot& k : keep) {
    const auto f = sys::memory_allocate(boot.slot_memory, abi::kPageSize);
    ok = check(f.ok(), "reserve") && ok;
    k = f.r1;
  }
  // The filler: a task (this program, role kFillerRole) that allocates every other byte of the quota
  // into its own table and then sleeps. What it holds it created itself, so it stays until the
  // filler is destroyed (a capability copied to it would die with the original: delete takes what
  // was derived from it).
  const auto image = user::task::find_image(boot, "root");
  const auto done = sys::notification_create(boot.slot_memory);
  const auto filler = sys::task_create(boot.slot_task_create, boot.slot_memory, image, 1024, abi::kMaxPriority, 0);
  ok = check(done.ok() && filler.ok(), "filler task") && ok;
  if (!ok) return false;
  ok = check(sys::cap_insert_into(filler.r1, kFillerMemory, boot.slot_memory, abi::kRightControl, 0).ok() &&
                 sys::cap_insert_into(filler.r1, kFillerDone, done.r1, abi::kRightSignal, 0).ok() &&
                 sys::task_start(filler.r1, kFillerRole).ok(),
             "start the filler") &&
       ok;
  ok = check(sys::wait(done.r1).ok(), "the filler reports") && ok;
  SetupStep previous = SetupStep::AllocateFrames;
  unsigned steps_seen = 0;
  bool succeeded = false;
  for (int attempt = 0; attempt <= kKept && !succeeded; ++attempt) {
    const std::uint64_t used = s.memory_in_use();
    const std::size_t held = s.caps_in_use();
    auto ch = s.broker().establish_channel_centralized(kSensor, kLogger, components::kElementSpec);
    if (ch.ok()) {
      succeeded = true;
      user::print("root: oom: attempt %d succeeded (channel %u) after failing at %u different steps\n", attempt + 1,
                  ch->id, steps_seen);
      ok = check(s.broker().close_channel(ch->id).ok(), "close") && ok;
      break;
    }
    const SetupStep step = s.broker().last_step();
    const bool rolled_back = s.memory_in_use() == used && s.caps_in_use() == held;
    ok = check(rolled_back, "rolled back completely") && ok;
    ok = check(s.broker().last_kernel_error() == abi::Error::QuotaExceeded, "refused for the quota") && ok;
    ok = check(static_cast<unsigned>(step) >= static_cast<unsigned>(previous), "never fails at an earlier step") && ok;
    if (attempt == 0 || step != previous) {
      ++steps_seen;
      user::print(
          "root: oom: attempt %d failed at %s (%s); rolled back: memory in use %s, capabilities %s\n", attempt + 1,
          setup_step_name(step), kernel_error_name(static_cast<std::uint64_t>(s.broker().last_kernel_error())),
          s.memory_in_use() == used ? "unchanged" : "CHANGED", s.caps_in_use() == held ? "unchanged" : "CHANGED");
    }
    previous = step;
    if (attempt < kKept) {
      (void)sys::cap_delete(keep[attempt]);
      keep[attempt] = 0;
    }
  }
  ok = check(succeeded, "setup succeeds once the memory is there") && ok;
  ok = check(steps_seen >= 4, "fails at several steps on the way") && ok;
  for (Slot k : keep) {
    if (k != 0) (void)sys::cap_delete(k);
  }
  (void)sys::cap_delete(filler.r1);
  (void)sys::cap_delete(done.r1);
  s.print_audit();
  return everything_back(s, memory, caps) && ok;
}

int run_filler() {
  // Made first, while there is quota: the notification this task sleeps on once the quota is full
  // (nobody signals it; the root destroys this task when it is done).
  const auto sleeper = sys::notification_create(kFillerMemory);
  std::uint64_t filled = 0;
  for (int order = 10; order >= 0; --order) {
    while (sys::memory_allocate(kFillerMemory, abi::kPageSize << order).ok())
      filled += abi::kPageSize << order;
  }
  while (sys::notification_create(kFillerMemory).ok()) { // and the last bytes, in notifications
  }
  user::print("root: oom: %llu MiB of the quota filled\n", static_cast<ull>(filled >> 20));
  (void)sys::signal(kFillerDone);
  for (;;)
    (void)sys::wait(sleeper.r1);
}

} // namespace bramble::root
