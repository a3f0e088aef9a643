// Fuzz target: system call argument decoding (kernel/cap/syscall_decode.hpp) over fuzzed registers.
//
// A caller holds a memory quota, a frame, a task, a notification, a registry, the task-creation
// authority (as tests/unit/cap/syscall_decode_test.cpp sets up), the IRQ-control authority and an IRQ
// handler, in slots 1-8. The input is a sequence of calls; a
// call that decodes is also carried out where the capability layer can do it alone (the cap_* calls,
// memory_allocate and notification_create installing new fake objects, charges to the quota), so later
// calls see an evolving table.
//
// Input, per call (zeros past the end, at most kMaxCalls calls):
//   u8      syscall: < 0xf0 picks kSyscalls[n % count]; otherwise a raw u64 number follows
//   6 x     argument registers x0..x5, each a tag byte: < 0x80 the value itself (slots, rights,
//           perms, sizes); 0x80-0xbf (tag - 0x80) pages; 0xc0-0xdf 0x9000_0000 + u8 * 0x800 (maybe
//           misaligned); 0xe0-0xef a registry name u8 << 56 | u8; 0xf0-0xff a raw u64
// Checked: decode changes no slot of any table and no quota; a refusal is an error the call documents
// (abi::syscall_errors); what a success returns obeys the call's rules (ranges inside the user window,
// W^X and rights for maps, quota covers the charge, destinations empty and in the right table, ...);
// check_invariants holds after every carried-out call; the quota's use equals what live objects cost.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

#include "fuzz_support.hpp"
#include "kernel/cap/invariants.hpp"
#include "kernel/cap/syscall_decode.hpp"

namespace {

using namespace bramble::cap;
using namespace bramble::abi;
using bramble::fuzz::Reader;

constexpr std::uint64_t kPage = kPageSize;
constexpr DecodeLimits kLimits{
    .user_va_base = 0x1000,
    .user_va_limit = std::uint64_t{1} << 39,
    .max_allocation = std::uint64_t{1} << 24,
    .image_count = 3,
    .max_priority = 10,
    .max_task_slots = 256,
    .task_cost = 2 * kPage,
};
// What this harness's stand-in for the kernel charges per notification (the kernel carves records
// from object pages; the decoders do not care how much).
constexpr std::uint64_t kNotificationCharge = 64;
constexpr std::size_t kMaxCalls = 400;
constexpr std::size_t kMaxNewObjects = 32; // frames and notifications made by successful calls
enum : std::uint64_t { kQuota = 1 };       // slots 1-8: the objects of World(), in its order

class Quota final : public MemoryQuota {
public:
  explicit Quota(std::uint64_t limit) : MemoryQuota(limit) {}
};

// Frames and notifications refund the quota when destroyed, as the kernel's do.
class Frame final : public FrameObject {
public:
  Frame(std::uint64_t phys, std::uint64_t size, MemoryQuota* quota) : FrameObject(phys, size, quota) {}
  void on_last_capability_deleted() override {
    destroyed = true;
    if (quota() != nullptr) quota()->refund(size());
  }
  bool destroyed = false;
};

class Object final : public KernelObject {
public:
  Object(CapType type, MemoryQuota* quota = nullptr, std::uint64_t cost = 0)
      : KernelObject(type), quota_(quota), cost_(cost) {}
  void on_last_capability_deleted() override {
    destroyed = true;
    if (quota_ != nullptr) quota_->refund(cost_);
  }
  bool destroyed = false;

private:
  MemoryQuota* quota_;
  std::uint64_t cost_;
};

class Task final : public TaskObject {
public:
  Task() : TaskObject(table, 5) {}
  void on_last_capability_deleted() override {}
  std::array<Capability, 6> storage{};
  CapTable table{storage};
};

struct World {
  std::array<Capability, 12> storage{};
  CapTable caps{storage};
  Quota quota{64 * kPage};
  Frame frame{0x2000'0000, 2 * kPage, nullptr}; // the boot frame: not charged to the quota
  Task task;
  Object notification{CapType::Notification};
  Object registry{CapType::ShmemRegistry};
  Object authority{CapType::TaskCreate};
  Object irq_control{CapType::IrqControl};
  Object irq_handler{CapType::IrqHandler};
  std::deque<Frame> frames;         // made by memory_allocate
  std::deque<Object> notifications; // made by notification_create
  std::uint64_t task_charges = 0;   // task_create and memory_split charges that nothing refunds here
  std::array<const CapTable*, 2> tables{&caps, &task.table};
  Caller caller{caps, kLimits};

  World() {
    KernelObject* objects[] = {&quota, &frame, &task, &notification, &registry, &authority, &irq_control, &irq_handler};
    for (std::uint64_t i = 0; i < 8; ++i)
      invoke_install(decode_install(caps, kQuota + i, *objects[i]).value());
  }

  std::vector<unsigned char> snapshot() const {
    std::vector<unsigned char> bytes(sizeof storage + sizeof task.storage + 2 * sizeof(std::uint64_t));
    std::memcpy(bytes.data(), storage.data(), sizeof storage);
    std::memcpy(bytes.data() + sizeof storage, task.storage.data(), sizeof task.storage);
    const std::uint64_t quota_state[2] = {quota.used(), quota.detached() ? 1u : 0u};
    std::memcpy(bytes.data() + sizeof storage + sizeof task.storage, quota_state, sizeof quota_state);
    return bytes;
  }

  void check() const {
    const InvariantReport report = check_invariants(tables);
    if (!report.ok()) std::fprintf(stderr, "check_invariants: %s\n", report.violation);
    BRAMBLE_FUZZ_CHECK(report.ok());
    // The quota is charged exactly what the live objects made from it cost (and never over its limit).
    std::uint64_t live = task_charges;
    for (const Frame& f : frames)
      live += f.destroyed ? 0 : f.size();
    for (const Object& n : notifications)
      live += n.destroyed ? 0 : kNotificationCharge;
    BRAMBLE_FUZZ_CHECK(quota.used() == live && quota.used() <= quota.limit());
  }
};

std::uint64_t argument(Reader& in) {
  const std::uint8_t tag = in.u8();
  if (tag < 0x80) return tag;
  if (tag < 0xc0) return std::uint64_t{tag - 0x80u} * kPage;
  if (tag < 0xe0) return 0x9000'0000 + std::uint64_t{in.u8()} * 0x800;
  if (tag < 0xf0) {
    const std::uint64_t top = in.u8();
    return (top << 56) | in.u8();
  }
  return in.u64();
}

bool in_table(const CapTable& table, const Capability* cap) { return cap != nullptr && table.contains(cap); }
bool user_range_ok(std::uint64_t base, std::uint64_t size) {
  return base % kPage == 0 && size != 0 && base >= kLimits.user_va_base && base < kLimits.user_va_limit &&
         size <= kLimits.user_va_limit - base;
}

// Decodes one call and checks what it returned; with `carry_out`, also carries a decoded call out where
// the capability layer can. Returns kSuccess or the error.
std::uint64_t run_call(World& w, const SyscallArgs& args, Syscall call, bool carry_out) {
  auto code = [](const auto& r) { return r.ok() ? kSuccess : static_cast<std::uint64_t>(r.error()); };
  CapTable& caps = w.caps;
  const Caller caller = w.caller;
  switch (call) {
  case Syscall::debug_write: {
    auto r = decode_debug_write(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(r->length <= kMaxDebugWrite);
      BRAMBLE_FUZZ_CHECK(r->length == 0 || (r->buffer >= kLimits.user_va_base && r->buffer < kLimits.user_va_limit &&
                                            r->length <= kLimits.user_va_limit - r->buffer));
    }
    return code(r);
  }
  case Syscall::yield:
  case Syscall::task_exit: return kSuccess;
  case Syscall::memory_allocate: {
    auto r = decode_memory_allocate(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(r->quota == &w.quota && r->size % kPage == 0 && r->size != 0 &&
                         r->size <= kLimits.max_allocation && r->size <= r->quota->available());
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->destination) && r->destination->empty());
      if (carry_out && w.frames.size() + w.notifications.size() < kMaxNewObjects) {
        r->quota->charge(r->size);
        w.frames.emplace_back(0x4000'0000 + w.frames.size() * kLimits.max_allocation, r->size, r->quota);
        invoke_install({r->destination, &w.frames.back()});
      }
    }
    return code(r);
  }
  case Syscall::memory_split: {
    auto r = decode_memory_split(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(r->parent == &w.quota && r->bytes % kPage == 0 && r->bytes != 0 &&
                         r->bytes <= r->parent->available());
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->destination) && r->destination->empty());
      // Carried out as the parent's side of a split only (the charge; no new quota object is installed,
      // so the other calls keep seeing one quota), accounted like task_create's charges.
      if (carry_out) {
        r->parent->charge(r->bytes);
        w.task_charges += r->bytes;
      }
    }
    return code(r);
  }
  case Syscall::memory_map:
  case Syscall::memory_map_into: {
    auto r = call == Syscall::memory_map ? decode_memory_map(args, caller) : decode_memory_map_into(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK((call == Syscall::memory_map) == (r->task == nullptr));
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->frame_cap) && r->frame_cap->type() == CapType::Frame &&
                         r->frame_cap->object() == r->frame);
      BRAMBLE_FUZZ_CHECK(user_range_ok(r->vaddr, r->frame->size()));
      BRAMBLE_FUZZ_CHECK(map_perms_valid(r->perms) && r->frame_cap->has_rights(rights_for_map(r->perms)));
      BRAMBLE_FUZZ_CHECK(!((r->perms & kMapWrite) != 0 && (r->perms & kMapExecute) != 0)); // W^X
    }
    return code(r);
  }
  case Syscall::memory_unmap: {
    auto r = decode_memory_unmap(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(user_range_ok(r->vaddr, kPage));
    return code(r);
  }
  case Syscall::notification_create: {
    auto r = decode_notification_create(args, caller);
    if (r.ok()) {
      // The record's charge is the invoke step's (it may need a new object page, or none).
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->destination) && r->destination->empty());
      if (carry_out && w.frames.size() + w.notifications.size() < kMaxNewObjects &&
          kNotificationCharge <= r->quota->available()) {
        r->quota->charge(kNotificationCharge);
        w.notifications.emplace_back(CapType::Notification, r->quota, kNotificationCharge);
        invoke_install({r->destination, &w.notifications.back()});
      }
    }
    return code(r);
  }
  case Syscall::signal:
  case Syscall::wait:
  case Syscall::poll: {
    auto r = call == Syscall::signal ? decode_signal(args, caller) : decode_wait(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->cap) && r->cap->type() == CapType::Notification);
      BRAMBLE_FUZZ_CHECK(r->cap->has_rights(call == Syscall::signal ? kRightSignal : kRightWait));
      BRAMBLE_FUZZ_CHECK(r->signal_bits != 0);
    }
    return code(r);
  }
  case Syscall::wait_timeout: {
    auto r = decode_wait_timeout(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->cap) && r->cap->type() == CapType::Notification);
      BRAMBLE_FUZZ_CHECK(r->cap->has_rights(kRightWait) && r->notification == r->cap->object());
      BRAMBLE_FUZZ_CHECK(r->ticks == args.arg[1] && r->ticks <= kMaxWaitTicks);
    }
    return code(r);
  }
  case Syscall::cap_copy:
  case Syscall::cap_mint:
  case Syscall::cap_insert_into: {
    auto r = call == Syscall::cap_copy   ? decode_cap_copy(args, caller)
             : call == Syscall::cap_mint ? decode_cap_mint(args, caller)
                                         : decode_cap_insert_into(args, caller);
    if (r.ok()) {
      const CapTable& target = call == Syscall::cap_insert_into ? w.task.table : caps;
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->source) && in_table(target, r->destination) && r->destination->empty());
      BRAMBLE_FUZZ_CHECK(rights_subset(r->rights, r->source->rights()));
      if (call == Syscall::cap_insert_into) BRAMBLE_FUZZ_CHECK(r->source->has_rights(kRightGrant));
      if (carry_out) invoke_derive(r.value());
    }
    return code(r);
  }
  case Syscall::cap_move: {
    auto r = decode_cap_move(args, caller);
    if (r.ok() && carry_out) invoke_move(r.value());
    return code(r);
  }
  case Syscall::cap_delete: {
    auto r = decode_cap_delete(args, caller);
    if (r.ok() && carry_out) invoke_delete(r.value());
    return code(r);
  }
  case Syscall::cap_revoke: {
    auto r = decode_cap_revoke(args, caller);
    if (r.ok() && carry_out) static_cast<void>(invoke_revoke(r.value()));
    return code(r);
  }
  case Syscall::cap_info: {
    auto r = decode_cap_info(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(in_table(caps, r.value()) && !r.value()->empty());
      static_cast<void>(cap_info(*r.value()));
    }
    return code(r);
  }
  case Syscall::shmem_register: {
    auto r = decode_shmem_register(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(registry_name_permitted(r->registry->badge(), r->name) &&
                         r->registry->has_rights(kRightWrite));
      BRAMBLE_FUZZ_CHECK(r->frame->has_rights(kRightGrant) && r->notification->has_rights(kRightGrant));
    }
    return code(r);
  }
  case Syscall::shmem_query: {
    auto r = decode_shmem_query(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(registry_name_permitted(r->registry->badge(), r->name) && r->registry->has_rights(kRightRead));
      BRAMBLE_FUZZ_CHECK(r->frame_destination != r->notification_destination);
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->frame_destination) && r->frame_destination->empty());
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->notification_destination) && r->notification_destination->empty());
    }
    return code(r);
  }
  case Syscall::task_create: {
    auto r = decode_task_create(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(r->image < kLimits.image_count && r->priority <= kLimits.max_priority);
      BRAMBLE_FUZZ_CHECK(r->slots >= kMinTaskSlots && r->slots <= kLimits.max_task_slots);
      BRAMBLE_FUZZ_CHECK(r->cost <= r->quota->available() && in_table(caps, r->destination) && r->destination->empty());
      if (carry_out) {
        r->quota->charge(r->cost); // the task object itself is the kernel's business
        w.task_charges += r->cost;
      }
    }
    return code(r);
  }
  case Syscall::task_start: {
    auto r = decode_task_start(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r->task == &w.task);
    return code(r);
  }
  case Syscall::task_status: {
    auto r = decode_task_status(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() == &w.task);
    return code(r);
  }
  case Syscall::irq_handler_create: {
    auto r = decode_irq_handler_create(args, caller);
    if (r.ok()) {
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->notification) && r->notification->type() == CapType::Notification &&
                         r->notification->has_rights(kRightSignal));
      BRAMBLE_FUZZ_CHECK(in_table(caps, r->destination) && r->destination->empty());
    }
    return code(r);
  }
  case Syscall::irq_ack: {
    auto r = decode_irq_ack(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() == &w.irq_handler);
    return code(r);
  }
  case Syscall::device_frame_create: {
    auto r = decode_device_frame_create(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(in_table(caps, r->destination) && r->destination->empty());
    return code(r);
  }
  case Syscall::task_info: {
    auto r = decode_task_info(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() == &w.task);
    return code(r);
  }
  case Syscall::memory_info: {
    auto r = decode_memory_info(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() == &w.quota);
    return code(r);
  }
  case Syscall::task_set_core: {
    auto r = decode_task_set_core(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r->task == &w.task && (r->core < kMaxCores || r->core == kAnyCore));
    return code(r);
  }
  case Syscall::task_core: {
    auto r = decode_task_core(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() == &w.task);
    return code(r);
  }
  case Syscall::cpu_info: {
    auto r = decode_cpu_info(args, caller);
    if (r.ok()) BRAMBLE_FUZZ_CHECK(r.value() < kMaxCores);
    return code(r);
  }
  }
  bramble::fuzz::fail(__FILE__, __LINE__, "a syscall without a decoder");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  World w;
  for (std::size_t i = 0; i < kMaxCalls && !in.empty(); ++i) {
    const std::uint8_t pick = in.u8();
    SyscallArgs args{pick < 0xf0 ? static_cast<std::uint64_t>(kSyscalls[pick % kSyscallCount].call) : in.u64(), {}};
    for (auto& a : args.arg)
      a = argument(in);

    const std::vector<unsigned char> before = w.snapshot();
    auto number = decode_syscall_number(args.number);
    if (!number.ok()) {
      BRAMBLE_FUZZ_CHECK(number.error() == Error::InvalidSyscall && find_syscall(args.number) == nullptr);
      continue;
    }
    // Decode alone changes nothing, whatever it returns; then the call is decoded again and carried out.
    const std::uint64_t result = run_call(w, args, number.value(), false);
    BRAMBLE_FUZZ_CHECK(w.snapshot() == before);
    if (result == kSuccess) {
      BRAMBLE_FUZZ_CHECK(run_call(w, args, number.value(), true) == kSuccess);
    } else {
      if ((error_bit(static_cast<Error>(result)) & syscall_errors(number.value())) == 0) {
        std::fprintf(stderr, "%s returned %s, which it does not document\n", find_syscall(args.number)->name,
                     error_name(result));
        BRAMBLE_FUZZ_CHECK(false);
      }
    }
    w.check();
  }
  return 0;
}
