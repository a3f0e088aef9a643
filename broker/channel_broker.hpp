// ChannelBroker: sets up, records and tears down channels between components, on behalf of the root
// task, through the KernelOps interface only (so the same code runs in the root task and in host tests).
//
// A centralized channel is four frames mapped side by side in each component's channel window, as
// ipc's ring_geometry lays a ring out (docs/broker.md has the table):
//   page 0 header   RO producer, RO consumer   (the broker writes it through its own mapping)
//   page 1 producer RW producer, RO consumer
//   page 2 consumer RO producer, RW consumer
//   data            RW producer, RO consumer
// Each mapping is made through its own capability, minted with exactly the rights of the mapping, so
// the capability says what the mapping allows and deleting it removes exactly that mapping. Two
// notifications, one per direction, are installed with Signal for the sender and Wait for the
// receiver.
//
// Channel windows: a component's k-th channel starts at kChannelWindowBase + k * kWindowStride
// (kWindowStride = 8 MiB > 4 MiB data + 3 pages, the largest ring; the 256 MiB window holds 32). The
// broker's own header mappings sit at kChannelWindowBase + id * 4 KiB in the root task.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bramble/ipc/channel.hpp"
#include "broker/audit.hpp"
#include "broker/kernel_ops.hpp"
#include "broker/policy.hpp"
#include "kernel/abi/syscalls.hpp"

namespace bramble::broker {

inline constexpr std::uint64_t kWindowBase = abi::kChannelWindowBase;
inline constexpr std::uint64_t kWindowSize = abi::kChannelWindowSize;
static_assert(ipc::kChannelWindowBase == abi::kChannelWindowBase,
              "components look for channels where the kernel puts them");
inline constexpr std::uint64_t kWindowStride = 0x80'0000; // 8 MiB
inline constexpr std::uint32_t kMaxWindows = static_cast<std::uint32_t>(kWindowSize / kWindowStride);
inline constexpr std::size_t kMaxComponents = 32; // fault badges use bits 0..31
inline constexpr std::size_t kMaxChannels = 16;

[[nodiscard]] constexpr std::uint64_t window_base(std::uint32_t k) { return kWindowBase + k * kWindowStride; }

enum class BrokerError : std::uint8_t {
  NotPermitted, // the policy refused (last_policy_error() says why); audited as Refused
  NoRoom,       // no free channel record, channel window or component slot range
  Kernel,       // a kernel call failed (last_step(), last_kernel_error()); everything was undone
  Layout,       // the header did not validate after writing (never expected); undone
  NoSuchChannel,
  NotRegistered, // a component index the broker was not told about (add_component)
};
[[nodiscard]] const char* broker_error_name(BrokerError e);

// The kernel calls of a centralized setup, in order (audit records name the one that failed).
enum class SetupStep : std::uint8_t {
  None = 0,
  AllocateFrames = 1, // header, producer page, consumer page, data
  MapBroker = 2,      // the header page into the broker, writable
  WriteHeader = 3,
  MapProducer = 4, // mint + memory_map_into, four parts
  MapConsumer = 5,
  CreateNotifications = 6,
  InstallProducer = 7, // cap_insert_into: Signal on "to consumer", Wait on "to producer"
  InstallConsumer = 8,
  GrantRegistry = 9, // self-service: the badged registry capabilities and the producer's sub-quota
};
[[nodiscard]] const char* setup_step_name(SetupStep s);

enum class Part : std::uint8_t { Header = 0, ProducerPage = 1, ConsumerPage = 2, Data = 3 };
inline constexpr std::size_t kParts = 4;
enum Side : std::uint8_t { kProducer = 0, kConsumer = 1 };

// The rights (= map permissions) each side gets on each part: least privilege per ipc/layout.hpp.
[[nodiscard]] constexpr abi::MapPerms part_perms(Side side, Part part) {
  const bool writes = (side == kProducer && (part == Part::ProducerPage || part == Part::Data)) ||
                      (side == kConsumer && part == Part::ConsumerPage);
  return writes ? (abi::kMapRead | abi::kMapWrite) : abi::kMapRead;
}

// Where a channel's "to consumer" notification comes from. By default the broker makes a new one; a
// consumer that must sleep on several things at once (the root task: its components ending and its
// requests arriving) asks instead for a badged child of a notification it already waits on, so one
// wait sees every source and the badge says which.
struct Wakeup {
  Slot notification = 0; // a broker slot with Signal, Wait and Grant (0: make a new notification)
  abi::Badge badge = abi::kNoBadge;
};

struct Established {
  std::uint32_t id;
  ipc::ChannelConfig producer; // what each side receives (base = its window, handles = its slots)
  ipc::ChannelConfig consumer;
};

// The sub-quota a self-service producer gets (memory_split): what its setup charges, and no more. That
// is the ring's four frames (ring_geometry(spec).total_size, each part charged as the kernel charges an
// allocation: a power-of-two number of pages) and the kernel records of those four frames and the two
// notifications it creates (abi::record_charge: one object page). Mapping the ring and registering its
// names are charged to the producer task's own quota, not to this one.
[[nodiscard]] constexpr std::uint64_t self_service_quota(const ipc::RingSpec& spec) {
  const ipc::RingGeometry g = ipc::ring_geometry(spec);
  const std::uint64_t frames = abi::allocation_charge(g.header.size) + abi::allocation_charge(g.producer.size) +
                               abi::allocation_charge(g.consumer.size) + abi::allocation_charge(g.data.size);
  constexpr std::uint64_t kRecords = 4 + 2; // four frames, two notifications
  return frames + abi::record_charge(kRecords);
}

struct SelfServiceGrant {
  std::uint32_t id;
  std::uint64_t name;     // the channel's registry name (part 0); parts are name + 1..3
  Slot producer_registry; // slots in the components' tables
  Slot producer_memory;
  Slot producer_control; // Read and Write on the channel's control names (self_service_control_name)
  Slot consumer_registry;
  std::uint32_t producer_window; // k for each side
  std::uint32_t consumer_window;
};

// Active: both sides run. PeerGone: one side ended for good; the channel is marked closed for the
// other. Restarting: a side ended and will be started again (its restart policy); the channel keeps its
// memory and notifications and waits for it (the ring's state word says kChannelPeerRestarting).
enum class ChannelState : std::uint8_t { Free = 0, Active = 1, PeerGone = 2, Restarting = 3 };
[[nodiscard]] const char* channel_state_name(ChannelState s);

// What one side of a channel holds now, for its startup page: a centralized side's complete config
// (window, handles), or a self-service side's registry and memory slots and the channel's name.
struct Attachment {
  SetupMode mode;
  std::uint32_t window;
  ipc::ChannelConfig config; // self-service: role and ring shape only
  Slot registry;             // self-service
  Slot memory;               // self-service producer
  Slot control;              // self-service producer: its registry capability for the control names
  std::uint64_t name;        // self-service: registry name of part 0
};

struct ChannelRecord {
  ChannelState state = ChannelState::Free;
  SetupMode mode = SetupMode::Centralized;
  std::uint32_t id = 0;
  std::uint16_t party[2] = {}; // manifest indices, producer then consumer
  bool alive[2] = {};
  bool returning[2] = {};         // ended, and its component will be started again
  std::uint32_t restarts[2] = {}; // times each side came back
  std::uint32_t window[2] = {};
  ipc::RingSpec spec{};
  std::uint64_t bytes = 0;
  // Broker-side capabilities (0 = none).
  Slot frames[kParts] = {};     // the originals: deleting them frees the memory
  Slot copies[2][kParts] = {};  // one per mapping in a component
  Slot notify[2] = {};          // [0] "to consumer", [1] "to producer"
  Slot grants[4] = {};          // self-service: registry (producer, consumer), the producer's sub-quota,
                                // the producer's control-name registry capability
  Slot control[3] = {};         // self-service, once looked up (to close or mark it): the header frame
                                // (mapped in the broker), "to consumer", "to producer"
  Slot task_slots[2][3] = {};   // centralized: where the notifications went in each component (signal,
                                // wait); self-service: the registry capability (and the producer's memory
                                // and control capability)
  Slot saved_next_slot[2] = {}; // the components' next free slot before setup (for rollback)
};

class ChannelBroker {
public:
  // Memory comes from the quota `ops` allocates and splits from (KernelOps names it itself).
  // `registry`: the broker's shared-memory registry capability, from which self-service grants are
  // minted.
  ChannelBroker(KernelOps& ops, const Policy& policy, Slot registry = 0)
      : ops_(ops), policy_(policy), registry_(registry) {}

  // Tells the broker that manifest component `index` runs as the task in `task` (a broker slot with
  // Control), whose table is empty from `first_free_slot` on. Channel windows whose bit is set in
  // `reserved_windows` are never used (the root task keeps window 0 for the broker's header pages).
  [[nodiscard]] Result<void, BrokerError> add_component(std::size_t index, Slot task, Slot first_free_slot = 1,
                                                        std::uint32_t reserved_windows = 0);

  [[nodiscard]] Result<Established, BrokerError> establish_channel_centralized(std::size_t producer,
                                                                               std::size_t consumer,
                                                                               const ipc::RingSpec& spec,
                                                                               Wakeup to_consumer = {});
  // Self-service: checks the policy and gives both components what they need to build the channel
  // themselves (user/channel/establish.hpp).
  [[nodiscard]] Result<SelfServiceGrant, BrokerError> grant_self_service(std::size_t producer, std::size_t consumer,
                                                                         const ipc::RingSpec& spec);

  // Marks the channel closed (both sides' next blocking operation returns ipc::Error::Closed), wakes
  // both, unmaps both sides, revokes every capability handed out for it and frees its memory.
  [[nodiscard]] Result<void, BrokerError> close_channel(std::uint32_t id);
  // A component ended (exit or fault). Unless it is `restarting`, its channels are closed for the
  // survivor, who is woken; once both parties of a channel ended, the channel is released completely.
  // A `restarting` component's channels keep their memory, notifications and the survivor's mappings
  // (state Restarting) until component_restarted brings it back, or it ends for good
  // (component_ended again, restarting false).
  void component_ended(std::size_t index, bool restarting = false);
  // Component `index` runs again as `task` (a broker slot with Control) whose table is empty from
  // `first_free_slot` on: each channel it was a party of is mapped at the same window again (and its
  // notifications installed, or for self-service its registry and memory capabilities), so the new
  // instance finds the same ring at the same address. A kernel error leaves the component ended.
  [[nodiscard]] Result<void, BrokerError> component_restarted(std::size_t index, Slot task, Slot first_free_slot = 1);
  // What component `index` holds of channel `id` now (NoSuchChannel; NotRegistered when it is no party
  // or its side ended).
  [[nodiscard]] Result<Attachment, BrokerError> attachment(std::uint32_t id, std::size_t index) const;
  // Component events for the audit trail (Restarted, GaveUp; detail: the restart count).
  void audit_component(AuditEvent e, std::size_t index, std::uint8_t detail);

  [[nodiscard]] const AuditLog& audit() const { return audit_; }
  [[nodiscard]] const ChannelRecord* channel(std::uint32_t id) const;
  [[nodiscard]] std::size_t active_channels() const;
  [[nodiscard]] PolicyError last_policy_error() const { return last_policy_; }
  [[nodiscard]] SetupStep last_step() const { return last_step_; }
  [[nodiscard]] KernelError last_kernel_error() const { return last_kernel_; }
  [[nodiscard]] const Policy& policy() const { return policy_; }

private:
  struct Component {
    bool present = false;
    bool alive = false;
    Slot task = 0;
    Slot next_slot = 1;
    std::uint32_t windows = 0;  // bit k: window k in use
    std::uint32_t reserved = 0; // windows never handed out
  };

  [[nodiscard]] Result<ChannelRecord*, BrokerError> begin(std::size_t producer, std::size_t consumer, SetupMode mode,
                                                          const ipc::RingSpec& spec);
  [[nodiscard]] static std::uint32_t lowest_free_window(std::uint32_t used);
  [[nodiscard]] std::uint64_t header_vaddr(const ChannelRecord& c) const;
  void log(AuditEvent e, const ChannelRecord& c, SetupStep step = SetupStep::None, std::uint8_t detail = 0);
  Unexpected<BrokerError> fail(ChannelRecord& c, SetupStep step, KernelError e,
                               BrokerError result = BrokerError::Kernel);
  [[nodiscard]] static ipc::ChannelConfig side_config(const ChannelRecord& c, Side side);
  [[nodiscard]] KResult<void> map_side(ChannelRecord& c, Side side);
  [[nodiscard]] KResult<void> install_side(ChannelRecord& c, Side side);
  [[nodiscard]] KResult<void> grant_side(ChannelRecord& c, Side side);
  [[nodiscard]] KResult<void> reattach(ChannelRecord& c, Side side);
  void set_state_word(ChannelRecord& c, std::uint32_t word);
  // Self-service: the header page and both notifications, through the control names (false when the
  // producer never registered them).
  [[nodiscard]] bool control_parts(ChannelRecord& c);
  // The broker's mapping of page 0 (centralized: kept from setup; self-service: control_parts()).
  [[nodiscard]] void* header_page(ChannelRecord& c);
  void release(ChannelRecord& c);
  void tell_both(ChannelRecord& c);
  void drop(Slot& slot, bool revoke_first);

  KernelOps& ops_;
  const Policy& policy_;
  Slot registry_;
  Component components_[kMaxComponents] = {};
  ChannelRecord channels_[kMaxChannels] = {};
  std::uint32_t next_id_ = 1;
  AuditLog audit_;
  PolicyError last_policy_ = PolicyError::PairNotAllowed;
  SetupStep last_step_ = SetupStep::None;
  KernelError last_kernel_ = KernelError::InvalidSyscall;
};

} // namespace bramble::broker
