#include "kernel/cap/syscall_decode.hpp"

namespace bramble::cap {
namespace {

constexpr ktl::uint64_t kPageMask = abi::kPageSize - 1;

// The object of a capability whose type was checked to be T::kType (object_cast's rule makes the
// downcast sound).
template <typename T> [[nodiscard]] T& checked_object(const Capability& cap) { return static_cast<T&>(*cap.object()); }

// The object of a capability of type T::kType with `rights`.
template <typename T> [[nodiscard]] Result<T*> lookup_object(CapTable& caps, ktl::uint64_t slot, Rights rights) {
  Capability* cap = BRAMBLE_TRY(caps.lookup(slot, T::kType, rights));
  return &checked_object<T>(*cap);
}

struct Quota {
  Capability* cap;
  MemoryQuota* quota;
};
// A memory capability with Control: the quota a new object is charged to, and the capability the
// object's first capability will hang below.
[[nodiscard]] Result<Quota> lookup_quota(CapTable& caps, ktl::uint64_t slot) {
  Capability* cap = BRAMBLE_TRY(caps.lookup(slot, CapType::Memory, abi::kRightControl));
  return Quota{cap, &checked_object<MemoryQuota>(*cap)};
}

[[nodiscard]] Result<void> check_map_perms(ktl::uint64_t perms, const Capability& frame) {
  if (!abi::map_perms_valid(perms)) return err(Error::InvalidPermissions);
  if (!frame.has_rights(abi::rights_for_map(perms))) return err(Error::InsufficientRights);
  return {};
}

[[nodiscard]] Result<MemoryMapArgs> decode_map(TaskObject* task, ktl::uint64_t frame_slot, ktl::uint64_t vaddr,
                                               ktl::uint64_t perms, Caller caller) {
  Capability* frame_cap = BRAMBLE_TRY(caller.caps.lookup(frame_slot, CapType::Frame, 0));
  FrameObject* frame = &checked_object<FrameObject>(*frame_cap);
  BRAMBLE_TRY_VOID(check_user_range(vaddr, frame->size(), caller.limits));
  BRAMBLE_TRY_VOID(check_map_perms(perms, *frame_cap));
  // A capability maps its frame once (its kernel word names the mapping): copy it to map twice.
  if (frame_cap->kernel_word() != 0) return err(Error::AlreadyMapped);
  const bool in_window = vaddr >= caller.limits.channel_window_base && vaddr < caller.limits.channel_window_end;
  const bool execute = (perms & abi::kMapExecute) != 0;
  if (in_window && execute) return err(Error::InvalidPermissions);
  if (frame->device() && in_window) return err(Error::InvalidAddress); // rings are Normal memory
  if (frame->device() && execute) return err(Error::InvalidPermissions);
  return MemoryMapArgs{task, frame_cap, frame, vaddr, perms};
}

[[nodiscard]] Result<Capability*> lookup_registry(ktl::uint64_t slot, ktl::uint64_t name, Rights rights,
                                                  Caller caller) {
  Capability* registry = BRAMBLE_TRY(caller.caps.lookup(slot, CapType::ShmemRegistry, rights));
  if (!abi::registry_name_permitted(registry->badge(), name)) return err(Error::NameNotPermitted);
  return registry;
}

} // namespace

Result<void> check_user_range(ktl::uint64_t base, ktl::uint64_t size, const DecodeLimits& limits) {
  if ((base & kPageMask) != 0) return err(Error::Misaligned);
  if (size == 0 || base < limits.user_va_base || base >= limits.user_va_limit || size > limits.user_va_limit - base) {
    return err(Error::InvalidAddress);
  }
  return {};
}

Result<void> check_user_buffer(ktl::uint64_t buffer, ktl::uint64_t length, const DecodeLimits& limits) {
  if (length == 0) return {}; // nothing is read, wherever it points
  if (buffer < limits.user_va_base || buffer >= limits.user_va_limit || length > limits.user_va_limit - buffer) {
    return err(Error::BadUserPointer);
  }
  return {};
}

Result<DebugWriteArgs> decode_debug_write(const SyscallArgs& call, Caller caller) {
  const ktl::uint64_t buffer = call.arg[0];
  const ktl::uint64_t length = call.arg[1];
  BRAMBLE_TRY_VOID(check_user_buffer(buffer, length, caller.limits));
  if (length > abi::kMaxDebugWrite) return err(Error::InvalidSize);
  return DebugWriteArgs{buffer, length};
}

Result<MemoryAllocateArgs> decode_memory_allocate(const SyscallArgs& call, Caller caller) {
  const Quota q = BRAMBLE_TRY(lookup_quota(caller.caps, call.arg[0]));
  const ktl::uint64_t size = call.arg[1];
  if (size == 0 || (size & kPageMask) != 0 || size > caller.limits.max_allocation) return err(Error::InvalidSize);
  BRAMBLE_TRY_VOID(q.quota->check_charge(abi::allocation_charge(size)));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return MemoryAllocateArgs{q.cap, q.quota, size, destination};
}

// No upper bound of its own: a split moves budget, it allocates nothing, so the parent's quota is the
// only limit (QuotaExceeded).
Result<MemorySplitArgs> decode_memory_split(const SyscallArgs& call, Caller caller) {
  const Quota parent = BRAMBLE_TRY(lookup_quota(caller.caps, call.arg[0]));
  const ktl::uint64_t bytes = call.arg[1];
  if (bytes == 0 || (bytes & kPageMask) != 0) return err(Error::InvalidSize);
  BRAMBLE_TRY_VOID(parent.quota->check_charge(bytes));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return MemorySplitArgs{parent.cap, parent.quota, bytes, destination};
}

Result<MemoryMapArgs> decode_memory_map(const SyscallArgs& call, Caller caller) {
  return decode_map(nullptr, call.arg[0], call.arg[1], call.arg[2], caller);
}

Result<MemoryMapArgs> decode_memory_map_into(const SyscallArgs& call, Caller caller) {
  TaskObject* task = BRAMBLE_TRY(lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightControl));
  if (!task->alive()) return err(Error::InvalidState);
  return decode_map(task, call.arg[1], call.arg[2], call.arg[3], caller);
}

Result<MemoryUnmapArgs> decode_memory_unmap(const SyscallArgs& call, Caller caller) {
  BRAMBLE_TRY_VOID(check_user_range(call.arg[0], abi::kPageSize, caller.limits));
  return MemoryUnmapArgs{call.arg[0]};
}

Result<NotificationCreateArgs> decode_notification_create(const SyscallArgs& call, Caller caller) {
  // What the record costs (a new object page, or room in one) is the invoke step's to find out.
  const Quota q = BRAMBLE_TRY(lookup_quota(caller.caps, call.arg[0]));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return NotificationCreateArgs{q.cap, q.quota, destination};
}

Result<WaitTimeoutArgs> decode_wait_timeout(const SyscallArgs& call, Caller caller) {
  const NotificationArgs n = BRAMBLE_TRY(decode_notification(call.arg[0], abi::kRightWait, caller));
  const ktl::uint64_t ticks = call.arg[1];
  if (ticks > abi::kMaxWaitTicks) return err(Error::InvalidSize);
  return WaitTimeoutArgs{n.cap, n.notification, ticks};
}

Result<DeriveOp> decode_cap_copy(const SyscallArgs& call, Caller caller) {
  return decode_copy(caller.caps, call.arg[0], call.arg[1]);
}

Result<DeriveOp> decode_cap_mint(const SyscallArgs& call, Caller caller) {
  return decode_mint(caller.caps, call.arg[0], call.arg[1], call.arg[2], call.arg[3]);
}

Result<MoveOp> decode_cap_move(const SyscallArgs& call, Caller caller) {
  return decode_move(caller.caps, call.arg[0], caller.caps, call.arg[1]);
}

Result<DeleteOp> decode_cap_delete(const SyscallArgs& call, Caller caller) {
  return decode_delete(caller.caps, call.arg[0]);
}

Result<RevokeOp> decode_cap_revoke(const SyscallArgs& call, Caller caller) {
  return decode_revoke(caller.caps, call.arg[0]);
}

Result<DeriveOp> decode_cap_insert_into(const SyscallArgs& call, Caller caller) {
  TaskObject* task = BRAMBLE_TRY(lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightControl));
  if (!task->alive()) return err(Error::InvalidState); // its table is gone
  return decode_insert(caller.caps, call.arg[2], task->caps(), call.arg[1], call.arg[3], call.arg[4]);
}

Result<ShmemRegisterArgs> decode_shmem_register(const SyscallArgs& call, Caller caller) {
  Capability* registry = BRAMBLE_TRY(lookup_registry(call.arg[0], call.arg[1], abi::kRightWrite, caller));
  // Registering publishes both capabilities to whoever may query the name: that needs Grant.
  Capability* frame = BRAMBLE_TRY(caller.caps.lookup(call.arg[2], CapType::Frame, abi::kRightGrant));
  if (checked_object<FrameObject>(*frame).device()) return err(Error::WrongType); // device memory is no ring
  Capability* notification = BRAMBLE_TRY(caller.caps.lookup(call.arg[3], CapType::Notification, abi::kRightGrant));
  return ShmemRegisterArgs{registry, call.arg[1], frame, notification};
}

Result<ShmemQueryArgs> decode_shmem_query(const SyscallArgs& call, Caller caller) {
  Capability* registry = BRAMBLE_TRY(lookup_registry(call.arg[0], call.arg[1], abi::kRightRead, caller));
  Capability* frame_destination = BRAMBLE_TRY(caller.caps.find_free());
  Capability* notification_destination = BRAMBLE_TRY(caller.caps.find_free(frame_destination));
  return ShmemQueryArgs{registry, call.arg[1], frame_destination, notification_destination};
}

Result<TaskCreateArgs> decode_task_create(const SyscallArgs& call, Caller caller) {
  const DecodeLimits& limits = caller.limits;
  BRAMBLE_TRY_VOID(caller.caps.lookup(call.arg[0], CapType::TaskCreate, abi::kRightControl));
  const Quota q = BRAMBLE_TRY(lookup_quota(caller.caps, call.arg[1]));
  const ktl::uint64_t image = call.arg[2];
  const ktl::uint64_t slots = call.arg[3];
  const ktl::uint64_t priority = call.arg[4];
  if (image >= limits.image_count) return err(Error::InvalidImage);
  if (slots < abi::kMinTaskSlots || slots > limits.max_task_slots) return err(Error::InvalidSize);
  const ktl::uint64_t max_priority = limits.max_priority < abi::kMaxPriority ? limits.max_priority : abi::kMaxPriority;
  if (priority > max_priority) return err(Error::InvalidPriority);
  Capability* fault = nullptr;
  if (call.arg[5] != abi::kNullSlot) {
    fault = BRAMBLE_TRY(caller.caps.lookup(call.arg[5], CapType::Notification, abi::kRightSignal));
  }
  const ktl::uint64_t cost = limits.task_cost + abi::allocation_charge(slots * sizeof(Capability));
  BRAMBLE_TRY_VOID(q.quota->check_charge(cost));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return TaskCreateArgs{q.cap, q.quota, image, slots, priority, fault, cost, destination};
}

Result<TaskStartArgs> decode_task_start(const SyscallArgs& call, Caller caller) {
  TaskObject* task = BRAMBLE_TRY(lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightControl));
  return TaskStartArgs{task, call.arg[1]};
}

Result<IrqHandlerCreateArgs> decode_irq_handler_create(const SyscallArgs& call, Caller caller) {
  BRAMBLE_TRY_VOID(caller.caps.lookup(call.arg[0], CapType::IrqControl, abi::kRightControl));
  Capability* notification = BRAMBLE_TRY(caller.caps.lookup(call.arg[2], CapType::Notification, abi::kRightSignal));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return IrqHandlerCreateArgs{call.arg[1], notification, destination};
}

Result<KernelObject*> decode_irq_ack(const SyscallArgs& call, Caller caller) {
  Capability* handler = BRAMBLE_TRY(caller.caps.lookup(call.arg[0], CapType::IrqHandler, abi::kRightControl));
  return handler->object();
}

Result<DeviceFrameCreateArgs> decode_device_frame_create(const SyscallArgs& call, Caller caller) {
  BRAMBLE_TRY_VOID(caller.caps.lookup(call.arg[0], CapType::IrqControl, abi::kRightControl));
  Capability* destination = BRAMBLE_TRY(caller.caps.find_free());
  return DeviceFrameCreateArgs{call.arg[1], destination};
}

Result<TaskObject*> decode_task_status(const SyscallArgs& call, Caller caller) {
  return lookup_object<TaskObject>(caller.caps, call.arg[0], 0);
}

Result<TaskObject*> decode_task_info(const SyscallArgs& call, Caller caller) {
  return lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightAudit);
}

Result<TaskSetCoreArgs> decode_task_set_core(const SyscallArgs& call, Caller caller) {
  TaskObject* task = BRAMBLE_TRY(lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightControl));
  const ktl::uint64_t core = call.arg[1];
  if (core >= abi::kMaxCores && core != abi::kAnyCore) return err(Error::InvalidCore);
  return TaskSetCoreArgs{task, core};
}

Result<TaskObject*> decode_task_core(const SyscallArgs& call, Caller caller) {
  return lookup_object<TaskObject>(caller.caps, call.arg[0], abi::kRightAudit);
}

Result<ktl::uint64_t> decode_cpu_info(const SyscallArgs& call, Caller caller) {
  BRAMBLE_TRY_VOID(lookup_object<MemoryQuota>(caller.caps, call.arg[0], abi::kRightAudit));
  if (call.arg[1] >= abi::kMaxCores) return err(Error::InvalidCore);
  return call.arg[1];
}

Result<MemoryQuota*> decode_memory_info(const SyscallArgs& call, Caller caller) {
  return lookup_object<MemoryQuota>(caller.caps, call.arg[0], abi::kRightAudit);
}

} // namespace bramble::cap
