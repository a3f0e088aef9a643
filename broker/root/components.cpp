// Starting components from the manifest and following them until they end.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
#include "user/lib/counter.hpp"
#include "user/lib/sys.hpp"
#include "user/lib/task.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace sys = user::sys;
namespace ch = user::channel;

namespace {
// Where the root maps component i's startup and report pages in its own address space.
constexpr std::uint64_t kPagesBase = 0x1000'0000;
std::uint64_t pages_at(std::size_t i) { return kPagesBase + i * 0x2000; }
// An audit record holds a restart count in one byte: 255 means 255 or more.
std::uint8_t audit_count(std::uint32_t restarts) { return static_cast<std::uint8_t>(restarts < 255 ? restarts : 255); }

void copy_name(char* out, std::size_t size, const char* in) {
  std::size_t i = 0;
  for (; in[i] != '\0' && i + 1 < size; ++i)
    out[i] = in[i];
  out[i] = '\0';
}
} // namespace

System::System(const abi::BootInfo& boot, broker::SyscallOps& ops, broker::ChannelBroker& broker)
    : boot_(boot), ops_(ops), broker_(broker) {
  const auto n = sys::notification_create(boot.slot_memory);
  if (n.ok()) fault_ = n.r1;
}

bool System::launch(std::size_t index, std::uint64_t messages, std::uint64_t fault_after) {
  Component& c = components_[index];
  c = Component{};
  c.index = index;
  c.messages = messages;
  c.fault_after = fault_after;
  const std::uint64_t at = pages_at(index);
  // Startup page (read-only to the component) and report page (writable), both mapped in the root too.
  // They outlive the component's task: a restarted instance gets the same two pages.
  c.startup_frame =
      user::task::map_new({&boot_, 0, boot_.slot_memory, 0, 0, 0}, abi::kPageSize, at, abi::kMapRead | abi::kMapWrite);
  c.report_frame = user::task::map_new({&boot_, 0, boot_.slot_memory, 0, 0, 0}, abi::kPageSize, at + abi::kPageSize,
                                       abi::kMapRead | abi::kMapWrite);
  if (c.startup_frame == 0 || c.report_frame == 0 || fault_ == 0) return false;
  c.startup = reinterpret_cast<ch::Startup*>(at);
  c.report = reinterpret_cast<ch::Report*>(at + abi::kPageSize);
  const broker::ComponentSpec& spec = broker_.policy().components()[index];
  c.startup->magic = ch::kStartupMagic;
  c.startup->version = 1;
  copy_name(c.startup->name, sizeof c.startup->name, spec.name);
  c.startup->messages = messages;
  c.startup->fault_after = fault_after;
  c.startup->query_timeout = 100000;
  c.fault = ops_.free_slot();
  if (!sys::cap_mint(fault_, c.fault, abi::kRightSignal, std::uint64_t{1} << index).ok()) return false;
  if (!create_task(c)) return false;
  if (!broker_.add_component(index, c.task).ok()) return false;
  c.launched = true;
  return true;
}

bool System::create_task(Component& c) {
  const broker::ComponentSpec& spec = broker_.policy().components()[c.index];
  const std::uint64_t image = user::task::find_image(boot_, spec.image);
  if (image == user::task::kNoImage) return false;
  const auto task =
      sys::task_create(boot_.slot_task_create, boot_.slot_memory, image, spec.slots, spec.priority, c.fault);
  if (!task.ok()) {
    user::print("root: cannot create %s: %s\n", spec.name, kernel_error_name(task.status));
    return false;
  }
  c.task = task.r1;
  // The description's core, or any core. A core that is not online (cores= on the command line) leaves
  // the component free to run anywhere.
  const std::uint64_t core = spec.core == broker::kAnyCore ? abi::kAnyCore : spec.core;
  if (!sys::task_set_core(c.task, core).ok()) {
    if (c.restarts == 0)
      user::print("root: %s asks for core %u, which is not online: it runs on any core\n", spec.name,
                  static_cast<unsigned>(spec.core));
    (void)sys::task_set_core(c.task, abi::kAnyCore);
  }
  c.startup_copy = ops_.free_slot();
  if (!sys::cap_mint(c.startup_frame, c.startup_copy, abi::kRightRead, 0).ok() ||
      !sys::memory_map_into(c.task, c.startup_copy, ch::kStartupAddress, abi::kMapRead).ok())
    return false;
  c.report_copy = ops_.free_slot();
  return sys::cap_mint(c.report_frame, c.report_copy, abi::kRightRead | abi::kRightWrite, 0).ok() &&
         sys::memory_map_into(c.task, c.report_copy, ch::kReportAddress, abi::kMapRead | abi::kMapWrite).ok();
}

std::uint64_t System::ms_to_ticks(std::uint64_t ms) const { return ms * boot_.timer_frequency / 1000; }

void System::ended(Component& c) {
  const broker::ComponentSpec& spec = broker_.policy().components()[c.index];
  const broker::Restart& r = spec.restart;
  const bool failed = c.state != abi::TaskState::Exited || c.code != 0;
  const bool wanted =
      r.policy == broker::RestartPolicy::Always || (r.policy == broker::RestartPolicy::OnFailure && failed);
  if (!wanted) {
    broker_.component_ended(c.index);
    return;
  }
  const std::uint64_t now = user::virtual_count();
  // The budget refills restart_window_ms after the first restart it counted (never when it is 0).
  if (r.window_ms != 0 && c.budget_used > 0 && now - c.window_start > ms_to_ticks(r.window_ms)) c.budget_used = 0;
  if (c.budget_used >= r.budget) {
    c.gave_up = true;
    user::print("root: %s used up its restart budget (%u restarts): it stays down\n", spec.name,
                static_cast<unsigned>(c.restarts));
    broker_.audit_component(broker::AuditEvent::GaveUp, c.index, audit_count(c.restarts));
    broker_.component_ended(c.index);
    return;
  }
  if (c.budget_used == 0) c.window_start = now;
  // Back-off: doubled for each restart the window counted, up to kMaxBackoffMs.
  std::uint64_t delay = r.backoff_ms;
  for (std::uint32_t i = 0; i < c.budget_used && delay < broker::kMaxBackoffMs; ++i)
    delay *= 2;
  if (delay > broker::kMaxBackoffMs) delay = broker::kMaxBackoffMs;
  ++c.budget_used;
  c.restart_pending = true;
  c.restart_at = now + ms_to_ticks(delay);
  user::print("root: %s restarts in %llu ms (%u of %u)\n", spec.name, static_cast<unsigned long long>(delay),
              static_cast<unsigned>(c.budget_used), static_cast<unsigned>(r.budget));
  broker_.component_ended(c.index, true);
}

bool System::relaunch(Component& c) {
  const broker::ComponentSpec& spec = broker_.policy().components()[c.index];
  // The dead task and the copies its pages were mapped through go; the pages and the fault badge stay.
  for (Slot* slot : {&c.task, &c.startup_copy, &c.report_copy}) {
    if (*slot != 0) (void)sys::cap_delete(*slot);
    *slot = 0;
  }
  ++c.restarts;
  c.restart_pending = false;
  c.startup->restarts = c.restarts;
  c.startup->fault_after = fault_plan_ != nullptr ? fault_plan_(c.index, c.restarts) : c.fault_after;
  c.startup->messages = c.messages;
  c.report->finished = 0;
  if (!create_task(c) || !broker_.component_restarted(c.index, c.task).ok()) return false;
  // The same channels in the same order: each row's grant index on this component's startup page.
  for (const ChannelRow& row : rows_) {
    if (!row.used || broker_.channel(row.id) == nullptr) continue;
    for (int side = 0; side < 2; ++side) {
      if ((side == 0 ? row.producer : row.consumer) != c.index) continue;
      const auto a = broker_.attachment(row.id, c.index);
      const std::uint32_t g = row.grant[side];
      if (g >= ch::kMaxGrants) return false;
      if (!a.ok()) {
        c.startup->channels[g] = ch::ChannelGrant{}; // that channel is gone: no grant
        continue;
      }
      c.startup->channels[g] = a->mode == broker::SetupMode::Centralized
                                   ? ch::ChannelGrant{ch::GrantMode::Centralized, 0, a->config, 0, 0, 0, 0, 0}
                                   : ch::ChannelGrant{ch::GrantMode::SelfService,
                                                      a->window,
                                                      a->config,
                                                      a->registry,
                                                      a->memory,
                                                      a->name,
                                                      a->control,
                                                      a->control != 0 ? broker::self_service_control_name(row.id) : 0};
    }
  }
  broker_.audit_component(broker::AuditEvent::Restarted, c.index, audit_count(c.restarts));
  if (!sys::task_start(c.task, ch::kStartupAddress).ok()) return false;
  user::print("root: %s started again (restart %u)\n", spec.name, static_cast<unsigned>(c.restarts));
  c.ended = false;
  c.started = true;
  c.state = abi::TaskState::Running;
  return true;
}

std::size_t System::restart_due() {
  std::size_t pending = 0;
  const std::uint64_t now = user::virtual_count();
  for (Component& c : components_) {
    if (!c.restart_pending) continue;
    if (now < c.restart_at) {
      ++pending;
      continue;
    }
    if (!relaunch(c)) {
      // It cannot run again (out of memory, say): it stays down, and its channels close.
      user::print("root: FAIL %s could not be started again; it stays down\n",
                  broker_.policy().components()[c.index].name);
      if (c.task != 0) (void)sys::cap_delete(c.task);
      c.task = 0;
      c.restart_pending = false;
      c.gave_up = true;
      c.ended = true;
      broker_.audit_component(broker::AuditEvent::GaveUp, c.index, audit_count(c.restarts));
      broker_.component_ended(c.index);
    }
  }
  return pending;
}

void System::wait_event(std::uint64_t most_ticks) {
  std::uint64_t next = ~std::uint64_t{0};
  for (const Component& c : components_) {
    if (c.restart_pending && c.restart_at < next) next = c.restart_at;
  }
  const std::uint64_t now = user::virtual_count();
  std::uint64_t ticks = next == ~std::uint64_t{0} ? 0 : (next > now ? next - now : 1);
  if (most_ticks != 0 && (ticks == 0 || most_ticks < ticks)) ticks = most_ticks;
  // A component ending or a request wakes it early; otherwise the deadline does (bits 0).
  if (ticks == 0)
    (void)sys::wait(fault_);
  else
    (void)sys::wait_timeout(fault_, ticks);
}

bool System::restart_now(std::size_t index) {
  if (index >= kMax) return false;
  Component& c = components_[index];
  if (!c.launched) return false;
  if (!c.ended) {
    // Ending it through its task capability, as kill() does (reap() will not see it), but the broker
    // keeps its channels.
    if (!sys::cap_delete(c.task).ok()) return false;
    c.task = 0;
    c.ended = true;
    c.state = abi::TaskState::Killed;
    broker_.component_ended(index, true);
  } else if (!c.restart_pending) {
    return false; // ended for good earlier: its channels are closed, there is nothing to come back to
  }
  c.gave_up = false;
  if (relaunch(c)) return true;
  if (c.task != 0) (void)sys::cap_delete(c.task);
  c.task = 0;
  c.ended = true;
  c.gave_up = true;
  broker_.component_ended(index);
  return false;
}

// A row per channel for the tables; a row whose channel the broker no longer has is reused once the
// table is full (the demo's rows stay until then, so its table can still be printed).
void System::add_row(std::uint32_t id, std::size_t p, std::size_t c, broker::SetupMode m, const ipc::RingSpec& spec) {
  const auto grant = [this](std::size_t i) -> std::uint32_t {
    const Component& k = components_[i];
    if (k.startup != nullptr) return k.startup->channel_count - 1;
    return root_channels_++;
  };
  ChannelRow row{true, id, p, c, {grant(p), grant(c)}, m, spec.kind};
  for (ChannelRow& r : rows_) {
    if (!r.used) {
      r = row;
      return;
    }
  }
  for (ChannelRow& r : rows_) {
    if (broker_.channel(r.id) == nullptr) {
      r = row;
      return;
    }
  }
}

bool System::centralized(std::size_t producer, std::size_t consumer, const ipc::RingSpec& spec,
                         broker::Wakeup to_consumer, broker::Established* out) {
  auto ch = broker_.establish_channel_centralized(producer, consumer, spec, to_consumer);
  if (!ch.ok()) return false;
  for (const std::size_t i : {producer, consumer}) {
    ch::Startup* st = components_[i].startup;
    const ipc::ChannelConfig& cfg = i == producer ? ch->producer : ch->consumer;
    if (st != nullptr && st->channel_count < ch::kMaxGrants)
      st->channels[st->channel_count++] = ch::ChannelGrant{ch::GrantMode::Centralized, 0, cfg, 0, 0, 0, 0, 0};
  }
  if (out != nullptr) *out = *ch;
  add_row(ch->id, producer, consumer, broker::SetupMode::Centralized, spec);
  return true;
}

const ChannelRow* System::row(std::uint32_t id) const {
  for (const ChannelRow& r : rows_) {
    if (r.used && r.id == id) return &r;
  }
  return nullptr;
}

std::uint32_t System::root_grant(std::uint32_t id) const {
  const ChannelRow* r = row(id);
  if (r == nullptr) return 0;
  const std::uint32_t g = components_[r->producer].startup == nullptr ? r->grant[0] : r->grant[1];
  return g % ch::kMaxGrants;
}

bool System::adopt_root(std::size_t index) {
  Component& c = components_[index];
  c = Component{};
  c.index = index;
  c.task = boot_.slot_self;
  c.report = &root_report_;
  root_report_.magic = ch::kReportMagic;
  ops_.keep_slots_from(boot_.slot_count - kRootBrokerSlots);
  return broker_.add_component(index, boot_.slot_self, boot_.slot_count - kRootBrokerSlots, 1u).ok();
}

bool System::self_service(std::size_t producer, std::size_t consumer, const ipc::RingSpec& spec) {
  if (producer >= kMax || consumer >= kMax) return false;
  Component& p = components_[producer];
  Component& c = components_[consumer];
  // Both sides are launched components with a free grant on their startup pages.
  if (p.startup == nullptr || c.startup == nullptr || p.startup->channel_count >= ch::kMaxGrants ||
      c.startup->channel_count >= ch::kMaxGrants)
    return false;
  auto g = broker_.grant_self_service(producer, consumer, spec);
  if (!g.ok()) return false;
  ipc::ChannelConfig shape{};
  shape.kind = spec.kind;
  shape.element_size = spec.element_size;
  shape.capacity = spec.capacity;
  shape.role = ipc::Role::Producer;
  p.startup->channels[p.startup->channel_count++] = ch::ChannelGrant{ch::GrantMode::SelfService,
                                                                     g->producer_window,
                                                                     shape,
                                                                     g->producer_registry,
                                                                     g->producer_memory,
                                                                     g->name,
                                                                     g->producer_control,
                                                                     broker::self_service_control_name(g->id)};
  shape.role = ipc::Role::Consumer;
  c.startup->channels[c.startup->channel_count++] =
      ch::ChannelGrant{ch::GrantMode::SelfService, g->consumer_window, shape, g->consumer_registry, 0, g->name, 0, 0};
  add_row(g->id, producer, consumer, broker::SetupMode::SelfService, spec);
  return true;
}

void System::start_all() {
  for (Component& c : components_) {
    if (c.launched && !c.started) {
      c.started = sys::task_start(c.task, ch::kStartupAddress).ok();
    }
  }
}

void System::wait_all(std::size_t skip, void (*on_exit)(System&, std::size_t)) {
  while (reap(skip, on_exit) != 0) {
    if (restart_due() != 0 || !any_running(skip)) {
      wait_event(); // until the next restart is due, or a component ends
      continue;
    }
    (void)sys::wait(fault_); // a component ended: its badge and kTaskEnded* arrive here
  }
}

bool System::any_running(std::size_t skip) const {
  for (const Component& c : components_) {
    if (c.started && !c.ended && c.index != skip) return true;
  }
  return false;
}

std::size_t System::reap(std::size_t skip, void (*on_exit)(System&, std::size_t)) {
  std::size_t running = 0;
  {
    for (Component& c : components_) {
      if (c.restart_pending) ++running; // it runs again soon
      if (!c.started || c.ended || c.index == skip) continue;
      const auto st = sys::task_status(c.task);
      const auto state = sys::status_state(st);
      if (state == abi::TaskState::Exited || state == abi::TaskState::Faulted || state == abi::TaskState::Killed) {
        c.core = static_cast<std::uint8_t>(sys::task_core(c.task).r1);
        c.ended = true;
        c.state = state;
        c.code = st.r2;
        const char* name = broker_.policy().components()[c.index].name;
        if (state == abi::TaskState::Exited) {
          user::print("root: %s exited with code %llu\n", name, static_cast<unsigned long long>(c.code));
          if (on_exit != nullptr) on_exit(*this, c.index);
        } else {
          user::print("root: %s %s (reason %llu)\n", name, state == abi::TaskState::Faulted ? "faulted" : "was killed",
                      static_cast<unsigned long long>(c.code));
        }
        ended(c);
        if (c.restart_pending) ++running;
      } else {
        ++running;
      }
    }
  }
  return running;
}

bool System::kill(std::size_t index) {
  Component& c = components_[index];
  if (!c.launched || c.task == 0) return false;
  if (!c.ended) {
    // The root holds the only capability to the task: deleting it destroys the task, and the kernel
    // signals its fault notification with kTaskEndedFault (reap() would see nothing to ask then).
    if (!sys::cap_delete(c.task).ok()) return false;
    c.task = 0;
    c.ended = true;
    c.state = abi::TaskState::Killed;
    broker_.component_ended(index);
  }
  forget(index);
  return true;
}

void System::forget(std::size_t index) {
  Component& c = components_[index];
  if (!c.launched) return;
  if (c.restart_pending) {
    // Forgotten while it waited to start again: it stays down after all.
    c.restart_pending = false;
    broker_.component_ended(index);
  }
  for (Slot* s : {&c.task, &c.startup_copy, &c.report_copy, &c.startup_frame, &c.report_frame, &c.fault}) {
    if (*s != 0) (void)sys::cap_delete(*s);
    *s = 0;
  }
  // The root's mappings of the two pages went with their frames.
  c.startup = nullptr;
  c.report = nullptr;
  c.launched = false;
}

void System::cleanup() {
  for (std::size_t i = 0; i < kMax; ++i)
    forget(i);
}

std::uint64_t System::memory_in_use() const {
  const auto info = sys::cap_info(boot_.slot_memory);
  return info.ok() ? info.r3 : ~std::uint64_t{0};
}

std::size_t System::caps_in_use() const {
  std::size_t n = 0;
  for (Slot s = 1; s < boot_.slot_count; ++s)
    n += sys::cap_info(s).ok() ? 1u : 0u;
  return n;
}

} // namespace bramble::root
