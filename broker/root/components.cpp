// Starting components from the manifest and following them until they end.
#include "broker/root/root.hpp"
#include "generated/system_description.hpp"
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
  const broker::ComponentSpec& spec = broker_.policy().components()[index];
  Component& c = components_[index];
  c = Component{};
  c.index = index;
  const std::uint64_t image = user::task::find_image(boot_, spec.image);
  if (image == user::task::kNoImage || fault_ == 0) return false;
  c.fault = ops_.free_slot();
  if (!sys::cap_mint(fault_, c.fault, abi::kRightSignal, std::uint64_t{1} << index).ok()) return false;
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
    user::print("root: %s asks for core %u, which is not online: it runs on any core\n", spec.name,
                static_cast<unsigned>(spec.core));
    (void)sys::task_set_core(c.task, abi::kAnyCore);
  }
  // Startup page (read-only to the component) and report page (writable), both mapped in the root too.
  const std::uint64_t at = pages_at(index);
  c.startup_frame =
      user::task::map_new({&boot_, 0, boot_.slot_memory, 0, 0, 0}, abi::kPageSize, at, abi::kMapRead | abi::kMapWrite);
  c.report_frame = user::task::map_new({&boot_, 0, boot_.slot_memory, 0, 0, 0}, abi::kPageSize, at + abi::kPageSize,
                                       abi::kMapRead | abi::kMapWrite);
  if (c.startup_frame == 0 || c.report_frame == 0) return false;
  c.startup = reinterpret_cast<ch::Startup*>(at);
  c.report = reinterpret_cast<ch::Report*>(at + abi::kPageSize);
  c.startup->magic = ch::kStartupMagic;
  c.startup->version = 1;
  copy_name(c.startup->name, sizeof c.startup->name, spec.name);
  c.startup->messages = messages;
  c.startup->fault_after = fault_after;
  c.startup->query_timeout = 100000;
  c.startup_copy = ops_.free_slot();
  if (!sys::cap_mint(c.startup_frame, c.startup_copy, abi::kRightRead, 0).ok() ||
      !sys::memory_map_into(c.task, c.startup_copy, ch::kStartupAddress, abi::kMapRead).ok())
    return false;
  c.report_copy = ops_.free_slot();
  if (!sys::cap_mint(c.report_frame, c.report_copy, abi::kRightRead | abi::kRightWrite, 0).ok() ||
      !sys::memory_map_into(c.task, c.report_copy, ch::kReportAddress, abi::kMapRead | abi::kMapWrite).ok())
    return false;
  if (!broker_.add_component(index, c.task).ok()) return false;
  c.launched = true;
  return true;
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
      st->channels[st->channel_count++] = ch::ChannelGrant{ch::GrantMode::Centralized, 0, cfg, 0, 0, 0};
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
  p.startup->channels[p.startup->channel_count++] = ch::ChannelGrant{
      ch::GrantMode::SelfService, g->producer_window, shape, g->producer_registry, g->producer_memory, g->name};
  shape.role = ipc::Role::Consumer;
  c.startup->channels[c.startup->channel_count++] =
      ch::ChannelGrant{ch::GrantMode::SelfService, g->consumer_window, shape, g->consumer_registry, 0, g->name};
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
    (void)sys::wait(fault_); // a component ended: its badge and kTaskEnded* arrive here
  }
}

std::size_t System::reap(std::size_t skip, void (*on_exit)(System&, std::size_t)) {
  std::size_t running = 0;
  {
    for (Component& c : components_) {
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
          user::print("root: %s faulted (reason %llu), its channels are closed\n", name,
                      static_cast<unsigned long long>(c.code));
        }
        broker_.component_ended(c.index);
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
