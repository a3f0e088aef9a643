// The answers to the console's requests: tasks, channels, graph, audit, mem, bench [messages], kill <task>,
// restart <task>.
// Every figure is read when asked: from the kernel (task_info, memory_info, cap_info), from the broker's
// records and from the components' report pages, which they update as they go.
#include "broker/root/console.hpp"

#include "generated/system_description.hpp" // kSystemName, for graph
#include "lib/format.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"

namespace bramble::root {

namespace sys = user::sys;
namespace ch = user::channel;
using namespace broker;
using ull = unsigned long long;

namespace {

constexpr std::uint64_t kBenchDefault = 100'000;
constexpr std::uint64_t kBenchMax = 10'000'000;

// First word of `line` into `word`; returns the rest with leading spaces skipped.
const char* split(const char* line, char* word, std::size_t size) {
  while (*line == ' ')
    ++line;
  std::size_t n = 0;
  for (; *line != '\0' && *line != ' '; ++line) {
    if (n + 1 < size) word[n++] = *line;
  }
  word[n] = '\0';
  while (*line == ' ')
    ++line;
  return line;
}

bool parse_number(const char* s, std::uint64_t& out) {
  if (*s < '0' || *s > '9') return false;
  std::uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) {
    if (v > kBenchMax) return false;
    v = v * 10 + static_cast<std::uint64_t>(*s - '0');
  }
  out = v;
  return *s == '\0' || *s == ' ';
}

const char* state_name(abi::TaskState s, bool blocked) {
  switch (s) {
  case abi::TaskState::Created: return "created";
  case abi::TaskState::Running: return blocked ? "blocked" : "ready";
  case abi::TaskState::Exited: return "exited";
  case abi::TaskState::Faulted: return "faulted";
  case abi::TaskState::Killed: return "killed";
  }
  return "?";
}

// ticks of a `frequency` Hz counter as milliseconds with one decimal: "12.3".
void milliseconds(char* out, std::size_t size, std::uint64_t ticks, std::uint64_t frequency) {
  const std::uint64_t tenths = frequency == 0 ? 0 : ticks * 10'000 / frequency;
  (void)format(out, size, "%llu.%llu", static_cast<ull>(tenths / 10), static_cast<ull>(tenths % 10));
}

} // namespace

void Commands::run(const char* line) {
  char word[16];
  const char* rest = split(line, word, sizeof word);
  if (user::task::same_string(word, "tasks"))
    tasks();
  else if (user::task::same_string(word, "cpus"))
    cpus();
  else if (user::task::same_string(word, "channels"))
    channels();
  else if (user::task::same_string(word, "graph"))
    graph();
  else if (user::task::same_string(word, "audit"))
    s_.print_audit(out_);
  else if (user::task::same_string(word, "mem"))
    mem();
  else if (user::task::same_string(word, "bench"))
    bench(rest);
  else if (user::task::same_string(word, "kill"))
    kill(rest);
  else if (user::task::same_string(word, "restart"))
    restart(rest);
  else
    out_.line("root: unknown request '%s'", word);
}

void Commands::tasks() {
  const auto& names = s_.broker().policy().components();
  const std::uint64_t hz = s_.boot().timer_frequency;
  out_.line("%-10s %-8s %4s %10s %4s %-8s %8s", "task", "state", "prio", "cpu ms", "core", "affinity", "restarts");
  for (std::size_t i = 0; i < System::kMax && i < names.size(); ++i) {
    const Component& c = s_.component(i);
    const Slot task = i == parts_.root ? s_.boot().slot_self : (c.launched ? c.task : 0);
    if (task == 0) continue;
    const auto info = sys::task_info(task);
    if (!info.ok()) {
      out_.line("%-10s %-8s (task_info: %s)", names[i].name, state_name(c.state, false),
                kernel_error_name(info.status));
      continue;
    }
    const auto state = static_cast<abi::TaskState>(info.r1);
    const bool blocked = state == abi::TaskState::Running && sys::task_status(task).r3 == 1;
    char cpu[24];
    milliseconds(cpu, sizeof cpu, info.r3, hz);
    // The root is the one asking: it is running. Others that are Running are waiting in a notification
    // (blocked) or for the CPU (ready: e.g. the console, preempted right after it sent this request).
    const char* shown = i == parts_.root ? "running" : state_name(state, blocked);
    const auto where = sys::task_core(task);
    char affinity[8];
    if (where.r2 == abi::kAnyCore)
      (void)format(affinity, sizeof affinity, "any");
    else
      (void)format(affinity, sizeof affinity, "%llu", static_cast<ull>(where.r2));
    // A component waiting for its restart shows how it ended and "restart pending"; one whose budget
    // ran out, "gave up".
    const char* note = c.restart_pending ? " (restart pending)" : c.gave_up ? " (gave up)" : "";
    out_.line("%-10s %-8s %4llu %10s %4llu %-8s %8u%s", names[i].name, shown, static_cast<ull>(info.r2), cpu,
              static_cast<ull>(where.r1), affinity, static_cast<unsigned>(c.restarts), note);
  }
}

void Commands::cpus() {
  // The load is the share of the time since the previous request (or since boot) the core was not idle.
  const std::uint64_t now = user::virtual_count();
  const std::uint64_t span = now - cpus_at_;
  out_.line("%4s %-10s %5s %8s %10s", "core", "state", "ready", "load", "switches");
  for (std::uint64_t core = 0; core < abi::kMaxCores; ++core) {
    const auto info = sys::cpu_info(s_.boot().slot_memory, core);
    if (!info.ok()) {
      out_.line("%4llu (cpu_info: %s)", static_cast<ull>(core), kernel_error_name(info.status));
      continue;
    }
    const std::uint64_t state = info.r1;
    if ((state & abi::kCpuOnline) == 0) {
      out_.line("%4llu %-10s", static_cast<ull>(core), "offline");
      continue;
    }
    const char* what = (state & abi::kCpuRunning) != 0      ? "running"
                       : (state & abi::kCpuScheduling) != 0 ? "idle"
                                                            : "starting";
    const std::uint64_t busy = info.r2 - cpus_busy_[core];
    cpus_busy_[core] = info.r2;
    const std::uint64_t tenths = span == 0 ? 0 : (busy > span ? 1000 : busy * 1000 / span);
    char load[16];
    (void)format(load, sizeof load, "%llu.%llu%%", static_cast<ull>(tenths / 10), static_cast<ull>(tenths % 10));
    out_.line("%4llu %-10s %5llu %8s %10llu", static_cast<ull>(core), what,
              static_cast<ull>((state >> abi::kCpuReadyShift) & 0xff), load, static_cast<ull>(info.r3));
  }
  cpus_at_ = now;
}

void Commands::channels() {
  const auto& names = s_.broker().policy().components();
  out_.line("%3s  %-8s -> %-8s  %-12s %-7s %7s  %-9s %10s %12s %8s", "id", "producer", "consumer", "mode", "ring",
            "size", "state", "messages", "bytes", "signals");
  std::size_t shown = 0;
  for (const ChannelRow& r : s_.rows()) {
    const ChannelRecord* rec = r.used ? s_.broker().channel(r.id) : nullptr;
    if (rec == nullptr) continue;
    const ch::Report* pr = s_.component(r.producer).report;
    const ch::Report* cr = s_.component(r.consumer).report;
    const ch::ChannelReport zero{};
    const ch::ChannelReport& p = pr != nullptr ? pr->channels[r.grant[0] % ch::kMaxGrants] : zero;
    const ch::ChannelReport& c = cr != nullptr ? cr->channels[r.grant[1] % ch::kMaxGrants] : zero;
    const ch::ChannelReport& counted = cr != nullptr ? c : p; // what arrived, or what was sent if the consumer is gone
    out_.line(
        "%3u  %-8s -> %-8s  %-12s %-7s %7llu  %-9s %10llu %12llu %8llu", r.id, names[r.producer].name,
        names[r.consumer].name, mode_name(r.mode), r.kind == ipc::RingKind::Element ? "element" : "record",
        static_cast<ull>(rec->bytes), rec->state == ChannelState::Active ? "open" : channel_state_name(rec->state),
        static_cast<ull>(counted.messages), static_cast<ull>(counted.bytes), static_cast<ull>(p.signals + c.signals));
    ++shown;
  }
  out_.line("%llu channels open", static_cast<ull>(shown));
}

// The live system as Graphviz DOT (what `make graph` draws from the description, as it runs now): one
// node per component the root started (and the root), one edge per open channel with its ring kind,
// size and setup mode. Paste the lines between `digraph` and `}` into `dot -Tsvg`.
void Commands::graph() {
  const auto& names = s_.broker().policy().components();
  out_.line("digraph \"%s\" {", kSystemName);
  out_.line("  node [shape=box];");
  for (std::size_t i = 0; i < System::kMax && i < names.size(); ++i) {
    const Component& c = s_.component(i);
    if (i != parts_.root && !c.launched) continue;
    const ComponentSpec& spec = names[i];
    char core[8];
    if (spec.core == kAnyCore)
      (void)format(core, sizeof core, "any");
    else
      (void)format(core, sizeof core, "%u", static_cast<unsigned>(spec.core));
    out_.line("  \"%s\" [label=\"%s\\n%s, priority %u, core %s\"];", spec.name, spec.name, spec.image,
              static_cast<unsigned>(spec.priority), core);
  }
  for (const ChannelRow& r : s_.rows()) {
    const ChannelRecord* rec = r.used ? s_.broker().channel(r.id) : nullptr;
    if (rec == nullptr) continue;
    out_.line("  \"%s\" -> \"%s\" [label=\"channel %u\\n%s, %llu bytes\\n%s%s\"];", names[r.producer].name,
              names[r.consumer].name, r.id, r.kind == ipc::RingKind::Element ? "element" : "record",
              static_cast<ull>(rec->bytes), mode_name(r.mode),
              rec->state == ChannelState::Active       ? ""
              : rec->state == ChannelState::Restarting ? ", peer restarting"
                                                       : ", peer gone");
  }
  out_.line("}");
}

void Commands::mem() {
  const auto info = sys::memory_info(s_.boot().slot_memory);
  if (!info.ok()) {
    out_.line("mem: memory_info: %s", kernel_error_name(info.status));
    return;
  }
  // memory_info: the allocator's frames (all RAM the kernel hands out) and those free now; the kernel's
  // own frames (image, object pools, its tables) are outside that count.
  const std::uint64_t frames = info.r1, free = info.r2, kernel = info.r3;
  out_.line("frames: %llu managed (%llu MiB), %llu free, %llu in use (task memory, stacks, page tables)",
            static_cast<ull>(frames), static_cast<ull>(frames * abi::kPageSize >> 20), static_cast<ull>(free),
            static_cast<ull>(frames - free));
  out_.line("kernel image: %llu frames (%llu KiB) outside the allocator: code, data, its own tables",
            static_cast<ull>(kernel), static_cast<ull>(kernel * abi::kPageSize >> 10));
  const auto quota = sys::cap_info(s_.boot().slot_memory);
  if (quota.ok()) {
    out_.line("root quota: %llu KiB in use of %llu KiB", static_cast<ull>(quota.r3 >> 10),
              static_cast<ull>(quota.r2 >> 10));
  }
}

void Commands::bench(const char* argument) {
  std::uint64_t messages = kBenchDefault;
  if (*argument != '\0' && (!parse_number(argument, messages) || messages == 0 || messages > kBenchMax)) {
    out_.line("bench: messages must be a number from 1 to %llu", static_cast<ull>(kBenchMax));
    return;
  }
  // The pair is the description's, by name (start = false there: only this command starts it), with
  // the first channel the description allows it, which must be centralized.
  const Policy& policy = s_.broker().policy();
  const std::size_t tx = policy.find_component("bench-tx");
  const std::size_t rx = policy.find_component("bench-rx");
  const ChannelRule* rule = first_rule(policy, tx, rx);
  if (tx >= System::kMax || rx >= System::kMax || rule == nullptr || rule->mode != SetupMode::Centralized) {
    out_.line("bench: this system has no bench-tx -> bench-rx pair with a centralized channel");
    return;
  }
  if (s_.component(tx).launched || s_.component(rx).launched) {
    out_.line("bench: the bench pair is running already");
    return;
  }
  const std::uint64_t memory = s_.memory_in_use();
  bool ok = s_.launch(tx, messages) && s_.launch(rx, messages);
  const std::uint64_t calls = s_.ops().calls(); // the channel's set-up alone, as the broker makes it
  ok = ok && s_.centralized(tx, rx, rule->spec);
  const std::uint64_t setup = s_.ops().calls() - calls;
  if (!ok) {
    out_.line("bench: set-up failed");
    s_.forget(tx);
    s_.forget(rx);
    return;
  }
  const std::uint64_t t0 = s_.ops().now(); // the generic timer's virtual count
  s_.start_all();
  const Component& p = s_.component(tx);
  const Component& c = s_.component(rx);
  while (!p.ended || !c.ended) {
    (void)s_.reap();
    if (!p.ended || !c.ended) (void)sys::wait(s_.fault_notification());
  }
  const std::uint64_t ticks = s_.ops().now() - t0;
  const ch::ChannelReport& pr = p.report->channels[0];
  const ch::ChannelReport& cr = c.report->channels[0];
  const std::uint64_t hz = s_.boot().timer_frequency;
  const std::uint64_t us = hz == 0 ? 0 : ticks * 1'000'000 / hz;
  const std::uint64_t per_second = us == 0 ? 0 : cr.messages * 1'000'000 / us;
  const std::uint64_t syscalls = pr.signals + pr.waits + cr.signals + cr.waits;
  if (rule->spec.kind == ipc::RingKind::Element)
    out_.line("bench: %llu messages (%u-byte slots, %llu payload bytes) through a centralized element ring",
              static_cast<ull>(cr.messages), static_cast<unsigned>(rule->spec.element_size),
              static_cast<ull>(cr.bytes));
  else
    out_.line("bench: %llu messages (%llu payload bytes) through a centralized record ring",
              static_cast<ull>(cr.messages), static_cast<ull>(cr.bytes));
  out_.line("bench: %llu.%03llu ms, %llu messages/s, %llu KB/s payload, %llu syscalls in the stream "
            "(%llu per 1000 messages), channel set-up %llu kernel calls, %llu errors",
            static_cast<ull>(us / 1000), static_cast<ull>(us % 1000), static_cast<ull>(per_second),
            static_cast<ull>(us == 0 ? 0 : cr.bytes * 1000 / us), static_cast<ull>(syscalls),
            static_cast<ull>(cr.messages == 0 ? 0 : syscalls * 1000 / cr.messages), static_cast<ull>(setup),
            static_cast<ull>(cr.errors + pr.errors));
  const bool clean =
      p.state == abi::TaskState::Exited && p.code == 0 && c.state == abi::TaskState::Exited && c.code == 0;
  s_.forget(tx);
  s_.forget(rx);
  out_.line("bench: %s; memory in use %llu bytes before, %llu after", clean ? "both sides exited with 0" : "FAILED",
            static_cast<ull>(memory), static_cast<ull>(s_.memory_in_use()));
}

std::size_t Commands::target(const char* command, const char* name, char (&word)[24]) {
  const auto& names = s_.broker().policy().components();
  (void)split(name, word, sizeof word);
  const std::size_t i = s_.broker().policy().find_component(word);
  if (word[0] == '\0') {
    out_.line("%s: which task? (see tasks)", command);
    return System::kMax;
  }
  if (i >= names.size() || i >= System::kMax) {
    out_.line("%s: no task called '%s'", command, word);
    return System::kMax;
  }
  if (parts_.is_part(i)) {
    out_.line("%s: '%s' serves this console; refused", command, word);
    return System::kMax;
  }
  return i;
}

void Commands::restart(const char* name) {
  char word[24];
  const std::size_t i = target("restart", name, word);
  if (i == System::kMax) return;
  Component& c = s_.component(i);
  if (!c.launched) {
    out_.line("restart: '%s' is not running (never started, or killed); nothing to restart", word);
    return;
  }
  const bool was_running = !c.ended;
  if (c.ended && !c.restart_pending) {
    out_.line("restart: '%s' ended for good (%s); its channels are closed", word,
              c.gave_up ? "its restart budget is used up" : "it exited");
    return;
  }
  if (!s_.restart_now(i)) {
    out_.line("restart: '%s' could not be started again; it stays down", word);
    return;
  }
  out_.line("restart: %s %s and started again (restart %u); its channels are where they were", word,
            was_running ? "ended" : "was waiting for its restart", static_cast<unsigned>(c.restarts));
}

void Commands::kill(const char* name) {
  const auto& names = s_.broker().policy().components();
  char word[24];
  const std::size_t i = target("kill", name, word);
  if (i == System::kMax) return;
  Component& c = s_.component(i);
  if (!c.launched || (c.ended && !c.restart_pending)) {
    out_.line("kill: '%s' is not running", word);
    return;
  }
  std::uint32_t ids[System::kMax] = {};
  std::size_t n = 0;
  for (const ChannelRow& r : s_.rows()) {
    if (r.used && (r.producer == i || r.consumer == i) && s_.broker().channel(r.id) != nullptr) ids[n++] = r.id;
  }
  if (!s_.kill(i)) {
    out_.line("kill: '%s' could not be killed", word);
    return;
  }
  out_.line("kill: %s killed; the kernel took its task, its mappings and its capabilities", word);
  for (std::size_t k = 0; k < n; ++k) {
    const ChannelRow* r = s_.row(ids[k]);
    if (r == nullptr) continue;
    const ChannelRecord* rec = s_.broker().channel(ids[k]);
    const std::size_t other = r->producer == i ? r->consumer : r->producer;
    if (rec == nullptr)
      out_.line("kill: channel %u (%s -> %s) closed and released", ids[k], names[r->producer].name,
                names[r->consumer].name);
    else
      out_.line("kill: channel %u (%s -> %s) closed; %s was woken and sees Closed", ids[k], names[r->producer].name,
                names[r->consumer].name, names[other].name);
  }
}

} // namespace bramble::root
